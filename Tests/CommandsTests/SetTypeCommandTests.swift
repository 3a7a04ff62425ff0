import XCTest
@testable import Commands
@testable import Keyspace
import RESP
import SwirlBytes

/// The set type's commands (SADD … SSCAN). SetCommandTests.swift is the SET
/// string command. Replies were checked against redis-server 7.0.15; the
/// differential script Tests/CompatTests/scripts/sets.redis covers more.
final class SetTypeCommandTests: CommandTestCase {
    private func members(_ reply: String) -> [String] { (bulkArray(reply) ?? []).map { $0 ?? "<nil>" } }
    private func array(_ items: [String]) -> String { "*\(items.count)\r\n" + items.map(bulk).joined() }

    func testAddRemoveCardAndMembership() {
        XCTAssertEqual(run("SADD", "s", "3", "1", "2", "1"), int(3))
        XCTAssertEqual(run("SADD", "s", "2", "4"), int(1))
        XCTAssertEqual(run("SCARD", "s"), int(4))
        XCTAssertEqual(run("SMEMBERS", "s"), array(["1", "2", "3", "4"]), "an intset replies in ascending order")
        XCTAssertEqual(run("TYPE", "s"), "+set\r\n")
        XCTAssertEqual(run("SISMEMBER", "s", "2"), int(1))
        XCTAssertEqual(run("SISMEMBER", "s", "9"), int(0))
        XCTAssertEqual(run("SMISMEMBER", "s", "1", "x", "4"), "*3\r\n:1\r\n:0\r\n:1\r\n")
        XCTAssertEqual(run("SREM", "s", "1", "9"), int(1))
        XCTAssertEqual(run("SCARD", "nokey"), int(0))
        XCTAssertEqual(run("SISMEMBER", "nokey", "a"), int(0))
        XCTAssertEqual(run("SMISMEMBER", "nokey", "a", "b"), "*2\r\n:0\r\n:0\r\n")
        XCTAssertEqual(run("SMEMBERS", "nokey"), "*0\r\n")
        XCTAssertEqual(run("SREM", "nokey", "a"), int(0))
    }

    func testEmptiedSetIsDeleted() {
        run("SADD", "s", "a", "b")
        XCTAssertEqual(run("SREM", "s", "a", "b", "c"), int(2))
        XCTAssertEqual(run("EXISTS", "s"), int(0))
        run("SADD", "s", "1")
        XCTAssertEqual(run("SPOP", "s"), bulk("1"))
        XCTAssertEqual(run("EXISTS", "s"), int(0))
        run("SADD", "a", "x")
        XCTAssertEqual(run("SMOVE", "a", "b", "x"), int(1))
        XCTAssertEqual(run("EXISTS", "a"), int(0))
        XCTAssertEqual(run("SMEMBERS", "b"), array(["x"]))
    }

