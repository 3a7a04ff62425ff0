import Keyspace
import RESP
import SwirlBytes

/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis 7.0's
/// zunionInterDiffGenericCommand: numkeys, then every key looked up and
/// type-checked (sorted sets, or sets whose members score 1), then the
/// options (WEIGHTS, AGGREGATE, WITHSCORES, LIMIT), then the computation.
enum SortedSetAlgebraCommands {
    enum Operation { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    /// One input: a sorted set, a set (every member scores 1), or nothing.
    private struct Source {
        var zset: SortedSetValue?
        var set: SetValue?
        var weight = 1.0

        var count: Int { zset?.count ?? set?.count ?? 0 }
        var identity: ObjectIdentifier? {
            if let zset { return ObjectIdentifier(zset) }
            if let set { return ObjectIdentifier(set) }
            return nil
        }

        func forEach(_ body: (Bytes, Double) -> Void) {
            if let zset { zset.forEach(body) } else { set?.forEach { body($0, 1) } }
        }

        func score(of member: Bytes) -> Double? {
            if let zset { return zset.score(of: member) }
            return set?.contains(member) == true ? 1 : nil
        }
    }

    static func zunion(_ c: Client) { run(c, numkeysIndex: 1, .union, destination: nil) }
    static func zinter(_ c: Client) { run(c, numkeysIndex: 1, .inter, destination: nil) }
    static func zdiff(_ c: Client) { run(c, numkeysIndex: 1, .diff, destination: nil) }
    static func zunionstore(_ c: Client) { run(c, numkeysIndex: 2, .union, destination: c.args[1]) }
    static func zinterstore(_ c: Client) { run(c, numkeysIndex: 2, .inter, destination: c.args[1]) }
    static func zdiffstore(_ c: Client) { run(c, numkeysIndex: 2, .diff, destination: c.args[1]) }
    static func zintercard(_ c: Client) { run(c, numkeysIndex: 1, .inter, destination: nil, cardinalityOnly: true) }

    private static func run(_ c: Client, numkeysIndex: Int, _ operation: Operation, destination: Bytes?,
                            cardinalityOnly: Bool = false) {
        guard let numkeys = c.integer(at: numkeysIndex) else { return }
        guard numkeys >= 1 else {
            c.reply.error("ERR at least 1 input key is needed for '\(Text.lowercased(c.args[0]))' command")
            return
        }
        guard numkeys <= c.args.count - numkeysIndex - 1 else {
            c.reply.error(Errors.syntax)
            return
        }
        var sources: [Source] = []
        sources.reserveCapacity(Int(numkeys))
        var index = numkeysIndex + 1
        for key in c.args[index..<(index + Int(numkeys))] {
            switch c.db.lookup(key) {
            case .none:
                c.countMiss(key)
                sources.append(Source())
            case .sortedSet(let zset)?:
                c.engine.keyspace.stats.keyspaceHits += 1
                sources.append(Source(zset: zset))
            case .set(let set)?:
                c.engine.keyspace.stats.keyspaceHits += 1
                sources.append(Source(set: set))
            case .some:
                c.engine.keyspace.stats.keyspaceHits += 1
                c.wrongType()
                return
            }
        }
        index += Int(numkeys)
        var aggregate = Aggregate.sum
        var withScores = false
        var limit = 0
        let combining = operation != .diff && !cardinalityOnly
        while index < c.args.count {
            let remaining = c.args.count - index
            if combining && remaining >= sources.count + 1 && c.argument(index, is: "WEIGHTS") {
                for position in sources.indices {
                    guard let weight = ByteNumbers.parseDouble(c.args[index + 1 + position]) else {
                        c.reply.error("ERR weight value is not a float")
                        return
                    }
                    sources[position].weight = weight
                }
                index += 1 + sources.count
            } else if combining && remaining >= 2 && c.argument(index, is: "AGGREGATE") {
                if c.argument(index + 1, is: "SUM") { aggregate = .sum }
                else if c.argument(index + 1, is: "MIN") { aggregate = .min }
                else if c.argument(index + 1, is: "MAX") { aggregate = .max }
                else {
                    c.reply.error(Errors.syntax)
                    return
                }
                index += 2
            } else if destination == nil && !cardinalityOnly && c.argument(index, is: "WITHSCORES") {
                withScores = true
                index += 1
            } else if cardinalityOnly && remaining >= 2 && c.argument(index, is: "LIMIT") {
                guard let value = c.nonNegativeCount(at: index + 1, error: Errors.negativeLimit) else { return }
                limit = value
                index += 2
            } else {
                c.reply.error(Errors.syntax)
                return
            }
        }
        if operation != .diff {
            // Smallest first (a stable sort, so equal sizes keep their order).
            sources = sources.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)
        }
        if cardinalityOnly {
            var cardinality = 0
            intersect(sources, aggregate) { _, _ in
                cardinality += 1
                return limit == 0 || cardinality < limit
            }
            c.reply.integer(cardinality)
            return
        }
        var result: [ScoredMember] = []
        switch operation {
        case .inter:
            intersect(sources, aggregate) { member, score in
                result.append(ScoredMember(member, score))
                return true
            }
        case .union: result = union(sources, aggregate)
        case .diff: result = difference(sources)
        }
        if let destination {
            let longest = result.reduce(0) { max($0, $1.member.count) }
            let zset = SortedSetValue(expectedCount: result.count, longestMember: longest)
            for entry in result { zset.insert(entry.member, entry.score) }
            let event: KeyspaceEvent = switch operation {
            case .inter: .zinterstore
            case .union: .zunionstore
            case .diff: .zdiffstore
            }
            c.storeResult(.sortedSet(zset), count: zset.count, in: destination, .zset, event)
            return
        }
        // A reply comes straight from the sorted result (a -0 stays -0, as
        // from Redis's temporary skiplist).
        result.sort(by: ScoredMember.ordered)
        SortedSetCommands.replyHeader(c, count: result.count, withScores: withScores)
        for entry in result { SortedSetCommands.replyEntry(c, entry.member, entry.score, withScores: withScores) }
    }

