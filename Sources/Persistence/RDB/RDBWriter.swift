import Keyspace
import RESP
import SwirlBytes

/// Writes RDB version 10, the format of Redis 7.0's dump.rdb, its AOF base
/// files and its DUMP payloads: a file library that knows the keyspace's
/// types and nothing of the engine (as `AOFRewriter`).
///
/// Bytes accumulate in `buffer`; a caller writing a large file takes them
/// out with `drain()` as it goes, so the whole file is never in memory. The
/// CRC-64 trailer is computed over what is drained (and not at all when
/// `rdbchecksum no`: Redis then writes zero).
public struct RDBWriter {
    public struct Options: Sendable {
        /// `rdbcompression`: strings longer than 20 bytes are LZF-compressed when that saves 4 bytes.
        public var compression = true
        /// `rdbchecksum`: the trailer is the CRC-64 of the file, else zero.
        public var checksum = true
        /// What each key's access stamp is written as, by `maxmemory-policy`.
        public var access = Access.none
        public init(compression: Bool = true, checksum: Bool = true, access: Access = .none) {
            self.compression = compression
            self.checksum = checksum
            self.access = access
        }
    }

    /// Redis writes an LRU policy's idle seconds, an LFU policy's counter, or neither.
    public enum Access: Sendable, Equatable {
        case none
        case idle
        case frequency(decayMinutes: Int)
    }

    public let options: Options
    public internal(set) var buffer: [UInt8] = []
    private var crc: UInt64 = 0
    /// LZF's hash table, kept from one string to the next.
    private var lzfTable: [Int32] = []
    /// Bytes handed out by `drain()` so far.
    public private(set) var drained = 0

    public init(options: Options = Options()) {
        self.options = options
        buffer.reserveCapacity(1 << 16)
    }

    /// The bytes written so far and not yet drained; they count into the checksum.
    public mutating func drain() -> [UInt8] {
        if options.checksum { crc = CRC64.update(crc, buffer) }
        drained += buffer.count
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer
    }

    // MARK: - File structure

    /// `REDIS0010` and the aux fields, in order.
    public mutating func header(aux: [(String, Bytes)]) {
        buffer.append(contentsOf: Array("REDIS00\(RDBFormat.version)".utf8))
        for (name, value) in aux {
            buffer.append(RDBFormat.aux)
            writeString(Bytes(name))
            writeString(value)
        }
    }

    /// The aux fields Redis 7.0 writes, in its order; the replication ones only
    /// when there is replication state to keep (a master with a backlog, a replica).
    public static func auxFields(version: String, creationTime: Int64, usedMemory: Int, aofBase: Bool,
                                 replication: (db: Int, id: String, offset: Int64)? = nil) -> [(String, Bytes)] {
        var fields: [(String, Bytes)] = [
            ("redis-ver", Bytes(version)),
            ("redis-bits", ByteNumbers.decimal(Int64(MemoryLayout<Int>.size * 8))),
            ("ctime", ByteNumbers.decimal(creationTime)),
            ("used-mem", ByteNumbers.decimal(Int64(usedMemory))),
        ]
        if let replication {
            fields.append(("repl-stream-db", ByteNumbers.decimal(Int64(replication.db))))
            fields.append(("repl-id", Bytes(replication.id)))
            fields.append(("repl-offset", ByteNumbers.decimal(replication.offset)))
        }
        fields.append(("aof-base", aofBase ? "1" : "0"))
        return fields
    }

    /// SELECTDB and RESIZEDB, before a database's keys.
    public mutating func selectDatabase(_ id: Int, keys: Int, volatile: Int) {
        buffer.append(RDBFormat.selectDB)
        writeLength(id)
        buffer.append(RDBFormat.resizeDB)
        writeLength(keys)
        writeLength(volatile)
    }

    /// One key: its expiry, its access stamp, then type, name and value.
    public mutating func key(_ key: Bytes, _ slot: Slot, now: Int64) {
        if slot.hasExpiry {
            buffer.append(RDBFormat.expireMilliseconds)
            writeLittleEndian(UInt64(bitPattern: slot.expireAt), 8)
        }
        switch options.access {
        case .none: break
        case .idle:
            buffer.append(RDBFormat.idle)
            writeLength(Int(AccessClock.idleSeconds(slot.access, milliseconds: now)))
        case .frequency(let decayMinutes):
            buffer.append(RDBFormat.frequency)
            buffer.append(UInt8(truncatingIfNeeded: AccessClock.frequency(slot.access, decayMinutes: decayMinutes, milliseconds: now)))
        }
        buffer.append(Self.typeByte(slot.value))
        writeString(key)
        writeValueBody(slot.value)
    }

