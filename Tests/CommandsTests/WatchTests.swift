import XCTest
@testable import Commands
import SwirlBytes
@testable import Keyspace
import RESP

/// WATCH/UNWATCH: which changes abort EXEC (every write path, expiry,
/// flushes, SWAPDB) and which do not. Cases checked against Redis 7.0.15
/// with two connections.
final class WatchTests: CommandTestCase {
    let aborted = "*-1\r\n"
    var other: Client!

    override func setUp() {
        super.setUp()
        other = engine.makeClient()
    }

    override func tearDown() {
        other = nil
        super.tearDown()
    }

    /// Runs a command on the second client.
    @discardableResult
    func runOther(_ words: [String]) -> String {
        run(args: words.map { Bytes($0) }, on: other)
    }

    /// WATCH `keys`, let the other client run `change`, then MULTI/PING/EXEC: the EXEC reply.
    func execAfter(watching keys: [String], _ change: [String]) -> String {
        run(args: (["WATCH"] + keys).map { Bytes($0) }, on: client)
        if !change.isEmpty { runOther(change) }
        run("MULTI")
        run("PING")
        return run("EXEC")
    }

    func assertAborts(_ change: [String], watching keys: [String] = ["k"], setUp: [[String]] = [],
                      file: StaticString = #filePath, line: UInt = #line) {
        for command in setUp { runOther(command) }
        XCTAssertEqual(execAfter(watching: keys, change), aborted, change.joined(separator: " "), file: file, line: line)
        runOther(["FLUSHALL"])
    }

    func assertRuns(_ change: [String], watching keys: [String] = ["k"], setUp: [[String]] = [],
                    file: StaticString = #filePath, line: UInt = #line) {
        for command in setUp { runOther(command) }
        XCTAssertEqual(execAfter(watching: keys, change), "*1\r\n+PONG\r\n", change.joined(separator: " "), file: file, line: line)
        runOther(["FLUSHALL"])
    }

    // MARK: - Basics

    func testUntouchedKeysLetExecRun() {
        assertRuns([])
        assertRuns(["SET", "other", "1"])
    }

    func testOwnChangeBeforeMultiAborts() {
        run("WATCH", "w")
        run("SET", "w", "1")
        expect([(["MULTI"], ok), (["PING"], "+QUEUED\r\n"), (["EXEC"], aborted)])
    }

    func testAbortIsANullInRESP3() {
        run("HELLO", "3")
        XCTAssertEqual(execAfter(watching: ["k"], ["SET", "k", "v"]), "_\r\n")
    }

    func testSettingTheSameValueStillCounts() {
        assertAborts(["SET", "k", "v"], setUp: [["SET", "k", "v"]])
    }

    func testWatchesEndAtExecAbortDiscardUnwatchAndReset() {
        for end in [["EXEC"], ["DISCARD"], ["UNWATCH"], ["RESET"], ["EXEC", "x"]] {
            run("WATCH", "w")
            if end[0] == "EXEC" || end[0] == "DISCARD" { run("MULTI") }
            run(args: end.map { Bytes($0) }, on: client)
            runOther(["SET", "w", "1"])
            expect([(["MULTI"], ok), (["EXEC"], "*0\r\n")])
            XCTAssertTrue(engine.keyspace[0].watchedKeys.isEmpty, "\(end) left watches behind")
        }
    }

    func testAbortedExecAlsoEndsTheWatch() {
        XCTAssertEqual(execAfter(watching: ["w"], ["SET", "w", "1"]), aborted)
        runOther(["SET", "w", "2"])
        expect([(["MULTI"], ok), (["EXEC"], "*0\r\n")])
    }

    func testUnwatchClearsAnAlreadyChangedKey() {
        run("WATCH", "w")
        runOther(["SET", "w", "1"])
        run("UNWATCH")
        expect([(["MULTI"], ok), (["EXEC"], "*0\r\n")])
    }

    func testWatchingMoreAfterAChangeStillAborts() {
        run("WATCH", "w")
        runOther(["SET", "w", "1"])
        XCTAssertEqual(execAfter(watching: ["w2"], []), aborted)
    }

