import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP and CLIENT UNBLOCK through the
/// in-process engine, several clients at once. Replies were checked against
/// Redis 7.0.15. Timeouts, CLIENT UNBLOCK and statistics are in
/// BlockingTimeoutTests, the AOF forms in BlockingPropagationTests.
class BlockingTestCase: CommandTestCase {
    /// Connected clients (listed in the engine, so CLIENT UNBLOCK and CLIENT LIST find them).
    var a: Client!
    var b: Client!
    var c: Client!

    override func setUp() {
        super.setUp()
        a = engine.connect()
        b = engine.connect()
        c = engine.connect()
    }

    override func tearDown() {
        a = nil
        b = nil
        c = nil
        super.tearDown()
    }

    @discardableResult
    func on(_ who: Client, _ words: String...) -> String {
        run(args: words.map { Bytes($0) }, on: who)
    }

    /// What `who` received since the last look (a served blocked client's reply).
    func output(of who: Client) -> String { String(decoding: who.reply.take(), as: UTF8.self) }

    func pair(_ key: String, _ value: String) -> String { "*2\r\n" + bulk(key) + bulk(value) }

    func infoField(_ name: String) -> String? {
        let info = run("INFO", "clients")
        return info.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }
}

final class BlockingCommandTests: BlockingTestCase {
    // MARK: - Served at once

    func testAListThereIsServedAtOnceFromTheFirstNonEmptyKey() {
        run("RPUSH", "second", "x", "y")
        XCTAssertEqual(on(a, "BLPOP", "none", "second", "0"), pair("second", "x"))
        XCTAssertEqual(on(a, "BRPOP", "second", "0"), pair("second", "y"))
        XCTAssertEqual(run("EXISTS", "second"), int(0), "the emptied list is deleted")
        run("RPUSH", "l", "a", "b", "c")
        XCTAssertEqual(on(a, "BLMOVE", "l", "d", "LEFT", "RIGHT", "0"), bulk("a"))
        XCTAssertEqual(on(a, "BRPOPLPUSH", "l", "d", "0"), bulk("c"))
        XCTAssertEqual(run("LRANGE", "d", "0", "-1"), "*2\r\n" + bulk("c") + bulk("a"))
        run("RPUSH", "m", "1", "2", "3")
        XCTAssertEqual(on(a, "BLMPOP", "0", "2", "none", "m", "RIGHT", "COUNT", "2"),
                       "*2\r\n" + bulk("m") + "*2\r\n" + bulk("3") + bulk("2"))
        XCTAssertEqual(on(a, "BLMPOP", "0", "1", "m", "LEFT"), "*2\r\n" + bulk("m") + "*1\r\n" + bulk("1"))
        XCTAssertFalse(a.isBlocked)
        XCTAssertEqual(engine.blocking.count, 0)
    }

    func testAnotherTypeMetBeforeAListIsWrongTypeAfterItIsNot() {
        run("SET", "s", "v")
        run("RPUSH", "l", "x")
        XCTAssertEqual(on(a, "BLPOP", "none", "s", "l", "0"), wrongType)
        XCTAssertEqual(on(a, "BLPOP", "l", "s", "0"), pair("l", "x"))
        XCTAssertEqual(on(a, "BLMOVE", "s", "d", "LEFT", "LEFT", "0"), wrongType)
        run("RPUSH", "l", "x")
        XCTAssertEqual(on(a, "BLMOVE", "l", "s", "LEFT", "LEFT", "0"), wrongType, "destination of another type")
        XCTAssertEqual(run("LLEN", "l"), int(1), "nothing moved")
        XCTAssertEqual(on(a, "BLMPOP", "0", "2", "s", "l", "LEFT"), wrongType)
        XCTAssertFalse(a.isBlocked)
    }

    func testArgumentErrorsComeInRedisOrder() {
        XCTAssertEqual(on(a, "BLMOVE", "q", "d", "UP", "LEFT", "x"), syntaxError, "sides before the timeout")
        XCTAssertEqual(on(a, "BLMOVE", "q", "d", "LEFT", "LEFT", "-1"), error("ERR timeout is negative"))
        XCTAssertEqual(on(a, "BLMPOP", "x", "0", "q", "LEFT"), error("ERR numkeys should be greater than 0"))
        XCTAssertEqual(on(a, "BLMPOP", "0", "5", "q", "LEFT"), syntaxError)
        XCTAssertEqual(on(a, "BLMPOP", "0", "1", "q", "LEFT", "COUNT", "0"), error("ERR count should be greater than 0"))
        XCTAssertEqual(on(a, "BLMPOP", "x", "1", "q", "LEFT", "COUNT", "2", "COUNT", "3"), syntaxError)
        XCTAssertEqual(on(a, "BLMPOP", "x", "1", "q", "LEFT"), error("ERR timeout is not a float or out of range"),
                       "the timeout is read last")
        XCTAssertEqual(on(a, "BLPOP", "q"), error("ERR wrong number of arguments for 'blpop' command"))
        XCTAssertEqual(engine.blocking.count, 0)
    }

