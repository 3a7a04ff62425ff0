import Keyspace
import RESP
import SwirlBytes

/// What replication commands answer on a server without replicas: Swirl is
/// always a master with none attached.
enum ReplicationCommands {
    static func specs() -> [CommandSpec] {
        [
            CommandSpec("role", arity: 1, flags: [.noscript, .loading, .stale, .fast], group: "server",
                        summary: "Return the role of the instance in the context of replication", since: "2.8.12",
                        categories: ["@admin", "@fast", "@dangerous"], handler: role),
        ]
    }

    /// `master`, the replication offset, and the (empty) list of replicas.
    static func role(_ c: Client) {
        c.reply.array(3)
        c.reply.bulk("master")
        c.reply.integer(0)
        c.reply.array(0)
    }
}
