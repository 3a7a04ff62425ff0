import Keyspace
import RESP
import SwirlBytes

/// XREAD and XREADGROUP (Redis's xreadCommand): served at once from every
/// stream that has something newer than the ID asked for, else blocked (with
/// BLOCK) on the blocking layer until an XADD makes one of the keys ready.
enum StreamReadCommands {
    static func specs() -> [CommandSpec] {
        let streams = CommandGroup("stream", since: "5.0.0", keys: .none)
        return [
            streams.command("xread", -4, [.readonly, .blocking],
                            syntax: "[COUNT count:integer] [BLOCK milliseconds:integer] STREAMS key [key ...] id [id ...]",
                            "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
                            complexity: "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
                            handler: xread).movingKeys(streamKeys),
            streams.command("xreadgroup", -7, [.write, .blocking],
                            syntax: "GROUP group_consumer:<group consumer> [COUNT count:integer] [BLOCK milliseconds:integer] [NOACK] STREAMS key [key ...] id [id ...]",
                            "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
                            complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
                            handler: xread).movingKeys(streamKeys),
        ]
    }

    /// The keys of an XREAD/XREADGROUP: the first half of what follows STREAMS
    /// (Redis's xreadGetKeys), none when the arguments do not say.
    static func streamKeys(_ args: [Bytes]) -> [Int]? {
        var index = 1
        while index < args.count {
            if Text.equalsIgnoringCase(args[index], "STREAMS") {
                let count = args.count - index - 1
                guard count > 0, count % 2 == 0 else { return nil }
                return Array((index + 1)...(index + count / 2))
            }
            index += 1
        }
        return nil
    }

    /// What a read asks for.
    struct Request {
        var count = 0
        var timeout: Int64? = nil
        var noAck = false
        var group: Bytes? = nil
        var consumer: Bytes = Bytes()
        var keys: [Bytes] = []
        /// Entries must be greater than these; `.max` is `>`.
        var ids: [StreamID] = []
    }

    static func xread(_ c: Client) {
        let isGroup = c.args[0].count == 10
        // Nothing is logged as typed: XREADGROUP's effects are logged as they happen.
        c.propagateNothing()
        guard var request = parse(c, isGroup: isGroup) else { return }
        // Serve at once what can be served.
        var served: [(index: Int, stream: StreamValue, group: StreamGroup?, start: StreamID, history: Bool)] = []
        for (index, key) in request.keys.enumerated() {
            guard let stream = c.readValue(key)?.stream else { continue }
            let group = request.group.flatMap { stream.groups[$0] }
            var greater = request.ids[index]
            var history = false
            var now = false
            if let group {
                if greater != .max {
                    now = true
                    history = true
                } else if stream.length > 0, stream.lastLiveID > group.lastID {
                    now = true
                    greater = group.lastID
                }
            } else if stream.length > 0, stream.lastLiveID > greater {
                now = true
            }
            if now { served.append((index, stream, group, greater.successor ?? .max, history)) }
        }
        if !served.isEmpty {
            if c.reply.isRESP3 { c.reply.map(served.count) } else { c.reply.array(served.count) }
            for item in served {
                if !c.reply.isRESP3 { c.reply.array(2) }
                let key = request.keys[item.index]
                c.reply.bulk(key)
                if let group = item.group {
                    let consumer = lookupOrCreateConsumer(c, group, key: key, request: request)
                    if item.history {
                        replyHistory(c, item.stream, consumer, from: item.start, count: request.count)
                    } else {
                        deliver(c, item.stream, key: key, group, consumer, from: item.start, count: request.count, noAck: request.noAck)
                    }
                    c.engine.dirty += 1
                } else {
                    StreamCommands.replyRange(c, item.stream, from: item.start, to: .max, count: request.count, reverse: false)
                }
            }
            return
        }
        guard let deadline = request.timeout else {
            c.reply.nullArray()
            return
        }
        if request.count == 0 { request.count = 1000 }  // Redis's XREAD_BLOCKED_DEFAULT_COUNT
        let waiting = request
        var blocking = BlockingRequest(keys: request.keys, type: "stream", deadline: deadline) { _, _, _ in }
        blocking.attempt = { client, key, value in attempt(client, key, value, waiting) }
        c.block(blocking)
    }

