import Keyspace
import RESP
import SwirlBytes

/// XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK and XPENDING.
enum StreamGroupCommands {
    static func specs() -> [CommandSpec] {
        let group = CommandGroup("stream", since: "5.0.0", keys: KeyPositions(first: 2, last: 2, step: 1))
        let streams = CommandGroup("stream", since: "5.0.0", keys: .single)
        return [
            group.container("xgroup", "A container for consumer groups commands", complexity: "Depends on subcommand.", subcommands: [
                group.command("create", -5, [.write, .denyOOM],
                              syntax: "key group id-selector:<id | \"$\"> [MKSTREAM] [ENTRIESREAD entries-read:integer]@7.0.0",
                              "Creates a consumer group.", handler: xgroup),
                group.command("setid", -5, [.write],
                              syntax: "key group id-selector:<id | \"$\"> [ENTRIESREAD entries-read:integer]@7.0.0",
                              "Sets the last-delivered ID of a consumer group.", handler: xgroup),
                group.command("destroy", 4, [.write], syntax: "key group",
                              "Destroys a consumer group.", complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
                              handler: xgroup),
                group.command("createconsumer", 5, [.write, .denyOOM], syntax: "key group consumer",
                              "Creates a consumer in a consumer group.", since: "6.2.0", handler: xgroup),
                group.command("delconsumer", 5, [.write], syntax: "key group consumer",
                              "Deletes a consumer from a consumer group.", handler: xgroup),
                group.command("help", 2, [.loading, .stale], keys: .none, syntax: "",
                              "Returns helpful text about the different subcommands.", categories: ["@stream", "@slow"],
                              handler: xgroup),
            ]),
            streams.command("xack", -4, [.write, .fast], syntax: "key group id [id ...]",
                            "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
                            complexity: "O(1) for each message ID processed.", handler: xack),
            streams.command("xpending", -3, [.readonly],
                            syntax: "key group [filters:[IDLE min-idle-time:integer]@6.2.0 start end count:integer [consumer]]",
                            "Returns the information and entries from a stream consumer group's pending entries list.",
                            complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
                            handler: xpending),
        ]
    }

    // MARK: - XGROUP

    static func noGroupForKey(_ group: Bytes, _ key: Bytes) -> ErrorText {
        "NOGROUP No such consumer group '\(arg: group)' for key name '\(arg: key)'"
    }

