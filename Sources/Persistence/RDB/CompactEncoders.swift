import RESP
import SwirlBytes

/// Builds a listpack, Redis 7's compact encoding of small hashes, sorted sets
/// and list nodes: a 6-byte header (total bytes, element count as
/// little-endian UInt32 and UInt16), the entries, and 0xFF. An entry is its
/// encoding and data, then the size of those written backwards (1 to 5
/// bytes of 7 bits). A string that is a canonical 64-bit integer is stored
/// as the smallest integer encoding that holds it, as Redis's lpAppend does.
struct ListpackBuilder {
    private(set) var bytes: [UInt8] = [0, 0, 0, 0, 0, 0]
    private(set) var count = 0

    /// Bytes the listpack will take once finished.
    var size: Int { bytes.count + 1 }

    mutating func append(_ element: Bytes) {
        let start = bytes.count
        if element.count <= 20, let value = ByteNumbers.parseInt64(element) {
            appendInteger(value)
        } else {
            let length = element.count
            if length < 64 {
                bytes.append(0x80 | UInt8(length))
            } else if length < 4096 {
                bytes.append(0xE0 | UInt8(length >> 8))
                bytes.append(UInt8(length & 0xff))
            } else {
                bytes.append(0xF0)
                appendLittleEndian(UInt64(length), 4)
            }
            element.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        appendBackLength(bytes.count - start)
        count += 1
    }

    private mutating func appendInteger(_ value: Int64) {
        switch value {
        case 0...127:
            bytes.append(UInt8(value))
        case -4096...4095:
            let raw = value < 0 ? (1 << 13) + value : value
            bytes.append(0xC0 | UInt8(raw >> 8))
            bytes.append(UInt8(raw & 0xff))
        case -32768...32767:
            bytes.append(0xF1)
            appendLittleEndian(UInt64(bitPattern: value), 2)
        case -8_388_608...8_388_607:
            bytes.append(0xF2)
            appendLittleEndian(UInt64(bitPattern: value), 3)
        case Int64(Int32.min)...Int64(Int32.max):
            bytes.append(0xF3)
            appendLittleEndian(UInt64(bitPattern: value), 4)
        default:
            bytes.append(0xF4)
            appendLittleEndian(UInt64(bitPattern: value), 8)
        }
    }

    private mutating func appendLittleEndian(_ value: UInt64, _ width: Int) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    /// The entry's size, most significant group first, every byte but the first flagged.
    private mutating func appendBackLength(_ size: Int) {
        let groups = size <= 127 ? 1 : size < 16383 ? 2 : size < 2_097_151 ? 3 : size < 268_435_455 ? 4 : 5
        for group in stride(from: groups - 1, through: 0, by: -1) {
            let bits = UInt8((size >> (7 * group)) & 127)
            bytes.append(group == groups - 1 ? bits : bits | 128)
        }
    }

    /// The finished listpack.
    mutating func finish() -> [UInt8] {
        bytes.append(0xFF)
        let total = UInt32(bytes.count)
        for index in 0..<4 { bytes[index] = UInt8(truncatingIfNeeded: total >> (8 * UInt32(index))) }
        let stored = UInt16(min(count, 65535))
        bytes[4] = UInt8(stored & 0xff)
        bytes[5] = UInt8(stored >> 8)
        return bytes
    }
}

/// Redis's intset: element width (2, 4 or 8) and count as little-endian
/// UInt32s, then the integers in ascending order, little-endian, at the
/// smallest width that holds them all.
enum IntsetEncoder {
    static func encode(_ sorted: [Int64]) -> [UInt8] {
        let low = sorted.first ?? 0, high = sorted.last ?? 0
        let width = low >= Int64(Int16.min) && high <= Int64(Int16.max) ? 2
            : low >= Int64(Int32.min) && high <= Int64(Int32.max) ? 4 : 8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + width * sorted.count)
        func append(_ value: UInt64, _ width: Int) {
            for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
        }
        append(UInt64(width), 4)
        append(UInt64(sorted.count), 4)
        for value in sorted { append(UInt64(bitPattern: value), width) }
        return bytes
    }
}
