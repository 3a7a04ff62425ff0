import SwirlBytes

/// Secrets kept out of SLOWLOG and MONITOR, as Redis 7.0 does it: a handler
/// redacts an argument (Redis's redactClientCommandArgument) at the point
/// where Redis's does, so what is hidden follows the same parse. AUTH hides
/// its password (and user), HELLO the two words after AUTH once it reaches
/// them, CONFIG SET the values of sensitive parameters (`requirepass`,
/// `masterauth`, `masteruser`). A command refused before that point (AUTH
/// with too many arguments, HELLO with a bad protocol version or an earlier
/// bad option) is shown as typed, as in Redis.
enum CommandRedaction {
    static let placeholder = Bytes("(redacted)")
}

extension Client {
    /// Shows `(redacted)` for argument `index` in the slow log and to monitors.
    func redactArgument(_ index: Int) {
        if loggedArgs == nil { loggedArgs = args }
        loggedArgs![index] = CommandRedaction.placeholder
    }

    /// The arguments as the slow log and monitors show them.
    var argsForLogs: [Bytes] { loggedArgs ?? args }
}
