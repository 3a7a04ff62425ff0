import Keyspace
import RESP
import SwirlBytes

/// BZPOPMIN, BZPOPMAX and BZMPOP: served at once like ZPOPMIN/ZPOPMAX/ZMPOP
/// when a sorted set has members, else blocked until one does
/// (BlockedClients.swift). Redis 7.0 logs them as `ZPOPMIN|ZPOPMAX key` and,
/// for BZMPOP, `ZPOPMIN|ZPOPMAX key n`, whether served at once or later.
extension SortedSetPopCommands {
    static func blockingSpecs() -> [CommandSpec] {
        let zsets = SortedSetCommands.group
        let keysBeforeTimeout = KeyPositions(first: 1, last: -2, step: 1)
        let complexity = "O(log(N)) with N being the number of elements in the sorted set."
        return [
            zsets.command("bzpopmin", -3, [.write, .noscript, .blocking, .fast], keys: keysBeforeTimeout,
                          syntax: "key [key ...] timeout:double",
                          "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
                          since: "5.0.0", complexity: complexity) { blockingPop($0, fromMax: false) },
            zsets.command("bzpopmax", -3, [.write, .noscript, .blocking, .fast], keys: keysBeforeTimeout,
                          syntax: "key [key ...] timeout:double",
                          "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
                          since: "5.0.0", complexity: complexity) { blockingPop($0, fromMax: true) },
            zsets.command("bzmpop", -5, [.write, .blocking], keys: .none,
                          syntax: "timeout:double numkeys:integer key [key ...] where:<MIN | MAX> [COUNT count:integer]",
                          "Remove and return members with scores in a sorted set or block until one is available",
                          since: "7.0.0",
                          complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
                          handler: bzmpop).movingKeys(KeyPositions.countedKeys(at: 2)),
        ]
    }

    /// BZPOPMIN/BZPOPMAX key [key ...] timeout: replies `[key, member, score]`.
    private static func blockingPop(_ c: Client, fromMax: Bool) {
        guard let deadline = BlockingTimeout.deadline(c, at: c.args.count - 1) else { return }
        let keys = Array(c.args[1..<(c.args.count - 1)])
        c.serveOrBlock(BlockingRequest(keys: keys, type: "zset", deadline: deadline) { c, key, value in
            guard case .sortedSet(let zset) = value else { return }
            pop(c, key: key, zset: zset, count: 1, fromMax: fromMax, shape: .withKey, propagateCount: false)
            c.propagate(as: [fromMax ? "ZPOPMAX" : "ZPOPMIN", key])
        })
    }

    /// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]; the timeout is checked last, as in Redis.
    static func bzmpop(_ c: Client) {
        guard let (keys, fromMax, count) = multiPopArguments(c, numkeysIndex: 2),
              let deadline = BlockingTimeout.deadline(c, at: 1) else { return }
        c.serveOrBlock(BlockingRequest(keys: keys, type: "zset", deadline: deadline) { c, key, value in
            guard case .sortedSet(let zset) = value else { return }
            pop(c, key: key, zset: zset, count: count, fromMax: fromMax, shape: .keyAndNested, propagateCount: true)
        })
    }
}
