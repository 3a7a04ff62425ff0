import Keyspace
import SwirlBytes

/// Reads the RDB format (version 10 and earlier) that Redis 7 writes as the
/// base file of its AOF (`aof-use-rdb-preamble yes`, the default), so a Redis
/// AOF directory loads in Swirl. It reads the types Swirl has: strings,
/// hashes (plain, ziplist and listpack encodings), sets (plain, intset and
/// listpack), sorted sets (text or binary scores, ziplist and listpack) and
/// streams (RDBReader+Stream.swift);
/// other types stop the load
/// with a clear message rather than losing them silently.
///
/// The byte-level pieces: lengths (6, 14, 32 or 64 bits), strings (raw,
/// integer-encoded or LZF-compressed), listpacks and ziplists.
public struct RDBReader {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// What a loaded key carries.
    public struct Entry {
        public let db: Int
        public let key: Bytes
        public let value: Value
        /// Unix milliseconds, or nil.
        public let expireAt: Int64?
    }

    public enum Value {
        case string(Bytes)
        case hash([(Bytes, Bytes)])
        case set([Bytes])
        case list([Bytes])
        case sortedSet([(Bytes, Double)])
        case stream(StreamValue)
    }

    let bytes: [UInt8]
    /// How far the reader got: just past the EOF opcode once `read` returns.
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every key of the file, in order, handed to `body`.
    public mutating func read(_ body: (Entry) throws -> Void) throws {
        guard bytes.count >= 9, bytes.starts(with: Array("REDIS".utf8)),
              let version = Int(String(decoding: bytes[5..<9], as: UTF8.self)), version <= 10 else {
            throw Failure("not an RDB file of version 10 or earlier")
        }
        position = 9
        var db = 0
        var expireAt: Int64? = nil
        while true {
            let opcode = try byte()
            switch opcode {
            case 0xFF:  // EOF, then an 8-byte checksum we do not verify (Redis may write zero)
                return
            case 0xFE:
                db = try length()
            case 0xFB:
                _ = try length(); _ = try length()  // RESIZEDB: size hints
            case 0xFA:
                _ = try string(); _ = try string()  // AUX field
            case 0xFC:
                expireAt = Int64(bitPattern: try littleEndian(8))
            case 0xFD:
                expireAt = Int64(try littleEndian(4)) * 1000
            case 0xF8:
                _ = try length()  // IDLE (LRU)
            case 0xF9:
                _ = try byte()  // FREQ (LFU)
            case 0xF5, 0xF6, 0xF7:
                throw Failure("the RDB holds functions or module data, which Swirl does not support")
            default:
                let key = try string()
                let value = try self.value(type: opcode)
                try body(Entry(db: db, key: key, value: value, expireAt: expireAt))
                expireAt = nil
            }
        }
    }

    // MARK: - Values

    private mutating func value(type: UInt8) throws -> Value {
        switch type {
        case 0:
            return .string(try string())
        case 4:  // hash as a hashtable: field and value strings
            let count = try length()
            var pairs: [(Bytes, Bytes)] = []
            for _ in 0..<count { pairs.append((try string(), try string())) }
            return .hash(pairs)
        case 2:  // set as a hashtable: member strings
            let count = try length()
            var members: [Bytes] = []
            members.reserveCapacity(min(count, 1 << 16))
            for _ in 0..<count { members.append(try string()) }
            return .set(members)
        case 11:  // set as an intset
            return .set(try Self.intsetMembers(try string().array))
        case 20:  // set as a listpack (Redis 7.2)
            return .set(try Listpack.elements(try string().array))
        case 13:  // hash as a ziplist
            return .hash(try pairs(Ziplist.elements(try string().array)))
        case 16:  // hash as a listpack
            return .hash(try pairs(Listpack.elements(try string().array)))
        case 3:  // sorted set, scores as text (RDB_TYPE_ZSET)
            let count = try length()
            var entries: [(Bytes, Double)] = []
            for _ in 0..<count { entries.append((try string(), try textScore())) }
            return .sortedSet(entries)
        case 5:  // sorted set, scores as binary doubles (RDB_TYPE_ZSET_2)
            let count = try length()
            var entries: [(Bytes, Double)] = []
            entries.reserveCapacity(min(count, 1 << 16))
            for _ in 0..<count {
                let member = try string()
                let score = Double(bitPattern: try littleEndian(8))
                guard !score.isNaN else { throw Failure("a sorted set with a NaN score") }
                entries.append((member, score))
            }
            return .sortedSet(entries)
        case 12:  // sorted set as a ziplist
            return .sortedSet(try scored(Ziplist.elements(try string().array)))
        case 17:  // sorted set as a listpack
            return .sortedSet(try scored(Listpack.elements(try string().array)))
        case 1:  // list as a linked list: element strings
            let count = try length()
            var elements: [Bytes] = []
            elements.reserveCapacity(min(count, 1 << 16))
            for _ in 0..<count { elements.append(try string()) }
            return .list(elements)
        case 10:  // list as one ziplist
            return .list(try Ziplist.elements(try string().array))
        case 14:  // quicklist of ziplists
            let nodes = try length()
            var elements: [Bytes] = []
            for _ in 0..<nodes { elements += try Ziplist.elements(try string().array) }
            return .list(elements)
        case 18:  // quicklist of listpacks (Redis 7.0): each node is plain (one big element) or packed
            let nodes = try length()
            var elements: [Bytes] = []
            for _ in 0..<nodes {
                let container = try length()
                let blob = try string()
                switch container {
                case 1: elements.append(blob)
                case 2: elements += try Listpack.elements(blob.array)
                default: throw Failure("a quicklist node of unknown container type \(container)")
                }
            }
            return .list(elements)
        case 15, 19, 21:  // streams: RDB_TYPE_STREAM_LISTPACKS, _2 (Redis 7.0) and _3 (7.2)
            return .stream(try stream(type: type))
        default:
            throw Failure("the RDB holds a value of type \(type) (modules are not supported)")
        }
    }

