import Keyspace
import RESP
import SwirlBytes

/// XCLAIM and XAUTOCLAIM: pending entries change owner. Each change is logged
/// as the idempotent XCLAIM Redis 7.0 propagates (an entry no longer in the
/// stream is logged that way, then dropped from the PEL).
enum StreamClaimCommands {
    static func specs() -> [CommandSpec] {
        let streams = CommandGroup("stream", since: "5.0.0", keys: .single)
        return [
            streams.command("xclaim", -6, [.write, .fast],
                            syntax: "key group consumer min-idle-time id [id ...] [IDLE ms:integer] [TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] [LASTID lastid]",
                            "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
                            complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.", handler: xclaim),
            streams.command("xautoclaim", -6, [.write, .fast],
                            syntax: "key group consumer min-idle-time start [COUNT count:integer] [JUSTID]",
                            "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
                            since: "6.2.0", complexity: "O(1) if COUNT is small.", handler: xautoclaim),
        ]
    }

    /// Redis's streamPropagateXCLAIM: the PEL entry as it now is, and the group's last ID.
    static func logClaim(_ c: Client, _ group: StreamGroup, id: Bytes, _ pending: StreamPending, consumer: Bytes) {
        guard c.engine.propagating else { return }
        c.propagate(as: ["XCLAIM", c.args[1], c.args[2], consumer, "0", id,
                         "TIME", ByteNumbers.decimal(pending.deliveryTime),
                         "RETRYCOUNT", ByteNumbers.decimal(pending.deliveryCount),
                         "FORCE", "JUSTID", "LASTID", group.lastID.bytes])
    }

    private static func noGroup(_ c: Client) {
        c.reply.error("NOGROUP No such key '\(arg: c.args[1])' or consumer group '\(arg: c.args[2])'")
    }

    /// The stream and group of arguments 1 and 2, nil after replying.
    private static func streamAndGroup(_ c: Client) -> (StreamValue, StreamGroup)? {
        switch c.readStream(c.args[1]) {
        case .found(let stream):
            if let group = stream.groups[c.args[2]] { return (stream, group) }
        case .missing: break
        case .wrongType:
            c.wrongType()
            return nil
        }
        noGroup(c)
        return nil
    }

    private static func consumer(_ c: Client, _ group: StreamGroup) -> StreamConsumer {
        let now = c.engine.keyspace.now
        if let existing = group.consumers[c.args[3]] {
            existing.seenTime = now
            return existing
        }
        let created = group.createConsumer(c.args[3], now: now)!
        c.engine.dirty += 1
        c.notify(.stream, .xgroupCreateconsumer, c.args[1])
        return created
    }

    // MARK: - XCLAIM

    static func xclaim(_ c: Client) {
        c.propagateNothing()
        guard let (stream, group) = streamAndGroup(c) else { return }
        guard var minIdle = c.integer(at: 4, error: "ERR Invalid min-idle-time argument for XCLAIM") else { return }
        if minIdle < 0 { minIdle = 0 }
        var ids: [StreamID] = []
        var index = 5
        while index < c.args.count, case .id(let id)? = StreamID.parse(c.args[index], missingSeq: 0, strict: true) {
            ids.append(id)
            index += 1
        }
        let now = c.engine.keyspace.now
        var retryCount: Int64 = -1
        var deliveryTime: Int64 = -1
        var force = false, justID = false
        var lastID = StreamID.zero
        while index < c.args.count {
            let more = c.args.count - 1 - index
            if c.argument(index, is: "force") {
                force = true
            } else if c.argument(index, is: "justid") {
                justID = true
            } else if c.argument(index, is: "idle") && more > 0 {
                index += 1
                guard let idle = c.integer(at: index, error: "ERR Invalid IDLE option argument for XCLAIM") else { return }
                deliveryTime = now &- idle
            } else if c.argument(index, is: "time") && more > 0 {
                index += 1
                guard let time = c.integer(at: index, error: "ERR Invalid TIME option argument for XCLAIM") else { return }
                deliveryTime = time
            } else if c.argument(index, is: "retrycount") && more > 0 {
                index += 1
                guard let count = c.integer(at: index, error: "ERR Invalid RETRYCOUNT option argument for XCLAIM") else { return }
                retryCount = count
            } else if c.argument(index, is: "lastid") && more > 0 {
                index += 1
                guard let id = c.streamID(at: index, strict: true) else { return }
                lastID = id
            } else {
                c.reply.error("ERR Unrecognized XCLAIM option '\(arg: c.args[index])'")
                return
            }
            index += 1
        }
        var logLastID = false
        if lastID > group.lastID {
            group.lastID = lastID
            logLastID = true
        }
        if deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now { deliveryTime = now }
        var owner: StreamConsumer? = nil
        var claimed: [StreamID] = []
        var entries: [StreamEntry] = []
        for (offset, id) in ids.enumerated() {
            let typed = c.args[5 + offset]
            let existing = group.pending[id]
            guard let entry = stream.entry(id) else {
                if let existing {
                    logClaim(c, group, id: typed, existing, consumer: existing.consumer.name)
                    logLastID = false
                    c.engine.dirty += 1
                    group.acknowledge(id)
                }
                continue
            }
            var pending = existing
            var created = false
            if force && pending == nil {
                created = true
            }
            guard pending != nil || created else { continue }
            if let pending, minIdle != 0, now &- pending.deliveryTime < minIdle { continue }
            let target = owner ?? consumer(c, group)
            owner = target
            if created {
                let fresh = StreamPending(consumer: target, deliveryTime: now)
                group.pending.insert(id, fresh)
                pending = fresh
            } else if pending!.consumer !== target {
                pending!.consumer.pending.remove(id)
            }
            let claim = pending!
            claim.deliveryTime = deliveryTime
            if retryCount >= 0 {
                claim.deliveryCount = retryCount
            } else if !justID {
                claim.deliveryCount &+= 1
            }
            if created || claim.consumer !== target || !target.pending.contains(id) {
                target.pending.insert(id, claim)
                claim.consumer = target
            }
            claimed.append(id)
            if !justID { entries.append(entry) }
            logClaim(c, group, id: typed, claim, consumer: target.name)
            logLastID = false
            c.engine.dirty += 1
        }
        if logLastID {
            c.propagate(as: ["XGROUP", "SETID", c.args[1], c.args[2], group.lastID.bytes,
                             "ENTRIESREAD", ByteNumbers.decimal(group.entriesRead)])
            c.engine.dirty += 1
        }
        c.reply.array(claimed.count)
        if justID {
            for id in claimed { c.reply.bulk(id.bytes) }
        } else {
            for entry in entries { c.replyEntry(entry) }
        }
    }

    // MARK: - XAUTOCLAIM

    static func xautoclaim(_ c: Client) {
        c.propagateNothing()
        guard var minIdle = c.integer(at: 4, error: "ERR Invalid min-idle-time argument for XAUTOCLAIM") else { return }
        if minIdle < 0 { minIdle = 0 }
        guard let start = StreamRangeArguments.start(c, at: 5) else { return }
        var count = 100
        var justID = false
        var index = 6
        while index < c.args.count {
            let more = c.args.count - 1 - index
            if c.argument(index, is: "count") && more > 0 {
                // Redis: 1 … LONG_MAX / 16 (it allocates 16 bytes per possible deleted ID).
                guard let value = ByteNumbers.parseInt64(c.args[index + 1]), value >= 1, value <= Int64.max / 16 else {
                    c.reply.error("ERR COUNT must be > 0")
                    return
                }
                count = Int(value)
                index += 1
            } else if c.argument(index, is: "justid") {
                justID = true
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 1
        }
        guard let (stream, group) = streamAndGroup(c) else { return }
        // Redis allocates COUNT stream IDs up front and fails when malloc does.
        if count > Self.largestAllocatableCount {
            c.reply.error("ERR Insufficient memory, failed allocating transient memory, COUNT too high.")
            return
        }
        let now = c.engine.keyspace.now
        var attempts = count * 10
        var remaining = count
        var owner: StreamConsumer? = nil
        var claimed: [(StreamID, StreamEntry?)] = []
        var deleted: [StreamID] = []
        var examined: [(StreamID, StreamPending)] = []
        // The PEL changes as we go: take the candidates first (at most `attempts` of them, plus one for the cursor).
        group.pending.forEach(from: start) { id, pending in
            examined.append((id, pending))
            return examined.count <= attempts
        }
        var position = 0
        while attempts > 0 && remaining > 0 && position < examined.count {
            attempts -= 1
            let (id, pending) = examined[position]
            position += 1
            guard let entry = stream.entry(id) else {
                logClaim(c, group, id: id.bytes, pending, consumer: pending.consumer.name)
                c.engine.dirty += 1
                group.acknowledge(id)
                deleted.append(id)
                remaining -= 1
                continue
            }
            if minIdle != 0 && now &- pending.deliveryTime < minIdle { continue }
            let target = owner ?? consumer(c, group)
            owner = target
            if pending.consumer !== target { pending.consumer.pending.remove(id) }
            pending.deliveryTime = now
            if !justID { pending.deliveryCount &+= 1 }
            if pending.consumer !== target {
                target.pending.insert(id, pending)
                pending.consumer = target
            }
            claimed.append((id, justID ? nil : entry))
            remaining -= 1
            logClaim(c, group, id: id.bytes, pending, consumer: target.name)
            c.engine.dirty += 1
        }
        let cursor = position < examined.count ? examined[position].0 : StreamID.zero
        c.reply.array(3)
        c.reply.bulk(cursor.bytes)
        c.reply.array(claimed.count)
        for (id, entry) in claimed {
            if let entry { c.replyEntry(entry) } else { c.reply.bulk(id.bytes) }
        }
        c.reply.array(deleted.count)
        for id in deleted { c.reply.bulk(id.bytes) }
    }

    /// The largest COUNT whose 16-byte-per-ID buffer Redis's allocator grants:
    /// jemalloc refuses anything past 64 TiB (measured on redis-server 7.0.15:
    /// 2^42 answers, 2^42 + 1 fails). Swirl allocates nothing up front.
    static let largestAllocatableCount = 1 << 42
}
