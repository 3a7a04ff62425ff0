/// Checks that bytes a client would receive are whole, well-formed RESP2/RESP3
/// frames. A reply that does not parse would desynchronise every client
/// library, so the fuzzer treats it as a failure just like a trap.
enum ReplyValidator {
    struct Invalid: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "invalid reply at byte \(offset): \(reason)" }
    }

    /// Throws unless `bytes` is a sequence of complete frames.
    static func validate(_ bytes: [UInt8]) throws(Invalid) {
        var position = 0
        while position < bytes.count {
            position = try frame(bytes, position, depth: 0)
        }
    }

    /// The offset just past the frame starting at `start`.
    private static func frame(_ bytes: [UInt8], _ start: Int, depth: Int) throws(Invalid) -> Int {
        guard depth < 64 else { throw Invalid(offset: start, reason: "nesting deeper than 64") }
        guard start < bytes.count else { throw Invalid(offset: start, reason: "frame missing") }
        let marker = bytes[start]
        let (text, next) = try line(bytes, start + 1)
        switch marker {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return next
        case UInt8(ascii: ":"):
            guard integer(text) != nil else { throw Invalid(offset: start, reason: "integer expected") }
            return next
        case UInt8(ascii: "("):
            guard integer(text.first == UInt8(ascii: "-") ? Array(text.dropFirst()) : text, allowLong: true) != nil else {
                throw Invalid(offset: start, reason: "big number expected")
            }
            return next
        case UInt8(ascii: ","):
            guard !text.isEmpty else { throw Invalid(offset: start, reason: "empty double") }
            return next
        case UInt8(ascii: "#"):
            guard text == [UInt8(ascii: "t")] || text == [UInt8(ascii: "f")] else {
                throw Invalid(offset: start, reason: "boolean must be t or f")
            }
            return next
        case UInt8(ascii: "_"):
            guard text.isEmpty else { throw Invalid(offset: start, reason: "null carries no text") }
            return next
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            guard let length = integer(text), length >= (marker == UInt8(ascii: "$") ? -1 : 0) else {
                throw Invalid(offset: start, reason: "bad bulk length")
            }
            if length == -1 { return next }
            let (end, overflow) = next.addingReportingOverflow(length)
            guard !overflow, end <= bytes.count - 2 else { throw Invalid(offset: start, reason: "bulk cut short") }
            guard bytes[end] == 0x0d, bytes[end + 1] == 0x0a else {
                throw Invalid(offset: end, reason: "bulk not followed by CRLF")
            }
            return end + 2
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let count = integer(text), count >= (marker == UInt8(ascii: "*") ? -1 : 0) else {
                throw Invalid(offset: start, reason: "bad aggregate length")
            }
            let pairs = marker == UInt8(ascii: "%") || marker == UInt8(ascii: "|")
            // Every element takes at least three bytes: a count beyond what is left cannot be complete.
            guard count <= (bytes.count - next) / (pairs ? 6 : 3) else {
                throw Invalid(offset: start, reason: "aggregate of \(count) cut short")
            }
            var position = next
            for _ in 0..<max(0, pairs ? count * 2 : count) {
                position = try frame(bytes, position, depth: depth + 1)
            }
            // An attribute describes the reply that follows it.
            return marker == UInt8(ascii: "|") ? try frame(bytes, position, depth: depth + 1) : position
        default:
            throw Invalid(offset: start, reason: "unknown type byte \(marker)")
        }
    }

    /// The text of the line starting at `start` (no CR or LF inside) and the offset past its CRLF.
    private static func line(_ bytes: [UInt8], _ start: Int) throws(Invalid) -> ([UInt8], Int) {
        var index = start
        while index < bytes.count && bytes[index] != 0x0d && bytes[index] != 0x0a { index += 1 }
        guard index + 1 < bytes.count, bytes[index] == 0x0d, bytes[index + 1] == 0x0a else {
            throw Invalid(offset: start, reason: "line not ended by CRLF")
        }
        return (Array(bytes[start..<index]), index + 2)
    }

    /// A decimal integer (optionally negative); `allowLong` accepts any number of digits.
    private static func integer(_ text: [UInt8], allowLong: Bool = false) -> Int? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        if allowLong { return 0 }
        // Parsed with its sign: -9223372036854775808 has no positive counterpart.
        return digits.count <= 19 ? Int(String(decoding: text, as: UTF8.self)) : nil
    }
}
