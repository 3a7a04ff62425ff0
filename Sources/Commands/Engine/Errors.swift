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
