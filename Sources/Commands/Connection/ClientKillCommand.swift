import Keyspace
import RESP
import SwirlBytes

/// CLIENT KILL, both forms of Redis 7.0: `CLIENT KILL ip:port` (OK, or
/// "No such client") and `CLIENT KILL <filter> <value> ...` with ID, TYPE,
/// USER, ADDR, LADDR and SKIPME (the number of clients closed). A killed
/// client leaves the blocking queues and pub/sub at once, and its connection
/// is closed by the Server (`ServerHooks.closeClient`); a client that kills
/// itself gets its reply first.
extension ClientCommands {
    struct KillFilter {
        var id: Int64? = nil
        /// nil: any type; else "normal" or "pubsub" (no replicas or masters here: nothing matches those).
        var type: String?? = nil
        var address: Bytes? = nil
        var localAddress: Bytes? = nil
        var skipMe = true

        func matches(_ client: Client, caller: Client) -> Bool {
            if let id, Int64(client.id) != id { return false }
            if let type, type != (client.subscriptions != nil ? "pubsub" : "normal") { return false }
            if let address, Bytes(client.address) != address { return false }
            if let localAddress, Bytes(client.localAddress) != localAddress { return false }
            return !(skipMe && client === caller)
        }
    }

    static func kill(_ c: Client) {
        if c.args.count == 3 {
            // The old form may close the caller itself.
            let filter = KillFilter(address: c.args[2], skipMe: false)
            if killClients(c, filter) == 0 { c.reply.error("ERR No such client") } else { c.reply.ok() }
            return
        }
        guard let filter = killFilter(c) else { return }
        c.reply.integer(killClients(c, filter))
    }

    /// The `<filter> <value>` pairs, or nil after replying Redis's error.
    private static func killFilter(_ c: Client) -> KillFilter? {
        var filter = KillFilter()
        var index = 2
        while index < c.args.count {
            guard index + 1 < c.args.count else {
                c.reply.error(Errors.syntax)
                return nil
            }
            let value = c.args[index + 1]
            if c.argument(index, is: "ID") {
                guard let id = ByteNumbers.parseInt64(value), id > 0 else {
                    c.reply.error("ERR client-id should be greater than 0")
                    return nil
                }
                filter.id = id
            } else if c.argument(index, is: "TYPE") {
                if c.argument(index + 1, is: "normal") || c.argument(index + 1, is: "pubsub") {
                    filter.type = .some(Text.string(value).lowercased())
                } else if c.argument(index + 1, is: "master") || c.argument(index + 1, is: "replica")
                            || c.argument(index + 1, is: "slave") {
                    filter.type = .some(nil)  // a type no client here has
                } else {
                    c.reply.error("ERR Unknown client type '\(arg: value)'" as ErrorText)
                    return nil
                }
            } else if c.argument(index, is: "ADDR") {
                filter.address = value
            } else if c.argument(index, is: "LADDR") {
                filter.localAddress = value
            } else if c.argument(index, is: "USER") {
                // Only the default user exists: every client is authenticated as it.
                guard value == "default" else {
                    c.reply.error("ERR No such user '\(arg: value)'" as ErrorText)
                    return nil
                }
            } else if c.argument(index, is: "SKIPME") {
                if c.argument(index + 1, is: "yes") {
                    filter.skipMe = true
                } else if c.argument(index + 1, is: "no") {
                    filter.skipMe = false
                } else {
                    c.reply.error(Errors.syntax)
                    return nil
                }
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            index += 2
        }
        return filter
    }

    /// Closes every client the filter matches; returns how many.
    private static func killClients(_ c: Client, _ filter: KillFilter) -> Int {
        var killed = 0
        for client in c.engine.clients.values.sorted(by: { $0.id < $1.id }) where filter.matches(client, caller: c) {
            if client === c {
                c.closeAfterReply = true
            } else {
                c.engine.kill(client)
            }
            killed += 1
        }
        return killed
    }
}

extension Engine {
    /// Closes another client's connection: out of the blocking queues and pub/sub
    /// now, the connection at the Server's next step.
    func kill(_ client: Client) {
        blocking.remove(client)
        pubsub.unsubscribeAll(client)
        hooks.closeClient(client.id)
    }
}
