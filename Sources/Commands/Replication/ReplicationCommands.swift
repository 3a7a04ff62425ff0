import Keyspace
import RESP
import SwirlBytes

/// What replication commands answer on a server without replicas: Swirl is
/// always a master with none attached (ROLE, WAIT).
enum ReplicationCommands {
    static func specs() -> [CommandSpec] {
        [
            ServerCommands.group.command("role", 1, [.noscript, .loading, .stale, .fast], syntax: "",
                                         "Return the role of the instance in the context of replication", since: "2.8.12",
                                         categories: ["@admin", "@fast", "@dangerous"], handler: role),
            KeyCommands.group.command("wait", 3, [.noscript], keys: .none, syntax: "numreplicas:integer timeout:integer",
                                      "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
                                      since: "3.0.0", categories: ["@slow", "@connection"], handler: wait),
        ]
    }

    /// WAIT numreplicas timeout: with no replica ever acknowledging, it answers 0
    /// at once when 0 replicas are asked for (or inside MULTI), else after the
    /// timeout in milliseconds (0: never, unless CLIENT UNBLOCK), as Redis does.
    static func wait(_ c: Client) {
        guard let wanted = c.integer(at: 1) else { return }
        guard let milliseconds = ByteNumbers.parseInt64(c.args[2]) else {
            c.reply.error(Errors.timeoutNotInteger)
            return
        }
        guard milliseconds >= 0 else {
            c.reply.error(Errors.timeoutNegative)
            return
        }
        let acknowledged = 0
        guard wanted > acknowledged else {
            c.reply.integer(acknowledged)
            return
        }
        // Redis's sum wraps past Int64 into a deadline its timer never reaches: saturating waits the same.
        let (sum, overflow) = c.engine.keyspace.now.addingReportingOverflow(milliseconds)
        let deadline = milliseconds == 0 ? 0 : overflow ? Int64.max : sum
        let answer: (Client) -> Void = { $0.reply.integer(acknowledged) }
        c.serveOrBlock(BlockingRequest(keys: [], type: "", deadline: deadline, emptyReply: answer, timeoutReply: answer) { _, _, _ in })
    }

    /// `master`, the replication offset, and the (empty) list of replicas.
    static func role(_ c: Client) {
        c.reply.array(3)
        c.reply.bulk("master")
        c.reply.integer(0)
        c.reply.array(0)
    }
}