    /// EOF and the checksum of everything before it: the last bytes, left in
    /// `buffer` (not to be drained: they are not checksummed again).
    public mutating func finish() {
        buffer.append(RDBFormat.eof)
        if options.checksum { crc = CRC64.update(crc, buffer) }
        writeLittleEndian(options.checksum ? crc : 0, 8)
    }

    // MARK: - Whole files

    /// The keyspace as an RDB file, handed to `write` in pieces of about
    /// `chunkSize` bytes (SAVE, the BGSAVE child). Stops at the first piece
    /// `write` refuses; false then.
    public static func snapshot(_ keyspace: Keyspace, options: Options, aux: [(String, Bytes)], now: Int64,
                                chunkSize: Int, afterEachKey: () -> Void = {}, write: ([UInt8]) -> Bool) -> Bool {
        var writer = RDBWriter(options: options)
        writer.header(aux: aux)
        var failed = false
        for db in keyspace.databases where db.count > 0 && !failed {
            writer.selectDatabase(db.id, keys: db.count, volatile: db.volatileCount)
            db.forEachKey { key, slot in
                guard !failed else { return }
                writer.key(key, slot, now: now)
                if writer.buffer.count >= chunkSize { failed = !write(writer.drain()) }
                afterEachKey()
            }
        }
        guard !failed else { return false }
        if !writer.buffer.isEmpty && !write(writer.drain()) { return false }
        writer.finish()
        return write(writer.buffer)
    }

    /// The same, whole in memory (tests, DEBUG RELOAD).
    public static func file(_ keyspace: Keyspace, options: Options = Options(), aux: [(String, Bytes)], now: Int64) -> [UInt8] {
        var whole: [UInt8] = []
        _ = snapshot(keyspace, options: options, aux: aux, now: now, chunkSize: Int.max) { whole += $0; return true }
        return whole
    }

    // MARK: - Primitives

    mutating func writeLittleEndian(_ value: UInt64, _ width: Int) {
        for index in 0..<width { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    /// A length: 6 bits, 14 bits, or a marker and 32 or 64 bits big-endian.
    mutating func writeLength(_ length: Int) {
        if length < 1 << 6 {
            buffer.append(UInt8(length))
        } else if length < 1 << 14 {
            buffer.append(0x40 | UInt8(length >> 8))
            buffer.append(UInt8(length & 0xff))
        } else if length <= Int(UInt32.max) {
            buffer.append(0x80)
            for shift in stride(from: 24, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: length >> shift)) }
        } else {
            buffer.append(0x81)
            for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: length >> shift)) }
        }
    }

    /// A string as Redis's rdbSaveRawString writes it: an integer encoding
    /// when it is a canonical number within 32 bits (and at most 11 bytes),
    /// LZF when longer than 20 bytes and compression saves 4, else verbatim.
    mutating func writeString(_ bytes: Bytes) {
        bytes.withUnsafeBytes { writeString($0) }
    }

    mutating func writeString(_ raw: UnsafeRawBufferPointer) {
        let count = raw.count
        if count <= 11, let value = ByteNumbers.parseInt64(raw) {
            if value >= Int64(Int8.min) && value <= Int64(Int8.max) {
                buffer.append(0xC0)
                writeLittleEndian(UInt64(bitPattern: value), 1)
                return
            }
            if value >= Int64(Int16.min) && value <= Int64(Int16.max) {
                buffer.append(0xC1)
                writeLittleEndian(UInt64(bitPattern: value), 2)
                return
            }
            if value >= Int64(Int32.min) && value <= Int64(Int32.max) {
                buffer.append(0xC2)
                writeLittleEndian(UInt64(bitPattern: value), 4)
                return
            }
        }
        if options.compression && count > 20, let compressed = LZF.compress(raw, limit: count - 4, table: &lzfTable) {
            buffer.append(0xC3)
            writeLength(compressed.count)
            writeLength(count)
            buffer.append(contentsOf: compressed)
            return
        }
        writeLength(count)
        buffer.append(contentsOf: raw)
    }

    mutating func writeString(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeString($0) }
    }
}