    /// A blocked read's key was signalled: what to do with the client now.
    private static func attempt(_ c: Client, _ key: Bytes, _ value: RedisValue?, _ request: Request) -> ((Client) -> Void)? {
        guard let index = request.keys.firstIndex(of: key) else { return nil }
        guard let stream = value?.stream else {
            // Only XREADGROUP gives up when its stream goes (Redis 7.0's unblockDeletedStreamReadgroupClients).
            guard request.group != nil else { return nil }
            return { $0.reply.error("UNBLOCKED the stream key no longer exists") }
        }
        var greater = request.ids[index]
        var group: StreamGroup? = nil
        if let name = request.group {
            guard let found = stream.groups[name] else {
                return { $0.reply.error("NOGROUP the consumer group this client was blocked on no longer exists") }
            }
            group = found
            greater = found.lastID
        }
        guard stream.lastID > greater else { return nil }
        let start = greater.successor ?? .max
        return { c in
            if c.reply.isRESP3 {
                c.reply.map(1)
            } else {
                c.reply.array(1)
                c.reply.array(2)
            }
            c.reply.bulk(key)
            if let group {
                c.propagateNothing()
                let consumer = lookupOrCreateConsumer(c, group, key: key, request: request)
                deliver(c, stream, key: key, group, consumer, from: start, count: request.count, noAck: request.noAck)
                // Redis propagates what the delivery did whatever its dirty counter says.
                if c.propagationOverride?.isEmpty == false { c.engine.dirty += 1 }
            } else {
                StreamCommands.replyRange(c, stream, from: start, to: .max, count: request.count, reverse: false)
            }
        }
    }

    // MARK: - Arguments

