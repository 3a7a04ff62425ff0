import XCTest
@testable import Commands
@testable import Keyspace
@testable import Persistence
import RESP
import SwirlBytes

/// The sorted-set commands. Replies were checked against redis-server
/// 7.0.15; the differential script Tests/CompatTests/scripts/zsets.redis
/// covers many more cases byte for byte.
final class SortedSetCommandTests: CommandTestCase {
    private func array(_ items: [String]) -> String { "*\(items.count)\r\n" + items.map(bulk).joined() }
    private func members(_ reply: String) -> [String] { (bulkArray(reply) ?? []).map { $0 ?? "<nil>" } }

    func testZaddOptionsAndReplies() {
        XCTAssertEqual(run("ZADD", "z", "1", "a", "2", "b"), int(2))
        XCTAssertEqual(run("ZADD", "z", "NX", "5", "a", "3", "c"), int(1))
        XCTAssertEqual(run("ZSCORE", "z", "a"), bulk("1"))
        XCTAssertEqual(run("ZADD", "z", "XX", "CH", "7", "a", "9", "new"), int(1))
        XCTAssertEqual(run("ZADD", "z", "GT", "CH", "1", "a"), int(0), "GT refuses a lower score")
        XCTAssertEqual(run("ZADD", "z", "LT", "CH", "1", "a"), int(1))
        XCTAssertEqual(run("ZADD", "z", "INCR", "2.5", "a"), bulk("3.5"))
        XCTAssertEqual(run("ZADD", "z", "INCR", "NX", "1", "a"), null, "INCR with nothing done answers nil")
        XCTAssertEqual(run("ZADD", "z", "1.1", "x"), int(1))
        XCTAssertEqual(run("ZSCORE", "z", "x"), bulk("1.1000000000000001"), "scores print with %.17g")
        XCTAssertEqual(run("ZADD", "z", "NX", "XX", "1", "a"), error("ERR XX and NX options at the same time are not compatible"))
        XCTAssertEqual(run("ZADD", "z", "GT", "LT", "1", "a"), error("ERR GT, LT, and/or NX options at the same time are not compatible"))
        XCTAssertEqual(run("ZADD", "z", "INCR", "1", "a", "2", "b"), error("ERR INCR option supports a single increment-element pair"))
        XCTAssertEqual(run("ZADD", "z", "1", "a", "2"), syntaxError)
        XCTAssertEqual(run("ZADD", "z", "nan", "a"), error("ERR value is not a valid float"))
        XCTAssertEqual(run("ZADD", "nokey", "XX", "1", "a"), int(0))
        XCTAssertEqual(run("EXISTS", "nokey"), int(0))
        XCTAssertEqual(run("ZADD", "z", "inf", "i"), int(1))
        XCTAssertEqual(run("ZADD", "z", "INCR", "-inf", "i"), error("ERR resulting score is not a number (NaN)"))
        XCTAssertEqual(run("ZINCRBY", "z", "1", "fresh"), bulk("1"))
        XCTAssertEqual(run("ZINCRBY", "z", "NX", "a"), syntaxError, "ZINCRBY reads options like ZADD")
        XCTAssertEqual(run("TYPE", "z"), "+zset\r\n")
    }

