import SwirlBytes

/// A Redis list. A small one (at most `maxPackedCount` elements of at most
/// `maxPackedElementLength` bytes) is packed in one byte buffer; a
/// list that outgrows that moves to a ring buffer of elements (a deque), so
/// pushes and pops at either end are O(1) amortized and indexing is O(1).
/// Redis 7.0 keeps lists in a quicklist of listpacks; the order and every reply
/// are the same. Positions are 0 (head, LEFT) ..< count (tail, RIGHT).
///
/// Invariant: the list is packed exactly when `ring` is empty (an emptied list
/// starts packed again).
public final class ListValue: RandomAccessCollection {
    static let maxPackedCount = 128
    static let maxPackedElementLength = 64

    private var packed = PackedEntries()
    /// Storage whose size is 0 or a power of two; unused slots hold an empty `Bytes`.
    private(set) var ring: [Bytes] = []
    /// Storage position of element 0.
    private var head = 0
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence>(_ elements: S) where S.Element == Bytes {
        for element in elements { pushBack(element) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public var isEmpty: Bool { count == 0 }

    public var isPacked: Bool { ring.isEmpty }
    /// The packed form's buffer size, for MEMORY USAGE.
    var packedCapacity: Int { packed.bytes.capacity }

    private static func fitsPacked(_ element: Bytes) -> Bool { element.count <= maxPackedElementLength }

    private func canPack(_ element: Bytes) -> Bool {
        count < Self.maxPackedCount && Self.fitsPacked(element)
    }

    private func packedElement(at position: Int) -> Bytes {
        packed.withPayload(at: position, count: count) { Bytes(copying: $0) }
    }

    private func packedInsert(_ element: Bytes, at position: Int) {
        packed.insert(at: position, count: count, length: element.count) { room in
            element.withUnsafeBytes { room.copyMemory(from: $0) }
        }
        count += 1
    }

    private func packedRemove(at position: Int) -> Bytes {
        let element = packedElement(at: position)
        packed.removeSubrange(position..<(position + 1), count: count)
        count -= 1
        return element
    }

    @inline(__always)
    private func slot(_ position: Int) -> Int { (head + position) & (ring.count - 1) }

    public subscript(position: Int) -> Bytes {
        get {
            precondition(position >= 0 && position < count, "list index out of range")
            if isPacked { return packedElement(at: position) }
            return ring[slot(position)]
        }
        set {
            precondition(position >= 0 && position < count, "list index out of range")
            if isPacked {
                if Self.fitsPacked(newValue) {
                    return packed.replace(at: position, count: count, length: newValue.count) { room in
                        newValue.withUnsafeBytes { room.copyMemory(from: $0) }
                    }
                }
                unpack()
            }
            ring[slot(position)] = newValue
        }
    }

    public func pushFront(_ element: Bytes) {
        if isPacked {
            if canPack(element) { return packedInsert(element, at: 0) }
            unpack()
        }
        growIfFull()
        head = (head - 1) & (ring.count - 1)
        ring[head] = element
        count += 1
    }

    public func pushBack(_ element: Bytes) {
        if isPacked {
            if canPack(element) { return packedInsert(element, at: count) }
            unpack()
        }
        growIfFull()
        ring[slot(count)] = element
        count += 1
    }

    @discardableResult
    public func popFront() -> Bytes? {
        guard count > 0 else { return nil }
        if isPacked { return packedRemove(at: 0) }
        let element = ring[head]
        ring[head] = Bytes()
        head = (head + 1) & (ring.count - 1)
        count -= 1
        shrinkIfSparse()
        return element
    }

    @discardableResult
    public func popBack() -> Bytes? {
        guard count > 0 else { return nil }
        if isPacked { return packedRemove(at: count - 1) }
        let position = slot(count - 1)
        let element = ring[position]
        ring[position] = Bytes()
        count -= 1
        shrinkIfSparse()
        return element
    }

    /// Inserts `element` so it ends at `position` (0...count), shifting the shorter side.
    public func insert(_ element: Bytes, at position: Int) {
        precondition(position >= 0 && position <= count, "list index out of range")
        if position == 0 { return pushFront(element) }
        if position == count { return pushBack(element) }
        if isPacked {
            if canPack(element) { return packedInsert(element, at: position) }
            unpack()
        }
        if position < count / 2 {
            pushFront(self[0])
            for index in 1..<position { self[index] = self[index + 1] }
            self[position] = element
        } else {
            pushBack(self[count - 1])
            var index = count - 2
            while index > position {
                self[index] = self[index - 1]
                index -= 1
            }
            self[position] = element
        }
    }

    /// Removes `left` elements from the head and `right` from the tail (LTRIM).
    public func trim(left: Int, right: Int) {
        if left + right >= count {
            removeAll()
            return
        }
        if isPacked {
            packed.removeSubrange((count - right)..<count, count: count)
            packed.removeSubrange(0..<left, count: count - right)
            count -= left + right
            return
        }
        for _ in 0..<left { popFront() }
        for _ in 0..<right { popBack() }
    }

    /// Removes up to `limit` elements equal to `element` (0: all), from the
    /// head, or from the tail when `fromTail`; returns how many (LREM).
    public func remove(_ element: Bytes, limit: Int, fromTail: Bool) -> Int {
        var kept: [Bytes] = []
        kept.reserveCapacity(count)
        var removed = 0
        if fromTail {
            for position in stride(from: count - 1, through: 0, by: -1) {
                let value = self[position]
                if value == element && (limit == 0 || removed < limit) { removed += 1 } else { kept.append(value) }
            }
            kept.reverse()
        } else {
            for value in self {
                if value == element && (limit == 0 || removed < limit) { removed += 1 } else { kept.append(value) }
            }
        }
        if removed > 0 { replaceAll(with: kept) }
        return removed
    }

    public func removeAll() {
        packed.removeAll()
        ring = []
        head = 0
        count = 0
    }

    public func duplicate() -> ListValue {
        let copy = ListValue()
        copy.packed = packed
        copy.ring = ring
        copy.head = head
        copy.count = count
        return copy
    }

    private func replaceAll(with elements: [Bytes]) {
        removeAll()
        if elements.count <= Self.maxPackedCount && elements.allSatisfy(Self.fitsPacked) {
            for element in elements { packedInsert(element, at: count) }
        } else {
            fillRing(with: elements)
        }
    }

    /// Moves a packed list to the ring, before a change the packed form cannot hold.
    private func unpack() {
        let elements = Array(self)
        removeAll()
        fillRing(with: elements)
    }

    /// Makes `elements` the ring of an emptied list.
    private func fillRing(with elements: [Bytes]) {
        guard !elements.isEmpty else { return }
        var capacity = 4
        while capacity < elements.count { capacity <<= 1 }
        ring = elements + Array(repeating: Bytes(), count: capacity - elements.count)
        count = elements.count
    }

    private func growIfFull() {
        guard count == ring.count else { return }
        resize(to: Swift.max(4, ring.count * 2))
    }

    /// Gives memory back once a list drained to an eighth of its storage.
    private func shrinkIfSparse() {
        if count == 0 {
            if ring.count > 64 { removeAll() } else { head = 0 }
            return
        }
        if ring.count > 64 && count * 8 <= ring.count { resize(to: ring.count / 4) }
    }

    private func resize(to capacity: Int) {
        if capacity > ring.count { return grow(to: capacity) }
        var storage: [Bytes] = []
        storage.reserveCapacity(capacity)
        for position in 0..<count { storage.append(ring[slot(position)]) }
        storage.append(contentsOf: repeatElement(Bytes(), count: capacity - count))
        ring = storage
        head = 0
    }

    /// Grows without copying elements one by one: the array grows in place (its
    /// elements move with it, no retain or release each), then the shorter of
    /// the ring's two runs, when it wraps around, is swapped into the new space.
    private func grow(to capacity: Int) {
        let old = ring.count
        ring.append(contentsOf: repeatElement(Bytes(), count: capacity - old))
        let wrapped = head + count - old  // elements at storage 0..<wrapped, after those at head..<old
        guard wrapped > 0 else { return }
        if wrapped <= old - head {
            for index in 0..<wrapped { ring.swapAt(index, old + index) }
        } else {
            let shift = capacity - old
            for index in stride(from: old - 1, through: head, by: -1) { ring.swapAt(index, index + shift) }
            head += shift
        }
    }
}