    static func xgroup(_ c: Client) {
        let sub = c.args[1]
        var makeStream = false
        var entriesRead = StreamGroup.invalidEntriesRead
        var stream: StreamValue? = nil
        var group: StreamGroup? = nil
        let isCreate = c.argument(1, is: "create"), isSetID = c.argument(1, is: "setid")
        if c.args.count >= 4 {
            var index = 5
            while index < c.args.count {
                if isCreate && c.argument(index, is: "mkstream") {
                    makeStream = true
                    index += 1
                } else if (isCreate || isSetID) && c.argument(index, is: "entriesread") && index + 1 < c.args.count {
                    guard let value = c.integer(at: index + 1) else { return }
                    if value < 0 && value != StreamGroup.invalidEntriesRead {
                        c.reply.error("ERR value for ENTRIESREAD must be positive or -1")
                        return
                    }
                    entriesRead = value
                    index += 2
                } else {
                    c.reply.error(Errors.subcommandSyntax(sub, container: "XGROUP"))
                    return
                }
            }
            switch c.lookupStreamForWrite(c.args[2]) {
            case .found(let found): stream = found
            case .missing: break
            case .wrongType:
                c.wrongType()
                return
            }
            if !makeStream {
                guard let stream else {
                    c.reply.error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
                    return
                }
                group = stream.groups[c.args[3]]
                if group == nil && (isSetID || c.argument(1, is: "createconsumer") || c.argument(1, is: "delconsumer")) {
                    c.reply.error(noGroupForKey(c.args[3], c.args[2]))
                    return
                }
            }
        }
        let key = c.args.count > 2 ? c.args[2] : Bytes()
        if c.args.count == 2 && c.argument(1, is: "help") {
            HelpText.reply(c, container: "XGROUP", lines: [
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter.",
            ], helpLine: "    Prints this help.")
        } else if isCreate && c.args.count >= 5 && c.args.count <= 8 {
            let id: StreamID
            if c.args[4] == "$" {
                id = stream?.lastID ?? .zero
            } else {
                guard let parsed = c.streamID(at: 4, strict: true) else { return }
                id = parsed
            }
            let target: StreamValue
            if let stream {
                target = stream
            } else {
                target = StreamValue()
                c.db.add(key, .stream(target))
            }
            let name = c.args[3]
            guard target.groups[name] == nil else {
                c.reply.error("BUSYGROUP Consumer Group name already exists")
                return
            }
            target.groups[name] = StreamGroup(name: name, lastID: id, entriesRead: entriesRead)
            c.reply.ok()
            c.engine.dirty += 1
            c.notify(.stream, .xgroupCreate, key)
        } else if isSetID && (c.args.count == 5 || c.args.count == 7), let stream, let group {
            let id: StreamID
            if c.args[4] == "$" {
                id = stream.lastID
            } else {
                guard let parsed = c.streamID(at: 4) else { return }
                id = parsed
            }
            group.lastID = id
            group.entriesRead = entriesRead
            c.reply.ok()
            c.engine.dirty += 1
            c.notify(.stream, .xgroupSetid, key)
        } else if c.argument(1, is: "destroy") && c.args.count == 4, let stream {
            guard group != nil else {
                c.reply.integer(0)
                return
            }
            stream.groups[c.args[3]] = nil
            c.reply.integer(1)
            c.engine.dirty += 1
            c.notify(.stream, .xgroupDestroy, key)
            // Blocked XREADGROUP clients of this group get NOGROUP.
            c.db.signalStreamReady(key)
        } else if c.argument(1, is: "createconsumer") && c.args.count == 5, let group {
            if group.createConsumer(c.args[4], now: c.engine.keyspace.now) != nil {
                c.engine.dirty += 1
                c.notify(.stream, .xgroupCreateconsumer, key)
                c.reply.integer(1)
            } else {
                c.reply.integer(0)
            }
        } else if c.argument(1, is: "delconsumer") && c.args.count == 5, let group {
            var pending = 0
            if let removed = group.deleteConsumer(c.args[4]) {
                pending = removed
                c.engine.dirty += 1
                c.notify(.stream, .xgroupDelconsumer, key)
            }
            c.reply.integer(pending)
        } else {
            c.reply.error(Errors.subcommandSyntax(sub, container: "XGROUP"))
        }
    }

    // MARK: - XACK

    static func xack(_ c: Client) {
        var group: StreamGroup? = nil
        switch c.readStream(c.args[1]) {
        case .found(let stream): group = stream.groups[c.args[2]]
        case .missing: break
        case .wrongType:
            c.wrongType()
            return
        }
        guard let group else {
            c.reply.integer(0)
            return
        }
        var ids: [StreamID] = []
        for index in 3..<c.args.count {
            guard let id = c.streamID(at: index, strict: true) else { return }
            ids.append(id)
        }
        var acknowledged = 0
        for id in ids where group.acknowledge(id) {
            acknowledged += 1
            c.engine.dirty += 1
        }
        c.reply.integer(acknowledged)
    }

    // MARK: - XPENDING

