import Keyspace
import Persistence
import RESP
import SwirlBytes

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: the dataset goes through
/// persistence and back, so what does not survive a restart shows.
///
/// Redis saves an RDB file and loads it. Swirl takes the same RDB snapshot
/// (`ServerHooks.keyspaceSnapshot`: the RDBWriter's file with the server's
/// options, so LRU/LFU stamps go through too) and keeps it in memory, which
/// stands for dump.rdb: NOSAVE loads the last one taken (an error if there is
/// none, as Redis without a dump file). The snapshot is read by the RDBReader
/// into a scratch keyspace, then its keys move into the live databases; keys
/// whose time has passed are dropped, as Redis's RDB load on a master drops them.
///
/// The AOF is not touched, as in Redis (the reload is not counted as a change,
/// so nothing is propagated): with `appendonly yes` the files already hold the
/// same data. (MERGE, NOFLUSH and NOSAVE can leave memory different from the
/// AOF, in Redis as in Swirl.)
///
/// NOFLUSH without MERGE: Redis kills the server on the first key that
/// exists in both; Swirl refuses the reload instead and changes nothing.
enum DebugReload {
    static func run(_ c: Client) {
        var merge = false, flush = true, save = true
        for index in 2..<c.args.count {
            if c.argument(index, is: "MERGE") { merge = true }
            else if c.argument(index, is: "NOFLUSH") { flush = false }
            else if c.argument(index, is: "NOSAVE") { save = false }
            else {
                c.reply.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
                return
            }
        }
        let engine = c.engine
        if save {
            guard let snapshot = engine.hooks.keyspaceSnapshot else {
                c.reply.error("ERR DEBUG RELOAD is not available here")
                return
            }
            engine.debugState.reloadSnapshot = snapshot()
        }
        guard let snapshot = engine.debugState.reloadSnapshot else {
            c.reply.error("ERR Error trying to load the RDB dump, check server logs.")
            return
        }
        let loaded: Keyspace
        do {
            loaded = try replay(snapshot, config: engine.config)
        } catch {
            engine.hooks.logWarning("DEBUG RELOAD: the snapshot does not parse: \(error)")
            c.reply.error("ERR Error trying to load the RDB dump, check server logs.")
            return
        }
        if !flush && !merge, let (db, key) = firstConflict(loaded, engine.keyspace) {
            c.reply.error("ERR DEBUG RELOAD NOFLUSH without MERGE: key '\(arg: key, max: 128)' of database \(db) "
                          + "exists in memory and in the snapshot; nothing was loaded" as ErrorText)
            return
        }
        if flush {
            engine.keyspace.flushAll()
            engine.trackingFlushed(by: c)
        }
        move(loaded, into: engine.keyspace, now: engine.keyspace.now)
        engine.hooks.logWarning("DB reloaded by DEBUG RELOAD")
        c.reply.ok()
    }

    /// The snapshot read into a fresh keyspace, as Redis's rdbLoad reads dump.rdb:
    /// every key with its expiry time, and its idle time or frequency when the policy records one.
    static func replay(_ snapshot: [UInt8], config: Config) throws -> Keyspace {
        let keyspace = Keyspace(databaseCount: config.databases)
        let tracking = config.accessTracking, now = Keyspace.clockMilliseconds()
        var reader = RDBReader(snapshot)
        try reader.read { entry in
            guard entry.db < keyspace.count else { throw ReloadFailure(reason: "a key in database \(entry.db), beyond `databases`") }
            entry.store(in: keyspace[entry.db], tracking: tracking, now: now)
        }
        return keyspace
    }

    struct ReloadFailure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    private static func firstConflict(_ loaded: Keyspace, _ live: Keyspace) -> (Int, Bytes)? {
        for db in loaded.databases where db.count > 0 {
            var conflict: Bytes? = nil
            db.forEachKey { key, _ in
                if conflict == nil && live[db.id].exists(key) { conflict = key }
            }
            if let conflict { return (db.id, conflict) }
        }
        return nil
    }

    /// Every live key of `loaded` into `live`, replacing what is there (MERGE).
    private static func move(_ loaded: Keyspace, into live: Keyspace, now: Int64) {
        for db in loaded.databases where db.count > 0 {
            let target = live[db.id]
            db.forEachKey { key, slot in
                if slot.hasExpiry && slot.expireAt < now { return }
                target.set(key, slot.value)
                if slot.hasExpiry { target.setExpire(key, at: slot.expireAt) }
            }
        }
    }
}
