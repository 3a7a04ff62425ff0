import Keyspace
import SwirlBytes
import RESP

/// What a client in MULTI has queued (Redis's `c->mstate`), and whether the
/// transaction is already doomed by an error while queueing (CLIENT_DIRTY_EXEC).
struct QueuedTransaction {
    var commands: [(spec: CommandSpec, args: [Bytes])] = []
    /// A command was refused while queueing: EXEC answers EXECABORT.
    var failed = false
    /// Bytes held by the queued arguments, plus a pointer each (CLIENT LIST multi-mem, as Redis counts).
    var argumentBytes = 0
}

extension Client {
    /// True between MULTI and EXEC/DISCARD.
    public var inTransaction: Bool { transaction != nil }

    /// Leaves MULTI and forgets every WATCH (Redis's discardTransaction): DISCARD,
    /// EXEC, RESET, and EXEC refused for its arity.
    func discardTransaction() {
        transaction = nil
        watcher?.reset()
    }

    /// Whether the queued transaction writes (CLIENT PAUSE WRITE holds its EXEC back).
    var transactionWrites: Bool {
        transaction?.commands.contains { !$0.0.flags.intersection([.write, .mayReplicate]).isEmpty } ?? false
    }

    /// CLIENT LIST `multi=`: commands queued, or -1 outside MULTI.
    var queuedCommandCount: Int { transaction?.commands.count ?? -1 }

    /// CLIENT LIST `multi-mem=`.
    var queuedCommandBytes: Int { transaction?.argumentBytes ?? 0 }
}

extension Engine {
    /// The commands that run at once inside MULTI instead of being queued.
    private static let runImmediatelyInMulti: Set<String> = ["exec", "discard", "multi", "watch", "quit", "reset"]

    /// Called by `execute` for a client in MULTI, after lookup and arity:
    /// queues the command and replies QUEUED, or refuses a no-multi command
    /// (which dooms the transaction). False when the command must run now.
    func queueIfInTransaction(_ spec: CommandSpec, _ client: Client) -> Bool {
        if spec.flags.contains(.noMulti) {
            stats.commands[spec.id].rejectedCalls += 1
            reject(client, Errors.notAllowedInTransaction)
            return true
        }
        if Self.runImmediatelyInMulti.contains(spec.name) { return false }
        // A doomed transaction keeps no more commands (Redis saves the memory too), but still answers QUEUED.
        if client.transaction?.failed == false && client.watcher?.keyChanged != true {
            client.transaction!.commands.append((spec, client.args))
            client.transaction!.argumentBytes += client.args.reduce(0) { $0 + $1.count + 8 }
        }
        client.reply.simple("QUEUED")
        return true
    }

    /// The error `reject` sends while a transaction may be open: an error
    /// while queueing dooms the transaction, and a refused EXEC (e.g. EXEC
    /// with arguments, in or out of MULTI) discards it and answers EXECABORT
    /// with the reason, as Redis's execCommandAbort does.
    func transactionRejection(_ client: Client, _ message: ErrorText, command: CommandSpec?) -> ErrorText {
        if command?.name == "exec" {
            client.discardTransaction()
            let reason = message.hasPrefix("ERR ") ? message.dropFirst(4) : message
            return "EXECABORT Transaction discarded because of: \(reason)"
        }
        client.transaction?.failed = true
        return message
    }

    // MARK: - Propagation of a transaction

    /// From here until `endTransactionPropagation`, what commands propagate is
    /// collected instead of written, so a transaction reaches the AOF whole.
    func beginTransactionPropagation() {
        transactionPropagation = []
    }

    /// Writes what the transaction propagated: one command as is, several
    /// wrapped in MULTI … EXEC (Redis 7.0's propagatePendingCommands), so
    /// loading an AOF cut inside it never replays half a transaction.
    func endTransactionPropagation() {
        guard let commands = transactionPropagation else { return }
        transactionPropagation = nil
        guard let first = commands.first, let last = commands.last else { return }
        if commands.count == 1 {
            propagate(db: first.db, first.args)
            return
        }
        // MULTI goes after the SELECT of the first command, EXEC needs none.
        propagate(db: first.db, ["MULTI"])
        for command in commands { propagate(db: command.db, command.args) }
        propagate(db: last.db, ["EXEC"])
    }
}
