import Keyspace
import RESP
import SwirlBytes

/// The stream group: XADD, XRANGE/XREVRANGE, XLEN, XDEL, XTRIM, XSETID here;
/// XREAD/XREADGROUP in StreamReadCommands.swift, the consumer groups in
/// StreamGroupCommands.swift and StreamClaimCommands.swift, XINFO in StreamInfoCommand.swift.
enum StreamCommands {
    static func specs() -> [CommandSpec] {
        let streams = CommandGroup("stream", since: "5.0.0", keys: .single)
        let trimParts = "strategy:<MAXLEN | MINID@6.2.0> operator:[\"=\" | \"~\"] threshold [LIMIT count:integer]@6.2.0"
        let trim = "trim:[\(trimParts)]"
        return [
            streams.command("xadd", -5, [.write, .denyOOM, .fast],
                            syntax: "key [NOMKSTREAM]@6.2.0 \(trim) id-selector:<\"*\" | id> field value [field value ...]",
                            "Appends a new message to a stream. Creates the key if it doesn't exist.", complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
                            handler: xadd),
            streams.command("xtrim", -4, [.write], syntax: "key trim:<\(trimParts)>",
                            "Deletes messages from the beginning of a stream.", complexity: "O(N), with N being the number of evicted entries.",
                            handler: xtrim),
            streams.command("xdel", -3, [.write, .fast], syntax: "key id [id ...]",
                            "Returns the number of messages after removing them from a stream.", complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
                            handler: xdel),
            streams.command("xrange", -4, [.readonly], syntax: "key start end [COUNT count:integer]",
                            "Returns the messages from a stream within a range of IDs.", complexity: "O(N) with N being the number of elements being returned.",
                            handler: xrange),
            streams.command("xrevrange", -4, [.readonly], syntax: "key end start [COUNT count:integer]",
                            "Returns the messages from a stream within a range of IDs in reverse order.", complexity: "O(N) with N being the number of elements returned.",
                            handler: xrevrange),
            streams.command("xlen", 2, [.readonly, .fast], syntax: "key",
                            "Return the number of messages in a stream.", handler: xlen),
            streams.command("xsetid", -3, [.write, .denyOOM, .fast],
                            syntax: "key last-id [ENTRIESADDED entries-added:integer]@7.0.0 [MAXDELETEDID max-deleted-id]@7.0.0",
                            "An internal command for replicating stream values.", handler: xsetid),
        ]
    }

    // MARK: - XADD

    static func xadd(_ c: Client) {
        guard let parsed = StreamTrimArguments.parse(c, xadd: true) else { return }
        let fieldsStart = parsed.idIndex + 1
        let pairCount = c.args.count - fieldsStart
        if pairCount < 2 || pairCount % 2 == 1 {
            c.reply.error(Errors.wrongArity("xadd"))
            return
        }
        if case .id(let given)? = parsed.id, given.isZero {
            c.reply.error(StreamErrors.idZero)
            return
        }
        guard let stream = c.writableStream(c.args[1], noCreate: parsed.noMakeStream) else { return }
        if stream.lastID == .max {
            c.reply.error(StreamErrors.exhausted)
            return
        }
        guard let id = stream.nextID(for: parsed.id, now: UInt64(max(c.engine.keyspace.now, 0))) else {
            c.reply.error(StreamErrors.idTooSmall)
            return
        }
        var total = 0
        for item in c.args[fieldsStart...] { total += item.count }
        if total > 1 << 30 {
            c.reply.error(StreamErrors.tooLarge)
            return
        }
        stream.append(id, c.args[fieldsStart...], nodeMaxBytes: c.engine.streamNodeMaxBytes,
                      nodeMaxEntries: c.engine.streamNodeMaxEntries)
        let idBytes = id.bytes
        c.reply.bulk(idBytes)
        c.db.signalModifiedKey(c.args[1])
        c.notify(.stream, .xadd, c.args[1])
        c.engine.dirty += 1
        if let strategy = parsed.strategy,
           stream.trim(strategy, approximate: parsed.approximate, limit: parsed.limit) > 0 {
            c.notify(.stream, .xtrim, c.args[1])
        }
        // The AOF gets the ID given to the entry and an exact trim (built only when something is logged).
        let generated: Bool
        switch parsed.id {
        case nil, .msOnly?: generated = true
        case .id?: generated = false
        }
        if c.engine.propagating && (generated || parsed.approximate) {
            var logged = c.args
            if parsed.approximate { parsed.rewriteExact(&logged, stream) }
            if generated { logged[parsed.idIndex] = idBytes }
            c.propagate(as: logged)
        }
        c.db.signalStreamReady(c.args[1])
    }

    // MARK: - XTRIM, XDEL