    func testWatchIsPerDatabase() {
        run("WATCH", "k")
        runOther(["SELECT", "1"])
        runOther(["SET", "k", "9"])
        expect([(["MULTI"], ok), (["EXEC"], "*0\r\n")])
        run("SELECT", "1")
        XCTAssertEqual(execAfter(watching: ["k"], ["SET", "k", "8"]), aborted)
    }

    func testClientListShowsTheChangedFlag() {
        let registered = engine.connect()
        defer { engine.disconnect(registered) }
        _ = run(args: [Bytes("WATCH"), Bytes("w")], on: registered)
        runOther(["SET", "w", "1"])
        XCTAssertTrue(String(decoding: ClientCommands.describe(registered, now: 0), as: UTF8.self).contains(" flags=d "))
    }

    func testAGoneClientLeavesNoWatches() {
        var watcher: Client? = engine.makeClient()
        _ = run(args: [Bytes("WATCH"), Bytes("w")], on: watcher!)
        XCTAssertFalse(engine.keyspace[0].watchedKeys.isEmpty)
        watcher = nil
        XCTAssertTrue(engine.keyspace[0].watchedKeys.isEmpty)
        runOther(["SET", "w", "1"])  // must not reach the gone client
    }

    // MARK: - Every write path signals

    func testStringWritesAbort() {
        let existing = [["SET", "k", "5"]]
        for change in [["SET", "k", "1"], ["SETNX", "k", "1"], ["SETEX", "k", "100", "1"], ["PSETEX", "k", "100000", "1"],
                       ["MSET", "k", "1"], ["MSETNX", "k", "1"], ["APPEND", "k", "x"], ["SETRANGE", "k", "0", "x"],
                       ["INCR", "k"], ["DECRBY", "k", "2"], ["INCRBYFLOAT", "k", "1.5"]] {
            assertAborts(change)
        }
        for change in [["GETSET", "k", "1"], ["GETDEL", "k"], ["GETEX", "k", "EX", "100"], ["SET", "k", "1", "KEEPTTL"],
                       ["SET", "k", "1", "XX"], ["INCR", "k"]] {
            assertAborts(change, setUp: existing)
        }
    }

    func testHashWritesAbort() {
        let hash = [["HSET", "k", "a", "1", "b", "2"]]
        for change in [["HSET", "k", "c", "3"], ["HSET", "k", "a", "9"], ["HMSET", "k", "a", "1"], ["HSETNX", "k", "c", "1"],
                       ["HDEL", "k", "a"], ["HDEL", "k", "a", "b"], ["HINCRBY", "k", "a", "1"],
                       ["HINCRBYFLOAT", "k", "a", "0.5"]] {
            assertAborts(change, setUp: hash)
        }
        assertAborts(["HSET", "k", "a", "1"])
    }

    func testKeyWritesAbort() {
        let existing = [["SET", "k", "v"]]
        for change in [["DEL", "k"], ["UNLINK", "k"], ["EXPIRE", "k", "100"], ["PEXPIREAT", "k", "99999999999999"],
                       ["EXPIRE", "k", "-1"], ["MOVE", "k", "1"], ["RENAME", "k", "dst"], ["RENAMENX", "k", "dst"]] {
            assertAborts(change, setUp: existing)
        }
        assertAborts(["PERSIST", "k"], setUp: [["SET", "k", "v", "EX", "100"]])
        assertAborts(["RENAME", "src", "k"], setUp: [["SET", "src", "v"]])
        assertAborts(["COPY", "src", "k"], setUp: [["SET", "src", "v"]])
        assertAborts(["COPY", "src", "k", "REPLACE"], setUp: [["SET", "src", "v"], ["SET", "k", "old"]])
        assertAborts(["FLUSHDB"], setUp: existing)
        assertAborts(["FLUSHALL"], setUp: existing)
    }

    func testWritesToOtherDatabasesAbortWhenTheyLandInTheWatchedOne() {
        assertAborts(["MOVE", "k", "0"], setUp: [["SELECT", "1"], ["SET", "k", "v"]])
        runOther(["SELECT", "0"])
        assertAborts(["COPY", "src", "k", "DB", "0"], setUp: [["SELECT", "1"], ["SET", "src", "v"]])
        runOther(["SELECT", "0"])
    }

