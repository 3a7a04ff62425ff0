import Keyspace
import RESP
import SwirlBytes

/// XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP, with Redis 7.0's
/// fields (entries-read and lag included).
enum StreamInfoCommand {
    static func specs() -> [CommandSpec] {
        let info = CommandGroup("stream", since: "5.0.0", keys: KeyPositions(first: 2, last: 2, step: 1))
        return [
            info.container("xinfo", "A container for stream introspection commands", complexity: "Depends on subcommand.", subcommands: [
                info.command("consumers", 4, [.readonly], syntax: "key group",
                             "Returns a list of the consumers in a consumer group.", handler: xinfo),
                info.command("groups", 3, [.readonly], syntax: "key",
                             "Returns a list of the consumer groups of a stream.", handler: xinfo),
                info.command("stream", -3, [.readonly], syntax: "key [FULL]@6.0.0 [COUNT count:integer]@6.0.0",
                             "Returns information about a stream.", handler: xinfo),
                info.command("help", 2, [.loading, .stale], keys: .none, syntax: "",
                             "Returns helpful text about the different subcommands.", categories: ["@stream", "@slow"],
                             handler: xinfo),
            ]),
        ]
    }

    static func xinfo(_ c: Client) {
        let sub = c.args[1]
        if c.argument(1, is: "help") {
            guard c.args.count == 2 else {
                c.reply.error(Errors.subcommandSyntax(sub, container: "XINFO"))
                return
            }
            HelpText.reply(c, container: "XINFO", lines: [
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.",
            ], helpLine: "    Prints this help.")
            return
        }
        guard c.args.count >= 3 else {
            c.reply.error(Errors.subcommandSyntax(sub, container: "XINFO"))
            return
        }
        guard let stream = c.found(c.readStream(c.args[2]), orReply: Array("-ERR no such key\r\n".utf8)) else { return }
        if c.argument(1, is: "consumers") && c.args.count == 4 {
            guard let group = stream.groups[c.args[3]] else {
                c.reply.error(StreamGroupCommands.noGroupForKey(c.args[3], c.args[2]))
                return
            }
            let now = c.engine.keyspace.now
            let consumers = group.sortedConsumers
            c.reply.array(consumers.count)
            for consumer in consumers {
                c.reply.map(3)
                c.reply.bulk("name")
                c.reply.bulk(consumer.name)
                c.reply.bulk("pending")
                c.reply.integer(consumer.pending.count)
                c.reply.bulk("idle")
                c.reply.integer(max(now &- consumer.seenTime, 0))
            }
        } else if c.argument(1, is: "groups") && c.args.count == 3 {
            let groups = stream.sortedGroups
            c.reply.array(groups.count)
            for group in groups {
                c.reply.map(6)
                c.reply.bulk("name")
                c.reply.bulk(group.name)
                c.reply.bulk("consumers")
                c.reply.integer(group.consumers.count)
                c.reply.bulk("pending")
                c.reply.integer(group.pending.count)
                c.reply.bulk("last-delivered-id")
                c.reply.bulk(group.lastID.bytes)
                replyCounters(c, stream, group)
            }
        } else if c.argument(1, is: "stream") {
            streamInfo(c, stream)
        } else {
            c.reply.error(Errors.subcommandSyntax(sub, container: "XINFO"))
        }
    }

    /// entries-read (null when unknown) and lag (null when it cannot be known).
    private static func replyCounters(_ c: Client, _ stream: StreamValue, _ group: StreamGroup) {
        c.reply.bulk("entries-read")
        if group.entriesRead != StreamGroup.invalidEntriesRead { c.reply.integer(group.entriesRead) } else { c.reply.null() }
        c.reply.bulk("lag")
        if let lag = stream.lag(of: group) { c.reply.integer(lag) } else { c.reply.null() }
    }

