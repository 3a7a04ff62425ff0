import Keyspace
import RESP
import SwirlBytes

/// DEBUG DIGEST and DEBUG DIGEST-VALUE: SHA-1 signatures of the dataset and
/// of values. Swirl's own scheme, so the hex strings differ from Redis's; what
/// holds is what tests rely on: equal datasets give equal digests whatever
/// the insertion order or internal form (a set as intset or table, a hash
/// compact or not), any change to a key, value or expiry changes the digest,
/// and an empty dataset (or a missing key) gives 40 zeros, as in Redis.
///
/// Every part is hashed with its length in front, so `["ab", "c"]` and
/// `["a", "bc"]` differ. Unordered collections (the keys of a database,
/// set members, hash fields) are combined by XOR, which ignores order; lists
/// are hashed in order. One function per value type.
enum ValueDigest {
    static let zero = [UInt8](repeating: 0, count: 20)

    /// SHA-1 of length-prefixed parts.
    static func hash(_ parts: [Bytes]) -> [UInt8] {
        var sha = SHA1()
        for part in parts { feed(&sha, part) }
        return sha.finish()
    }

    private static func feed(_ sha: inout SHA1, _ part: Bytes) {
        sha.update(ByteNumbers.decimal(Int64(part.count)).array + [UInt8(ascii: ":")])
        part.withUnsafeBytes { sha.update($0) }
    }

    static func combine(_ total: inout [UInt8], _ digest: [UInt8]) {
        for index in 0..<20 { total[index] ^= digest[index] }
    }

    static func ofValue(_ value: RedisValue) -> [UInt8] {
        switch value {
        case .string(let bytes): return hash(["string", bytes])
        case .list(let list): return ofList(list)
        case .hash(let hash): return ofHash(hash)
        case .set(let set): return ofSet(set)
        case .sortedSet(let zset): return ofSortedSet(zset)
        case .stream(let stream): return ofStream(stream)
        }
    }

    /// Entries in order (ID, fields and values), then the last ID and each
    /// group's name and last ID: Swirl's own digest, like every one here.
    static func ofStream(_ stream: StreamValue) -> [UInt8] {
        var sha = SHA1()
        feed(&sha, "stream")
        stream.forEach(from: .zero, to: .max) { entry in
            feed(&sha, entry.id.bytes)
            for item in entry.pairs { feed(&sha, item) }
            return true
        }
        feed(&sha, stream.lastID.bytes)
        for group in stream.sortedGroups {
            feed(&sha, group.name)
            feed(&sha, group.lastID.bytes)
        }
        return sha.finish()
    }

    /// Members with their scores (printed as ZSCORE prints them), in any order.
    static func ofSortedSet(_ zset: SortedSetValue) -> [UInt8] {
        var total = zero
        zset.forEach { member, score in combine(&total, hash([member, Bytes(ByteNumbers.formatDouble(score))])) }
        return hash(["zset", Bytes(total)])
    }

    static func ofList(_ list: ListValue) -> [UInt8] {
        var sha = SHA1()
        feed(&sha, "list")
        for element in list { feed(&sha, element) }
        return sha.finish()
    }

    static func ofHash(_ hash: HashValue) -> [UInt8] {
        var total = zero
        hash.forEach { field, value in combine(&total, Self.hash([field, value])) }
        return Self.hash(["hash", Bytes(total)])
    }

    static func ofSet(_ set: SetValue) -> [UInt8] {
        var total = zero
        set.forEach { member in combine(&total, hash([member])) }
        return hash(["set", Bytes(total)])
    }

    /// A key: its name, its value's digest and its expiry time.
    static func ofKey(_ key: Bytes, _ slot: Slot) -> [UInt8] {
        let expiry: Bytes = slot.hasExpiry ? ByteNumbers.decimal(slot.expireAt) : "persistent"
        return hash([key, Bytes(ofValue(slot.value)), expiry])
    }

    /// The whole dataset: each non-empty database's keys combined, with its number.
    /// Keys whose time has passed but are not deleted yet are left out.
    static func ofDataset(_ keyspace: Keyspace) -> [UInt8] {
        var total = zero
        let now = keyspace.now
        for db in keyspace.databases where db.count > 0 {
            var keys = zero
            db.forEachKey { key, slot in
                if !slot.hasExpiry || slot.expireAt >= now { combine(&keys, ofKey(key, slot)) }
            }
            if keys != zero { combine(&total, hash([ByteNumbers.decimal(Int64(db.id)), Bytes(keys)])) }
        }
        return total
    }
}
