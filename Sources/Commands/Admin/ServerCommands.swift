#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// The server group: TIME, LASTSAVE, SHUTDOWN, BGREWRITEAOF, and the containers
/// COMMAND (CommandIntrospection.swift), CONFIG (ConfigCommands.swift) and INFO (InfoCommand.swift).
/// DEBUG is DebugCommand.swift, MEMORY MemoryCommand.swift.
enum ServerCommands {
    static func specs() -> [CommandSpec] {
        [
            CommandSpec("time", arity: 1, flags: [.loading, .stale, .fast], group: "server",
                        summary: "Returns the server time.", since: "2.6.0", handler: time),
            CommandSpec("lastsave", arity: 1, flags: [.loading, .stale, .fast], group: "server",
                        summary: "Returns the Unix timestamp of the last successful save to disk.", handler: lastsave),
            CommandSpec("shutdown", arity: -1, flags: [.admin, .noscript, .loading, .stale, .noMulti, .allowBusy],
                        group: "server", summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
                        complexity: "O(N)", handler: shutdown),
            CommandSpec("bgrewriteaof", arity: 1, flags: [.admin, .noscript], group: "server",
                        summary: "Asynchronously rewrites the append-only file to disk.", complexity: "O(1)",
                        handler: bgrewriteaof),
            InfoCommand.spec(),
        ] + CommandIntrospection.specs() + ConfigCommands.specs() + DebugCommand.specs() + MemoryCommand.specs()
    }

    static func time(_ c: Client) {
        let now = Keyspace.clockMicroseconds()
        c.reply.array(2)
        c.reply.bulk(ByteNumbers.decimal(now / 1_000_000))
        c.reply.bulk(ByteNumbers.decimal(now % 1_000_000))
    }

    static func bgrewriteaof(_ c: Client) {
        if let refusal = c.engine.hooks.rewriteAOF() {
            c.reply.error(refusal)
        } else {
            c.reply.simple("Background append only file rewriting started")
        }
    }

    static func lastsave(_ c: Client) { c.reply.integer(c.engine.stats.lastSave) }

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
        if let refusal = c.engine.hooks.shutdown(save) {
            c.reply.error(refusal)
        } else {
            // Redis sends no reply to a successful SHUTDOWN: the connection just closes.
            c.closeAfterReply = true
        }
    }
}
