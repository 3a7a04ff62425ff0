#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// The server group: TIME, LASTSAVE, DEBUG, SHUTDOWN, and the containers
/// COMMAND (CommandIntrospection.swift), CONFIG (ConfigCommands.swift) and INFO (InfoCommand.swift).
enum ServerCommands {
    static func specs() -> [CommandSpec] {
        [
            CommandSpec("time", arity: 1, flags: [.loading, .stale, .fast], group: "server",
                        summary: "Returns the server time.", since: "2.6.0", handler: time),
            CommandSpec("lastsave", arity: 1, flags: [.loading, .stale, .fast], group: "server",
                        summary: "Returns the Unix timestamp of the last successful save to disk.", handler: lastsave),
            CommandSpec("debug", arity: -2, flags: [.admin, .noscript, .loading, .stale], group: "server",
                        summary: "A container for debugging commands.", complexity: "Depends on subcommand.", handler: debug),
            CommandSpec("shutdown", arity: -1, flags: [.admin, .noscript, .loading, .stale, .noMulti, .allowBusy],
                        group: "server", summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
                        complexity: "O(N)", handler: shutdown),
            CommandSpec("bgrewriteaof", arity: 1, flags: [.admin, .noscript], group: "server",
                        summary: "Asynchronously rewrites the append-only file to disk.", complexity: "O(1)",
                        handler: bgrewriteaof),
            InfoCommand.spec(),
        ] + CommandIntrospection.specs() + ConfigCommands.specs()
    }

    static func time(_ c: Client) {
        let now = Keyspace.clockMicroseconds()
        c.reply.array(2)
        c.reply.bulk(ByteNumbers.decimal(now / 1_000_000))
        c.reply.bulk(ByteNumbers.decimal(now % 1_000_000))
    }

    static func bgrewriteaof(_ c: Client) {
        if let refusal = c.server.hooks.rewriteAOF() {
            c.reply.error(refusal)
        } else {
            c.reply.simple("Background append only file rewriting started")
        }
    }

    static func lastsave(_ c: Client) { c.reply.integer(c.server.stats.lastSave) }

    static func debug(_ c: Client) {
        if c.argument(1, is: "SLEEP") && c.args.count == 3 {
            guard let seconds = ByteNumbers.parseDouble(c.args[2]) else {
                c.reply.error(Errors.notFloat)
                return
            }
            // Redis blocks its event loop here too: that is what the command is for.
            if seconds > 0 { usleep(useconds_t(min(seconds, 3600) * 1_000_000)) }
            c.reply.ok()
        } else if c.argument(1, is: "SET-ACTIVE-EXPIRE") && c.args.count == 3 {
            guard let flag = c.integer(at: 2) else { return }
            c.server.activeExpireEnabled = flag != 0
            c.reply.ok()
        } else if c.argument(1, is: "HELP") && c.args.count == 2 {
            HelpText.reply(c, container: "DEBUG", lines: [
                "SET-ACTIVE-EXPIRE <0|1>", "    Setting it to 0 disables expiring keys in background when they are not accessed.",
                "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.",
            ])
        } else {
            c.reply.error("ERR Unknown subcommand or wrong number of arguments for '\(Text.truncated(c.args[1], 128))'. Try DEBUG HELP.")
        }
    }

    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
    static func shutdown(_ c: Client) {
        var save: Bool? = nil
        var abort = false
        for index in 1..<c.args.count {
            if c.argument(index, is: "NOSAVE") { save = false }
            else if c.argument(index, is: "SAVE") { save = true }
            else if c.argument(index, is: "NOW") || c.argument(index, is: "FORCE") { continue }
            else if c.argument(index, is: "ABORT") { abort = true }
            else {
                c.reply.error(Errors.syntax)
                return
            }
        }
        if abort {
            c.reply.error("ERR No shutdown in progress.")
            return
        }
        if let refusal = c.server.hooks.shutdown(save) {
            c.reply.error(refusal)
        } else {
            // Redis sends no reply to a successful SHUTDOWN: the connection just closes.
            c.closeAfterReply = true
        }
    }
}
