import Keyspace
import SwirlBytes
import RESP

/// The transactions group: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
///
/// Queueing happens in `Engine.execute` (`queueIfInTransaction`), the state
/// and the AOF wrapping in TransactionState.swift, and the watches in the
/// keyspace (Keyspace/WatchedKeys.swift), which every write signals.
enum TransactionCommands {
    static func specs() -> [CommandSpec] {
        let transactions = CommandGroup("transactions")
        let flags: CommandFlags = [.noscript, .loading, .stale, .fast, .allowBusy]
        return [
            transactions.command("multi", 1, flags, syntax: "", "Starts a transaction.", since: "1.2.0", handler: multi),
            transactions.command("exec", 1, [.noscript, .loading, .stale, .skipSlowlog], syntax: "",
                                 "Executes all commands in a transaction.", since: "1.2.0",
                                 complexity: "Depends on commands in the transaction", handler: exec),
            transactions.command("discard", 1, flags, syntax: "", "Discards a transaction.", since: "2.0.0",
                                 complexity: "O(N), when N is the number of queued commands", handler: discard),
            transactions.command("watch", -2, flags, keys: .all, syntax: "key [key ...]",
                                 "Monitors changes to keys to determine the execution of a transaction.", since: "2.2.0",
                                 complexity: "O(1) for every key.", handler: watch),
            transactions.command("unwatch", 1, flags, syntax: "",
                                 "Forgets about watched keys of a transaction.", since: "2.2.0", handler: unwatch),
        ]
    }

    static func multi(_ c: Client) {
        guard c.transaction == nil else {
            c.reply.error("ERR MULTI calls can not be nested")
            return
        }
        c.transaction = QueuedTransaction()
        c.reply.ok()
    }

    static func discard(_ c: Client) {
        guard c.transaction != nil else {
            c.reply.error("ERR DISCARD without MULTI")
            return
        }
        c.discardTransaction()
        c.reply.ok()
    }

    static func watch(_ c: Client) {
        guard c.transaction == nil else {
            c.reply.error("ERR WATCH inside MULTI is not allowed")
            return
        }
        let watcher = c.watcher ?? KeyWatcher()
        c.watcher = watcher
        // Once a watched key changed, EXEC fails whatever else is watched: no point in watching more.
        if !watcher.keyChanged {
            for key in c.args.dropFirst() { watcher.watch(key, in: c.db) }
        }
        c.reply.ok()
    }

    static func unwatch(_ c: Client) {
        c.watcher?.reset()
        c.reply.ok()
    }

    /// Runs the queued commands one after the other, nothing else in between
    /// (the loop thread runs nothing else), each with its own reply in the
    /// array; a command that fails at run time does not stop the others.
    static func exec(_ c: Client) {
        guard let transaction = c.transaction else {
            c.reply.error("ERR EXEC without MULTI")
            return
        }
        if transaction.failed {
            c.discardTransaction()
            c.reply.error(Errors.execAbort)
            return
        }
        if c.watcher?.transactionMustAbort() == true {
            c.discardTransaction()
            c.reply.nullArray()
            return
        }
        c.watcher?.reset()  // the watches did their job; the commands below may touch those keys
        let engine = c.engine
        let execArgs = c.args
        engine.beginTransactionPropagation()
        c.reply.array(transaction.commands.count)
        // Every command sees the instant EXEC started (keyspace.now is left alone), as in Redis.
        for (spec, args) in transaction.commands {
            c.args = args
            engine.call(spec, c, started: Keyspace.clockMicroseconds())
        }
        engine.endTransactionPropagation()
        c.args = execArgs
        c.discardTransaction()
        // EXEC itself is never logged: the commands it ran were, wrapped in MULTI/EXEC.
        c.propagateNothing()
    }
}