    func testThingsThatChangeNothingDoNotAbort() {
        assertRuns(["DEL", "k"])
        assertRuns(["GET", "k"], setUp: [["SET", "k", "v"]])
        assertRuns(["HDEL", "k", "zz"], setUp: [["HSET", "k", "a", "1"]])
        assertRuns(["PERSIST", "k"], setUp: [["SET", "k", "v"]])
        assertRuns(["SET", "k", "new", "NX"], setUp: [["SET", "k", "v"]])
        assertRuns(["COPY", "src", "k"], setUp: [["SET", "src", "v"], ["SET", "k", "v"]])
        assertRuns(["GETEX", "k"], setUp: [["SET", "k", "v"]])
        assertRuns(["FLUSHDB"], setUp: [["SET", "other", "v"]])
        assertRuns(["FLUSHALL"], setUp: [["SET", "other", "v"]])
        // A member the destination already has: only the source changed (Redis 7.0.15).
        assertRuns(["SMOVE", "src", "k", "a"], setUp: [["SADD", "src", "a", "b"], ["SADD", "k", "a"]])
        assertAborts(["SMOVE", "src", "k", "b"], setUp: [["SADD", "src", "a", "b"], ["SADD", "k", "a"]])
    }

    // MARK: - SWAPDB

    func testSwapDBAbortsWhenEitherSideHoldsTheKey() {
        assertAborts(["SWAPDB", "0", "1"], setUp: [["SELECT", "1"], ["SET", "k", "v"], ["SELECT", "0"]])
        assertAborts(["SWAPDB", "0", "1"], setUp: [["SET", "k", "v"]])
        assertRuns(["SWAPDB", "0", "1"], setUp: [["SET", "other", "v"]])
    }

    // MARK: - Expiry

    /// Gives `key` a TTL that has already passed, without deleting it (as if
    /// neither lazy nor active expiry had reached it yet).
    func storeAlreadyExpired(_ key: String) {
        runOther(["SET", key, "v"])
        engine.keyspace[0].setExpire(Bytes(key), at: Keyspace.clockMilliseconds() - 1000)
    }

    func testAKeyWhoseTTLPassesAfterWatchAborts() {
        run("SET", "x", "1", "PX", "30")
        run("WATCH", "x")
        usleep(60_000)
        expect([(["MULTI"], ok), (["EXEC"], aborted)])
    }

    func testAKeyExpiredByAnotherClientsReadAborts() {
        run("SET", "x", "1", "PX", "30")
        run("WATCH", "x")
        usleep(60_000)
        runOther(["GET", "x"])
        expect([(["MULTI"], ok), (["EXEC"], aborted)])
    }

    func testActiveExpiryOfAWatchedKeyAborts() {
        run("SET", "x", "1", "PX", "30")
        run("WATCH", "x")
        usleep(60_000)
        engine.keyspace.activeExpireCycle(budgetMicroseconds: 10_000, hz: 10)
        XCTAssertEqual(engine.keyspace[0].count, 0)
        expect([(["MULTI"], ok), (["EXEC"], aborted)])
    }

    func testAKeyAlreadyExpiredAtWatchCountsAsAbsent() {
        storeAlreadyExpired("x")
        XCTAssertEqual(execAfter(watching: ["x"], []), "*1\r\n+PONG\r\n")
        storeAlreadyExpired("x")
        XCTAssertEqual(execAfter(watching: ["x"], ["GET", "x"]), "*1\r\n+PONG\r\n", "its lazy deletion is no change")
        storeAlreadyExpired("x")
        XCTAssertEqual(execAfter(watching: ["x"], ["FLUSHDB"]), "*1\r\n+PONG\r\n", "nor is its flush")
        storeAlreadyExpired("x")
        XCTAssertEqual(execAfter(watching: ["x"], ["SET", "x", "2"]), aborted, "but writing it is")
    }

    func testSwapDBBringingAnExpiredKeyIsNoChange() {
        let db1 = engine.keyspace[1], key = Bytes("k")
        db1.set(key, .string(Bytes("v")))
        db1.setExpire(key, at: Keyspace.clockMilliseconds() - 1000)
        XCTAssertEqual(execAfter(watching: ["k"], ["SWAPDB", "0", "1"]), "*1\r\n+PONG\r\n")
    }
}