    // MARK: - Blocking and serving

    func testABlockedClientIsServedByAPushAndResumes() {
        XCTAssertEqual(on(a, "BLPOP", "k", "0"), "", "no reply while blocked")
        XCTAssertTrue(a.isBlocked)
        XCTAssertEqual(infoField("blocked_clients"), "1")
        XCTAssertEqual(on(b, "RPUSH", "k", "v1", "v2"), int(2), "the push's reply counts what it pushed")
        XCTAssertEqual(output(of: a), pair("k", "v1"))
        XCTAssertFalse(a.isBlocked)
        XCTAssertEqual(engine.blocking.takeUnblocked().map(\.id), [a.id], "handed to the Server to resume its input")
        XCTAssertEqual(run("LRANGE", "k", "0", "-1"), "*1\r\n" + bulk("v2"))
        XCTAssertEqual(infoField("blocked_clients"), "0")
    }

    func testClientsAreServedInTheOrderTheyBlocked() {
        on(a, "BLPOP", "k", "0")
        on(b, "BRPOP", "k", "0")
        on(c, "BLPOP", "k", "0")
        run("RPUSH", "k", "1", "2")
        XCTAssertEqual(output(of: a), pair("k", "1"))
        XCTAssertEqual(output(of: b), pair("k", "2"))
        XCTAssertEqual(output(of: c), "", "nothing left for the third")
        XCTAssertTrue(c.isBlocked)
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        run("LPUSH", "k", "3")
        XCTAssertEqual(output(of: c), pair("k", "3"))
        XCTAssertEqual(engine.blocking.count, 0)
    }

    func testAClientWaitingOnSeveralKeysIsServedOnce() {
        on(a, "BLPOP", "k1", "k2", "k1", "0")
        run("RPUSH", "k2", "x")
        XCTAssertEqual(output(of: a), pair("k2", "x"))
        run("RPUSH", "k1", "y")
        XCTAssertEqual(output(of: a), "")
        XCTAssertEqual(run("LLEN", "k1"), int(1), "no longer waiting on k1")
        XCTAssertEqual(engine.keyspace[0].blockedKeyCount, 0)
    }

    func testBLMPOPServedAfterBlockingPopsUpToItsCount() {
        on(a, "BLMPOP", "0", "2", "x", "y", "RIGHT", "COUNT", "5")
        run("RPUSH", "y", "1", "2", "3")
        XCTAssertEqual(output(of: a), "*2\r\n" + bulk("y") + "*3\r\n" + bulk("3") + bulk("2") + bulk("1"))
    }

    func testBLMOVEChainsWakeOneAnother() {
        on(a, "BLMOVE", "c1", "c2", "LEFT", "LEFT", "0")
        on(b, "BRPOPLPUSH", "c2", "c3", "0")
        XCTAssertEqual(run("RPUSH", "c1", "v"), int(1))
        XCTAssertEqual(output(of: a), bulk("v"))
        XCTAssertEqual(output(of: b), bulk("v"))
        XCTAssertEqual(run("LRANGE", "c3", "0", "-1"), "*1\r\n" + bulk("v"))
        XCTAssertEqual(run("EXISTS", "c1", "c2"), int(0))
    }

    func testARotatingBLMOVELeavesTheListForTheNextClient() {
        on(a, "BLMOVE", "rot", "rot", "LEFT", "RIGHT", "0")
        on(b, "BLPOP", "rot", "0")
        run("RPUSH", "rot", "a", "b")
        XCTAssertEqual(output(of: a), bulk("a"))
        XCTAssertEqual(output(of: b), pair("rot", "b"))
        XCTAssertEqual(run("LRANGE", "rot", "0", "-1"), "*1\r\n" + bulk("a"))
    }

    func testADestinationOfAnotherTypeAnswersWrongTypeWhenServed() {
        run("SET", "wt", "s")
        on(a, "BLMOVE", "src", "wt", "LEFT", "LEFT", "0")
        run("RPUSH", "src", "v")
        XCTAssertEqual(output(of: a), wrongType)
        XCTAssertFalse(a.isBlocked)
        XCTAssertEqual(run("LRANGE", "src", "0", "-1"), "*1\r\n" + bulk("v"), "the element stays")
        XCTAssertEqual(engine.commandStat("blmove")?.failedCalls, 1)
    }

    func testAKeyOfAnotherTypeKeepsTheClientWaiting() {
        on(a, "BLPOP", "k", "0")
        run("SET", "k", "string")
        XCTAssertEqual(output(of: a), "")
        XCTAssertTrue(a.isBlocked)
        run("DEL", "k")
        run("RPUSH", "k", "x")
        XCTAssertEqual(output(of: a), pair("k", "x"))
    }

