import Keyspace
import RESP
import SwirlBytes

/// Values, built straight into the keyspace's types (which pick their own
/// form by size, as Redis converts on load). Duplicate members or fields
/// are corrupt data, as in Redis; an empty collection is skipped (nil).
extension RDBReader {
    public mutating func value(type: UInt8) throws -> RedisValue? {
        switch type {
        case RDBFormat.string:
            return .string(try string())
        case RDBFormat.listLinked:
            let count = try self.count()
            var elements: [Bytes] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try string()) }
            return list(elements)
        case RDBFormat.listZiplist:
            return list(try Ziplist.elements(try blob()))
        case RDBFormat.listQuicklist, RDBFormat.listQuicklist2:
            let nodes = try self.count()
            var elements: [Bytes] = []
            for _ in 0..<nodes {
                if type == RDBFormat.listQuicklist {
                    elements += try Ziplist.elements(try blob())
                    continue
                }
                let container = try length()
                switch container {
                case RDBFormat.plainNode: elements.append(try string())
                case RDBFormat.packedNode: elements += try Listpack.elements(try blob())
                default: throw Failure("Quicklist integrity check failed.")
                }
            }
            return list(elements)
        case RDBFormat.set:
            let count = try self.count()
            var members: [Bytes] = []
            members.reserveCapacity(count)
            for _ in 0..<count { members.append(try string()) }
            return try set(members)
        case RDBFormat.setIntset:
            let integers = try Self.intsetIntegers(try blob())
            if integers.isEmpty { return nil }
            if let set = SetValue(sortedIntegers: integers) { return .set(set) }
            return try set(integers.map(SetValue.bytes))  // unsorted, or past set-max-intset-entries
        case RDBFormat.setListpack:
            return try set(try Listpack.elements(try blob()))
        case RDBFormat.zsetText, RDBFormat.zsetBinary:
            let count = try self.count()
            var entries: [(Bytes, Double)] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let member = try string()
                let score = type == RDBFormat.zsetText ? try textScore() : Double(bitPattern: try littleEndian(8))
                guard !score.isNaN else { throw Failure("Zset with NAN score detected") }
                entries.append((member, score))
            }
            return try sortedSet(entries)
        case RDBFormat.zsetZiplist:
            return try sortedSet(try scored(Ziplist.elements(try blob())))
        case RDBFormat.zsetListpack:
            return try sortedSet(try scored(Listpack.elements(try blob())))
        case RDBFormat.hash:
            let count = try self.count()
            var pairs: [(Bytes, Bytes)] = []
            pairs.reserveCapacity(count)
            for _ in 0..<count { pairs.append((try string(), try string())) }
            return try hash(pairs)
        case RDBFormat.hashZipmap:
            return try hash(pairs(Zipmap.elements(try blob())))
        case RDBFormat.hashZiplist:
            return try hash(pairs(Ziplist.elements(try blob())))
        case RDBFormat.hashListpack:
            return try hash(pairs(Listpack.elements(try blob())))
        case RDBFormat.streamListpacks, RDBFormat.streamListpacks2, RDBFormat.streamListpacks3:
            return .stream(try stream(type: type))
        case RDBFormat.module, RDBFormat.moduleOld:
            throw Failure("the RDB holds a module value, which Swirl does not support")
        default:
            throw Failure("Unknown RDB encoding type \(type)")
        }
    }

    // MARK: - Building values

    private func list(_ elements: [Bytes]) -> RedisValue? {
        elements.isEmpty ? nil : .list(ListValue(elements))
    }

    private func set(_ members: [Bytes]) throws -> RedisValue? {
        guard !members.isEmpty else { return nil }
        let set = SetValue()
        for member in members where !set.add(member) { throw Failure("Duplicate set members detected") }
        return .set(set)
    }

    private func hash(_ pairs: [(Bytes, Bytes)]) throws -> RedisValue? {
        guard !pairs.isEmpty else { return nil }
        let hash = HashValue()
        for (field, value) in pairs where !hash.set(field, value) { throw Failure("Duplicate hash fields detected") }
        return .hash(hash)
    }

    private func sortedSet(_ entries: [(Bytes, Double)]) throws -> RedisValue? {
        guard !entries.isEmpty else { return nil }
        let longest = entries.reduce(0) { max($0, $1.0.count) }
        let zset = SortedSetValue(expectedCount: entries.count, longestMember: longest)
        for (member, score) in entries {
            guard zset.score(of: member) == nil else { throw Failure("Duplicate zset fields detected") }
            zset.insert(member, score)
        }
        return .sortedSet(zset)
    }

    // MARK: - Compact encodings

    /// An intset blob: element width (2, 4 or 8) and count as little-endian
    /// UInt32s, then the sorted signed integers, little-endian.
    static func intsetMembers(_ blob: [UInt8]) throws -> [Bytes] {
        try intsetIntegers(blob).map(SetValue.bytes)
    }

    static func intsetIntegers(_ blob: [UInt8]) throws -> [Int64] {
        guard blob.count >= 8 else { throw Failure("Intset integrity check failed.") }
        let width = Int(CompactBlob.signedLittleEndian(blob, 0, 4)), count = Int(CompactBlob.signedLittleEndian(blob, 4, 4))
        guard width == 2 || width == 4 || width == 8, count >= 0, blob.count == 8 + width * count else {
            throw Failure("Intset integrity check failed.")
        }
        return (0..<count).map { CompactBlob.signedLittleEndian(blob, 8 + $0 * width, width) }
    }

    private func pairs(_ elements: [Bytes]) throws -> [(Bytes, Bytes)] {
        guard elements.count % 2 == 0 else { throw Failure("Hash ziplist integrity check failed.") }
        return stride(from: 0, to: elements.count, by: 2).map { (elements[$0], elements[$0 + 1]) }
    }

    /// Alternating members and scores (as text or integers) of a compact sorted set.
    private func scored(_ elements: [Bytes]) throws -> [(Bytes, Double)] {
        guard elements.count % 2 == 0 else { throw Failure("Zset ziplist integrity check failed.") }
        return try stride(from: 0, to: elements.count, by: 2).map { (elements[$0], try Self.score(elements[$0 + 1])) }
    }

    /// A score written as text (`%.17g`, `inf`, `-inf`), never NaN.
    static func score(_ text: Bytes) throws -> Double {
        guard let value = ByteNumbers.parseDouble(text), !value.isNaN else {
            throw Failure("Zset with an invalid score detected")
        }
        return value
    }

    /// The old text score: a length byte (253 NaN, 254 +inf, 255 -inf) then the text.
    private mutating func textScore() throws -> Double {
        switch try byte() {
        case 253: throw Failure("Zset with NAN score detected")
        case 254: return .infinity
        case 255: return -.infinity
        case let count:
            let range = try take(Int(count))
            return try Self.score(Bytes(Array(bytes[range])))
        }
    }
}

