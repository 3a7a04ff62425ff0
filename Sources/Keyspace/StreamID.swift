import SwirlBytes

/// A stream entry's ID: milliseconds and a sequence number, ordered as one
/// 128-bit number (Redis's streamID).
public struct StreamID: Comparable, Hashable, Sendable {
    public var ms: UInt64
    public var seq: UInt64

    @inlinable
    public init(ms: UInt64, seq: UInt64) {
        self.ms = ms
        self.seq = seq
    }

    public static let zero = StreamID(ms: 0, seq: 0)
    public static let max = StreamID(ms: .max, seq: .max)

    @inlinable
    public static func < (a: StreamID, b: StreamID) -> Bool {
        a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq
    }

    public var isZero: Bool { ms == 0 && seq == 0 }

    /// The next ID, nil past the last possible one (Redis's streamIncrID).
    public var successor: StreamID? {
        if seq < .max { return StreamID(ms: ms, seq: seq + 1) }
        if ms < .max { return StreamID(ms: ms + 1, seq: 0) }
        return nil
    }

    /// The previous ID, nil before 0-0 (Redis's streamDecrID).
    public var predecessor: StreamID? {
        if seq > 0 { return StreamID(ms: ms, seq: seq - 1) }
        if ms > 0 { return StreamID(ms: ms - 1, seq: .max) }
        return nil
    }

    /// `ms-seq` in decimal, formatted in a stack buffer (an ID of up to 23
    /// characters becomes an inline `Bytes` with no heap allocation).
    public var bytes: Bytes {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 41) { buffer in
            var end = 41
            func put(_ value: UInt64) {
                var rest = value
                repeat {
                    end -= 1
                    buffer[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                } while rest > 0
            }
            put(seq)
            end -= 1
            buffer[end] = UInt8(ascii: "-")
            put(ms)
            return Bytes(copying: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[end..<41]))
        }
    }

    /// Reads an unsigned decimal as Redis's string2ull: a canonical integer
    /// (negative ones refused), else whatever C's strtoull takes whole (leading
    /// spaces, a sign, leading zeros; `-n` wraps as strtoull does), no overflow.
    public static func parseUnsigned<C: Collection>(_ text: C) -> UInt64? where C.Element == UInt8 {
        let bytes = Array(text)
        guard !bytes.isEmpty else { return nil }
        var index = 0
        while index < bytes.count, [9, 10, 11, 12, 13, 32].contains(bytes[index]) { index += 1 }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { return nil }
        var value: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
            index += 1
        }
        guard negative else { return value }
        // string2ll accepts a canonical negative number (refused); strtoull negates anything else.
        if isCanonicalNegative(bytes) { return nil }
        return 0 &- value
    }

    /// `-` then a canonical magnitude within Int64 (what string2ll reads as negative).
    private static func isCanonicalNegative(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "-"), bytes[1] >= UInt8(ascii: "1"), bytes[1] <= UInt8(ascii: "9") else { return false }
        let digits = bytes.dropFirst()
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        if digits.count < 19 { return true }
        if digits.count > 19 { return false }
        return !Array("9223372036854775808".utf8).lexicographicallyPrecedes(Array(digits))
    }
}

/// How an ID argument was written.
public enum StreamIDArgument: Equatable, Sendable {
    /// A whole ID, or `-`/`+`, or `ms` alone completed with the caller's sequence.
    case id(StreamID)
    /// `ms-*`: the sequence is to be generated.
    case msOnly(UInt64)
}

extension StreamID {
    /// Parses an ID argument the way Redis's streamGenericParseIDOrReply does:
    /// `-` and `+` (unless `strict`), `ms` (sequence `missingSeq`), `ms-seq`,
    /// and `ms-*` when `allowStar`. Nil for anything else.
    public static func parse(_ arg: Bytes, missingSeq: UInt64, strict: Bool, allowStar: Bool = false) -> StreamIDArgument? {
        let raw = arg.array
        // Redis copies the argument into a 128-byte buffer and reads it as a C string.
        guard raw.count <= 127 else { return nil }
        let text = raw.firstIndex(of: 0).map { Array(raw[..<$0]) } ?? raw
        if text == [UInt8(ascii: "-")] { return strict ? nil : .id(.zero) }
        if text == [UInt8(ascii: "+")] { return strict ? nil : .id(.max) }
        guard let dash = text.firstIndex(of: UInt8(ascii: "-")) else {
            guard let ms = parseUnsigned(text) else { return nil }
            return .id(StreamID(ms: ms, seq: missingSeq))
        }
        guard let ms = parseUnsigned(text[..<dash]) else { return nil }
        let tail = text[(dash + 1)...]
        if allowStar && tail.count == 1 && tail.first == UInt8(ascii: "*") { return .msOnly(ms) }
        guard let seq = parseUnsigned(tail) else { return nil }
        return .id(StreamID(ms: ms, seq: seq))
    }
}
