import Keyspace
import RESP
import SwirlBytes

/// CLIENT PAUSE / UNPAUSE, REPLY and NO-EVICT: the handlers of the subcommands that change how
/// the server treats clients (the pause itself is `ClientPause`).
enum ClientPauseCommands {
    static func pause(_ c: Client) {
        guard let milliseconds = ByteNumbers.parseInt64(c.args[2]) else {
            c.reply.error(Errors.timeoutNotInteger)
            return
        }
        guard milliseconds >= 0 else {
            c.reply.error(Errors.timeoutNegative)
            return
        }
        var writesOnly = false
        if c.args.count == 4 {
            if c.argument(3, is: "WRITE") {
                writesOnly = true
            } else if !c.argument(3, is: "ALL") {
                c.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL")
                return
            }
        } else if c.args.count > 4 {
            c.reply.error(Errors.syntax)
            return
        }
        c.engine.startPause(writesOnly: writesOnly, milliseconds: milliseconds)
        c.reply.ok()
    }

    static func unpause(_ c: Client) {
        if c.engine.clientPause != nil { c.engine.endPause() }
        c.reply.ok()
    }

    /// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP answer nothing; ON answers OK.
    static func reply(_ c: Client) {
        if c.argument(2, is: "ON") {
            c.replyMode = .on
            c.reply.ok()
        } else if c.argument(2, is: "OFF") {
            c.replyMode = .off
        } else if c.argument(2, is: "SKIP") {
            if c.replyMode != .off { c.replyMode = .skipNext }
        } else {
            c.reply.error(Errors.syntax)
        }
    }

    static func noEvict(_ c: Client) {
        if c.argument(2, is: "ON") {
            c.noEvict = true
        } else if c.argument(2, is: "OFF") {
            c.noEvict = false
        } else {
            c.reply.error(Errors.syntax)
            return
        }
        c.engine.noteClientMemory(c)  // into or out of the eviction buckets at once, as Redis
        c.reply.ok()
    }

    static func subcommands() -> [CommandSpec] {
        let client = ClientCommands.group
        let flags: CommandFlags = [.admin, .noscript, .loading, .stale]
        return [
            client.command("pause", -3, flags, syntax: "timeout:integer mode:[WRITE | ALL]@6.2.0",
                           "Suspends commands processing.", since: "3.0.0", handler: pause),
            client.command("unpause", 2, flags, syntax: "",
                           "Resumes processing commands from paused clients.", since: "6.2.0",
                           complexity: "O(N) Where N is the number of paused clients", handler: unpause),
            client.command("reply", 3, [.noscript, .loading, .stale], syntax: "on_off_skip:<ON | OFF | SKIP>",
                           "Instructs the server whether to reply to commands.", since: "3.2.0", handler: reply),
            client.command("no-evict", 3, flags, syntax: "enabled:<ON | OFF>",
                           "Sets the client eviction mode of the connection.", since: "7.0.0", handler: noEvict),
        ]
    }
}
