import Keyspace
import RESP
import SwirlBytes

/// SAVE and BGSAVE [SCHEDULE]: RDB snapshots, written by the Server
/// (Server/RDBSave.swift) through `ServerHooks`; LASTSAVE is in ServerCommands.
enum SnapshotCommands {
    static func specs() -> [CommandSpec] {
        let server = ServerCommands.group
        return [
            server.command("save", 1, [.admin, .noscript, .noMulti], syntax: "",
                           "Synchronously saves the database(s) to disk.", complexity: "O(N) where N is the total number of keys in all databases", handler: save),
            server.command("bgsave", -1, [.admin, .noscript], syntax: "[SCHEDULE]@3.2.2",
                           "Asynchronously saves the database(s) to disk.", complexity: "O(1)", handler: bgsave),
        ]
    }

    static func save(_ c: Client) {
        let engine = c.engine
        if engine.snapshots.backgroundSaveInProgress {
            c.reply.error("ERR Background save already in progress")
            return
        }
        engine.snapshots.saves += 1
        if engine.hooks.save() {
            c.reply.ok()
        } else {
            c.reply.error("ERR")
        }
    }

    /// As Redis's bgsaveCommand: a child at once, or scheduled (SCHEDULE, or inside
    /// EXEC) while the AOF rewrite child runs.
    static func bgsave(_ c: Client) {
        var schedule = false
        if c.args.count > 1 {
            guard c.args.count == 2, c.argument(1, is: "SCHEDULE") else {
                c.reply.error(Errors.syntax)
                return
            }
            schedule = true
        }
        let engine = c.engine
        let inExec = engine.transactionPropagation != nil
        if engine.snapshots.backgroundSaveInProgress {
            c.reply.error("ERR Background save already in progress")
        } else if engine.hooks.childActive() || inExec {
            if schedule || inExec {
                engine.snapshots.backgroundSaveScheduled = true
                c.reply.simple("Background saving scheduled")
            } else {
                c.reply.error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
                              + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
            }
        } else if engine.hooks.backgroundSave() {
            c.reply.simple("Background saving started")
        } else {
            c.reply.error("ERR")
        }
    }
}
