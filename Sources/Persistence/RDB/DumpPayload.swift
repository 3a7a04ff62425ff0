import Keyspace
import SwirlBytes

/// DUMP's serialized value, as Redis 7.0 makes it (createDumpPayload): the
/// value in RDB form (type byte, then the value), the RDB version as two
/// little-endian bytes, and the CRC-64 of everything before it, little-endian.
public enum DumpPayload {
    public enum Failure: Error, Equatable {
        /// A version newer than ours, or a checksum that does not match.
        case versionOrChecksum
        /// The value does not parse.
        case badFormat
    }

    public static func make(_ value: RedisValue, compression: Bool) -> [UInt8] {
        var writer = RDBWriter(options: RDBWriter.Options(compression: compression, checksum: true))
        writer.value(value)
        var payload = writer.buffer
        payload.append(UInt8(RDBFormat.version & 0xff))
        payload.append(UInt8(RDBFormat.version >> 8))
        let crc = CRC64.update(0, payload)
        for index in 0..<8 { payload.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt64(index)))) }
        return payload
    }

    /// The value of a payload, checked as Redis's verifyDumpPayload and
    /// rdbLoadObject check it. nil for an empty collection (which Redis also
    /// refuses as bad data).
    public static func read(_ payload: Bytes, verifyChecksum: Bool = true) throws(Failure) -> RedisValue {
        let bytes = payload.array
        guard bytes.count >= 10 else { throw .versionOrChecksum }
        let footer = bytes.count - 10
        let version = UInt16(bytes[footer]) | UInt16(bytes[footer + 1]) << 8
        guard version <= RDBFormat.version else { throw .versionOrChecksum }
        var expected: UInt64 = 0
        for index in 0..<8 { expected |= UInt64(bytes[footer + 2 + index]) << (8 * UInt64(index)) }
        guard !verifyChecksum || CRC64.update(0, bytes[0..<(footer + 2)]) == expected else { throw .versionOrChecksum }
        var reader = RDBReader(Array(bytes[0..<footer]))
        do {
            guard let value = try reader.value(type: try reader.byte()) else { throw Failure.badFormat }
            return value
        } catch {
            throw .badFormat
        }
    }
}
