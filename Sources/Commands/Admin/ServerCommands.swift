#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// The server group: TIME, LASTSAVE, SHUTDOWN, BGREWRITEAOF. The rest of
/// Redis's server group has its own files: INFO (InfoCommand.swift), COMMAND
/// (CommandIntrospection.swift), CONFIG (ConfigCommands.swift), DEBUG
/// (DebugCommand.swift), MEMORY (MemoryCommand.swift) and more.
enum ServerCommands {
    /// Redis's `server` group, shared by the families whose commands it holds.
    static let group = CommandGroup("server")

    static func specs() -> [CommandSpec] {
        let server = group
        return [
            server.command("time", 1, [.loading, .stale, .fast], syntax: "",
                           "Returns the server time.", since: "2.6.0", handler: time),
            server.command("lastsave", 1, [.loading, .stale, .fast], syntax: "",
                           "Returns the Unix timestamp of the last successful save to disk.", handler: lastsave),
            server.command("shutdown", -1, [.admin, .noscript, .loading, .stale, .noMulti, .allowBusy],
                           syntax: "[NOSAVE | SAVE] [NOW]@7.0.0 [FORCE]@7.0.0 [ABORT]@7.0.0",
                           "Synchronously saves the database(s) to disk and shuts down the Redis server.",
                           complexity: "O(N)", handler: shutdown),
            server.command("bgrewriteaof", 1, [.admin, .noscript], syntax: "",
                           "Asynchronously rewrites the append-only file to disk.", handler: bgrewriteaof),
        ] + SnapshotCommands.specs()
    }

    static func time(_ c: Client) {
        let now = Keyspace.clockMicroseconds()
        c.reply.array(2)
        c.reply.bulk(ByteNumbers.decimal(now / 1_000_000))
        c.reply.bulk(ByteNumbers.decimal(now % 1_000_000))
    }

    static func bgrewriteaof(_ c: Client) {
        // Redis schedules the rewrite for after a running BGSAVE and says so.
        let waits = c.engine.snapshots.backgroundSaveInProgress
        if let refusal = c.engine.hooks.rewriteAOF() {
            c.reply.error(refusal)
        } else if waits {
            c.reply.simple("Background append only file rewriting scheduled")
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
