import Keyspace
import RESP
import SwirlBytes

/// The sorted-set group: its specs, and the commands on single members
/// (ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT,
/// ZLEXCOUNT). Ranges are in SortedSetRangeCommands.swift, pops and random
/// picks in SortedSetPopCommands.swift, ZUNION/ZINTER/ZDIFF in
/// SortedSetAlgebraCommands.swift, the blocking pops in SortedSetBlockingCommands.swift.
enum SortedSetCommands {
    /// The sorted-set family's defaults, shared by the blocking pops.
    static let group = CommandGroup("sorted-set", since: "1.2.0", complexity: "O(log(N))", keys: .single)

    static func specs() -> [CommandSpec] {
        let zsets = group
        let read: CommandFlags = [.readonly, .fast]
        let range = SortedSetRangeCommands.self, pops = SortedSetPopCommands.self, algebra = SortedSetAlgebraCommands.self
        let movable = KeyPositions.none
        // ZUNIONSTORE destination numkeys key [key ...]: the destination, then the counted keys.
        let storeKeys: ([Bytes]) -> [Int]? = { args in KeyPositions.countedKeys(at: 2)(args).map { [1] + $0 } }
        return [
            zsets.command("zadd", -4, [.write, .denyOOM, .fast],
                          syntax: "key condition:[NX | XX]@3.0.2 comparison:[GT | LT]@6.2.0 [change:CH]@3.0.2"
                              + " [increment:INCR]@3.0.2 score:double member [score member ...]",
                          "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
                          handler: zadd),
            zsets.command("zincrby", 4, [.write, .denyOOM, .fast], syntax: "key increment:integer member",
                          "Increments the score of a member in a sorted set.", handler: zincrby),
            zsets.command("zrem", -3, [.write, .fast], syntax: "key member [member ...]",
                          "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
                          complexity: "O(M*log(N))", handler: zrem),
            zsets.command("zcard", 2, read, syntax: "key",
                          "Returns the number of members in a sorted set.", complexity: "O(1)", handler: zcard),
            zsets.command("zcount", 4, read, syntax: "key min:double max:double",
                          "Returns the count of members in a sorted set that have scores within a range.", since: "2.0.0",
                          handler: zcount),
            zsets.command("zlexcount", 4, read, syntax: "key min max",
                          "Returns the number of members in a sorted set within a lexicographical range.", since: "2.8.9",
                          handler: zlexcount),
            zsets.command("zscore", 3, read, syntax: "key member",
                          "Returns the score of a member in a sorted set.", complexity: "O(1)", handler: zscore),
            zsets.command("zmscore", -3, read, syntax: "key member [member ...]",
                          "Returns the score of one or more members in a sorted set.", since: "6.2.0", complexity: "O(N)",
                          handler: zmscore),
            zsets.command("zrank", 3, read, syntax: "key member",
                          "Returns the index of a member in a sorted set ordered by ascending scores.", since: "2.0.0",
                          handler: zrank),
            zsets.command("zrevrank", 3, read, syntax: "key member",
                          "Returns the index of a member in a sorted set ordered by descending scores.", since: "2.0.0",
                          handler: zrevrank),
            zsets.command("zrange", -4, [.readonly],
                          syntax: "key start stop sortby:[BYSCORE | BYLEX]@6.2.0 [REV]@6.2.0"
                              + " [LIMIT offset:integer count:integer]@6.2.0 [WITHSCORES]",
                          "Returns members in a sorted set within a range of indexes.", complexity: "O(log(N)+M)",
                          handler: range.zrange),
            zsets.command("zrangestore", -5, [.write, .denyOOM], keys: KeyPositions(first: 1, last: 2, step: 1),
                          syntax: "dst:key src:key min max sortby:[BYSCORE | BYLEX] [REV] [LIMIT offset:integer count:integer]",
                          "Stores a range of members from sorted set in a key.", since: "6.2.0", complexity: "O(log(N)+M)",
                          handler: range.zrangestore),
            zsets.command("zrangebyscore", -4, [.readonly],
                          syntax: "key min:double max:double [WITHSCORES]@2.0.0 [LIMIT offset:integer count:integer]",
                          "Returns members in a sorted set within a range of scores.", since: "1.0.5",
                          complexity: "O(log(N)+M)", handler: range.zrangebyscore),
            zsets.command("zrevrangebyscore", -4, [.readonly],
                          syntax: "key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]",
                          "Returns members in a sorted set within a range of scores in reverse order.", since: "2.2.0",
                          complexity: "O(log(N)+M)", handler: range.zrevrangebyscore),
            zsets.command("zrevrange", -4, [.readonly], syntax: "key start:integer stop:integer [WITHSCORES]",
                          "Returns members in a sorted set within a range of indexes in reverse order.",
                          complexity: "O(log(N)+M)", handler: range.zrevrange),
            zsets.command("zrangebylex", -4, [.readonly], syntax: "key min max [LIMIT offset:integer count:integer]",
                          "Returns members in a sorted set within a lexicographical range.", since: "2.8.9",
                          complexity: "O(log(N)+M)", handler: range.zrangebylex),
            zsets.command("zrevrangebylex", -4, [.readonly], syntax: "key max min [LIMIT offset:integer count:integer]",
                          "Returns members in a sorted set within a lexicographical range in reverse order.", since: "2.8.9",
                          complexity: "O(log(N)+M)", handler: range.zrevrangebylex),
            zsets.command("zremrangebyrank", 4, [.write], syntax: "key start:integer stop:integer",
                          "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
                          since: "2.0.0", complexity: "O(log(N)+M)", handler: range.zremrangebyrank),
            zsets.command("zremrangebyscore", 4, [.write], syntax: "key min:double max:double",
                          "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
                          complexity: "O(log(N)+M)", handler: range.zremrangebyscore),
            zsets.command("zremrangebylex", 4, [.write], syntax: "key min max",
                          "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.",
                          since: "2.8.9", complexity: "O(log(N)+M)", handler: range.zremrangebylex),
            zsets.command("zpopmin", -2, [.write, .fast], syntax: "key [count:integer]",
                          "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
                          since: "5.0.0", complexity: "O(log(N)*M)", handler: pops.zpopmin),
            zsets.command("zpopmax", -2, [.write, .fast], syntax: "key [count:integer]",
                          "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
                          since: "5.0.0", complexity: "O(log(N)*M)", handler: pops.zpopmax),
            zsets.command("zmpop", -4, [.write], keys: movable,
                          syntax: "numkeys:integer key [key ...] where:<MIN | MAX> [COUNT count:integer]",
                          "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
                          since: "7.0.0", complexity: "O(K) + O(M*log(N))",
                          handler: pops.zmpop).movingKeys(KeyPositions.countedKeys(at: 1)),
            zsets.command("zrandmember", -2, [.readonly], syntax: "key options:[count:integer [WITHSCORES]]",
                          "Returns one or more random members from a sorted set.", since: "6.2.0", complexity: "O(N)",
                          handler: pops.zrandmember),
            zsets.command("zscan", -3, [.readonly], syntax: "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
                          "Iterates over members and scores of a sorted set.", since: "2.8.0", complexity: "O(1)",
                          handler: pops.zscan),
            zsets.command("zunion", -3, [.readonly], keys: movable,
                          syntax: "numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]]"
                              + " [AGGREGATE aggregate:<SUM | MIN | MAX>] [WITHSCORES]",
                          "Returns the union of multiple sorted sets.", since: "6.2.0", complexity: "O(N)+O(M*log(M))",
                          handler: algebra.zunion).movingKeys(KeyPositions.countedKeys(at: 1)),
            zsets.command("zinter", -3, [.readonly], keys: movable,
                          syntax: "numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]]"
                              + " [AGGREGATE aggregate:<SUM | MIN | MAX>] [WITHSCORES]",
                          "Returns the intersect of multiple sorted sets.", since: "6.2.0", complexity: "O(N*K)+O(M*log(M))",
                          handler: algebra.zinter).movingKeys(KeyPositions.countedKeys(at: 1)),
            zsets.command("zdiff", -3, [.readonly], keys: movable, syntax: "numkeys:integer key [key ...] [WITHSCORES]",
                          "Returns the difference between multiple sorted sets.", since: "6.2.0",
                          complexity: "O(L + (N-K)log(N))", handler: algebra.zdiff).movingKeys(KeyPositions.countedKeys(at: 1)),
            zsets.command("zunionstore", -4, [.write, .denyOOM],
                          syntax: "destination:key numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]]"
                              + " [AGGREGATE aggregate:<SUM | MIN | MAX>]",
                          "Stores the union of multiple sorted sets in a key.", since: "2.0.0", complexity: "O(N)+O(M log(M))",
                          handler: algebra.zunionstore).movingKeys(storeKeys),
            zsets.command("zinterstore", -4, [.write, .denyOOM],
                          syntax: "destination:key numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]]"
                              + " [AGGREGATE aggregate:<SUM | MIN | MAX>]",
                          "Stores the intersect of multiple sorted sets in a key.", since: "2.0.0",
                          complexity: "O(N*K)+O(M*log(M))", handler: algebra.zinterstore).movingKeys(storeKeys),
            zsets.command("zdiffstore", -4, [.write, .denyOOM], syntax: "destination:key numkeys:integer key [key ...]",
                          "Stores the difference of multiple sorted sets in a key.", since: "6.2.0",
                          complexity: "O(L + (N-K)log(N))", handler: algebra.zdiffstore).movingKeys(storeKeys),
            zsets.command("zintercard", -3, [.readonly], keys: movable,
                          syntax: "numkeys:integer key [key ...] [LIMIT limit:integer]",
                          "Returns the number of members of the intersect of multiple sorted sets.", since: "7.0.0",
                          complexity: "O(N*K)", handler: algebra.zintercard).movingKeys(KeyPositions.countedKeys(at: 1)),
        ]
    }

