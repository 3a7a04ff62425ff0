/// Checks that bytes a client would receive are whole, well-formed RESP2/RESP3
/// frames. A reply that does not parse would desynchronise every client
/// library, so the fuzzer treats it as a failure just like a trap.
enum ReplyValidator {
    struct Invalid: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "invalid reply at byte \(offset): \(reason)" }
    }

    /// Throws unless `bytes` is a sequence of complete frames. Iterative: a
    /// script's reply nests as deep as Lua's stack allows (about 8,000), more
    /// than recursion here could take.
    static func validate(_ bytes: [UInt8]) throws(Invalid) {
        var position = 0
        // Frames still to read in each open aggregate, innermost last.
        var pending: [Int] = []
        while position < bytes.count || !pending.isEmpty {
            let (next, children) = try frame(bytes, position)
            position = next
            if !pending.isEmpty { pending[pending.count - 1] -= 1 }
            if children > 0 { pending.append(children) }
            while pending.last == 0 { pending.removeLast() }
            guard pending.count < 10_000 else { throw Invalid(offset: position, reason: "nesting deeper than 10000") }
        }
    }

    /// The offset just past the frame's own header and body starting at
    /// `start`, and how many frames it contains (an aggregate's elements).
    private static func frame(_ bytes: [UInt8], _ start: Int) throws(Invalid) -> (Int, Int) {
        guard start < bytes.count else { throw Invalid(offset: start, reason: "frame missing") }
        let marker = bytes[start]
        let (text, next) = try line(bytes, start + 1)
        switch marker {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return (next, 0)
        case UInt8(ascii: ":"):
            guard integer(text) != nil else { throw Invalid(offset: start, reason: "integer expected") }
            return (next, 0)
        case UInt8(ascii: "("):
            guard integer(text.first == UInt8(ascii: "-") ? Array(text.dropFirst()) : text, allowLong: true) != nil else {
                throw Invalid(offset: start, reason: "big number expected")
            }
            return (next, 0)
        case UInt8(ascii: ","):
            guard !text.isEmpty else { throw Invalid(offset: start, reason: "empty double") }
            return (next, 0)
        case UInt8(ascii: "#"):
            guard text == [UInt8(ascii: "t")] || text == [UInt8(ascii: "f")] else {
                throw Invalid(offset: start, reason: "boolean must be t or f")
            }
            return (next, 0)
        case UInt8(ascii: "_"):
            guard text.isEmpty else { throw Invalid(offset: start, reason: "null carries no text") }
            return (next, 0)
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            guard let length = integer(text), length >= (marker == UInt8(ascii: "$") ? -1 : 0) else {
                throw Invalid(offset: start, reason: "bad bulk length")
            }
            if length == -1 { return (next, 0) }
            let (end, overflow) = next.addingReportingOverflow(length)
            guard !overflow, end <= bytes.count - 2 else { throw Invalid(offset: start, reason: "bulk cut short") }
            guard bytes[end] == 0x0d, bytes[end + 1] == 0x0a else {
                throw Invalid(offset: end, reason: "bulk not followed by CRLF")
            }
            return (end + 2, 0)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let count = integer(text), count >= (marker == UInt8(ascii: "*") ? -1 : 0) else {
                throw Invalid(offset: start, reason: "bad aggregate length")
            }
            let pairs = marker == UInt8(ascii: "%") || marker == UInt8(ascii: "|")
            // Every element takes at least three bytes: a count beyond what is left cannot be complete.
            guard count <= (bytes.count - next) / (pairs ? 6 : 3) else {
                throw Invalid(offset: start, reason: "aggregate of \(count) cut short")
            }
            // An attribute describes the reply that follows it: one frame more.
            return (next, max(0, pairs ? count * 2 : count) + (marker == UInt8(ascii: "|") ? 1 : 0))
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
