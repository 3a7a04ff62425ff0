import Keyspace
import RESP
import SwirlBytes

/// Reads RDB files of version 10 and earlier: dump.rdb, the RDB base file of
/// a Redis 7 AOF, and (through `value(type:)`) DUMP payloads. Every encoding
/// Redis 7.0 writes or still reads for strings, lists, sets, sorted sets and
/// hashes loads (RDBReader+Values.swift); streams, modules and functions
/// stop the load with a message naming them rather than losing them silently.
public struct RDBReader {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// What a loaded key carries.
    public struct Entry {
        public let db: Int
        public let key: Bytes
        public let value: RedisValue
        /// Unix milliseconds, or nil.
        public let expireAt: Int64?
        /// The LRU idle seconds or the LFU counter the file recorded, if any.
        public let idleSeconds: Int?
        public let frequency: UInt8?

        /// Stores the key in `db` with its expiry, and its idle time or
        /// frequency when `tracking` records that one (as Redis's rdbLoad).
        public func store(in db: Database, tracking: AccessTracking, now: Int64) {
            db.set(key, value)
            if let when = expireAt { db.setExpire(key, at: when) }
            switch tracking {
            case .recency:
                if let idle = idleSeconds { db.setAccess(key, AccessClock.stamp(idleSeconds: Int64(idle), milliseconds: now)) }
            case .frequency:
                if let frequency { db.setAccess(key, AccessClock.stamp(frequency: frequency, milliseconds: now)) }
            }
        }
    }

    let bytes: [UInt8]
    /// How far the reader got: just past the checksum once `read` returns.
    public internal(set) var position = 0
    /// The aux fields met so far, in order.
    public private(set) var aux: [(String, Bytes)] = []
    /// The RDB version of the file.
    public private(set) var version = 0
    /// Empty collections met (Redis skips them with a warning).
    public private(set) var emptyKeysSkipped = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every key of the file, in order, handed to `body`; then the trailer's
    /// checksum is checked (unless it is zero: written with `rdbchecksum no`).
    /// `sizeHint` hears each RESIZEDB (database, keys, keys with an expiry) before that database's keys.
    public mutating func read(verifyChecksum: Bool = true, sizeHint: (Int, Int, Int) -> Void = { _, _, _ in },
                              _ body: (Entry) throws -> Void) throws {
        guard bytes.count >= 9, bytes.starts(with: Array("REDIS".utf8)),
              let version = Int(String(decoding: bytes[5..<9], as: UTF8.self)), version >= 1 else {
            throw Failure("Wrong signature trying to load DB from file")
        }
        guard version <= Int(RDBFormat.version) else { throw Failure("Can't handle RDB format version \(version)") }
        self.version = version
        position = 9
        var db = 0
        var expireAt: Int64? = nil
        var idle: Int? = nil
        var frequency: UInt8? = nil
        while true {
            let opcode = try byte()
            switch opcode {
            case RDBFormat.eof:
                try checkTrailer(verify: verifyChecksum)
                return
            case RDBFormat.selectDB:
                db = try length()
            case RDBFormat.resizeDB:
                let keys = try length(), volatile = try length()
                sizeHint(db, keys, volatile)
            case RDBFormat.aux:
                let name = try string(), value = try string()
                aux.append((String(decoding: name.array, as: UTF8.self), value))
            case RDBFormat.expireMilliseconds:
                expireAt = Int64(bitPattern: try littleEndian(8))
            case RDBFormat.expireSeconds:
                expireAt = Int64(Int32(truncatingIfNeeded: try littleEndian(4))) * 1000
            case RDBFormat.idle:
                idle = try length()
            case RDBFormat.frequency:
                frequency = try byte()
            case RDBFormat.function2, RDBFormat.function:
                throw Failure("the RDB holds function libraries, which Swirl does not support")
            case RDBFormat.moduleAux:
                throw Failure("the RDB holds module data, which Swirl does not support")
            default:
                let key = try string()
                if let value = try self.value(type: opcode) {
                    try body(Entry(db: db, key: key, value: value, expireAt: expireAt, idleSeconds: idle, frequency: frequency))
                } else {
                    emptyKeysSkipped += 1
                }
                expireAt = nil
                idle = nil
                frequency = nil
            }
        }
    }

    /// The 8-byte CRC-64 after EOF (files of version 5 on).
    private mutating func checkTrailer(verify: Bool) throws {
        guard version >= 5 else { return }
        let checksummed = position
        let expected = try littleEndian(8)
        guard verify, expected != 0 else { return }
        let actual = CRC64.update(0, bytes[0..<checksummed])
        if actual != expected {
            throw Failure("Wrong RDB checksum expected: (\(hex(expected))) got (\(hex(actual))). Aborting now.")
        }
    }

    private func hex(_ value: UInt64) -> String { String(value, radix: 16) }

    // MARK: - Primitives

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Failure("Unexpected EOF reading RDB file") }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws -> Range<Int> {
        guard count >= 0, count <= bytes.count - position else { throw Failure("Unexpected EOF reading RDB file") }
        defer { position += count }
        return position..<(position + count)
    }

    mutating func littleEndian(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (shift, index) in try take(count).enumerated() { value |= UInt64(bytes[index]) << (8 * UInt64(shift)) }
        return value
    }

    mutating func bigEndian(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for index in try take(count) { value = value << 8 | UInt64(bytes[index]) }
        return value
    }

    /// A length, or for strings the special encodings (returned as `encoding`).
    private mutating func lengthOrEncoding() throws -> (length: Int, encoding: UInt8?) {
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
            default: throw Failure("Unknown length encoding \(first) in rdbLoadLen()")
            }
        }
    }

    mutating func length() throws -> Int {
        let (length, encoding) = try lengthOrEncoding()
        guard encoding == nil else { throw Failure("a string encoding where a length belongs") }
        return length
    }

    /// An element count, bounded by the bytes left (each element takes at least one byte),
    /// so a corrupt count never reserves memory the input cannot fill.
    mutating func count() throws -> Int {
        let count = try length()
        guard count <= bytes.count - position else { throw Failure("Unexpected EOF reading RDB file") }
        return count
    }

    mutating func string() throws -> Bytes {
        let (count, encoding) = try lengthOrEncoding()
        switch encoding {
        case nil:
            let range = try take(count)
            return bytes.withUnsafeBytes { Bytes(copying: UnsafeRawBufferPointer(rebasing: $0[range])) }
        case 0:
            return decimal(Int64(Int8(truncatingIfNeeded: try littleEndian(1))))
        case 1:
            return decimal(Int64(Int16(truncatingIfNeeded: try littleEndian(2))))
        case 2:
            return decimal(Int64(Int32(truncatingIfNeeded: try littleEndian(4))))
        case 3:
            let compressed = try length(), original = try length()
            // LZF expands at most ~88 times (3 bytes for 264): a larger claim is corrupt, never an allocation.
            guard original > 0, original <= compressed * 100 + 64 else { throw Failure("Invalid LZF compressed string") }
            let range = try take(compressed)
            return Bytes(try LZF.decompress(Array(bytes[range]), length: original))
        default:
            throw Failure("Unknown RDB string encoding type \(encoding!)")
        }
    }

    /// A string as a byte array (a listpack, ziplist or intset blob).
    mutating func blob() throws -> [UInt8] { try string().array }

    private func decimal(_ value: Int64) -> Bytes { ByteNumbers.decimal(value) }
}
