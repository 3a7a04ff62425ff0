import Keyspace
import RESP
import SwirlBytes

/// SPOP, SRANDMEMBER and SSCAN: reading a set in random picks or pieces.
enum SetRandomCommands {
    private static let emptyArray: [UInt8] = Array("*0\r\n".utf8)

    static func spop(_ c: Client) {
        if c.args.count == 3 {
            spopWithCount(c)
            return
        } else if c.args.count > 3 {
            c.reply.error(Errors.syntax)
            return
        }
        let key = c.args[1]
        switch c.lookupSetForWrite(key) {
        case .found(let set):
            let member = set.popRandom(using: &c.engine.keyspace.random)
            c.propagate(as: ["SREM", key, member])
            c.reply.bulk(member)
            c.notify(.set, .spop, key)
            if set.isEmpty {
                c.db.delete(key)
                c.notify(.generic, .del, key)
            }
            c.db.signalModifiedKey(key)
            c.engine.dirty += 1
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    /// `SPOP key count`: a set reply; the AOF gets one SREM per member (Redis
    /// 7.0 wraps them in MULTI/EXEC), or a DEL when the whole set goes.
    private static func spopWithCount(_ c: Client) {
        guard let requested = ByteNumbers.parseInt64(c.args[2]), requested >= 0 else {
            c.reply.error(Errors.notPositiveCount)
            return
        }
        let key = c.args[1]
        let set: SetValue
        switch c.lookupSetForWrite(key) {
        case .found(let found): set = found
        case .missing: c.reply.set(0); return
        case .wrongType: c.wrongType(); return
        }
        if requested == 0 {
            c.reply.set(0)
            return
        }
        let count = Int(requested)
        c.notify(.set, .spop, key)
        // Redis adds the requested count; capped here so a huge count cannot overflow.
        c.engine.dirty += min(count, set.count)
        if count >= set.count {
            // Redis replies through SUNION here, whose lookup counts a keyspace hit.
            c.engine.keyspace.stats.keyspaceHits += 1
            SetCommands.replyMembers(c, set)
            c.db.delete(key)
            c.notify(.generic, .del, key)
            c.propagate(as: ["DEL", key])
            c.engine.dirty += 1
            return
        }
        c.reply.set(count)
        for _ in 0..<count {
            let member = set.popRandom(using: &c.engine.keyspace.random)
            c.reply.bulk(member)
            c.propagate(as: ["SREM", key, member])
        }
        c.db.signalModifiedKey(key)
        c.engine.dirty += 1
    }

    /// SRANDMEMBER: a bulk string without a count; with one, always an array
    /// (even in RESP3, as Redis 7.0), repeating members for a negative count.
    static func srandmember(_ c: Client) {
        guard c.args.count >= 3 else {
            switch c.readSet(c.args[1]) {
            case .found(let set): c.reply.bulk(set.randomMember(using: &c.engine.keyspace.random))
            case .missing: c.reply.null()
            case .wrongType: c.wrongType()
            }
            return
        }
        guard c.args.count == 3 else {
            c.reply.error(Errors.syntax)
            return
        }
        guard let requested = c.signedCount(at: 2) else { return }
        guard let set = c.found(c.readSet(c.args[1]), orReply: emptyArray) else { return }
        let count = Int(requested.magnitude)
        if count == 0 {
            c.reply.raw(emptyArray)
            return
        }
        if requested < 0 {
            c.reply.array(count)
            for _ in 0..<count {
                c.reply.bulk(set.randomMember(using: &c.engine.keyspace.random))
                if c.outputLimitReached() { return }  // closed for its output limit: stop, as Redis
            }
            return
        }
        if count >= set.count {
            c.reply.array(set.count)
            set.forEach { c.reply.bulk($0) }
            return
        }
        c.reply.array(count)
        if count * 3 > set.count {
            for position in (0..<set.count).shuffled(using: &c.engine.keyspace.random).prefix(count) { c.reply.bulk(set.member(at: position)) }
        } else {
            var picked = Set<Int>()
            while picked.count < count {
                let position = Int.random(in: 0..<set.count, using: &c.engine.keyspace.random)
                if picked.insert(position).inserted { c.reply.bulk(set.member(at: position)) }
            }
        }
    }

    static func sscan(_ c: Client) {
        ScanOptions.scanKey(c, read: c.readSet) { set, cursor, count, visit in
            set.scan(cursor: cursor, count: count) { visit($0, nil) }
        }
    }
}