    // MARK: - ZADD, ZINCRBY

    static func zadd(_ c: Client) { add(c, incr: false) }
    static func zincrby(_ c: Client) { add(c, incr: true) }

    /// Redis's zaddGenericCommand: options, then every score parsed, then the
    /// key looked up; ZINCRBY is ZADD with INCR (so `ZINCRBY k NX m` is a
    /// syntax error, as in Redis).
    private static func add(_ c: Client, incr incrCommand: Bool) {
        var nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand
        var index = 2
        while index < c.args.count {
            if c.argument(index, is: "NX") { nx = true }
            else if c.argument(index, is: "XX") { xx = true }
            else if c.argument(index, is: "CH") { ch = true }
            else if c.argument(index, is: "INCR") { incr = true }
            else if c.argument(index, is: "GT") { gt = true }
            else if c.argument(index, is: "LT") { lt = true }
            else { break }
            index += 1
        }
        let pairs = c.args.count - index
        guard pairs > 0, pairs % 2 == 0 else {
            c.reply.error(Errors.syntax)
            return
        }
        if nx && xx {
            c.reply.error("ERR XX and NX options at the same time are not compatible")
            return
        }
        if (gt && nx) || (lt && nx) || (gt && lt) {
            c.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible")
            return
        }
        if incr && pairs > 2 {
            c.reply.error("ERR INCR option supports a single increment-element pair")
            return
        }
        // Every score is parsed before anything changes; one pair needs no array.
        guard let firstScore = c.double(at: index) else { return }
        var scores: [Double] = []
        if pairs > 2 {
            scores.reserveCapacity(pairs / 2)
            scores.append(firstScore)
            for position in stride(from: index + 2, to: c.args.count, by: 2) {
                guard let score = c.double(at: position) else { return }
                scores.append(score)
            }
        }
        let key = c.args[1]
        let zset: SortedSetValue
        switch c.lookupSortedSetForWrite(key) {
        case .found(let found): zset = found
        case .wrongType: c.wrongType(); return
        case .missing:
            if xx {
                if incr { c.reply.null() } else { c.reply.integer(0) }
                return
            }
            // Redis 7.0 starts compact unless the first member alone is too long
            // (scores put in while compact keep a listpack's -0 → 0).
            zset = SortedSetValue(expectedCount: 1, longestMember: c.args[index + 1].count)
            c.db.add(key, .sortedSet(zset))
        }
        var added = 0, updated = 0, processed = 0
        var result = 0.0
        for offset in 0..<(pairs / 2) {
            let member = c.args[index + offset * 2 + 1]
            var score = offset == 0 ? firstScore : scores[offset]
            if let current = zset.score(of: member) {
                if nx { continue }
                if incr {
                    score += current
                    if score.isNaN {
                        finish(c, key, changed: added + updated, incr ? .zincr : .zadd)
                        c.reply.error("ERR resulting score is not a number (NaN)")
                        return
                    }
                }
                if (lt && score >= current) || (gt && score <= current) { continue }
                if score != current {
                    zset.update(member, from: current, to: score)
                    updated += 1
                }
            } else {
                if xx { continue }
                zset.insert(member, score)
                added += 1
            }
            processed += 1
            result = score
        }
        finish(c, key, changed: added + updated, incr ? .zincr : .zadd)
        if incr {
            if processed > 0 { c.reply.double(result) } else { c.reply.null() }
        } else {
            c.reply.integer(ch ? added + updated : added)
        }
    }

