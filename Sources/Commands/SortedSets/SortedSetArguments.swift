#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// Parsing the sorted-set arguments that are not plain numbers: score
/// ranges, lex ranges, and the doubles inside score ranges.
enum SortedSetArguments {
    static let rangeNotFloat = "ERR min or max is not a float"
    static let lexRangeInvalid = "ERR min or max not valid string range item"

    /// A score range from `min` and `max`, or nil (then the caller replies
    /// `rangeNotFloat`). Redis reads range ends with a bare `strtod`: leading
    /// spaces and an empty text (0) are accepted, text after a NUL is
    /// ignored, NaN is refused.
    static func scoreRange(_ min: Bytes, _ max: Bytes) -> ScoreRange? {
        guard let (low, lowExclusive) = bound(min), let (high, highExclusive) = bound(max) else { return nil }
        return ScoreRange(min: low, max: high, minExclusive: lowExclusive, maxExclusive: highExclusive)
    }

    private static func bound(_ text: Bytes) -> (Double, Bool)? {
        var bytes = text.array
        let exclusive = bytes.first == UInt8(ascii: "(")
        if exclusive { bytes.removeFirst() }
        if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer -> (Double, Bool)? in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { start in
                var end: UnsafeMutablePointer<CChar>? = nil
                let value = strtod(start, &end)
                guard let end, end.pointee == 0, !value.isNaN else { return nil }
                return (value, exclusive)
            }
        }
    }

    /// A lex range from `min` and `max`, or nil (then the caller replies
    /// `lexRangeInvalid`): `-`, `+`, `[member` or `(member`.
    static func lexRange(_ min: Bytes, _ max: Bytes) -> LexRange? {
        guard let low = lexBound(min), let high = lexBound(max) else { return nil }
        return LexRange(min: low, max: high)
    }

    private static func lexBound(_ text: Bytes) -> LexRange.Bound? {
        guard let first = text.first else { return nil }
        // Redis checks the byte after `-` or `+` against the C terminator.
        let alone = text.count == 1 || text[1] == 0
        switch first {
        case UInt8(ascii: "-"): return alone ? .minusInfinity : nil
        case UInt8(ascii: "+"): return alone ? .plusInfinity : nil
        case UInt8(ascii: "["): return .inclusive(Bytes(text.dropFirst()))
        case UInt8(ascii: "("): return .exclusive(Bytes(text.dropFirst()))
        default: return nil
        }
    }

    /// A positive count as Redis's getRangeLongFromObjectOrReply(1, LONG_MAX)
    /// with `message`, or nil after replying it.
    static func positive(_ c: Client, _ index: Int, _ message: String) -> Int? {
        guard let value = ByteNumbers.parseInt64(c.args[index]), value >= 1 else {
            c.reply.error(message)
            return nil
        }
        return Int(value)
    }
}
