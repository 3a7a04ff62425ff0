import Keyspace
import RESP
import SwirlBytes

/// ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN.
enum SortedSetPopCommands {
    private static let emptyArray: [UInt8] = Array("*0\r\n".utf8)

    /// How a pop's reply is shaped (Redis's genericZpopCommand flags).
    enum ReplyShape {
        /// ZPOPMIN/ZPOPMAX: a flat array (member, score, …); in RESP3 with a
        /// count, an array of [member, score] pairs.
        case plain(nested: Bool)
        /// BZPOPMIN/BZPOPMAX: [key, member, score].
        case withKey
        /// ZMPOP/BZMPOP: [key, [[member, score], …]].
        case keyAndNested
    }

    /// Pops up to `count` entries from the low end (or the high end when
    /// `fromMax`) of the sorted set at `key` and replies with them in `shape`:
    /// the pop every ZPOP-like command shares (the blocking ones too, once a
    /// key has members). Deletes the key when it empties, signals WATCH,
    /// counts `dirty`, and propagates `ZPOPMIN|ZPOPMAX key n` when
    /// `propagateCount` (ZMPOP's rewrite in Redis 7.0).
    static func pop(_ c: Client, key: Bytes, zset: SortedSetValue, count: Int, fromMax: Bool,
                    shape: ReplyShape, propagateCount: Bool) {
        let popped = zset.pop(count: count, fromMax: fromMax)
        switch shape {
        case .plain(let nested): c.reply.array(nested ? popped.count : popped.count * 2)
        case .withKey:
            c.reply.array(popped.count * 2 + 1)
            c.reply.bulk(key)
        case .keyAndNested:
            c.reply.array(2)
            c.reply.bulk(key)
            c.reply.array(popped.count)
        }
        let nested: Bool
        switch shape {
        case .plain(let flag): nested = flag
        case .withKey: nested = false
        case .keyAndNested: nested = true
        }
        for entry in popped {
            if nested { c.reply.array(2) }
            c.reply.bulk(entry.member)
            c.reply.double(entry.score)
        }
        if !popped.isEmpty { c.notify(.zset, fromMax ? .zpopmax : .zpopmin, key) }
        if zset.isEmpty {
            c.db.delete(key)
            c.notify(.generic, .del, key)
        }
        c.db.signalModifiedKey(key)
        c.engine.dirty += popped.count
        if propagateCount {
            c.propagate(as: [fromMax ? "ZPOPMAX" : "ZPOPMIN", key, ByteNumbers.decimal(Int64(popped.count))])
        }
    }

    static func zpopmin(_ c: Client) { zpop(c, fromMax: false) }
    static func zpopmax(_ c: Client) { zpop(c, fromMax: true) }

    private static func zpop(_ c: Client, fromMax: Bool) {
        if c.args.count > 3 {
            c.reply.error(Errors.syntax)
            return
        }
        var count = -1
        if c.args.count == 3 {
            guard let value = c.nonNegativeCount(at: 2) else { return }
            count = value
        }
        let key = c.args[1]
        switch c.lookupSortedSetForWrite(key) {
        case .found(let zset):
            if count == 0 {
                c.reply.raw(emptyArray)
                return
            }
            pop(c, key: key, zset: zset, count: max(count, 1), fromMax: fromMax,
                shape: .plain(nested: c.reply.isRESP3 && count != -1), propagateCount: false)
        case .missing: c.reply.raw(emptyArray)
        case .wrongType: c.wrongType()
        }
    }

    /// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`: the first
    /// non-empty key is popped; a null array when there is none.
    /// ZMPOP's and BZMPOP's `numkeys key [key ...] MIN|MAX [COUNT count]` from
    /// `numkeysIndex`, checked in Redis 7.0's order; nil after replying the error.
    static func multiPopArguments(_ c: Client, numkeysIndex: Int) -> (keys: [Bytes], fromMax: Bool, count: Int)? {
        guard let numkeys = SortedSetArguments.positive(c, numkeysIndex, Errors.numkeysNotPositive) else { return nil }
        guard numkeys < c.args.count - numkeysIndex - 1 else {
            c.reply.error(Errors.syntax)
            return nil
        }
        let whereIndex = numkeysIndex + 1 + numkeys
        let fromMax: Bool
        if c.argument(whereIndex, is: "MIN") {
            fromMax = false
        } else if c.argument(whereIndex, is: "MAX") {
            fromMax = true
        } else {
            c.reply.error(Errors.syntax)
            return nil
        }
        var count = -1
        var index = whereIndex + 1
        while index < c.args.count {
            guard count == -1, c.argument(index, is: "COUNT"), index + 1 < c.args.count else {
                c.reply.error(Errors.syntax)
                return nil
            }
            guard let value = SortedSetArguments.positive(c, index + 1, "ERR count should be greater than 0") else { return nil }
            count = value
            index += 2
        }
        return (Array(c.args[(numkeysIndex + 1)..<whereIndex]), fromMax, max(count, 1))
    }

