import Keyspace
import RESP
import SwirlBytes

/// Arguments that must not reach logs (SLOWLOG, MONITOR): passwords.
enum CommandRedaction {
    static let placeholder = Bytes("(redacted)")

    static func redacted(_ args: [Bytes], _ spec: CommandSpec) -> [Bytes] {
        switch spec.name {
        case "auth":
            return [args[0]] + Array(repeating: placeholder, count: args.count - 1)
        case "hello":
            var copy = args
            var index = 2
            while index < copy.count {
                if Text.equalsIgnoringCase(copy[index], "AUTH"), index + 2 < copy.count {
                    copy[index + 1] = placeholder
                    copy[index + 2] = placeholder
                    index += 2
                } else if Text.equalsIgnoringCase(copy[index], "SETNAME") {
                    index += 1
                }
                index += 1
            }
            return copy
        default:
            return args
        }
    }
}