    /// An intset blob: element width (2, 4 or 8) and count as little-endian
    /// UInt32s, then the sorted signed integers, little-endian.
    static func intsetMembers(_ blob: [UInt8]) throws -> [Bytes] {
        func word(_ at: Int, _ width: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<width { value |= UInt64(blob[at + index]) << (8 * UInt64(index)) }
            return value
        }
        guard blob.count >= 8 else { throw Failure("an intset shorter than its header") }
        let width = Int(word(0, 4)), count = Int(word(4, 4))
        guard width == 2 || width == 4 || width == 8, blob.count == 8 + width * count else {
            throw Failure("a malformed intset")
        }
        return (0..<count).map { index in
            let raw = word(8 + index * width, width)
            let value: Int64
            switch width {
            case 2: value = Int64(Int16(truncatingIfNeeded: raw))
            case 4: value = Int64(Int32(truncatingIfNeeded: raw))
            default: value = Int64(bitPattern: raw)
            }
            return Bytes(String(value))
        }
    }

    private func pairs(_ elements: [Bytes]) throws -> [(Bytes, Bytes)] {
        guard elements.count % 2 == 0 else { throw Failure("a hash with an odd number of elements") }
        return stride(from: 0, to: elements.count, by: 2).map { (elements[$0], elements[$0 + 1]) }
    }

    /// Alternating members and scores (as text or integers) of a compact sorted set.
    private func scored(_ elements: [Bytes]) throws -> [(Bytes, Double)] {
        guard elements.count % 2 == 0 else { throw Failure("a sorted set with an odd number of elements") }
        return try stride(from: 0, to: elements.count, by: 2).map { (elements[$0], try Self.score(elements[$0 + 1])) }
    }

    /// A score written as text (`%.17g`, `inf`, `-inf`), never NaN.
    static func score(_ text: Bytes) throws -> Double {
        guard let value = Double(String(decoding: text.array, as: UTF8.self)), !value.isNaN else {
            throw Failure("a sorted-set score that is not a number")
        }
        return value
    }

    /// The old text score: a length byte (253 NaN, 254 +inf, 255 -inf) then the text.
    private mutating func textScore() throws -> Double {
        switch try byte() {
        case 253: throw Failure("a sorted set with a NaN score")
        case 254: return .infinity
        case 255: return -.infinity
        case let count: return try Self.score(Bytes(Array(try take(Int(count)))))
        }
    }

    // MARK: - Primitives

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Failure("unexpected end of the RDB file") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position + count <= bytes.count else { throw Failure("unexpected end of the RDB file") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func littleEndian(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (shift, byte) in try take(count).enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
        return value
    }

    mutating func bigEndian(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for byte in try take(count) { value = value << 8 | UInt64(byte) }
        return value
    }

    /// A length, or for strings the special encodings (returned as `encoding`).
    mutating func lengthOrEncoding() throws -> (length: Int, encoding: UInt8?) {
        let first = try byte()
        switch first >> 6 {
        case 0: return (Int(first & 0x3F), nil)
        case 1: return (Int(first & 0x3F) << 8 | Int(try byte()), nil)
        case 3: return (0, first & 0x3F)
        default:
            switch first {
            case 0x80: return (Int(try bigEndian(4)), nil)
            case 0x81:
                let value = try bigEndian(8)
                guard value <= UInt64(Int.max) else { throw Failure("a length out of range") }
                return (Int(value), nil)
            default: throw Failure("an unknown length encoding \(first)")
            }
        }
    }

    mutating func length() throws -> Int {
        let (length, encoding) = try lengthOrEncoding()
        guard encoding == nil else { throw Failure("a string encoding where a length belongs") }
        return length
    }

    mutating func string() throws -> Bytes {
        let (count, encoding) = try lengthOrEncoding()
        switch encoding {
        case nil:
            return Bytes(Array(try take(count)))
        case 0:
            return decimal(Int64(Int8(bitPattern: try byte())))
        case 1:
            return decimal(Int64(Int16(truncatingIfNeeded: try littleEndian(2))))
        case 2:
            return decimal(Int64(Int32(truncatingIfNeeded: try littleEndian(4))))
        case 3:
            let compressed = try length(), original = try length()
            return Bytes(try LZF.decompress(Array(try take(compressed)), length: original))
        default:
            throw Failure("an unknown string encoding \(encoding!)")
        }
    }

    private func decimal(_ value: Int64) -> Bytes { Bytes(String(value)) }
}