    /// After `changed` members were added, updated or removed: tells WATCH and
    /// publishes `event`, then `del` when the key went with its last member.
    private static func finish(_ c: Client, _ key: Bytes, changed: Int, _ event: KeyspaceEvent, keyRemoved: Bool = false) {
        guard changed > 0 else { return }
        c.db.signalModifiedKey(key)
        c.engine.dirty += changed
        c.notify(.zset, event, key)
        if keyRemoved { c.notify(.generic, .del, key) }
    }

    // MARK: - ZREM

    static func zrem(_ c: Client) {
        let key = c.args[1]
        switch c.lookupSortedSetForWrite(key) {
        case .found(let zset):
            var removed = 0
            for member in c.args.dropFirst(2) where zset.remove(member) {
                removed += 1
                if zset.isEmpty {
                    c.db.delete(key)
                    break
                }
            }
            finish(c, key, changed: removed, .zrem, keyRemoved: zset.isEmpty)
            c.reply.integer(removed)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    // MARK: - Reads of one member

    static func zcard(_ c: Client) {
        switch c.readSortedSet(c.args[1]) {
        case .found(let zset): c.reply.integer(zset.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func zscore(_ c: Client) {
        switch c.readSortedSet(c.args[1]) {
        case .found(let zset):
            if let score = zset.score(of: c.args[2]) { c.reply.double(score) } else { c.reply.null() }
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    static func zmscore(_ c: Client) {
        var zset: SortedSetValue? = nil
        switch c.readSortedSet(c.args[1]) {
        case .found(let found): zset = found
        case .missing: break
        case .wrongType: c.wrongType(); return
        }
        c.reply.array(c.args.count - 2)
        for member in c.args.dropFirst(2) {
            if let score = zset?.score(of: member) { c.reply.double(score) } else { c.reply.null() }
        }
    }

    static func zrank(_ c: Client) { rank(c, reverse: false) }
    static func zrevrank(_ c: Client) { rank(c, reverse: true) }

    private static func rank(_ c: Client, reverse: Bool) {
        switch c.readSortedSet(c.args[1]) {
        case .found(let zset):
            if let rank = zset.rank(of: c.args[2]) {
                c.reply.integer(reverse ? zset.count - 1 - rank : rank)
            } else {
                c.reply.null()
            }
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    /// ZCOUNT and ZLEXCOUNT parse the range before looking the key up.
    static func zcount(_ c: Client) {
        guard let range = SortedSetArguments.scoreRange(c.args[2], c.args[3]) else {
            c.reply.error(SortedSetArguments.rangeNotFloat)
            return
        }
        count(c) { $0.ranks(in: range) }
    }

    static func zlexcount(_ c: Client) {
        guard let range = SortedSetArguments.lexRange(c.args[2], c.args[3]) else {
            c.reply.error(SortedSetArguments.lexRangeInvalid)
            return
        }
        count(c) { $0.ranks(in: range) }
    }

    private static func count(_ c: Client, _ ranks: (SortedSetValue) -> Range<Int>) {
        switch c.readSortedSet(c.args[1]) {
        case .found(let zset): c.reply.integer(ranks(zset).count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    // MARK: - Replies

    /// The header of a list of `count` members, with their scores or not:
    /// RESP2 a flat array (member, score, …), RESP3 an array of pairs.
    static func replyHeader(_ c: Client, count: Int, withScores: Bool) {
        c.reply.array(withScores && !c.reply.isRESP3 ? count * 2 : count)
    }

    /// One member of such a list.
    static func replyEntry(_ c: Client, _ member: Bytes, _ score: Double, withScores: Bool) {
        if withScores && c.reply.isRESP3 { c.reply.array(2) }
        c.reply.bulk(member)
        if withScores { c.reply.double(score) }
    }
}

extension Client {
    /// The sorted set at `key`, counting a keyspace hit or miss as Redis's lookupKeyRead does.
    func readSortedSet(_ key: Bytes) -> Typed<SortedSetValue> { read(key, as: \.sortedSet) }

    /// The sorted set at `key` for a write: no hit/miss counted, as Redis's lookupKeyWrite.
    func lookupSortedSetForWrite(_ key: Bytes) -> Typed<SortedSetValue> { lookupForWrite(key, as: \.sortedSet) }
}
