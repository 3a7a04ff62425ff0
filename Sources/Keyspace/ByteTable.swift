import SwirlBytes

/// A hash table from byte-string keys to values, the keyspace's dictionary and
/// the large form of hashes.
///
/// Why not `Dictionary`: SCAN needs Redis's guarantee that an element present
/// for a whole iteration is returned at least once, even if the table grows or
/// shrinks in between; that takes power-of-two buckets walked in reverse-binary
/// cursor order, which `Dictionary` does not expose. Entries live in one dense
/// array (removal moves the last entry into the hole), so a random element
/// (RANDOMKEY, HRANDFIELD, expiry sampling) is one index away.
///
/// Invariants: `buckets.count` is zero or a power of two; every entry is on
/// exactly one chain, the one of bucket `hash & (buckets.count - 1)`; `next`
/// is an index into `entries` or -1.
public struct ByteTable<Value> {
    @usableFromInline
    struct Entry {
        @usableFromInline var key: Bytes
        @usableFromInline var value: Value
        @usableFromInline var hash: UInt64
        @usableFromInline var next: Int32
        @usableFromInline init(key: Bytes, value: Value, hash: UInt64, next: Int32) {
            self.key = key
            self.value = value
            self.hash = hash
            self.next = next
        }
    }

    @usableFromInline var entries: [Entry] = []
    @usableFromInline var buckets: [Int32] = []
    @usableFromInline let seed: UInt64