    func testRanksCountsAndRemoval() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c", "3", "d")
        XCTAssertEqual(run("ZCARD", "z"), int(4))
        XCTAssertEqual(run("ZRANK", "z", "c"), int(2))
        XCTAssertEqual(run("ZREVRANK", "z", "c"), int(1))
        XCTAssertEqual(run("ZRANK", "z", "nosuch"), null)
        XCTAssertEqual(run("ZMSCORE", "z", "a", "nosuch"), "*2\r\n\(bulk("1"))$-1\r\n")
        XCTAssertEqual(run("ZCOUNT", "z", "(1", "3"), int(3))
        XCTAssertEqual(run("ZCOUNT", "z", "x", "3"), error("ERR min or max is not a float"))
        XCTAssertEqual(run("ZLEXCOUNT", "z", "a", "b"), error("ERR min or max not valid string range item"))
        XCTAssertEqual(run("ZREM", "z", "a", "nosuch"), int(1))
        XCTAssertEqual(run("ZREM", "z", "b", "c", "d"), int(3))
        XCTAssertEqual(run("EXISTS", "z"), int(0), "an emptied sorted set is deleted")
    }

    func testRangeForms() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
        XCTAssertEqual(members(run("ZRANGE", "z", "1", "-2")), ["b", "c", "d"])
        XCTAssertEqual(members(run("ZRANGE", "z", "0", "1", "REV", "WITHSCORES")), ["e", "5", "d", "4"])
        XCTAssertEqual(members(run("ZRANGE", "z", "(1", "4", "BYSCORE", "LIMIT", "1", "2")), ["c", "d"])
        XCTAssertEqual(members(run("ZRANGE", "z", "4", "(1", "BYSCORE", "REV", "LIMIT", "1", "-1")), ["c", "b"])
        XCTAssertEqual(members(run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2")), [])
        XCTAssertEqual(members(run("ZREVRANGEBYSCORE", "z", "+inf", "3")), ["e", "d", "c"])
        XCTAssertEqual(run("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"),
                       error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"))
        XCTAssertEqual(run("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"),
                       error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"))
        XCTAssertEqual(run("ZRANGESTORE", "dst", "z", "0", "1", "WITHSCORES"), syntaxError)
        XCTAssertEqual(run("ZRANGESTORE", "dst", "z", "2", "4", "BYSCORE"), int(3))
        XCTAssertEqual(members(run("ZRANGE", "dst", "0", "-1")), ["b", "c", "d"])
        XCTAssertEqual(run("ZRANGESTORE", "dst", "nokey", "0", "-1"), int(0))
        XCTAssertEqual(run("EXISTS", "dst"), int(0))
        XCTAssertEqual(run("ZREMRANGEBYRANK", "z", "0", "1"), int(2))
        XCTAssertEqual(run("ZREMRANGEBYSCORE", "z", "(3", "+inf"), int(2))
        XCTAssertEqual(members(run("ZRANGE", "z", "0", "-1")), ["c"])
    }

    func testLexRanges() {
        run("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "aa")
        XCTAssertEqual(members(run("ZRANGEBYLEX", "z", "[a", "(b")), ["a", "aa"])
        XCTAssertEqual(members(run("ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "1", "2")), ["b", "aa"])
        XCTAssertEqual(run("ZLEXCOUNT", "z", "-", "+"), int(4))
        XCTAssertEqual(run("ZREMRANGEBYLEX", "z", "(a", "[b"), int(2))
        XCTAssertEqual(members(run("ZRANGE", "z", "0", "-1")), ["a", "c"])
    }

    func testPops() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c")
        XCTAssertEqual(run("ZPOPMIN", "z"), array(["a", "1"]))
        XCTAssertEqual(run("ZPOPMAX", "z", "5"), array(["c", "3", "b", "2"]))
        XCTAssertEqual(run("EXISTS", "z"), int(0))
        XCTAssertEqual(run("ZPOPMIN", "z", "-1"), error("ERR value is out of range, must be positive"))
        XCTAssertEqual(run("ZPOPMIN", "nokey"), "*0\r\n")
        run("ZADD", "z", "1", "a", "2", "b")
        XCTAssertEqual(run("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "5"),
                       "*2\r\n\(bulk("z"))*2\r\n*2\r\n\(bulk("b"))\(bulk("2"))*2\r\n\(bulk("a"))\(bulk("1"))")
        XCTAssertEqual(run("ZMPOP", "1", "z", "MIN"), "*-1\r\n")
        XCTAssertEqual(run("ZMPOP", "0", "z", "MIN"), error("ERR numkeys should be greater than 0"))
        XCTAssertEqual(run("ZMPOP", "1", "z", "MIN", "COUNT", "0"), error("ERR count should be greater than 0"))
    }

    func testResp3Shapes() {
        run("HELLO", "3")
        run("ZADD", "z", "1.5", "a", "2", "b")
        XCTAssertEqual(run("ZSCORE", "z", "a"), ",1.5\r\n")
        XCTAssertEqual(run("ZSCORE", "z", "nosuch"), "_\r\n")
        XCTAssertEqual(run("ZRANGE", "z", "0", "-1", "WITHSCORES"), "*2\r\n*2\r\n\(bulk("a")),1.5\r\n*2\r\n\(bulk("b")),2\r\n")
        XCTAssertEqual(run("ZPOPMIN", "z"), "*2\r\n\(bulk("a")),1.5\r\n", "without a count: flat")
        XCTAssertEqual(run("ZPOPMIN", "z", "1"), "*1\r\n*2\r\n\(bulk("b")),2\r\n", "with a count: pairs")
    }

    func testAlgebraWithSetsAndWeights() {
        run("ZADD", "a", "1", "x", "2", "y")
        run("ZADD", "b", "10", "y", "20", "z")
        run("SADD", "s", "x", "z")
        XCTAssertEqual(members(run("ZUNION", "3", "a", "b", "s", "WITHSCORES")), ["x", "2", "y", "12", "z", "21"])
        XCTAssertEqual(members(run("ZINTER", "2", "a", "b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX", "WITHSCORES")), ["y", "5"])
        XCTAssertEqual(members(run("ZDIFF", "2", "a", "s", "WITHSCORES")), ["y", "2"])
        XCTAssertEqual(run("ZINTERCARD", "2", "a", "b", "LIMIT", "1"), int(1))
        XCTAssertEqual(run("ZUNIONSTORE", "dst", "2", "a", "b"), int(3))
        XCTAssertEqual(run("ZINTERSTORE", "dst", "2", "a", "nokey"), int(0))
        XCTAssertEqual(run("EXISTS", "dst"), int(0))
        run("SET", "str", "v")
        XCTAssertEqual(run("ZUNION", "2", "a", "str", "bad-option"), wrongType, "keys are checked before options")
        XCTAssertEqual(run("ZUNION", "0", "a"), error("ERR at least 1 input key is needed for 'zunion' command"))
        XCTAssertEqual(run("ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"), error("ERR weight value is not a float"))
    }

    func testLargeSetsBehaveLikeSmallOnes() {
        let pairs = (0..<300).flatMap { [Bytes("\($0)"), Bytes("m\($0)")] }
        run(args: [Bytes("ZADD"), Bytes("big")] + pairs, on: client)
        XCTAssertEqual(run("ZCARD", "big"), int(300))
        XCTAssertEqual(run("ZRANK", "big", "m250"), int(250))
        XCTAssertEqual(members(run("ZRANGE", "big", "100", "102")), ["m100", "m101", "m102"])
        XCTAssertEqual(run("ZCOUNT", "big", "(10", "20"), int(10))
        XCTAssertEqual(run("ZREMRANGEBYRANK", "big", "0", "99"), int(100))
        XCTAssertEqual(run("ZPOPMIN", "big"), array(["m100", "100"]))
        XCTAssertEqual(run("ZCARD", "big"), int(199))
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            let reply = run("ZSCAN", "big", cursor, "COUNT", "20")
            var reader = ReplyReader(Array(reply.utf8))
            guard let (next, elements) = reader.readScan() else { return XCTFail("bad ZSCAN reply") }
            cursor = next
            for index in stride(from: 0, to: elements.count, by: 2) { seen.insert(elements[index]) }
        } while cursor != "0"
        XCTAssertEqual(seen.count, 199)
    }

    /// Reads count keyspace hits and misses, writes do not (Redis 7.0.15's INFO after each).
    func testKeyspaceHitsAndMisses() {
        let expected: [([String], Int, Int)] = [
            (["ZADD", "z", "1", "a"], 0, 0), (["ZSCORE", "z", "a"], 1, 0), (["ZSCORE", "nokey", "a"], 1, 1),
            (["ZPOPMIN", "nokey"], 1, 1), (["ZADD", "z2", "1", "b"], 1, 1), (["ZUNION", "2", "z", "nokey"], 2, 2),
            (["ZRANGESTORE", "d", "z", "0", "-1"], 3, 2), (["ZRANGESTORE", "d", "nokey", "0", "-1"], 3, 3),
            (["ZREM", "nokey", "a"], 3, 3), (["ZCOUNT", "z", "0", "1"], 4, 3), (["ZINTERCARD", "2", "z", "z2"], 6, 3),
            (["ZMPOP", "1", "nokey", "MIN"], 6, 3), (["ZRANDMEMBER", "nokey", "5"], 6, 4),
        ]
        for (command, hits, misses) in expected {
            run(args: command.map { Bytes($0) }, on: client)
            XCTAssertEqual(engine.keyspace.stats.keyspaceHits, hits, command.joined(separator: " "))
            XCTAssertEqual(engine.keyspace.stats.keyspaceMisses, misses, command.joined(separator: " "))
        }
    }

    func testWatchSeesSortedSetWrites() {
        run("ZADD", "z", "1", "a")
        let other = engine.makeClient()
        for write in [["ZADD", "z", "2", "a"], ["ZINCRBY", "z", "1", "a"], ["ZPOPMIN", "z"]] {
            run("WATCH", "z")
            run("MULTI")
            run(args: write.map { Bytes($0) }, on: other)
            run("PING")
            XCTAssertEqual(run("EXEC"), "*-1\r\n", write.joined(separator: " "))
        }
        run("ZADD", "z", "1", "a")
        run("WATCH", "z")
        run("MULTI")
        run(args: ["ZADD", "z", "1", "a"].map { Bytes($0) }, on: other)
        run("PING")
        XCTAssertEqual(run("EXEC"), "*1\r\n+PONG\r\n", "a ZADD that changes nothing is no change")
    }
}

/// What sorted-set commands write to the AOF (checked against Redis 7.0's
/// incremental file).
final class SortedSetPropagationTests: PropagationTestCase {
    func testPopsAndNoOps() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        run("ZADD", "z", "1", "a")
        run("ZPOPMIN", "z")
        run("ZPOPMAX", "z", "1")
        run("ZPOPMIN", "z", "0")
        run("ZPOPMIN", "nokey")
        run("ZREMRANGEBYSCORE", "z", "100", "200")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
                                  ["ZPOPMIN", "z"], ["ZPOPMAX", "z", "1"]])
        run("ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "10")
        XCTAssertEqual(logged(), [["ZPOPMIN", "z", "2"]], "ZMPOP is logged as ZPOPMIN with the number popped")
    }

    func testIncrementsAndStoresAreLoggedAsTyped() {
        run("ZADD", "z", "INCR", "2", "a")
        run("ZINCRBY", "z", "1", "a")
        run("ZRANGESTORE", "d", "z", "0", "-1")
        run("ZUNIONSTORE", "u", "1", "nokey")
        XCTAssertEqual(logged(includingSelect: false), [["ZADD", "z", "INCR", "2", "a"], ["ZINCRBY", "z", "1", "a"],
                                                         ["ZRANGESTORE", "d", "z", "0", "-1"]])
    }

    func testRewriteWritesZaddInBatchesOf64WithLosslessScores() {
        let pairs = (0..<130).flatMap { [Bytes("\(Double($0) + 0.1)"), Bytes("m\($0)")] }
        run(args: [Bytes("ZADD"), Bytes("z")] + pairs, on: client)
        run("ZADD", "small", "-inf", "a", "1.1", "b")
        let commands = rewriteCommands()
        let batches = commands.filter { $0.first == "ZADD" && $0[1] == "z" }
        XCTAssertEqual(batches.map { ($0.count - 2) / 2 }, [64, 64, 2])
        XCTAssertTrue(commands.contains(["ZADD", "small", "-inf", "a", "1.1000000000000001", "b"]))
        // Replaying the snapshot rebuilds the same scores.
        let replay = Engine()
        let loader = replay.makeClient()
        for command in commands { run(args: command.map { Bytes($0) }, on: loader) }
        XCTAssertEqual(run(args: ["ZSCORE", "z", "m129"].map { Bytes($0) }, on: loader), bulk("129.09999999999999"))
        XCTAssertEqual(run(args: ["ZCARD", "z"].map { Bytes($0) }, on: loader), int(130))
    }
}
