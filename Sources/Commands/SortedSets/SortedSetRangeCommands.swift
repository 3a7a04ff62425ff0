import Keyspace
import RESP
import SwirlBytes

/// ZRANGE in all its forms (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZREVRANGE,
/// ZRANGEBYLEX, ZREVRANGEBYLEX, ZRANGESTORE) and the ZREMRANGEBY* commands,
/// following Redis 7.0's zrangeGenericCommand: options first, then the
/// range, then the key; one set of rules for LIMIT (a negative offset gives
/// nothing, a negative count means all).
enum SortedSetRangeCommands {
    enum Kind { case rank, score, lex }

    private struct Request {
        var kind: Kind?
        var reverse: Bool?
        var withScores = false
        var offset = 0
        var limit = -1
    }

    static func zrange(_ c: Client) { range(c, keyIndex: 1, kind: nil, reverse: nil, destination: nil) }
    static func zrangestore(_ c: Client) { range(c, keyIndex: 2, kind: nil, reverse: nil, destination: c.args[1]) }
    static func zrangebyscore(_ c: Client) { range(c, keyIndex: 1, kind: .score, reverse: false, destination: nil) }
    static func zrevrangebyscore(_ c: Client) { range(c, keyIndex: 1, kind: .score, reverse: true, destination: nil) }
    static func zrevrange(_ c: Client) { range(c, keyIndex: 1, kind: .rank, reverse: true, destination: nil) }
    static func zrangebylex(_ c: Client) { range(c, keyIndex: 1, kind: .lex, reverse: false, destination: nil) }
    static func zrevrangebylex(_ c: Client) { range(c, keyIndex: 1, kind: .lex, reverse: true, destination: nil) }