/// Zipmap, the compact hash encoding of RDB files before Redis 2.6: a count
/// byte, then per entry the field's length and bytes, the value's length, a
/// count of free bytes, the value and the free bytes; 0xFF ends it. A length
/// below 254 is one byte; 254 is followed by four (little-endian).
enum Zipmap {
    static func elements(_ blob: [UInt8]) throws -> [Bytes] {
        var index = 1
        var elements: [Bytes] = []
        func need(_ n: Int) throws { try CompactBlob.need(n, at: index, in: blob, "zipmap") }
        func length() throws -> Int? {
            try need(1)
            let first = blob[index]
            if first == 0xFF { return nil }
            if first < 254 {
                index += 1
                return Int(first)
            }
            try need(5)
            defer { index += 5 }
            return Int(CompactBlob.signedLittleEndian(blob, index + 1, 4) & 0xFFFF_FFFF)
        }
        while let fieldLength = try length() {
            try need(fieldLength)
            elements.append(Bytes(Array(blob[index..<(index + fieldLength)])))
            index += fieldLength
            guard let valueLength = try length() else { throw RDBReader.Failure("Zipmap integrity check failed.") }
            try need(1)
            let free = Int(blob[index])
            index += 1
            try need(valueLength + free)
            elements.append(Bytes(Array(blob[index..<(index + valueLength)])))
            index += valueLength + free
        }
        return elements
    }
}
