import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// XREAD and XREADGROUP with BLOCK on the blocking layer: served by XADD in
/// blocking order, `$`, timeouts, and Redis 7.0's errors when an XREADGROUP's
/// key or group goes away.
final class StreamBlockingTests: BlockingTestCase {
    private func entry(_ id: String, _ field: String, _ value: String) -> String {
        "*2\r\n" + bulk(id) + "*2\r\n" + bulk(field) + bulk(value)
    }

    private func oneStream(_ key: String, _ entries: String...) -> String {
        "*1\r\n*2\r\n" + bulk(key) + "*\(entries.count)\r\n" + entries.joined()
    }

    func testXreadIsServedAtOnceOrBlocksUntilXadd() {
        run("XADD", "s", "1-0", "f", "v")
        XCTAssertEqual(on(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "0"), oneStream("s", entry("1-0", "f", "v")))
        XCTAssertEqual(on(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"), "")
        XCTAssertEqual(on(b, "XREAD", "BLOCK", "0", "STREAMS", "nokey", "s", "0", "1-0"), "")
        XCTAssertEqual(infoField("blocked_clients"), "2")
        run("XADD", "s", "2-0", "g", "w")
        XCTAssertEqual(output(of: a), oneStream("s", entry("2-0", "g", "w")))
        XCTAssertEqual(output(of: b), oneStream("s", entry("2-0", "g", "w")))
        XCTAssertEqual(infoField("blocked_clients"), "0")
    }

    func testDollarWaitsForEntriesAfterTheLastIDEvenWhenTheKeyIsReplaced() {
        run("XADD", "s", "5-0", "f", "v")
        on(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        // A plain XREAD survives its key's deletion (only XREADGROUP gives up, as in Redis 7.0).
        run("DEL", "s")
        XCTAssertTrue(a.isBlocked)
        run("XADD", "s", "3-0", "f", "v")
        XCTAssertTrue(a.isBlocked, "3-0 is not after the 5-0 the client waits past")
        run("XADD", "s", "6-0", "f", "v")
        XCTAssertEqual(output(of: a), oneStream("s", entry("6-0", "f", "v")))
    }

    func testBlockedCountDefaultsAndRESP3() {
        on(a, "HELLO", "3")
        _ = output(of: a)
        on(a, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$")
        run("MULTI")
        run("XADD", "s", "1-0", "a", "1")
        run("XADD", "s", "2-0", "b", "2")
        run("EXEC")
        XCTAssertEqual(output(of: a), "%1\r\n" + bulk("s") + "*1\r\n" + entry("1-0", "a", "1"))
    }

    func testTimeoutAnswersANullArray() {
        on(a, "XREAD", "BLOCK", "10", "STREAMS", "s", "$")
        XCTAssertEqual(on(b, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "nokey", ">"), error("NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option"))
        usleep(30_000)
        engine.expireBlockedClients()
        XCTAssertEqual(output(of: a), "*-1\r\n")
        XCTAssertEqual(on(a, "XREAD", "BLOCK", "-1", "STREAMS", "s", "$"), error("ERR timeout is negative"))
        XCTAssertEqual(on(a, "XREAD", "BLOCK", "1.5", "STREAMS", "s", "$"), error("ERR timeout is not an integer or out of range"))
    }

    func testGroupReadersAreServedInOrderOneEntryEach() {
        run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        on(a, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">")
        on(b, "XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">")
        run("XADD", "s", "1-0", "f", "v")
        XCTAssertEqual(output(of: a), oneStream("s", entry("1-0", "f", "v")))
        XCTAssertEqual(output(of: b), "", "the group's last ID moved past the only entry")
        XCTAssertTrue(b.isBlocked)
        run("XADD", "s", "2-0", "f", "w")
        XCTAssertEqual(output(of: b), oneStream("s", entry("2-0", "f", "w")))
        XCTAssertEqual(run("XPENDING", "s", "g"), "*4\r\n:2\r\n" + bulk("1-0") + bulk("2-0")
                       + "*2\r\n*2\r\n" + bulk("alice") + bulk("1") + "*2\r\n" + bulk("bob") + bulk("1"))
    }

    func testGroupReadersFailWhenTheGroupOrKeyGoes() {
        run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        run("XGROUP", "CREATE", "s", "h", "$")
        on(a, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
        on(b, "XREADGROUP", "GROUP", "h", "bob", "BLOCK", "0", "STREAMS", "s", ">")
        on(c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        run("XGROUP", "DESTROY", "s", "g")
        XCTAssertEqual(output(of: a), error("NOGROUP the consumer group this client was blocked on no longer exists"))
        XCTAssertTrue(b.isBlocked)
        run("SET", "s", "now a string")
        XCTAssertEqual(output(of: b), error("UNBLOCKED the stream key no longer exists"))
        XCTAssertTrue(c.isBlocked, "XREAD keeps waiting when its key changes type")
        run("DEL", "s")
        run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        on(a, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
        run("FLUSHALL")
        XCTAssertEqual(output(of: a), error("UNBLOCKED the stream key no longer exists"))
    }

    func testNothingBlocksInsideMulti() {
        on(a, "MULTI")
        on(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        XCTAssertEqual(on(a, "EXEC"), "*1\r\n*-1\r\n")
    }
}

/// What streams write to the AOF: Redis 7.0.15's forms, read from its incremental file.
final class StreamPropagationTests: PropagationTestCase {
    func testXaddLogsTheIDItGaveAndExactTrims() {
        run("XADD", "s", "1-0", "f", "v")
        run("XADD", "s", "1-*", "f", "v")
        let generated = run("XADD", "s", "*", "f", "v")
        let id = String(generated.split(separator: "\r\n")[1])
        run("CONFIG", "SET", "stream-node-max-entries", "2")
        run("XADD", "t", "1-0", "f", "v")
        run("XADD", "t", "2-0", "f", "v")
        run("XADD", "t", "MAXLEN", "~", "1", "5-*", "f", "v")
        XCTAssertEqual(logged(), [
            ["SELECT", "0"],
            ["XADD", "s", "1-0", "f", "v"],
            ["XADD", "s", "1-1", "f", "v"],
            ["XADD", "s", id, "f", "v"],
            ["XADD", "t", "1-0", "f", "v"],
            ["XADD", "t", "2-0", "f", "v"],
            ["XADD", "t", "MAXLEN", "=", "1", "5-0", "f", "v"],
        ])
        run("XADD", "t", "6-0", "f", "v")
        run("XADD", "t", "7-0", "f", "v")
        _ = logged()
        run("XTRIM", "t", "MAXLEN", "~", "0")
        run("XTRIM", "t", "MAXLEN", "~", "0")
        XCTAssertEqual(logged(), [["XTRIM", "t", "MAXLEN", "=", "0"]])
    }

    func testXreadgroupIsLoggedAsXclaimAndSetid() {
        run("XADD", "s", "1-0", "f", "v")
        run("XADD", "s", "2-0", "f", "v")
        run("XGROUP", "CREATE", "s", "g", "0")
        _ = logged()
        run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
        let claims = logged()
        XCTAssertEqual(claims.count, 4)
        XCTAssertEqual(claims.first, ["MULTI"])
        XCTAssertEqual(claims[1].prefix(6), ["XCLAIM", "s", "g", "alice", "0", "1-0"])
        XCTAssertEqual(claims[1].suffix(6), ["RETRYCOUNT", "1", "FORCE", "JUSTID", "LASTID", "1-0"])
        XCTAssertEqual(claims[2].suffix(2), ["LASTID", "2-0"])
        XCTAssertEqual(claims.last, ["EXEC"])
        run("XADD", "s", "3-0", "f", "v")
        _ = logged()
        run("XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">")
        XCTAssertEqual(logged(), [["MULTI"], ["XGROUP", "CREATECONSUMER", "s", "g", "bob"],
                                  ["XGROUP", "SETID", "s", "g", "3-0", "ENTRIESREAD", "3"], ["EXEC"]])
        run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")
        run("XREAD", "STREAMS", "s", "0")
        XCTAssertEqual(logged(), [], "history reads and XREAD log nothing")
        run("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "1", "JUSTID")
        XCTAssertEqual(logged().first?.prefix(6), ["XCLAIM", "s", "g", "carol", "0", "1-0"])
    }

    func testRewriteRebuildsGroupsConsumersAndPending() {
        run("XADD", "s", "1-0", "a", "1")
        run("XADD", "s", "2-0", "b", "2")
        run("XADD", "s", "3-0", "c", "3")
        run("XDEL", "s", "2-0")
        run("XGROUP", "CREATE", "s", "g", "0")
        run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">")
        run("XGROUP", "CREATECONSUMER", "s", "g", "idle")
        run("XADD", "e", "MAXLEN", "0", "7-0", "x", "y")
        let rewrite = rewriteCommands()
        XCTAssertEqual(rewrite.filter { $0.first == "XADD" && $0[1] == "s" }, [["XADD", "s", "1-0", "a", "1"], ["XADD", "s", "3-0", "c", "3"]])
        XCTAssertTrue(rewrite.contains(["XSETID", "s", "3-0", "ENTRIESADDED", "3", "MAXDELETEDID", "2-0"]))
        XCTAssertTrue(rewrite.contains(["XGROUP", "CREATE", "s", "g", "1-0", "ENTRIESREAD", "-1"]))
        XCTAssertTrue(rewrite.contains(["XGROUP", "CREATECONSUMER", "s", "g", "idle"]))
        XCTAssertTrue(rewrite.contains { $0.prefix(6) == ["XCLAIM", "s", "g", "alice", "0", "1-0"] && $0.suffix(2) == ["JUSTID", "FORCE"] })
        XCTAssertTrue(rewrite.contains(["XADD", "e", "MAXLEN", "0", "0-1", "x", "y"]))
        XCTAssertTrue(rewrite.contains(["XSETID", "e", "7-0", "ENTRIESADDED", "1", "MAXDELETEDID", "0-0"]))
        // Replayed into a fresh engine, the stream reads back the same.
        // Consumers' seen-times are the replay's own clock: left out of the comparison.
        func withoutSeenTimes(_ reply: String) -> String {
            reply.replacingOccurrences(of: "seen-time\r\n:[0-9]+", with: "seen-time", options: .regularExpression)
        }
        let before = withoutSeenTimes(run("XINFO", "STREAM", "s", "FULL"))
        let fresh = Engine(config: Self.testConfig())
        let replayer = fresh.makeClient()
        for command in rewrite { _ = run(args: command.map { Bytes($0) }, on: replayer) }
        XCTAssertEqual(withoutSeenTimes(run(args: ["XINFO", "STREAM", "s", "FULL"], on: replayer)), before)
        XCTAssertEqual(run(args: ["XINFO", "STREAM", "e"], on: replayer), run("XINFO", "STREAM", "e"))
    }
}

/// Counters at the edges of 64 bits wrap as Redis's do instead of trapping,
/// and idle times read the clock.
final class StreamCounterTests: CommandTestCase {
    func testCountersAtTheLimitWrap() {
        run("XADD", "s", "1-0", "f", "v")
        run("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "9223372036854775807")
        run("XSETID", "s", "1-0", "ENTRIESADDED", "9223372036854775807")
        run("XADD", "s", "2-0", "f", "v")
        XCTAssertEqual(run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">").hasPrefix("*1\r\n"), true)
        XCTAssertEqual(run("XCLAIM", "s", "g", "c", "0", "1-0", "RETRYCOUNT", "9223372036854775807", "JUSTID"), "*1\r\n" + bulk("1-0"))
        XCTAssertEqual(run("XCLAIM", "s", "g", "c", "0", "1-0"), "*1\r\n*2\r\n" + bulk("1-0") + "*2\r\n" + bulk("f") + bulk("v"))
        XCTAssertEqual(run("XAUTOCLAIM", "s", "g", "d", "0", "0", "COUNT", "1").hasPrefix("*3\r\n"), true)
        XCTAssertTrue(run("XINFO", "GROUPS", "s").contains("entries-read"))
        XCTAssertTrue(run("XINFO", "STREAM", "s").contains(":-9223372036854775808\r\n"), "entries-added wrapped, printed signed")
    }

    func testIdleTimesComeFromTheDeliveryTime() {
        run("XADD", "s", "1-0", "f", "v")
        run("XGROUP", "CREATE", "s", "g", "0")
        run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
        run("XCLAIM", "s", "g", "c", "0", "1-0", "IDLE", "5000")
        let rows = run("XPENDING", "s", "g", "-", "+", "10").components(separatedBy: "\r\n")
        // *1, *4, $3, 1-0, $1, c, :idle, :count
        XCTAssertEqual(Array(rows.prefix(6)), ["*1", "*4", "$3", "1-0", "$1", "c"])
        let idle = Int(rows[6].dropFirst()) ?? -1
        XCTAssertTrue(idle >= 5000 && idle < 65000, "idle \(idle)")
        XCTAssertEqual(rows[7], ":2")
        XCTAssertEqual(run("XPENDING", "s", "g", "IDLE", "4000000", "-", "+", "10"), "*0\r\n")
        XCTAssertEqual(run("XPENDING", "s", "g", "IDLE", "5000", "-", "+", "10").hasPrefix("*1\r\n"), true)
        let consumers = run("XINFO", "CONSUMERS", "s", "g")
        XCTAssertTrue(consumers.hasPrefix("*1\r\n*6\r\n" + bulk("name") + bulk("c") + bulk("pending") + ":1\r\n" + bulk("idle")), consumers)
    }
}
