import Keyspace
import RESP
import SwirlBytes

/// CLIENT and its subcommands that concern one connection's identity.
enum ClientCommands {
    static let invalidNameError = "ERR Client names cannot contain spaces, newlines or special characters."

    /// CLIENT's defaults, shared by its subcommands in TrackingCommands and ClientPauseCommands.
    static let group = CommandGroup("connection", since: "2.4.0")

    static func specs() -> [CommandSpec] {
        let client = group
        let flags: CommandFlags = [.noscript, .loading, .stale]
        let admin: CommandFlags = [.admin, .noscript, .loading, .stale]
        return [
            client.container("client", "A container for client connection commands.", subcommands: [
                client.command("id", 2, flags, syntax: "",
                               "Returns the unique client ID of the connection.", since: "5.0.0", handler: id),
                client.command("setname", 3, flags, syntax: "connection-name",
                               "Sets the connection name.", since: "2.6.9", handler: setName),
                client.command("getname", 2, flags, syntax: "",
                               "Returns the name of the connection.", since: "2.6.9", handler: getName),
                client.command("kill", -3, admin,
                               syntax: "filter:<old-format | new-format:<[ID client-id:integer]@2.8.12"
                                   + " | [TYPE <NORMAL | MASTER@3.2.0 | SLAVE | REPLICA@5.0.0 | PUBSUB>]@2.8.12"
                                   + " | [USER username] | [ADDR addr] | [LADDR laddr]@6.2.0 | [SKIPME yesno]> ...>",
                               "Terminates open connections.",
                               complexity: "O(N) where N is the number of client connections", handler: kill),
                client.command("list", -2, flags,
                               syntax: "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>]@5.0.0 [ID id:<client-id:integer [client-id ...]>]@6.2.0",
                               "Lists open connections.", handler: list),
                client.command("info", 2, flags, syntax: "",
                               "Returns information about the connection.", since: "6.2.0", handler: info),
                client.command("unblock", -3, admin, syntax: "client-id:integer timeout_error:[TIMEOUT | ERROR]",
                               "Unblocks a client blocked by a blocking command from another connection.", since: "5.0.0",
                               complexity: "O(log N) where N is the number of client connections", handler: unblock),
                client.command("help", 2, flags, syntax: "",
                               "Returns helpful text about the different subcommands.", since: "5.0.0", handler: help),
            ] + TrackingCommands.subcommands() + ClientPauseCommands.subcommands()),
        ]
    }

    /// Names may hold no spaces, newlines or bytes outside `!`…`~`.
    static func validName(_ name: Bytes) -> Bool {
        name.allSatisfy { $0 >= 0x21 && $0 <= 0x7e }
    }

    static func id(_ c: Client) { c.reply.integer(c.id) }

    static func setName(_ c: Client) {
        let name = c.args[2]
        guard validName(name) else {
            c.reply.error(invalidNameError)
            return
        }
        c.name = name.isEmpty ? nil : name
        c.reply.ok()
    }

    static func getName(_ c: Client) {
        if let name = c.name { c.reply.bulk(name) } else { c.reply.null() }
    }

    static func list(_ c: Client) {
        var clients = c.engine.clients.values.sorted { $0.id < $1.id }
        if c.args.count > 2 {
            if c.args.count == 4 && c.argument(2, is: "TYPE") {
                guard c.argument(3, is: "normal") || c.argument(3, is: "master") || c.argument(3, is: "replica")
                        || c.argument(3, is: "pubsub") else {
                    c.reply.error("ERR Unknown client type '\(arg: c.args[3])'" as ErrorText)
                    return
                }
                // A subscribed client is of the pubsub class, the others normal (no replicas here).
                if c.argument(3, is: "normal") || c.argument(3, is: "pubsub") {
                    let pubsub = c.argument(3, is: "pubsub")
                    clients = clients.filter { ($0.subscriptions != nil) == pubsub }
                } else {
                    clients = []
                }
            } else if c.args.count >= 4 && c.argument(2, is: "ID") {
                var wanted = Set<Int64>()
                for index in 3..<c.args.count {
                    // Any integer, as Redis: 0 and negative ids just match no client.
                    guard let id = ByteNumbers.parseInt64(c.args[index]) else {
                        c.reply.error("ERR Invalid client ID")
                        return
                    }
                    wanted.insert(id)
                }
                clients = clients.filter { wanted.contains(Int64($0.id)) }
            } else {
                c.reply.error(Errors.syntax)
                return
            }
        }
        var text: [UInt8] = []
        for client in clients { text += describe(client, now: c.engine.keyspace.now) + [0x0a] }
        c.reply.verbatim(text)
    }

    static func info(_ c: Client) {
        c.reply.verbatim(describe(c, now: c.engine.keyspace.now) + [0x0a])
    }

