import Keyspace
import RESP
import SwirlBytes

/// SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms, as Redis 7.0's
/// sinterGenericCommand and sunionDiffGenericCommand: every key is type-checked
/// before anything is computed (a missing key is an empty set), results are
/// built by adding members to a new set (so a result of small integers is an
/// intset, replied in ascending order), and a STORE with an empty result
/// deletes the destination.
enum SetAlgebraCommands {
    static func sinter(_ c: Client) { intersect(c, c.args[1...], destination: nil) }
    static func sinterstore(_ c: Client) { intersect(c, c.args[2...], destination: c.args[1]) }
    static func sunion(_ c: Client) { combine(c, c.args[1...], destination: nil, union: true) }
    static func sunionstore(_ c: Client) { combine(c, c.args[2...], destination: c.args[1], union: true) }
    static func sdiff(_ c: Client) { combine(c, c.args[1...], destination: nil, union: false) }
    static func sdiffstore(_ c: Client) { combine(c, c.args[2...], destination: c.args[1], union: false) }

    static func sintercard(_ c: Client) {
        guard let numkeys = ByteNumbers.parseInt64(c.args[1]), numkeys >= 1 else {
            c.reply.error(Errors.numkeysNotPositive)
            return
        }
        guard numkeys <= c.args.count - 2 else {
            c.reply.error("ERR Number of keys can't be greater than number of args")
            return
        }
        let keyEnd = 2 + Int(numkeys)
        var limit = 0
        var index = keyEnd
        while index < c.args.count {
            if c.argument(index, is: "LIMIT") && index + 1 < c.args.count {
                guard let value = c.nonNegativeCount(at: index + 1, error: Errors.negativeLimit) else { return }
                limit = value
                index += 2
            } else {
                c.reply.error(Errors.syntax)
                return
            }
        }
        intersect(c, c.args[2..<keyEnd], destination: nil, cardinalityOnly: true, limit: limit)
    }

    /// The sets named by `keys` (nil for a missing key), or nil after replying WRONGTYPE.
    /// Each counts a keyspace hit or miss, the STORE forms too, as in Redis 7.0.
    private static func lookupSets(_ c: Client, _ keys: ArraySlice<Bytes>) -> [SetValue?]? {
        var sets: [SetValue?] = []
        sets.reserveCapacity(keys.count)
        for key in keys {
            switch c.readSet(key) {
            case .found(let set): sets.append(set)
            case .missing: sets.append(nil)
            case .wrongType:
                c.wrongType()
                return nil
            }
        }
        return sets
    }

    private static func intersect(_ c: Client, _ keys: ArraySlice<Bytes>, destination: Bytes?,
                                  cardinalityOnly: Bool = false, limit: Int = 0) {
        guard let found = lookupSets(c, keys) else { return }
        var sets = found.compactMap { $0 }
        if sets.count < found.count {
            // An intersection with an empty set is empty.
            if cardinalityOnly {
                c.reply.integer(0)
            } else if let destination {
                store(c, SetValue(), in: destination, .sinterstore)
            } else {
                c.reply.set(0)
            }
            return
        }
        sets.sort { $0.count < $1.count }
        let smallest = sets[0]
        let others = sets.dropFirst().filter { $0 !== smallest }
        var result: [Bytes] = []
        for position in 0..<smallest.count {
            let member = smallest.member(at: position)
            if others.allSatisfy({ $0.contains(member) }) {
                result.append(member)
                if cardinalityOnly && limit > 0 && result.count >= limit { break }
            }
        }
        if cardinalityOnly {
            c.reply.integer(result.count)
        } else if let destination {
            store(c, SetValue(result), in: destination, .sinterstore)
        } else {
            c.reply.set(result.count)
            for member in result { c.reply.bulk(member) }
        }
    }

    private static func combine(_ c: Client, _ keys: ArraySlice<Bytes>, destination: Bytes?, union: Bool) {
        guard let sets = lookupSets(c, keys) else { return }
        let result = SetValue()
        if union {
            for case let set? in sets { set.forEach { result.add($0) } }
        } else if let first = sets[0] {
            let others = sets.dropFirst().compactMap { $0 }
            // SDIFF a … a … is empty: a set minus itself.
            if !others.contains(where: { $0 === first }) {
                first.forEach { member in
                    if !others.contains(where: { $0.contains(member) }) { result.add(member) }
                }
            }
        }
        if let destination {
            store(c, result, in: destination, union ? .sunionstore : .sdiffstore)
        } else {
            SetCommands.replyMembers(c, result)
        }
    }

    private static func store(_ c: Client, _ result: SetValue, in destination: Bytes, _ event: KeyspaceEvent) {
        c.storeResult(.set(result), count: result.count, in: destination, .set, event)
    }
}
