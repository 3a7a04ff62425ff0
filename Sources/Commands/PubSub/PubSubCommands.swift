import Keyspace
import RESP
import SwirlBytes

/// The pubsub group: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
///
/// The subscriptions and the delivery live in PubSubRegistry.swift; the rule
/// that a RESP2 client in pub/sub mode may only run a few commands is
/// `Engine.refusedWhileSubscribed`, called from `Engine.execute`.
enum PubSubCommands {
    static func specs() -> [CommandSpec] {
        let pubsub = CommandGroup("pubsub", since: "2.0.0")
        let subscribeFlags: CommandFlags = [.pubsub, .noscript, .loading, .stale]
        let publishFlags: CommandFlags = [.pubsub, .loading, .stale, .fast]
        let introspectionFlags: CommandFlags = [.pubsub, .loading, .stale]
        // Shard channels are declared as keys (so a cluster could route them), as in Redis 7.0.
        let shardChannels = KeyPositions(first: 1, last: -1, step: 1)
        return [
            pubsub.command("subscribe", -2, subscribeFlags, syntax: "channel [channel ...]",
                           "Listens for messages published to channels.",
                           complexity: "O(N) where N is the number of channels to subscribe to.") { subscribe($0, .channel) },
            pubsub.command("psubscribe", -2, subscribeFlags, syntax: "pattern:<pattern:pattern> ...",
                           "Listens for messages published to channels that match patterns.",
                           complexity: "O(N) where N is the number of patterns the client is already subscribed to.") {
                subscribe($0, .pattern)
            },
            pubsub.command("ssubscribe", -2, subscribeFlags, keys: shardChannels, syntax: "shardchannel [shardchannel ...]",
                           "Listens for messages published to shard channels.", since: "7.0.0",
                           complexity: "O(N) where N is the number of shard channels to subscribe to.") {
                subscribe($0, .shard)
            },
            pubsub.command("unsubscribe", -1, subscribeFlags, syntax: "[channel [channel ...]]",
                           "Stops listening to messages posted to channels.",
                           complexity: "O(N) where N is the number of clients already subscribed to a channel.") {
                unsubscribe($0, .channel)
            },
            pubsub.command("punsubscribe", -1, subscribeFlags, syntax: "[pattern:pattern [pattern ...]]",
                           "Stops listening to messages published to channels that match patterns.",
                           complexity: "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).") {
                unsubscribe($0, .pattern)
            },
            pubsub.command("sunsubscribe", -1, subscribeFlags, keys: shardChannels, syntax: "[shardchannel [shardchannel ...]]",
                           "Stops listening to messages posted to shard channels.", since: "7.0.0",
                           complexity: "O(N) where N is the number of clients already subscribed to a shard channel.") {
                unsubscribe($0, .shard)
            },
            pubsub.command("publish", 3, publishFlags, syntax: "channel message", "Posts a message to a channel.",
                           complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).") {
                publish($0, shard: false)
            },
            pubsub.command("spublish", 3, publishFlags, keys: .single, syntax: "shardchannel message",
                           "Posts a message to a shard channel.", since: "7.0.0",
                           complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.") {
                publish($0, shard: true)
            },
            pubsub.container("pubsub", "A container for Pub/Sub commands.", since: "2.8.0",
                             complexity: "Depends on subcommand.", subcommands: [
                pubsub.command("channels", -2, introspectionFlags, syntax: "[pattern:pattern]",
                               "Returns the active channels.", since: "2.8.0",
                               complexity: "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)") {
                    channels($0, .channel)
                },
                pubsub.command("numsub", -2, introspectionFlags, syntax: "[channel [channel ...]]",
                               "Returns a count of subscribers to channels.", since: "2.8.0",
                               complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels") {
                    numsub($0, .channel)
                },
                pubsub.command("numpat", 2, introspectionFlags, syntax: "",
                               "Returns a count of unique pattern subscriptions.", since: "2.8.0") {
                    $0.reply.integer($0.engine.pubsub.patternCount)
                },
                pubsub.command("shardchannels", -2, introspectionFlags, syntax: "[pattern:pattern]",
                               "Returns the active shard channels.", since: "7.0.0",
                               complexity: "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).") {
                    channels($0, .shard)
                },
                pubsub.command("shardnumsub", -2, introspectionFlags, syntax: "[shardchannel [shardchannel ...]]",
                               "Returns the count of subscribers of shard channels.", since: "7.0.0",
                               complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels") {
                    numsub($0, .shard)
                },
                pubsub.command("help", 2, [.loading, .stale], syntax: "",
                               "Returns helpful text about the different subcommands.", since: "6.2.0", handler: help),
            ]),
        ]
    }

    /// One confirmation per name, even a repeated one; the count is the
    /// client's subscriptions after it. A push frame in RESP3.
    static func subscribe(_ c: Client, _ kind: PubSubKind) {
        // Redis refuses SSUBSCRIBE where a client must get one reply per command
        // (CLIENT_DENY_BLOCKING, which EXEC sets); SUBSCRIBE is let through in
        // MULTI for backward compatibility.
        if kind == .shard && c.inTransaction {
            c.reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
            return
        }
        let registry = c.engine.pubsub
        for name in c.args.dropFirst() {
            registry.subscribe(c, to: name, kind)
            confirm(c, kind.subscribeWord, name, count: c.subscriptions?.count(kind) ?? 0)
        }
    }

    /// With names: one confirmation each, subscribed or not. Without: every
    /// subscription of the kind, or one confirmation with a null name when
    /// there is none.
    static func unsubscribe(_ c: Client, _ kind: PubSubKind) {
        let registry = c.engine.pubsub
        var names = Array(c.args.dropFirst())
        if names.isEmpty {
            names = c.subscriptions?.names(kind) ?? []
            if names.isEmpty {
                confirm(c, kind.unsubscribeWord, nil, count: c.subscriptions?.count(kind) ?? 0)
                return
            }
        }
        for name in names {
            registry.unsubscribe(c, from: name, kind)
            confirm(c, kind.unsubscribeWord, name, count: c.subscriptions?.count(kind) ?? 0)
        }
    }

    private static func confirm(_ c: Client, _ word: [UInt8], _ name: Bytes?, count: Int) {
        c.reply.push(3)
        c.reply.bulk(word)
        if let name { c.reply.bulk(name) } else { c.reply.null() }
        c.reply.integer(count)
    }

    /// Replies how many subscriptions received the message. Not a write:
    /// nothing reaches the AOF.
    static func publish(_ c: Client, shard: Bool) {
        let receivers = c.engine.pubsub.publish(c.args[1], c.args[2], shard: shard, now: c.engine.keyspace.now)
        c.reply.integer(receivers)
    }

    /// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: channels with subscribers.
    static func channels(_ c: Client, _ kind: PubSubKind) {
        guard c.args.count <= 3 else {
            c.reply.error(Errors.subcommandSyntax(c.args[1], container: "PUBSUB"))
            return
        }
        let pattern = c.args.count == 3 ? c.args[2].array : nil
        var matching: [Bytes] = []
        c.engine.pubsub.table(kind).forEach { name, _ in
            if pattern == nil || Glob.matches(pattern!, name.array) { matching.append(name) }
        }
        c.reply.array(matching.count)
        for name in matching { c.reply.bulk(name) }
    }

    /// PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: name and count for each
    /// (pattern subscriptions are not counted).
    static func numsub(_ c: Client, _ kind: PubSubKind) {
        let table = c.engine.pubsub.table(kind)
        c.reply.array((c.args.count - 2) * 2)  // a flat array in RESP3 too, as in Redis 7.0
        for name in c.args.dropFirst(2) {
            c.reply.bulk(name)
            c.reply.integer(table.subscribers(name)?.count ?? 0)
        }
    }

    static func help(_ c: Client) {
        let lines = [
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
            "HELP",
            "    Prints this help.",
        ]
        c.reply.array(lines.count)
        for line in lines { c.reply.simple(line) }
    }
}

extension Engine {
    /// What a RESP2 client in pub/sub mode may still run (Redis 7.0's list).
    private static let allowedWhileSubscribed: Set<String> = [
        "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "ping", "quit", "reset",
    ]

    /// Called by `execute` for a subscribed client: in RESP2 its connection
    /// carries messages, so any other reply would be mistaken for one. RESP3
    /// tells pushes apart, so there anything goes.
    func refusedWhileSubscribed(_ spec: CommandSpec, _ client: Client) -> Bool {
        guard client.protocolVersion == 2, !Self.allowedWhileSubscribed.contains(spec.fullName) else { return false }
        stats.commands[spec.id].rejectedCalls += 1
        reject(client, "ERR Can't execute '\(spec.fullName)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", command: spec)
        return true
    }
}
