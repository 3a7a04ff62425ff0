#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

/// The compact form of a hash: its pairs packed in one byte buffer, as Redis's
/// listpack packs them. Each string is its length (a `Varint`: one byte below 128)
/// then its bytes, field before value, pairs in insertion order. A pair of short
/// strings costs a few bytes instead of the 64 of a `(Bytes, Bytes)` tuple, and
/// a lookup scans one contiguous buffer (compact hashes hold at most
/// `hash-max-listpack-entries` pairs, 512 by default, as Redis 7.0).
struct PackedPairs {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    /// Where a pair lies in `bytes`: its start, its value's length, its end.
    struct Location {
        var start: Int
        var valueStart: Int
        var end: Int
    }

    /// The location of `field`, or nil.
    func find(_ field: Bytes) -> Location? {
        field.withUnsafeBytes { wanted in
            bytes.withUnsafeBytes { raw -> Location? in
                var offset = 0
                while offset < raw.count {
                    let start = offset
                    let fieldRange = Self.readString(raw, &offset)
                    let valueStart = offset
                    _ = Self.readString(raw, &offset)
                    if fieldRange.count == wanted.count
                        && (wanted.count == 0 || memcmp(raw.baseAddress! + fieldRange.lowerBound, wanted.baseAddress!, wanted.count) == 0) {
                        return Location(start: start, valueStart: valueStart, end: offset)
                    }
                }
                return nil
            }
        }
    }

    func value(at location: Location) -> Bytes {
        bytes.withUnsafeBytes { raw in
            var offset = location.valueStart
            return Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[Self.readString(raw, &offset)]))
        }
    }

    mutating func append(_ field: Bytes, _ value: Bytes) {
        Self.appendString(field, to: &bytes)
        Self.appendString(value, to: &bytes)
        count += 1
    }

    /// Overwrites the value in place (resizing its room first when the new one
    /// is longer or shorter): no temporary buffer.
    mutating func replaceValue(at location: Location, with value: Bytes) {
        let header = Varint.size(value.count)
        let room = location.end - location.valueStart, needed = header + value.count
        if needed != room {
            bytes.replaceSubrange(location.valueStart..<location.end, with: repeatElement(0, count: needed))
        }
        bytes.withUnsafeMutableBytes { raw in
            var offset = location.valueStart
            Varint.forEachByte(value.count) { byte in
                raw[offset] = byte
                offset += 1
            }
            value.withUnsafeBytes { source in
                if source.count > 0 { (raw.baseAddress! + offset).copyMemory(from: source.baseAddress!, byteCount: source.count) }
            }
        }
    }

    mutating func remove(at location: Location) {
        bytes.removeSubrange(location.start..<location.end)
        count -= 1
    }

    /// Every pair, in insertion order.
    func forEach(_ body: (Bytes, Bytes) -> Void) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let field = Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[Self.readString(raw, &offset)]))
                let value = Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[Self.readString(raw, &offset)]))
                body(field, value)
            }
        }
    }

    /// The pair at a position in `0..<count` (a scan from the start: random picks only).
    func pair(at position: Int) -> (Bytes, Bytes) {
        precondition(position >= 0 && position < count, "pair index out of range")
        return bytes.withUnsafeBytes { raw in
            var offset = 0
            for _ in 0..<position {
                _ = Self.readString(raw, &offset)
                _ = Self.readString(raw, &offset)
            }
            let field = Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[Self.readString(raw, &offset)]))
            return (field, Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[Self.readString(raw, &offset)])))
        }
    }

    private static func appendString(_ string: Bytes, to out: inout [UInt8]) {
        Varint.forEachByte(string.count) { out.append($0) }
        string.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    /// The byte range of the string at `offset`, moving `offset` past it.
    @inline(__always)
    private static func readString(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> Range<Int> {
        let length = Varint.read(raw, &offset)
        defer { offset += length }
        return offset..<(offset + length)
    }
}
