import RESP
import SwirlBytes
/// Redis 7.0's error replies, word for word, in one place.
public enum Errors {
    public static let syntax = "ERR syntax error"
    public static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    public static let notInteger = "ERR value is not an integer or out of range"
    public static let notFloat = "ERR value is not a valid float"
    public static let overflow = "ERR increment or decrement would overflow"
    public static let nanOrInfinity = "ERR increment would produce NaN or Infinity"
    public static let noSuchKey = "ERR no such key"
    public static let dbIndexOutOfRange = "ERR DB index is out of range"
    public static let sameObject = "ERR source and destination objects are the same"
    public static let invalidCursor = "ERR invalid cursor"
    public static let hashNotInteger = "ERR hash value is not an integer"
    public static let hashNotFloat = "ERR hash value is not a float"
    public static let maxClients = "ERR max number of clients reached"
    public static let stringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    public static let offsetOutOfRange = "ERR offset is out of range"
    public static let timeoutNotFloat = "ERR timeout is not a float or out of range"
    public static let timeoutNotInteger = "ERR timeout is not an integer or out of range"
    public static let timeoutNegative = "ERR timeout is negative"
    public static let numkeysNotPositive = "ERR numkeys should be greater than 0"
    public static let outOfRange = "ERR value is out of range"
    /// A count whose negation would overflow (HRANDFIELD, SRANDMEMBER … with Int64.min).
    public static let countOutOfRange = "ERR value is out of range, value must between \(-Int64.max) and \(Int64.max)"
    public static let execAbort = "EXECABORT Transaction discarded because of previous errors."
    public static let notAllowedInTransaction = "ERR Command not allowed inside a transaction"
    public static let notPositiveCount = "ERR value is out of range, must be positive"
    public static let negativeLimit = "ERR LIMIT can't be negative"

    public static func wrongArity(_ fullName: String) -> String {
        "ERR wrong number of arguments for '\(fullName)' command"
    }

    public static func invalidExpireTime(_ command: String) -> String {
        "ERR invalid expire time in '\(command)' command"
    }

    // Errors that echo a client's argument carry its bytes (RESP's ErrorText).

    public static func unknownSubcommand(_ name: Bytes, container: String) -> ErrorText {
        "ERR unknown subcommand '\(arg: name, max: 128)'. Try \(container.uppercased()) HELP."
    }

    /// Redis's addReplySubcommandSyntaxError.
    public static func subcommandSyntax(_ name: Bytes, container: String) -> ErrorText {
        "ERR unknown subcommand or wrong number of arguments for '\(arg: name, max: 128)'. Try \(container) HELP."
    }

    /// `ERR unknown command 'x', with args beginning with: 'a' 'b' `, capped as Redis caps it.
    public static func unknownCommand(_ args: [Bytes]) -> ErrorText {
        var list: ErrorText = ""
        var index = 1
        while index < args.count && list.bytes.count < 128 {
            list = list + "'\(arg: args[index], max: 128 - list.bytes.count)' "
            index += 1
        }
        return "ERR unknown command '\(arg: args[0], max: 128)', with args beginning with: \(list)"
    }
}

/// Turning argument bytes into text for error messages and logs.
public enum Text {
    /// At most `limit` bytes of `bytes`, cut at a NUL as C's `%s` would, decoded leniently.
    public static func truncated<C: Collection>(_ bytes: C, _ limit: Int) -> String where C.Element == UInt8 {
        var slice = bytes.prefix(max(0, limit))
        if let nul = slice.firstIndex(of: 0) { slice = slice[..<nul] }
        return String(decoding: slice, as: UTF8.self)
    }

    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { String(decoding: Array(bytes), as: UTF8.self) }

    public static func equalsIgnoringCase(_ bytes: Bytes, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            for i in 0..<bytes.count {
                let b = bytes[i]
                let lower = b >= 0x41 && b <= 0x5a ? b | 0x20 : b
                let e = expected[i]
                let expectedLower = e >= 0x41 && e <= 0x5a ? e | 0x20 : e
                if lower != expectedLower { return false }
            }
            return true
        }
    }

    public static func lowercased<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