    public init() {
        seed = ByteHash.processSeed
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var bucketCount: Int { buckets.count }

    /// Allocated entry storage not holding an entry. Removal never shrinks the
    /// entry array, so deleting a key whose key and value are inline frees no
    /// allocator bytes: this is where its room went (eviction counts it as freed).
    public var spareBytes: Int { (entries.capacity - entries.count) * MemoryLayout<Entry>.stride }

    // MARK: - Lookup

    /// The position of `key`, valid until the next insertion or removal.
    @inlinable
    public func index(of key: Bytes) -> Int? {
        if buckets.isEmpty { return nil }
        let hash = ByteHash.hash(key, seed: seed)
        var position = Int(buckets[Int(hash & UInt64(buckets.count - 1))])
        while position >= 0 {
            if entries[position].hash == hash && entries[position].key == key { return position }
            position = Int(entries[position].next)
        }
        return nil
    }

    @inlinable
    public subscript(key: Bytes) -> Value? {
        guard let position = index(of: key) else { return nil }
        return entries[position].value
    }

    public func key(at position: Int) -> Bytes { entries[position].key }
    public func value(at position: Int) -> Value { entries[position].value }

    /// Reads part of a value where it lies: unlike `value(at:)`, no copy of the
    /// whole value, so nothing it references is retained (a retain of a cold
    /// 1 KB string's storage was a cache miss per SET).
    @inlinable
    public func readValue<R>(at position: Int, _ body: (Value) -> R) -> R { body(entries[position].value) }

    /// Mutates a value in place, without a copy of it.
    @inlinable
    public mutating func modifyValue<R>(at position: Int, _ body: (inout Value) throws -> R) rethrows -> R {
        try body(&entries[position].value)
    }

    /// A uniformly random entry's position; the generator is the keyspace's
    /// `FastRandom` (`Int.random`'s default asks the kernel on every draw).
    public func randomIndex(using generator: inout some RandomNumberGenerator) -> Int? {
        entries.isEmpty ? nil : Int.random(in: 0..<entries.count, using: &generator)
    }

    /// Keys and values in storage order (not stable across removals).
    public func forEach(_ body: (_ key: Bytes, _ value: Value) throws -> Void) rethrows {
        for entry in entries { try body(entry.key, entry.value) }
    }

    public var keys: [Bytes] { entries.map(\.key) }

    // MARK: - Update

    /// Inserts or replaces; returns true when the key was new.
    @discardableResult
    public mutating func set(_ key: Bytes, _ value: Value) -> Bool {
        if let position = index(of: key) {
            entries[position].value = value
            return false
        }
        insertNew(key, value)
        return true
    }

    /// Inserts a key known to be absent.
    public mutating func insertNew(_ key: Bytes, _ value: Value) {
        if entries.count >= buckets.count { resize(to: max(4, buckets.count * 2)) }
        let hash = ByteHash.hash(key, seed: seed)
        let bucket = Int(hash & UInt64(buckets.count - 1))
        entries.append(Entry(key: key, value: value, hash: hash, next: buckets[bucket]))
        buckets[bucket] = Int32(entries.count - 1)
    }

    @discardableResult
    public mutating func remove(_ key: Bytes) -> Value? {
        guard let position = index(of: key) else { return nil }
        return remove(at: position)
    }

    @discardableResult
    public mutating func remove(at position: Int) -> Value {
        unlink(position)
        let removed = entries[position].value
        let last = entries.count - 1
        if position != last {
            // Move the last entry into the hole and repoint whatever referred to it.
            repoint(from: last, to: position)
            entries.swapAt(position, last)
        }
        entries.removeLast()
        if buckets.count > 4 && entries.count * 8 < buckets.count {
            resize(to: Self.powerOfTwo(atLeast: max(4, entries.count)))
        }
        return removed
    }

    public mutating func removeAll() {
        entries = []
        buckets = []
    }

    // MARK: - SCAN

    /// Visits the entries of the bucket `cursor` names and returns the next
    /// cursor (0 when the iteration is complete), in Redis's reverse-binary order.
    public func scan(cursor: UInt64, _ visit: (_ position: Int) -> Void) -> UInt64 {
        if buckets.isEmpty { return 0 }
        let mask = UInt64(buckets.count - 1)
        var position = Int(buckets[Int(cursor & mask)])
        while position >= 0 {
            visit(position)
            position = Int(entries[position].next)
        }
        var next = cursor | ~mask
        next = Self.reverseBits(Self.reverseBits(next) &+ 1)
        return next
    }

    /// SCAN steps from `cursor` until at least `count` entries were visited or
    /// the iteration is complete (HSCAN, SSCAN); returns the next cursor.
    public func scan(cursor: UInt64, atLeast count: Int, _ visit: (_ position: Int) -> Void) -> UInt64 {
        var next = cursor
        var visited = 0
        repeat {
            next = scan(cursor: next) { position in
                visit(position)
                visited += 1
            }
        } while next != 0 && visited < count
        return next
    }

    /// The same, handing `visit` each entry's key and value.
    public func scanEntries(cursor: UInt64, atLeast count: Int, _ visit: (Bytes, Value) -> Void) -> UInt64 {
        scan(cursor: cursor, atLeast: count) { visit(entries[$0].key, entries[$0].value) }
    }

    // MARK: - Internals

    private mutating func unlink(_ position: Int) {
        let bucket = Int(entries[position].hash & UInt64(buckets.count - 1))
        let next = entries[position].next
        if Int(buckets[bucket]) == position {
            buckets[bucket] = next
            return
        }
        var cursor = Int(buckets[bucket])
        while Int(entries[cursor].next) != position { cursor = Int(entries[cursor].next) }
        entries[cursor].next = next
    }

    private mutating func repoint(from old: Int, to new: Int) {
        let bucket = Int(entries[old].hash & UInt64(buckets.count - 1))
        if Int(buckets[bucket]) == old {
            buckets[bucket] = Int32(new)
            return
        }
        var cursor = Int(buckets[bucket])
        while Int(entries[cursor].next) != old { cursor = Int(entries[cursor].next) }
        entries[cursor].next = Int32(new)
    }

    private mutating func resize(to size: Int) {
        buckets = [Int32](repeating: -1, count: size)
        let mask = UInt64(size - 1)
        for position in entries.indices {
            let bucket = Int(entries[position].hash & mask)
            entries[position].next = buckets[bucket]
            buckets[bucket] = Int32(position)
        }
    }

    static func powerOfTwo(atLeast n: Int) -> Int {
        var size = 1
        while size < n { size <<= 1 }
        return size
    }

    static func reverseBits(_ value: UInt64) -> UInt64 {
        var v = value
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }
}