    private static func streamInfo(_ c: Client, _ stream: StreamValue) {
        var full = true
        var count: Int64 = 10
        let options = c.args.count - 3
        if options == 0 {
            full = false
        } else {
            guard options == 1 || options == 3, c.argument(3, is: "full") else {
                c.reply.error(Errors.subcommandSyntax(c.args[1], container: "XINFO"))
                return
            }
            if options == 3 {
                guard c.argument(4, is: "count") else {
                    c.reply.error(Errors.subcommandSyntax(c.args[1], container: "XINFO"))
                    return
                }
                guard let value = c.integer(at: 5) else { return }
                count = value < 0 ? 10 : value
            }
        }
        c.reply.map(full ? 9 : 10)
        c.reply.bulk("length")
        c.reply.integer(stream.length)
        c.reply.bulk("radix-tree-keys")
        c.reply.integer(stream.blockCount)
        c.reply.bulk("radix-tree-nodes")
        c.reply.integer(stream.radixTreeNodes)
        c.reply.bulk("last-generated-id")
        c.reply.bulk(stream.lastID.bytes)
        c.reply.bulk("max-deleted-entry-id")
        c.reply.bulk(stream.maxDeletedID.bytes)
        c.reply.bulk("entries-added")
        c.reply.integer(Int64(bitPattern: stream.entriesAdded))
        c.reply.bulk("recorded-first-entry-id")
        c.reply.bulk(stream.firstID.bytes)
        if !full {
            c.reply.bulk("groups")
            c.reply.integer(stream.groups.count)
            c.reply.bulk("first-entry")
            replyEdge(c, stream, reverse: false)
            c.reply.bulk("last-entry")
            replyEdge(c, stream, reverse: true)
            return
        }
        let limit = Int(clamping: count)
        c.reply.bulk("entries")
        StreamCommands.replyRange(c, stream, from: .zero, to: .max, count: limit, reverse: false)
        c.reply.bulk("groups")
        let groups = stream.sortedGroups
        c.reply.array(groups.count)
        for group in groups {
            c.reply.map(7)
            c.reply.bulk("name")
            c.reply.bulk(group.name)
            c.reply.bulk("last-delivered-id")
            c.reply.bulk(group.lastID.bytes)
            replyCounters(c, stream, group)
            c.reply.bulk("pel-count")
            c.reply.integer(group.pending.count)
            c.reply.bulk("pending")
            let pending = prefix(group.pending, limit)
            c.reply.array(pending.count)
            for (id, entry) in pending {
                c.reply.array(4)
                c.reply.bulk(id.bytes)
                c.reply.bulk(entry.consumer.name)
                c.reply.integer(entry.deliveryTime)
                c.reply.integer(entry.deliveryCount)
            }
            c.reply.bulk("consumers")
            let consumers = group.sortedConsumers
            c.reply.array(consumers.count)
            for consumer in consumers {
                c.reply.map(4)
                c.reply.bulk("name")
                c.reply.bulk(consumer.name)
                c.reply.bulk("seen-time")
                c.reply.integer(consumer.seenTime)
                c.reply.bulk("pel-count")
                c.reply.integer(consumer.pending.count)
                c.reply.bulk("pending")
                let own = prefix(consumer.pending, limit)
                c.reply.array(own.count)
                for (id, entry) in own {
                    c.reply.array(3)
                    c.reply.bulk(id.bytes)
                    c.reply.integer(entry.deliveryTime)
                    c.reply.integer(entry.deliveryCount)
                }
            }
        }
    }

    /// The first `limit` entries of a PEL (all when 0).
    private static func prefix(_ map: SortedIDMap<StreamPending>, _ limit: Int) -> [(StreamID, StreamPending)] {
        var out: [(StreamID, StreamPending)] = []
        map.forEach { id, entry in
            out.append((id, entry))
            return limit == 0 || out.count < limit
        }
        return out
    }

    private static func replyEdge(_ c: Client, _ stream: StreamValue, reverse: Bool) {
        var found: StreamEntry?
        stream.forEach(from: .zero, to: .max, reverse: reverse) { entry in
            found = entry
            return false
        }
        if let found { c.replyEntry(found) } else { c.reply.null() }
    }
}
