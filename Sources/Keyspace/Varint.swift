/// The lengths inside the packed forms (`PackedPairs`, `PackedEntries`):
/// LEB128, seven bits a byte, low group first, the top bit set on every byte
/// but the last. A length below 128 is one byte. Read backward, the same bytes
/// in reverse order end with the low group and stop at the unflagged one, so
/// a back-length is the forward bytes written from its end.
enum Varint {
    static func size(_ value: Int) -> Int {
        var size = 1, rest = value >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    @inline(__always)
    static func forEachByte(_ value: Int, _ body: (UInt8) -> Void) {
        var rest = value
        while rest >= 0x80 {
            body(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        body(UInt8(rest))
    }

    /// Reads the value at `offset` and moves past it.
    @inline(__always)
    static func read(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> Int {
        var value = 0, shift = 0
        while true {
            let byte = raw[offset]
            offset += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// Reads the value written backward that ends at `end`, and moves before it.
    @inline(__always)
    static func readBackward(_ raw: UnsafeRawBufferPointer, _ end: inout Int) -> Int {
        var value = 0, shift = 0
        while true {
            end -= 1
            let byte = raw[end]
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