    private static func parse(_ c: Client, isGroup: Bool) -> Request? {
        var request = Request()
        var streamsAt = 0
        var index = 1
        while index < c.args.count {
            let more = c.args.count - index - 1
            if c.argument(index, is: "block") && more > 0 {
                index += 1
                guard let milliseconds = ByteNumbers.parseInt64(c.args[index]) else {
                    c.reply.error(Errors.timeoutNotInteger)
                    return nil
                }
                if milliseconds < 0 {
                    c.reply.error(Errors.timeoutNegative)
                    return nil
                }
                if milliseconds == 0 {
                    request.timeout = 0
                } else {
                    let (sum, overflow) = c.engine.keyspace.now.addingReportingOverflow(milliseconds)
                    request.timeout = overflow ? Int64.max : sum
                }
            } else if c.argument(index, is: "count") && more > 0 {
                index += 1
                guard let count = c.integer(at: index) else { return nil }
                request.count = count < 0 ? 0 : Int(clamping: count)
            } else if c.argument(index, is: "streams") && more > 0 {
                streamsAt = index + 1
                let total = c.args.count - streamsAt
                if total % 2 != 0 {
                    c.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
                    return nil
                }
                break
            } else if c.argument(index, is: "group") && more >= 2 {
                guard isGroup else {
                    c.reply.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
                    return nil
                }
                request.group = c.args[index + 1]
                request.consumer = c.args[index + 2]
                index += 2
            } else if c.argument(index, is: "noack") {
                guard isGroup else {
                    c.reply.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
                    return nil
                }
                request.noAck = true
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            index += 1
        }
        guard streamsAt > 0 else {
            c.reply.error(Errors.syntax)
            return nil
        }
        if isGroup && request.group == nil {
            c.reply.error("ERR Missing GROUP option for XREADGROUP")
            return nil
        }
        let count = (c.args.count - streamsAt) / 2
        request.keys = Array(c.args[streamsAt..<(streamsAt + count)])
        for (offset, key) in request.keys.enumerated() {
            let argument = c.args[streamsAt + count + offset]
            let value = c.readValue(key)
            if value != nil && value?.stream == nil {
                c.wrongType()
                return nil
            }
            if let name = request.group, value?.stream?.groups[name] == nil {
                c.reply.error("NOGROUP No such key '\(arg: key)' or consumer group '\(arg: name)' in XREADGROUP with GROUP option")
                return nil
            }
            if argument == "$" {
                if isGroup {
                    c.reply.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
                    return nil
                }
                request.ids.append(value?.stream?.lastID ?? .zero)
                continue
            }
            if argument == ">" {
                guard isGroup else {
                    c.reply.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
                    return nil
                }
                request.ids.append(.max)
                continue
            }
            guard let id = c.streamID(at: streamsAt + count + offset, strict: true) else { return nil }
            request.ids.append(id)
        }
        return request
    }

    // MARK: - Consumer groups

    private static func lookupOrCreateConsumer(_ c: Client, _ group: StreamGroup, key: Bytes, request: Request) -> StreamConsumer {
        let now = c.engine.keyspace.now
        if let consumer = group.consumers[request.consumer] {
            consumer.seenTime = now
            return consumer
        }
        let consumer = group.createConsumer(request.consumer, now: now)!
        c.engine.dirty += 1
        c.notify(.stream, .xgroupCreateconsumer, key)
        if request.noAck {
            c.propagate(as: ["XGROUP", "CREATECONSUMER", key, group.name, consumer.name])
        }
        return consumer
    }

    /// New entries for a consumer (Redis's streamReplyWithRange with a group):
    /// the group's last ID and entries-read advance, each entry becomes
    /// pending for this consumer (unless NOACK), logged as XCLAIM.
    static func deliver(_ c: Client, _ stream: StreamValue, key: Bytes, _ group: StreamGroup, _ consumer: StreamConsumer,
                        from start: StreamID, count: Int, noAck: Bool) {
        var entries: [StreamEntry] = []
        stream.forEach(from: start, to: .max) { entry in
            entries.append(entry)
            return count == 0 || entries.count < count
        }
        let now = c.engine.keyspace.now
        var advanced = false
        c.reply.array(entries.count)
        for entry in entries {
            let id = entry.id
            if id > group.lastID {
                if group.entriesRead != StreamGroup.invalidEntriesRead && !stream.rangeHasTombstones(from: id) {
                    group.entriesRead &+= 1
                } else if stream.entriesAdded != 0 {
                    group.entriesRead = stream.estimatedDistance(to: id) ?? StreamGroup.invalidEntriesRead
                }
                group.lastID = id
                if noAck { advanced = true }
            }
            c.replyEntry(entry)
            if !noAck {
                let pending: StreamPending
                if let existing = group.pending[id] {
                    existing.consumer.pending.remove(id)
                    existing.consumer = consumer
                    existing.deliveryTime = now
                    existing.deliveryCount = 1
                    pending = existing
                } else {
                    pending = StreamPending(consumer: consumer, deliveryTime: now)
                    group.pending.insert(id, pending)
                }
                consumer.pending.insert(id, pending)
                guard c.engine.propagating else { continue }
                c.propagate(as: ["XCLAIM", key, group.name, consumer.name, "0", id.bytes,
                                 "TIME", ByteNumbers.decimal(pending.deliveryTime),
                                 "RETRYCOUNT", ByteNumbers.decimal(pending.deliveryCount),
                                 "FORCE", "JUSTID", "LASTID", group.lastID.bytes])
            }
        }
        if advanced {
            c.propagate(as: ["XGROUP", "SETID", key, group.name, group.lastID.bytes,
                             "ENTRIESREAD", ByteNumbers.decimal(group.entriesRead)])
        }
    }

    /// A consumer's own pending entries from `start` (XREADGROUP with an ID):
    /// each delivered again (time and count updated), a deleted one as [id, nil].
    private static func replyHistory(_ c: Client, _ stream: StreamValue, _ consumer: StreamConsumer,
                                     from start: StreamID, count: Int) {
        var pending: [(StreamID, StreamPending)] = []
        consumer.pending.forEach(from: start) { id, entry in
            pending.append((id, entry))
            return count == 0 || pending.count < count
        }
        let now = c.engine.keyspace.now
        c.reply.array(pending.count)
        for (id, entry) in pending {
            if let found = stream.entry(id) {
                c.replyEntry(found)
                entry.deliveryTime = now
                entry.deliveryCount &+= 1
            } else {
                c.reply.array(2)
                c.reply.bulk(id.bytes)
                c.reply.nullArray()
            }
        }
    }
}
