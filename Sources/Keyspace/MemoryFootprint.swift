import SwirlBytes

/// What keys and values cost in Swirl's memory (MEMORY USAGE, MEMORY STATS,
/// DEBUG OBJECT), computed from the real layouts rather than measured:
///
/// - every heap block is counted as glibc's malloc sizes it: the request plus
///   an 8-byte header, rounded up to 16, at least 32 bytes;
/// - a Swift array is one block of 32 header bytes plus `capacity` elements of
///   the element's stride (an empty array shares a static storage: 0 bytes);
///   a class instance is one block of 16 header bytes plus its stored properties;
/// - `Bytes` of up to 23 bytes live inline (no block); longer ones are an array;
/// - a key's slot (key, value reference or inline string, expiry, access
///   clock, hash, chain link) is one entry of its database's `ByteTable`; a key
///   is charged its share of that table (entries array and buckets, spare
///   capacity included) divided evenly among the keys.
///
/// Aggregates: the storage arrays are exact; the heap parts of their elements
/// (only elements longer than 23 bytes have one) are summed over the first
/// `samples` elements and extrapolated to all, as Redis samples (0 = all).
public enum MemoryFootprint {
    /// glibc's chunk for a request of `bytes`.
    public static func heapBlock(_ bytes: Int) -> Int { max(32, (bytes + 8 + 15) & ~15) }

    static func arrayBlock(capacity: Int, stride: Int) -> Int {
        capacity == 0 ? 0 : heapBlock(32 + capacity * stride)
    }

    static func objectBlock(fields: Int) -> Int { heapBlock(16 + fields) }

    /// The heap block of a byte string (0 when it is inline).
    public static func heapBytes(_ bytes: Bytes) -> Int {
        bytes.count > Bytes.inlineCapacity ? arrayBlock(capacity: bytes.array.capacity, stride: 1) : 0
    }

    /// The arrays of a `ByteTable`: its entries (keys and values inline) and buckets.
    static func tableBytes<Value>(_ table: ByteTable<Value>) -> Int {
        arrayBlock(capacity: table.entries.capacity, stride: MemoryLayout<ByteTable<Value>.Entry>.stride)
            + arrayBlock(capacity: table.buckets.capacity, stride: MemoryLayout<Int32>.stride)
    }

    /// MEMORY STATS `overhead.hashtable.main`: what the database's table spends
    /// beyond its keys and values (which sit inline in its entries and count as
    /// data): the buckets, each entry's hash, chain link, expiry and access clock,
    /// and the entries array's spare capacity (Redis counts its buckets and
    /// dictEntry structs the same way).
    public static func tableOverhead(_ db: Database) -> Int {
        let inline = MemoryLayout<Bytes>.size + MemoryLayout<RedisValue>.size
        return max(0, tableBytes(db.main) - db.count * inline)
    }

    /// MEMORY USAGE: the key's share of its table, the key's heap block, and its value.
    public static func keyUsage(_ db: Database, _ key: Bytes, _ value: RedisValue, samples: Int) -> Int {
        tableBytes(db.main) / max(1, db.count) + heapBytes(key) + valueBytes(value, samples: samples)
    }

    /// What a value holds outside its slot. One function per type.
    public static func valueBytes(_ value: RedisValue, samples: Int = Int.max) -> Int {
        switch value {
        case .string(let bytes): return heapBytes(bytes)
        case .hash(let hash): return hashBytes(hash, samples: samples)
        case .list(let list): return listBytes(list, samples: samples)
        case .set(let set): return setBytes(set, samples: samples)
        case .sortedSet(let zset): return sortedSetBytes(zset, samples: samples)
        case .stream(let stream): return stream.footprint
        }
    }

    /// A compact sorted set is one array of (member, score); a large one a skip
    /// list (parallel arrays of members, scores, links and levels) plus a table
    /// from member to score. A long member's heap block is shared by the two
    /// (copy on write), so it is counted once.
    static func sortedSetBytes(_ zset: SortedSetValue, samples: Int) -> Int {
        let object = objectBlock(fields: MemoryLayout<Bool>.stride + MemoryLayout<CompactSortedSet>.size
                                 + MemoryLayout<AnyObject?>.size)
        if zset.isCompact { return object + arrayBlock(capacity: zset.compact.entries.bytes.capacity, stride: 1) }
        let list = zset.list
        let members = list.members
        let largeForm = objectBlock(fields: MemoryLayout<SkipList>.size + MemoryLayout<ByteTable<Double>>.size)
        return object + largeForm + list.storageBytes + tableBytes(zset.table)
            + sampled(members.count - 1, samples) { heapBytes(members[$0 + 1]) }
    }

    static func hashBytes(_ hash: HashValue, samples: Int) -> Int {
        let object = objectBlock(fields: MemoryLayout<PackedPairs>.size + MemoryLayout<AnyObject?>.size)
        if let table = hash.table {
            return object + objectBlock(fields: MemoryLayout<ByteTable<Bytes>>.size) + tableBytes(table) + sampled(table.count, samples) {
                heapBytes(table.key(at: $0)) + heapBytes(table.value(at: $0))
            }
        }
        return object + arrayBlock(capacity: hash.packed.bytes.capacity, stride: 1)
    }

    static func listBytes(_ list: ListValue, samples: Int) -> Int {
        let object = objectBlock(fields: MemoryLayout<PackedEntries>.size + MemoryLayout<[Bytes]>.size + 2 * MemoryLayout<Int>.size)
        if list.isPacked { return object + arrayBlock(capacity: list.packedCapacity, stride: 1) }
        return object + arrayBlock(capacity: list.ring.capacity, stride: MemoryLayout<Bytes>.stride)
            + sampled(list.count, samples) { heapBytes(list[$0]) }
    }

    static func setBytes(_ set: SetValue, samples: Int) -> Int {
        let object = objectBlock(fields: 2 * MemoryLayout<Int32>.size + MemoryLayout<[Int64]>.size
                                 + MemoryLayout<PackedEntries>.size + MemoryLayout<AnyObject?>.size)
        switch set.form {
        case .intset:
            return object + arrayBlock(capacity: set.integers.capacity, stride: MemoryLayout<Int64>.stride)
        case .compact:
            return object + arrayBlock(capacity: set.packed.bytes.capacity, stride: 1)
        case .table:
            let table = set.table
            let box = objectBlock(fields: MemoryLayout<ByteTable<Void>>.size)  // the `Box` the table sits in
            return object + box + tableBytes(table) + sampled(table.count, samples) { heapBytes(table.key(at: $0)) }
        }
    }

    /// The sum of `cost` over the first `samples` of `count` elements, scaled to all of them.
    static func sampled(_ count: Int, _ samples: Int, _ cost: (Int) -> Int) -> Int {
        let taken = min(count, max(1, samples))
        guard taken > 0 else { return 0 }
        var total = 0
        for position in 0..<taken { total += cost(position) }
        return taken == count ? total : Int(Double(total) / Double(taken) * Double(count))
    }
}