    static func zmpop(_ c: Client) {
        guard let (keys, fromMax, count) = multiPopArguments(c, numkeysIndex: 1) else { return }
        for key in keys {
            switch c.lookupSortedSetForWrite(key) {
            case .missing: continue
            case .wrongType:
                c.wrongType()
                return
            case .found(let zset):
                pop(c, key: key, zset: zset, count: count, fromMax: fromMax, shape: .keyAndNested, propagateCount: true)
                return
            }
        }
        c.reply.nullArray()
    }

    // MARK: - ZRANDMEMBER

    static func zrandmember(_ c: Client) {
        guard c.args.count >= 3 else {
            switch c.readSortedSet(c.args[1]) {
            case .found(let zset): c.reply.bulk(zset.entry(atRank: Int.random(in: 0..<zset.count, using: &c.engine.keyspace.random)).member)
            case .missing: c.reply.null()
            case .wrongType: c.wrongType()
            }
            return
        }
        guard let requested = c.signedCount(at: 2) else { return }
        if c.args.count > 4 || (c.args.count == 4 && !c.argument(3, is: "WITHSCORES")) {
            c.reply.error(Errors.syntax)
            return
        }
        let withScores = c.args.count == 4
        if withScores && (requested < -Int64.max / 2 || requested > Int64.max / 2) {
            c.reply.error(Errors.outOfRange)
            return
        }
        guard let zset = c.found(c.readSortedSet(c.args[1]), orReply: emptyArray) else { return }
        let count = Int(requested.magnitude)
        if count == 0 {
            c.reply.raw(emptyArray)
            return
        }
        let size = zset.count
        if requested < 0 || count == 1 {
            // Picks with repetition (or the single pick of a count of 1).
            SortedSetCommands.replyHeader(c, count: count, withScores: withScores)
            for _ in 0..<count {
                let entry = zset.entry(atRank: Int.random(in: 0..<size, using: &c.engine.keyspace.random))
                SortedSetCommands.replyEntry(c, entry.member, entry.score, withScores: withScores)
                if c.outputLimitReached() { return }  // closed for its output limit: stop, as Redis
            }
            return
        }
        if count >= size {
            // The whole set, from the highest (Redis 7.0 walks it backwards here).
            SortedSetCommands.replyHeader(c, count: size, withScores: withScores)
            zset.forEach(ranks: 0..<size, reverse: true) { SortedSetCommands.replyEntry(c, $0, $1, withScores: withScores) }
            return
        }
        // Distinct picks: a random subset of ranks.
        var ranks: [Int]
        if count * 3 > size {
            ranks = Array((0..<size).shuffled(using: &c.engine.keyspace.random).prefix(count))
        } else {
            var picked = Set<Int>()
            ranks = []
            while ranks.count < count {
                let rank = Int.random(in: 0..<size, using: &c.engine.keyspace.random)
                if picked.insert(rank).inserted { ranks.append(rank) }
            }
        }
        SortedSetCommands.replyHeader(c, count: count, withScores: withScores)
        for rank in ranks {
            let entry = zset.entry(atRank: rank)
            SortedSetCommands.replyEntry(c, entry.member, entry.score, withScores: withScores)
        }
    }

    // MARK: - ZSCAN

    /// Members and their scores (as bulk strings, `%.17g`), filtered by MATCH
    /// on the member.
    static func zscan(_ c: Client) {
        ScanOptions.scanKey(c, read: c.readSortedSet) { zset, cursor, count, visit in
            zset.scan(cursor: cursor, count: count) { visit($0, Bytes(ByteNumbers.formatDouble($1))) }
        }
    }
}