    /// CLIENT LIST's `flags=`, letters in Redis's order: O monitor (S replica),
    /// P pub/sub, x in MULTI, b blocked, t/R/B tracking, d a watched key
    /// changed, c closing after its reply, A closing for its output limit, e
    /// no-evict; N for none.
    static func flagLetters(_ client: Client) -> String {
        var letters = ""
        if client.isMonitor { letters += "O" } else if client.isReplica { letters += "S" }
        if client.subscriptions != nil { letters += "P" }
        if client.transaction != nil { letters += "x" }
        if client.isBlocked { letters += "b" }
        letters += TrackingCommands.flagLetters(client)
        if client.watcher?.keyChanged == true { letters += "d" }
        if client.closeAfterReply { letters += "c" }
        if client.closeASAP { letters += "A" }
        if client.noEvict { letters += "e" }
        return letters.isEmpty ? "N" : letters
    }

    /// One CLIENT LIST line, with Redis 7.0's fields in Redis's order.
    /// `qbuf` is the input batch being run (all of it while it runs), `argv-mem`
    /// the bytes of the arguments of the command being run (Redis's
    /// argv_len_sum). The unsent output (reply buffer and bytes still in a
    /// socket write) is split as Redis's: its first 16 KB are `obl` (Redis's
    /// own reply buffer), the rest `omem` in `oll` blocks of 16 KB, which is
    /// what the output limits count. `tot-mem` adds up the buffers.
    static func describe(_ client: Client, now: Int64) -> [UInt8] {
        let name = client.name.map(Text.string) ?? ""
        let subscriptions = client.subscriptions
        let argvMemory = client.args.reduce(0) { $0 + $1.count }
        let unsent = client.engine.unsentOutput(client)
        let listed = max(0, unsent - Client.fixedReplyBufferBytes)
        let blockBytes = Client.fixedReplyBufferBytes
        let totalMemory = client.memoryUsage()
        let fields: [(String, String)] = [
            ("id", "\(client.id)"), ("addr", client.address), ("laddr", client.localAddress),
            ("fd", "\(client.fd)"), ("name", name),
            ("age", "\((now - client.createdAt) / 1000)"), ("idle", "\((now - client.lastInteraction) / 1000)"),
            ("flags", flagLetters(client)), ("db", "\(client.dbIndex)"), ("sub", "\(subscriptions?.channels.count ?? 0)"),
            ("psub", "\(subscriptions?.patterns.count ?? 0)"), ("ssub", "\(subscriptions?.shardChannels.count ?? 0)"),
            ("multi", "\(client.queuedCommandCount)"), ("qbuf", "\(client.queryBufferLength)"),
            ("qbuf-free", "\(client.queryBufferFree)"), ("argv-mem", "\(argvMemory)"), ("multi-mem", "\(client.queuedCommandBytes)"), ("rbs", "1024"), ("rbp", "0"),
            ("obl", "\(unsent - listed)"), ("oll", "\((listed + blockBytes - 1) / blockBytes)"), ("omem", "\(listed)"), ("tot-mem", "\(totalMemory)"),
            ("events", "r"), ("cmd", client.lastCommandID < 0 ? "NULL" : client.engine.table.all[client.lastCommandID].fullName), ("user", "default"), ("redir", "\(client.tracking?.redirect ?? -1)"),
            // No lib-name/lib-ver: Redis 7.2 added them, 7.0.15's line ends here.
            ("resp", "\(client.protocolVersion)"),
        ]
        return Array(fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ").utf8)
    }

    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was blocked (it then
    /// gets the timeout reply, or the UNBLOCKED error), else 0. The reason is
    /// checked before the id, as in Redis 7.0.
    static func unblock(_ c: Client) {
        guard c.args.count <= 4 else {
            c.reply.error(Errors.subcommandSyntax(c.args[1], container: "CLIENT"))
            return
        }
        var withError = false
        if c.args.count == 4 {
            if c.argument(3, is: "TIMEOUT") {
                withError = false
            } else if c.argument(3, is: "ERROR") {
                withError = true
            } else {
                c.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
                return
            }
        }
        guard let id = c.integer(at: 2) else { return }
        guard id >= 0, id <= Int64(Int.max), c.engine.unblock(clientID: Int(id), withError: withError) else {
            c.reply.integer(0)
            return
        }
        // Redis counts a command failed when an error reply was sent while it ran, even to another client.
        if withError { c.engine.stats.commands[c.lastCommandID].failedCalls += 1 }
        c.reply.integer(1)
    }

    static func help(_ c: Client) {
        // Redis 7.0.15's text, word for word (it leaves out LIST's ID filter).
        HelpText.reply(c, container: "CLIENT", lines: [
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
        ], helpLine: "    Prints this help.")
    }
}