    func testRenameMoveAndSwapdbWakeClients() {
        on(a, "BLPOP", "rn", "0")
        run("RPUSH", "src", "1")
        run("RENAME", "src", "rn")
        XCTAssertEqual(output(of: a), pair("rn", "1"))

        on(a, "SELECT", "5")
        on(a, "BLPOP", "mv", "0")
        run("RPUSH", "mv", "2")
        XCTAssertEqual(run("MOVE", "mv", "5"), int(1))
        XCTAssertEqual(output(of: a), pair("mv", "2"))

        on(a, "BLPOP", "sw", "0")
        run("RPUSH", "sw", "3")
        XCTAssertEqual(output(of: a), "", "another database")
        run("SWAPDB", "0", "5")
        XCTAssertEqual(output(of: a), pair("sw", "3"))
    }

    func testPushesInsideATransactionAreServedAfterExec() {
        on(a, "BLPOP", "m", "0")
        on(b, "BLPOP", "m", "0")
        run("MULTI")
        run("RPUSH", "m", "1")
        run("RPUSH", "m", "2")
        run("LLEN", "m")
        XCTAssertEqual(run("EXEC"), "*3\r\n" + int(1) + int(2) + int(2), "nobody served before EXEC ends")
        XCTAssertEqual(output(of: a), pair("m", "1"))
        XCTAssertEqual(output(of: b), pair("m", "2"))

        on(a, "BLPOP", "m", "0")
        run("MULTI")
        run("RPUSH", "m", "1")
        run("DEL", "m")
        run("EXEC")
        XCTAssertTrue(a.isBlocked, "the list was gone again by the end of EXEC")
    }

    func testInsideMultiTheBlockingCommandsDoNotBlock() {
        on(a, "MULTI")
        on(a, "BLPOP", "none", "0")
        on(a, "BLMOVE", "none", "d", "LEFT", "LEFT", "0")
        on(a, "BRPOPLPUSH", "none", "d", "0")
        on(a, "BLMPOP", "0", "1", "none", "LEFT")
        on(a, "BLPOP", "none", "-1")
        XCTAssertEqual(on(a, "EXEC"), "*5\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n-ERR timeout is negative\r\n")
        on(a, "HELLO", "3")
        on(a, "MULTI")
        on(a, "BLPOP", "none", "0")
        on(a, "BLMOVE", "none", "d", "LEFT", "LEFT", "0")
        XCTAssertEqual(on(a, "EXEC"), "*2\r\n_\r\n_\r\n")
        XCTAssertFalse(a.isBlocked)
    }

    func testADisconnectedClientLeavesEveryQueue() {
        on(a, "BLPOP", "k", "other", "0")
        on(b, "BLPOP", "k", "0")
        engine.disconnect(a)
        XCTAssertEqual(engine.blocking.count, 1)
        XCTAssertEqual(engine.keyspace[0].blockedClients(on: "other"), [])
        run("RPUSH", "k", "x")
        XCTAssertEqual(output(of: a), "")
        XCTAssertEqual(output(of: b), pair("k", "x"))
    }

    func testServingABlockedClientTouchesWatchedKeys() {
        on(c, "WATCH", "dst")
        on(a, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
        run("RPUSH", "src", "v")  // touches src only; the served move writes dst
        XCTAssertEqual(output(of: a), bulk("v"))
        on(c, "MULTI")
        on(c, "SET", "x", "1")
        XCTAssertEqual(on(c, "EXEC"), "*-1\r\n")
    }

    func testCommandInfoFlagsAndKeys() {
        let blpop = run("COMMAND", "INFO", "blpop")
        XCTAssertTrue(blpop.hasPrefix("*1\r\n*10\r\n$5\r\nblpop\r\n:-3\r\n*3\r\n+write\r\n+noscript\r\n+blocking\r\n:1\r\n:-2\r\n:1\r\n"
                                      + "*4\r\n+@write\r\n+@list\r\n+@slow\r\n+@blocking\r\n"), blpop)
        let blmove = run("COMMAND", "INFO", "blmove")
        XCTAssertTrue(blmove.hasPrefix("*1\r\n*10\r\n$6\r\nblmove\r\n:6\r\n*4\r\n+write\r\n+denyoom\r\n+noscript\r\n+blocking\r\n:1\r\n:2\r\n:1\r\n"), blmove)
        XCTAssertTrue(run("COMMAND", "INFO", "blmpop").hasPrefix("*1\r\n*10\r\n$6\r\nblmpop\r\n:-5\r\n*3\r\n+write\r\n+blocking\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n"))
        XCTAssertTrue(run("COMMAND", "DOCS", "brpoplpush").contains("`BLMOVE` with the `RIGHT` and `LEFT` arguments"))
    }

    func testClientListShowsTheBlockedFlagAndCommand() {
        on(a, "MULTI")
        on(a, "DISCARD")
        on(a, "BLPOP", "k", "0")
        let line = on(b, "CLIENT", "LIST", "ID", "\(a.id)")
        XCTAssertTrue(line.contains(" flags=b "), line)
        XCTAssertTrue(line.contains(" cmd=blpop "), line)
        XCTAssertTrue(on(b, "CLIENT", "INFO").contains(" cmd=client|info "), "the running command")
    }
}