    static func xtrim(_ c: Client) {
        guard let parsed = StreamTrimArguments.parse(c, xadd: false), let strategy = parsed.strategy else { return }
        guard let stream = c.found(c.lookupStreamForWrite(c.args[1]), orReply: Array(":0\r\n".utf8)) else { return }
        let removed = stream.trim(strategy, approximate: parsed.approximate, limit: parsed.limit)
        if removed > 0 {
            c.notify(.stream, .xtrim, c.args[1])
            if parsed.approximate {
                var logged = c.args
                parsed.rewriteExact(&logged, stream)
                c.propagate(as: logged)
            }
            c.db.signalModifiedKey(c.args[1])
            c.engine.dirty += removed
        }
        c.reply.integer(removed)
    }

    static func xdel(_ c: Client) {
        guard let stream = c.found(c.lookupStreamForWrite(c.args[1]), orReply: Array(":0\r\n".utf8)) else { return }
        var ids: [StreamID] = []
        for index in 2..<c.args.count {
            guard let id = c.streamID(at: index, strict: true) else { return }
            ids.append(id)
        }
        var deleted = 0
        for id in ids where stream.delete(id) {
            if id > stream.maxDeletedID { stream.maxDeletedID = id }
            deleted += 1
        }
        if deleted > 0 {
            c.db.signalModifiedKey(c.args[1])
            c.notify(.stream, .xdel, c.args[1])
            c.engine.dirty += deleted
        }
        c.reply.integer(deleted)
    }

    // MARK: - XRANGE, XREVRANGE, XLEN

    static func xrange(_ c: Client) { range(c, reverse: false) }
    static func xrevrange(_ c: Client) { range(c, reverse: true) }

    private static func range(_ c: Client, reverse: Bool) {
        guard let start = StreamRangeArguments.start(c, at: reverse ? 3 : 2),
              let end = StreamRangeArguments.end(c, at: reverse ? 2 : 3) else { return }
        var count = -1
        var index = 4
        while index < c.args.count {
            if c.argument(index, is: "count") && index + 1 < c.args.count {
                guard let value = c.integer(at: index + 1) else { return }
                count = value < 0 ? 0 : Int(value)
                index += 2
            } else {
                c.reply.error(Errors.syntax)
                return
            }
        }
        guard let stream = c.found(c.readStream(c.args[1]), orReply: Array("*0\r\n".utf8)) else { return }
        if count == 0 {
            c.reply.nullArray()
            return
        }
        replyRange(c, stream, from: start, to: end, count: count < 0 ? 0 : count, reverse: reverse)
    }

    /// The entries in the range as an array of [id, [field, value …]]; `count` 0 is no limit.
    static func replyRange(_ c: Client, _ stream: StreamValue, from start: StreamID, to end: StreamID,
                           count: Int, reverse: Bool) {
        var entries: [StreamEntry] = []
        stream.forEach(from: start, to: end, reverse: reverse) { entry in
            entries.append(entry)
            return count == 0 || entries.count < count
        }
        c.reply.array(entries.count)
        for entry in entries { c.replyEntry(entry) }
    }

    static func xlen(_ c: Client) {
        guard let stream = c.found(c.readStream(c.args[1]), orReply: Array(":0\r\n".utf8)) else { return }
        c.reply.integer(stream.length)
    }

    // MARK: - XSETID

    static func xsetid(_ c: Client) {
        guard let id = c.streamID(at: 2, strict: true) else { return }
        var entriesAdded: Int64 = -1
        var maxDeleted = StreamID.zero
        var index = 3
        while index < c.args.count {
            let more = c.args.count - 1 - index
            if c.argument(index, is: "entriesadded") && more > 0 {
                guard let value = c.integer(at: index + 1) else { return }
                if value < 0 {
                    c.reply.error("ERR entries_added must be positive")
                    return
                }
                entriesAdded = value
            } else if c.argument(index, is: "maxdeletedid") && more > 0 {
                guard let value = c.streamID(at: index + 1, strict: true) else { return }
                if id < value {
                    c.reply.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
                    return
                }
                maxDeleted = value
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 2
        }
        guard let stream = c.found(c.lookupStreamForWrite(c.args[1]), orReply: Array("-ERR no such key\r\n".utf8)) else { return }
        if stream.length > 0 {
            if id < stream.lastLiveID {
                c.reply.error("ERR The ID specified in XSETID is smaller than the target stream top item")
                return
            }
            if entriesAdded != -1 && Int64(stream.length) > entriesAdded {
                c.reply.error("ERR The entries_added specified in XSETID is smaller than the target stream length")
                return
            }
        }
        stream.lastID = id
        if entriesAdded != -1 { stream.entriesAdded = UInt64(entriesAdded) }
        if !maxDeleted.isZero { stream.maxDeletedID = maxDeleted }
        c.reply.ok()
        c.engine.dirty += 1
        c.notify(.stream, .xsetid, c.args[1])
    }
}

extension Client {
    /// One entry as Redis replies it: [id, [field, value, …]].
    func replyEntry(_ entry: StreamEntry) {
        reply.array(2)
        reply.bulk(entry.id.bytes)
        reply.array(entry.fieldCount * 2)
        entry.forEachPair { field, value in
            reply.bulk(field)
            reply.bulk(value)
        }
    }
}