    static func xpending(_ c: Client) {
        let summary = c.args.count == 3
        if !summary && (c.args.count < 6 || c.args.count > 9) {
            c.reply.error(Errors.syntax)
            return
        }
        var start = StreamID.zero, end = StreamID.max
        var count = 0
        var minIdle: Int64 = 0
        var consumerName: Bytes? = nil
        if c.args.count >= 6 {
            var at = 3
            if c.argument(3, is: "idle") {
                guard let idle = c.integer(at: 4) else { return }
                minIdle = idle
                if c.args.count < 8 {
                    c.reply.error(Errors.syntax)
                    return
                }
                at += 2
            }
            guard let parsedCount = c.integer(at: at + 2) else { return }
            count = parsedCount < 0 ? 0 : Int(clamping: parsedCount)
            guard let low = StreamRangeArguments.start(c, at: at), let high = StreamRangeArguments.end(c, at: at + 1) else { return }
            start = low
            end = high
            if at + 3 < c.args.count { consumerName = c.args[at + 3] }
        }
        let stream: StreamValue?
        switch c.readStream(c.args[1]) {
        case .found(let found): stream = found
        case .missing: stream = nil
        case .wrongType:
            c.wrongType()
            return
        }
        guard let stream, let group = stream.groups[c.args[2]] else {
            c.reply.error("NOGROUP No such key '\(arg: c.args[1])' or consumer group '\(arg: c.args[2])'")
            return
        }
        if summary {
            c.reply.array(4)
            c.reply.integer(group.pending.count)
            guard let first = group.pending.first, let last = group.pending.last else {
                c.reply.null()
                c.reply.null()
                c.reply.nullArray()
                return
            }
            c.reply.bulk(first.id.bytes)
            c.reply.bulk(last.id.bytes)
            let owners = group.sortedConsumers.filter { !$0.pending.isEmpty }
            c.reply.array(owners.count)
            for consumer in owners {
                c.reply.array(2)
                c.reply.bulk(consumer.name)
                c.reply.bulk(ByteNumbers.decimal(Int64(consumer.pending.count)))
            }
            return
        }
        var map = group.pending
        if let consumerName {
            guard let consumer = group.consumers[consumerName] else {
                c.reply.array(0)
                return
            }
            map = consumer.pending
        }
        let now = c.engine.keyspace.now
        var rows: [(StreamID, StreamPending)] = []
        if count > 0 {
            map.forEach(from: start) { id, pending in
                if id > end { return false }
                if minIdle != 0 && now &- pending.deliveryTime < minIdle { return true }
                rows.append((id, pending))
                return rows.count < count
            }
        }
        c.reply.array(rows.count)
        for (id, pending) in rows {
            c.reply.array(4)
            c.reply.bulk(id.bytes)
            c.reply.bulk(pending.consumer.name)
            c.reply.integer(max(now &- pending.deliveryTime, 0))
            c.reply.integer(pending.deliveryCount)
        }
    }
}

/// Range ends as XRANGE, XPENDING and XAUTOCLAIM read them: `(` makes an end
/// exclusive, an incomplete start gets sequence 0 and an end the largest.
enum StreamRangeArguments {
    /// An interval end, exclusive when it starts with `(`; nil after replying.
    static func interval(_ c: Client, at index: Int, missingSeq: UInt64) -> (StreamID, Bool)? {
        let arg = c.args[index]
        if arg.count > 1 && arg[0] == UInt8(ascii: "(") {
            guard case .id(let id)? = StreamID.parse(Bytes(arg.dropFirst()), missingSeq: missingSeq, strict: true) else {
                c.reply.error(StreamErrors.invalidID)
                return nil
            }
            return (id, true)
        }
        guard let id = c.streamID(at: index, missingSeq: missingSeq) else { return nil }
        return (id, false)
    }

    static func start(_ c: Client, at index: Int) -> StreamID? {
        guard let (id, exclusive) = interval(c, at: index, missingSeq: 0) else { return nil }
        if !exclusive { return id }
        guard let next = id.successor else {
            c.reply.error("ERR invalid start ID for the interval")
            return nil
        }
        return next
    }

    static func end(_ c: Client, at index: Int) -> StreamID? {
        guard let (id, exclusive) = interval(c, at: index, missingSeq: .max) else { return nil }
        if !exclusive { return id }
        guard let previous = id.predecessor else {
            c.reply.error("ERR invalid end ID for the interval")
            return nil
        }
        return previous
    }
}
