/// The CRC-64 that closes an RDB file and a DUMP payload: Redis's "Jones"
/// polynomial (0xad93d23594c935a9), reflected input and output, initial value
/// 0 and no final xor. `CRC64.update(0, "123456789")` is 0xe9c6d914c4b8d9ca.
///
/// Computed eight bytes at a time ("slicing by 8"): eight 256-entry tables,
/// built once, fold a whole 64-bit word per step.
public enum CRC64 {
    /// The reflected polynomial.
    static let polynomial: UInt64 = 0x95ac_9329_ac4b_c9b5

    /// table[k * 256 + b]: the CRC of byte b followed by k zero bytes.
    static let table: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(k - 1) * 256 + byte]
                table[k * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xff)]
            }
        }
        return table
    }()

    public static func update(_ crc: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var crc = crc
        var index = 0
        let count = bytes.count
        table.withUnsafeBufferPointer { t in
            while index + 8 <= count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ crc
                crc = t[7 * 256 + Int(word & 0xff)] ^ t[6 * 256 + Int(word >> 8 & 0xff)]
                    ^ t[5 * 256 + Int(word >> 16 & 0xff)] ^ t[4 * 256 + Int(word >> 24 & 0xff)]
                    ^ t[3 * 256 + Int(word >> 32 & 0xff)] ^ t[2 * 256 + Int(word >> 40 & 0xff)]
                    ^ t[256 + Int(word >> 48 & 0xff)] ^ t[Int(word >> 56)]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt64(bytes[index])) & 0xff)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }

    public static func update(_ crc: UInt64, _ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { update(crc, $0) }
    }

    public static func update(_ crc: UInt64, _ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { update(crc, $0) }
    }
}