    private static func range(_ c: Client, keyIndex: Int, kind fixedKind: Kind?, reverse fixedReverse: Bool?, destination: Bytes?) {
        var request = Request(kind: fixedKind, reverse: fixedReverse)
        var index = keyIndex + 3
        while index < c.args.count {
            let remaining = c.args.count - index - 1
            if destination == nil && c.argument(index, is: "WITHSCORES") {
                request.withScores = true
            } else if c.argument(index, is: "LIMIT") && remaining >= 2 {
                guard let offset = c.integer(at: index + 1), let limit = c.integer(at: index + 2) else { return }
                request.offset = Int(offset)
                request.limit = Int(limit)
                index += 2
            } else if fixedReverse == nil && request.reverse == nil && c.argument(index, is: "REV") {
                request.reverse = true
            } else if fixedKind == nil && request.kind == nil && c.argument(index, is: "BYLEX") {
                request.kind = .lex
            } else if fixedKind == nil && request.kind == nil && c.argument(index, is: "BYSCORE") {
                request.kind = .score
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 1
        }
        let kind = request.kind ?? .rank
        let reverse = request.reverse ?? false
        if request.limit != -1 && kind == .rank {
            c.reply.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
            return
        }
        if request.withScores && kind == .lex {
            c.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
            return
        }
        // BYSCORE and BYLEX with REV take the range as max, min.
        var low = c.args[keyIndex + 1], high = c.args[keyIndex + 2]
        if reverse && kind != .rank { swap(&low, &high) }
        let select: (SortedSetValue) -> Range<Int>
        switch kind {
        case .rank:
            guard let start = c.integer(at: keyIndex + 1), let end = c.integer(at: keyIndex + 2) else { return }
            select = { rankRange(start: start, end: end, count: $0.count, reverse: reverse) }
        case .score:
            guard let scores = SortedSetArguments.scoreRange(low, high) else {
                c.reply.error(SortedSetArguments.rangeNotFloat)
                return
            }
            select = { limited($0.ranks(in: scores), request, count: $0.count, reverse: reverse) }
        case .lex:
            guard let members = SortedSetArguments.lexRange(low, high) else {
                c.reply.error(SortedSetArguments.lexRangeInvalid)
                return
            }
            select = { limited($0.ranks(in: members), request, count: $0.count, reverse: reverse) }
        }
        var ranks = 0..<0
        var source: SortedSetValue? = nil
        switch c.readSortedSet(c.args[keyIndex]) {
        case .found(let zset):
            source = zset
            ranks = select(zset)
        case .missing:
            if destination == nil {
                c.reply.array(0)
                return
            }
        case .wrongType:
            c.wrongType()
            return
        }
        if let destination {
            // Redis sizes the destination by a rank range's length; a BYSCORE or
            // BYLEX result starts compact and converts as it grows.
            let result = SortedSetValue(expectedCount: kind == .rank ? ranks.count : 0, longestMember: 0)
            source?.forEach(ranks: ranks, reverse: reverse) { result.insert($0, $1) }
            c.storeResult(.sortedSet(result), count: result.count, in: destination, .zset, .zrangestore)
            return
        }
        SortedSetCommands.replyHeader(c, count: ranks.count, withScores: request.withScores)
        source?.forEach(ranks: ranks, reverse: reverse) {
            SortedSetCommands.replyEntry(c, $0, $1, withScores: request.withScores)
        }
    }

    /// The ranks (ascending) that Z[REV]RANGE start end selects.
    static func rankRange(start: Int64, end: Int64, count: Int, reverse: Bool) -> Range<Int> {
        let length = Int64(count)
        var first = start < 0 ? length + start : start
        var last = end < 0 ? length + end : end
        if first < 0 { first = 0 }
        if first > last || first >= length { return 0..<0 }
        if last >= length { last = length - 1 }
        if reverse { (first, last) = (length - 1 - last, length - 1 - first) }
        return Int(first)..<Int(last + 1)
    }

    /// LIMIT offset count applied to ranks in the direction of the reply.
    private static func limited(_ ranks: Range<Int>, _ request: Request, count: Int, reverse: Bool) -> Range<Int> {
        if request.offset < 0 || (request.offset > 0 && request.offset >= count) { return 0..<0 }
        let available = max(0, ranks.count - request.offset)
        let taken = request.limit < 0 ? available : min(available, request.limit)
        if taken == 0 { return 0..<0 }
        if reverse {
            let upper = ranks.upperBound - request.offset
            return (upper - taken)..<upper
        }
        let lower = ranks.lowerBound + request.offset
        return lower..<(lower + taken)
    }

    // MARK: - ZREMRANGEBY*

    static func zremrangebyrank(_ c: Client) {
        guard let start = c.integer(at: 2), let end = c.integer(at: 3) else { return }
        removeRange(c, .zremrangebyrank) { rankRange(start: start, end: end, count: $0.count, reverse: false) }
    }

    static func zremrangebyscore(_ c: Client) {
        guard let range = SortedSetArguments.scoreRange(c.args[2], c.args[3]) else {
            c.reply.error(SortedSetArguments.rangeNotFloat)
            return
        }
        removeRange(c, .zremrangebyscore) { $0.ranks(in: range) }
    }

    static func zremrangebylex(_ c: Client) {
        guard let range = SortedSetArguments.lexRange(c.args[2], c.args[3]) else {
            c.reply.error(SortedSetArguments.lexRangeInvalid)
            return
        }
        removeRange(c, .zremrangebylex) { $0.ranks(in: range) }
    }

    private static func removeRange(_ c: Client, _ event: KeyspaceEvent, _ select: (SortedSetValue) -> Range<Int>) {
        let key = c.args[1]
        switch c.lookupSortedSetForWrite(key) {
        case .found(let zset):
            let ranks = select(zset)
            zset.removeRanks(ranks)
            if zset.isEmpty { c.db.delete(key) }
            if !ranks.isEmpty {
                c.db.signalModifiedKey(key)
                c.engine.dirty += ranks.count
                c.notify(.zset, event, key)
                if zset.isEmpty { c.notify(.generic, .del, key) }
            }
            c.reply.integer(ranks.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }
}