    /// Redis's zunionInterAggregate: a sum of +inf and -inf is 0.
    private static func combine(_ target: Double, _ value: Double, _ aggregate: Aggregate) -> Double {
        switch aggregate {
        case .sum:
            let sum = target + value
            return sum.isNaN ? 0 : sum
        case .min: return value < target ? value : target
        case .max: return value > target ? value : target
        }
    }

    /// A weighted score; 0 × inf (NaN) counts as 0.
    private static func weighted(_ score: Double, _ weight: Double) -> Double {
        let value = score * weight
        return value.isNaN ? 0 : value
    }

    /// Each member of the smallest source found in all the others, with its
    /// aggregated score; `body` returns false to stop.
    private static func intersect(_ sources: [Source], _ aggregate: Aggregate, _ body: (Bytes, Double) -> Bool) {
        guard let first = sources.first, first.count > 0 else { return }
        var stopped = false
        first.forEach { member, score in
            if stopped { return }
            var total = weighted(score, first.weight)
            for other in sources.dropFirst() {
                let value: Double
                if other.identity == first.identity {
                    value = score * other.weight
                } else if let found = other.score(of: member) {
                    value = found * other.weight
                } else {
                    return
                }
                total = combine(total, value, aggregate)
            }
            if !body(member, total) { stopped = true }
        }
    }

    private static func union(_ sources: [Source], _ aggregate: Aggregate) -> [ScoredMember] {
        var accumulator = ByteTable<Double>()
        for source in sources where source.count > 0 {
            source.forEach { member, score in
                let value = weighted(score, source.weight)
                if let position = accumulator.index(of: member) {
                    accumulator.modifyValue(at: position) { $0 = combine($0, value, aggregate) }
                } else {
                    accumulator.insertNew(member, value)
                }
            }
        }
        var result: [ScoredMember] = []
        result.reserveCapacity(accumulator.count)
        accumulator.forEach { result.append(ScoredMember($0, $1)) }
        return result
    }

    /// The members of the first source found in no other, with their scores.
    private static func difference(_ sources: [Source]) -> [ScoredMember] {
        let first = sources[0]
        let others = sources.dropFirst()
        if others.contains(where: { $0.identity != nil && $0.identity == first.identity }) { return [] }
        var result: [ScoredMember] = []
        first.forEach { member, score in
            if !others.contains(where: { $0.score(of: member) != nil }) { result.append(ScoredMember(member, score)) }
        }
        return result
    }
}