    func testWrongTypeEverywhere() {
        run("SET", "str", "v")
        for command in [["SADD", "str", "a"], ["SREM", "str", "a"], ["SCARD", "str"], ["SISMEMBER", "str", "a"],
                        ["SMISMEMBER", "str", "a"], ["SMEMBERS", "str"], ["SPOP", "str"], ["SPOP", "str", "0"],
                        ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "0"], ["SSCAN", "str", "0"],
                        ["SINTER", "nokey", "str"], ["SINTERCARD", "2", "nokey", "str"], ["SUNION", "nokey", "str"],
                        ["SDIFF", "nokey", "str"], ["SINTERSTORE", "d", "nokey", "str"], ["SMOVE", "str", "s", "a"]] {
            XCTAssertEqual(run(args: command.map { Bytes($0) }, on: client), wrongType, command.joined(separator: " "))
        }
        run("SADD", "s", "a")
        XCTAssertEqual(run("SMOVE", "s", "str", "a"), wrongType)
        XCTAssertEqual(run("SMOVE", "nokey", "str", "a"), int(0), "a missing source answers before the type check")
        XCTAssertEqual(run("SISMEMBER", "s", "a"), int(1))
    }

    func testSmove() {
        run("SADD", "a", "1", "2")
        run("SADD", "b", "2", "3")
        XCTAssertEqual(run("SMOVE", "a", "b", "2"), int(1))
        XCTAssertEqual(run("SMEMBERS", "a"), array(["1"]))
        XCTAssertEqual(run("SMEMBERS", "b"), array(["2", "3"]))
        XCTAssertEqual(run("SMOVE", "a", "b", "9"), int(0))
        XCTAssertEqual(run("SMOVE", "a", "a", "1"), int(1))
        XCTAssertEqual(run("SMOVE", "a", "a", "9"), int(0))
        XCTAssertEqual(run("SMEMBERS", "a"), array(["1"]))
    }

    func testIntersectionUnionDifference() {
        run("SADD", "a", "1", "2", "3", "4")
        run("SADD", "b", "2", "4", "6")
        run("SADD", "c", "4", "5")
        XCTAssertEqual(run("SINTER", "a", "b"), array(["2", "4"]))
        XCTAssertEqual(run("SINTER", "a", "b", "c"), array(["4"]))
        XCTAssertEqual(run("SINTER", "a", "nokey"), "*0\r\n")
        XCTAssertEqual(run("SUNION", "a", "b", "nokey"), array(["1", "2", "3", "4", "6"]))
        XCTAssertEqual(run("SDIFF", "a", "b"), array(["1", "3"]))
        XCTAssertEqual(run("SDIFF", "a", "b", "c"), array(["1", "3"]))
        XCTAssertEqual(run("SDIFF", "a", "b", "a"), "*0\r\n")
        XCTAssertEqual(run("SDIFF", "nokey", "a"), "*0\r\n")
        XCTAssertEqual(run("SINTERCARD", "2", "a", "b"), int(2))
        XCTAssertEqual(run("SINTERCARD", "2", "a", "b", "LIMIT", "1"), int(1))
        XCTAssertEqual(run("SINTERCARD", "2", "a", "b", "LIMIT", "0"), int(2))
        XCTAssertEqual(run("SINTERCARD", "2", "a", "nokey"), int(0))
    }

    func testMixedIntersection() {
        run("SADD", "a", "x", "1", "y")
        run("SADD", "b", "1", "y", "2")
        XCTAssertEqual(Set(members(run("SINTER", "a", "b"))), ["1", "y"])
        XCTAssertEqual(Set(members(run("SUNION", "a", "b"))), ["x", "y", "1", "2"])
        XCTAssertEqual(members(run("SDIFF", "a", "b")), ["x"])
    }

    func testSintercardErrors() {
        run("SADD", "a", "1")
        XCTAssertEqual(run("SINTERCARD", "0", "a"), error("ERR numkeys should be greater than 0"))
        XCTAssertEqual(run("SINTERCARD", "x", "a"), error("ERR numkeys should be greater than 0"))
        XCTAssertEqual(run("SINTERCARD", "3", "a", "b"), error("ERR Number of keys can't be greater than number of args"))
        XCTAssertEqual(run("SINTERCARD", "1", "a", "LIMIT", "-1"), error("ERR LIMIT can't be negative"))
        XCTAssertEqual(run("SINTERCARD", "1", "a", "LIMIT"), syntaxError)
        XCTAssertEqual(run("SINTERCARD", "1", "a", "b"), syntaxError)
    }

    func testStoreVariantsOverwriteOrDelete() {
        run("SADD", "a", "1", "2", "3")
        run("SADD", "b", "2", "3", "4")
        run("SET", "d", "string", "EX", "100")
        XCTAssertEqual(run("SINTERSTORE", "d", "a", "b"), int(2))
        XCTAssertEqual(run("TYPE", "d"), "+set\r\n")
        XCTAssertEqual(run("TTL", "d"), int(-1), "the destination's TTL goes")
        XCTAssertEqual(run("SMEMBERS", "d"), array(["2", "3"]))
        XCTAssertEqual(run("SUNIONSTORE", "d", "a", "b"), int(4))
        XCTAssertEqual(run("SMEMBERS", "d"), array(["1", "2", "3", "4"]))
        XCTAssertEqual(run("SDIFFSTORE", "d", "a", "b"), int(1))
        XCTAssertEqual(run("SMEMBERS", "d"), array(["1"]))
        XCTAssertEqual(run("SDIFFSTORE", "d", "a", "a"), int(0))
        XCTAssertEqual(run("EXISTS", "d"), int(0), "an empty result deletes the destination")
        run("SET", "d", "x")
        XCTAssertEqual(run("SINTERSTORE", "d", "a", "nokey"), int(0))
        XCTAssertEqual(run("EXISTS", "d"), int(0))
        XCTAssertEqual(run("SINTERSTORE", "a", "a", "b"), int(2), "the destination may be a source")
        XCTAssertEqual(run("SMEMBERS", "a"), array(["2", "3"]))
    }

    func testSpop() {
        run("SADD", "s", "1", "2", "3", "4", "5")
        XCTAssertEqual(run("SPOP", "s", "-1"), error("ERR value is out of range, must be positive"))
        XCTAssertEqual(run("SPOP", "s", "x"), error("ERR value is out of range, must be positive"))
        XCTAssertEqual(run("SPOP", "s", "1", "2"), syntaxError)
        XCTAssertEqual(run("SPOP", "s", "0"), "*0\r\n")
        let popped = members(run("SPOP", "s", "2"))
        XCTAssertEqual(popped.count, 2)
        XCTAssertEqual(run("SCARD", "s"), int(3))
        for member in popped { XCTAssertEqual(run("SISMEMBER", "s", member), int(0)) }
        XCTAssertEqual(members(run("SPOP", "s", "10")).count, 3)
        XCTAssertEqual(run("EXISTS", "s"), int(0))
        XCTAssertEqual(run("SPOP", "nokey"), null)
        XCTAssertEqual(run("SPOP", "nokey", "2"), "*0\r\n")
    }

    func testSrandmember() {
        run("SADD", "s", "a", "b", "c")
        XCTAssertTrue(["a", "b", "c"].map(bulk).contains(run("SRANDMEMBER", "s")))
        XCTAssertEqual(Set(members(run("SRANDMEMBER", "s", "2"))).count, 2)
        XCTAssertEqual(Set(members(run("SRANDMEMBER", "s", "10"))), ["a", "b", "c"])
        let repeated = members(run("SRANDMEMBER", "s", "-10"))
        XCTAssertEqual(repeated.count, 10)
        XCTAssertTrue(Set(repeated).isSubset(of: ["a", "b", "c"]))
        XCTAssertEqual(run("SRANDMEMBER", "s", "0"), "*0\r\n")
        XCTAssertEqual(run("SRANDMEMBER", "nokey"), null)
        XCTAssertEqual(run("SRANDMEMBER", "nokey", "-3"), "*0\r\n")
        XCTAssertEqual(run("SRANDMEMBER", "s", "1", "2"), syntaxError)
        XCTAssertEqual(run("SRANDMEMBER", "s", "x"), notInteger)
        XCTAssertEqual(run("SCARD", "s"), int(3), "SRANDMEMBER removes nothing")
        // A large set: distinct picks through both strategies.
        run(args: [Bytes("SADD"), Bytes("big")] + (0..<1_000).map { Bytes("m\($0)") }, on: client)
        XCTAssertEqual(Set(members(run("SRANDMEMBER", "big", "10"))).count, 10)
        XCTAssertEqual(Set(members(run("SRANDMEMBER", "big", "900"))).count, 900)
    }

    func testSscanOverALargeSet() {
        let all = (0..<600).map { "m\($0)" }
        run(args: [Bytes("SADD"), Bytes("s")] + all.map { Bytes($0) }, on: client)
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            var reader = ReplyReader(Array(run("SSCAN", "s", cursor, "COUNT", "50").utf8))
            guard let page = reader.readScan() else { return XCTFail("not a scan reply") }
            cursor = page.cursor
            seen.formUnion(page.elements)
        } while cursor != "0"
        XCTAssertEqual(seen, Set(all))
        XCTAssertEqual(run("SSCAN", "s", "0", "COUNT", "0"), syntaxError)
        XCTAssertEqual(run("SSCAN", "nokey", "0"), "*2\r\n$1\r\n0\r\n*0\r\n")
        run("SADD", "i", "2", "1", "10")
        XCTAssertEqual(run("SSCAN", "i", "0", "MATCH", "1*"), "*2\r\n$1\r\n0\r\n" + array(["1", "10"]))
    }

    func testResp3RepliesAreSets() {
        run("SADD", "a", "2", "1")
        run("HELLO", "3")
        XCTAssertEqual(run("SMEMBERS", "a"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(run("SMEMBERS", "nokey"), "~0\r\n")
        XCTAssertEqual(run("SUNION", "a", "nokey"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(run("SINTER", "a", "nokey"), "~0\r\n")
        XCTAssertEqual(run("SPOP", "nokey", "1"), "~0\r\n")
        XCTAssertEqual(run("SPOP", "nokey"), "_\r\n")
        XCTAssertEqual(run("SRANDMEMBER", "a", "5"), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "SRANDMEMBER stays an array")
        XCTAssertEqual(run("SPOP", "a", "5"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
    }

    func testIntsetLimitFollowsTheConfig() {
        XCTAssertEqual(run("CONFIG", "SET", "set-max-intset-entries", "2"), ok)
        defer { run("CONFIG", "SET", "set-max-intset-entries", "512") }
        run("SADD", "s", "1", "2")
        guard case .set(let small)? = client.db.lookup(Bytes("s")) else { return XCTFail("no set") }
        XCTAssertEqual(small.encodingName, "intset")
        run("SADD", "s", "3")
        XCTAssertEqual(small.encodingName, "hashtable")
        XCTAssertEqual(run("CONFIG", "GET", "set-max-intset-entries"), "*2\r\n" + bulk("set-max-intset-entries") + bulk("2"))
    }

    func testWatchSeesSetChanges() {
        run("SADD", "s", "a")
        for command in [["SADD", "s", "b"], ["SREM", "s", "b"], ["SPOP", "s", "1"], ["SMOVE", "t", "s", "x"]] {
            run("SADD", "s", "a")
            run("SADD", "t", "x")
            XCTAssertEqual(run("WATCH", "s"), ok)
            let other = engine.makeClient()
            run(args: command.map { Bytes($0) }, on: other)
            XCTAssertEqual(run("MULTI"), ok)
            run("PING")
            XCTAssertEqual(run("EXEC"), "*-1\r\n", command.joined(separator: " "))
        }
        run("SADD", "s", "a")
        XCTAssertEqual(run("WATCH", "s"), ok)
        run(args: [Bytes("SADD"), Bytes("s"), Bytes("a")], on: engine.makeClient())
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("EXEC"), "*0\r\n", "SADD of a present member changes nothing")
    }
}

/// What set commands write to the AOF.
final class SetPropagationTests: PropagationTestCase {

    func testSpopIsLoggedAsSrem() {
        run("SADD", "s", "7")
        _ = logged()
        XCTAssertEqual(run("SPOP", "s"), bulk("7"))
        XCTAssertEqual(logged(), [["SREM", "s", "7"]])
    }

    func testSpopWithCountIsLoggedAsSremsInATransaction() {
        run("SADD", "s", "1", "2", "3", "4")
        _ = logged()
        let popped = (bulkArray(run("SPOP", "s", "2")) ?? []).compactMap { $0 }
        XCTAssertEqual(logged(), [["MULTI"]] + popped.map { ["SREM", "s", $0] } + [["EXEC"]])
        run("SPOP", "s", "5")
        XCTAssertEqual(logged(), [["DEL", "s"]], "the whole set: a DEL")
        run("SPOP", "nokey", "5")
        run("SPOP", "nokey")
        XCTAssertEqual(logged(), [], "nothing changed, nothing logged")
    }

    func testSpopWithCountInsideExecIsWrappedOnce() {
        run("SADD", "s", "1", "2", "3", "4")
        _ = logged()
        run("MULTI")
        run("SPOP", "s", "2")
        run("SADD", "t", "x")
        run("EXEC")
        let commands = logged()
        XCTAssertEqual(commands.filter { $0 == ["MULTI"] }.count, 1)
        XCTAssertEqual(commands.first, ["MULTI"])
        XCTAssertEqual(commands.last, ["EXEC"])
        XCTAssertEqual(commands.count, 5)
    }

    func testStoresAndNoOpsAreLoggedAsTyped() {
        run("SADD", "a", "1")
        run("SADD", "a", "1")
        run("SREM", "a", "9")
        run("SUNIONSTORE", "d", "a", "nokey")
        run("SINTERSTORE", "nope", "a", "nokey")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SADD", "a", "1"], ["SUNIONSTORE", "d", "a", "nokey"]])
    }

    func testRewriteWritesSaddInBatchesOf64() {
        run(args: [Bytes("SADD"), Bytes("s")] + (0..<130).map { Bytes("m\($0)") }, on: client)
        run("SADD", "i", "3", "1", "2")
        let commands = rewriteCommands()
        let sets = commands.filter { $0.first == "SADD" && $0[1] == "s" }
        XCTAssertEqual(sets.map { $0.count - 2 }, [64, 64, 2])
        XCTAssertEqual(Set(sets.flatMap { $0.dropFirst(2) }), Set((0..<130).map { "m\($0)" }))
        XCTAssertTrue(commands.contains(["SADD", "i", "1", "2", "3"]))
    }
}
