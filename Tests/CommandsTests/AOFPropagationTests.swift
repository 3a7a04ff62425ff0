import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// What a write appends to the AOF: Redis's deterministic rewritten forms,
/// with SELECT whenever the database changes.
final class AOFPropagationTests: PropagationTestCase {

    /// Asserts `millisecondsText` is an absolute time within `expected ± 2 s`.
    private func assertAbsoluteTime(_ millisecondsText: String, near expected: Int64,
                                    file: StaticString = #filePath, line: UInt = #line) {
        guard let value = Int64(millisecondsText) else { return XCTFail("not a number: \(millisecondsText)", file: file, line: line) }
        XCTAssertLessThan(abs(value - expected), 2_000, file: file, line: line)
    }

    func testNothingIsLoggedWhenNotPropagating() {
        engine.propagating = false
        run("SET", "k", "v")
        XCTAssertTrue(engine.aofBuffer.isEmpty)
    }

    func testFirstWriteSelectsItsDatabase() {
        run("SET", "k", "v")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SET", "k", "v"]])
        run("SET", "k2", "v")
        XCTAssertEqual(logged(), [["SET", "k2", "v"]], "no SELECT while the database is unchanged")
    }

    func testSelectIsLoggedOnlyWhenTheWritingDatabaseChanges() {
        run("SET", "a", "1")
        run("SELECT", "3")
        run("GET", "a")
        run("SET", "x", "1")
        run("SET", "y", "1")
        run("SELECT", "0")
        run("SET", "b", "1")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SET", "a", "1"], ["SELECT", "3"], ["SET", "x", "1"], ["SET", "y", "1"],
                                  ["SELECT", "0"], ["SET", "b", "1"]])
    }

    func testReadsAndNoOpWritesAreNotLogged() {
        run("SET", "k", "v")
        _ = logged()
        run("GET", "k")
        run("EXISTS", "k")
        run("DEL", "nope")
        run("SET", "k", "v2", "NX")
        run("EXPIRE", "nope", "100")
        run("PERSIST", "k")
        run("GETEX", "k", "PERSIST")
        run("HDEL", "nope", "f")
        run("SET", "k", "v", "EX", "0")
        XCTAssertEqual(logged(), [])
    }

    func testRelativeExpiriesOnSetBecomePXAT() {
        let now = nowMilliseconds()
        run("SET", "a", "1", "EX", "100")
        run("SET", "b", "1", "PX", "100000")
        run("SET", "c", "1", "EXAT", "4102444800")
        run("SETEX", "d", "100", "v")
        run("PSETEX", "e", "100000", "v")
        let commands = logged().filter { $0.first != "SELECT" }
        XCTAssertEqual(commands.map { Array($0.prefix(4)) },
                       [["SET", "a", "1", "PXAT"], ["SET", "b", "1", "PXAT"], ["SET", "c", "1", "PXAT"],
                        ["SET", "d", "v", "PXAT"], ["SET", "e", "v", "PXAT"]])
        XCTAssertTrue(commands.allSatisfy { $0.count == 5 })
        for index in [0, 1, 3, 4] { assertAbsoluteTime(commands[index][4], near: now + 100_000) }
        XCTAssertEqual(commands[2][4], "4102444800000")
    }

    func testExpireFamilyBecomesPEXPIREAT() {
        run("SET", "k", "v")
        _ = logged()
        let now = nowMilliseconds()
        run("EXPIRE", "k", "100")
        run("PEXPIRE", "k", "200000")
        run("EXPIREAT", "k", "4102444800")
        run("PEXPIREAT", "k", "4102444800123")
        let commands = logged()
        XCTAssertEqual(commands.count, 4)
        XCTAssertEqual(commands[0].prefix(2), ["PEXPIREAT", "k"])
        assertAbsoluteTime(commands[0][2], near: now + 100_000)
        XCTAssertEqual(commands[1].prefix(2), ["PEXPIREAT", "k"])
        assertAbsoluteTime(commands[1][2], near: now + 200_000)
        XCTAssertEqual(commands[2], ["PEXPIREAT", "k", "4102444800000"])
        XCTAssertEqual(commands[3], ["PEXPIREAT", "k", "4102444800123"])
    }

    func testExpiryInThePastBecomesDEL() {
        run("MSET", "a", "1", "b", "1", "c", "1")
        _ = logged()
        run("EXPIRE", "a", "-1")
        run("PEXPIREAT", "b", "1")
        run("GETEX", "c", "EXAT", "1")
        XCTAssertEqual(logged(), [["DEL", "a"], ["DEL", "b"], ["DEL", "c"]])
    }

    func testGetExForms() {
        run("SET", "k", "v")
        _ = logged()
        let now = nowMilliseconds()
        run("GETEX", "k", "EX", "100")
        run("GETEX", "k", "PERSIST")
        run("GETEX", "k")
        let commands = logged()
        XCTAssertEqual(commands.count, 2)
        XCTAssertEqual(commands[0].prefix(2), ["PEXPIREAT", "k"])
        assertAbsoluteTime(commands[0][2], near: now + 100_000)
        XCTAssertEqual(commands[1], ["PERSIST", "k"])
    }

    func testIncrByFloatBecomesSetWithKeepTTL() {
        run("INCRBYFLOAT", "f", "1.5")
        run("INCRBYFLOAT", "f", "0.1")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SET", "f", "1.5", "KEEPTTL"], ["SET", "f", "1.6", "KEEPTTL"]])
    }

    func testHIncrByFloatBecomesHSet() {
        run("HINCRBYFLOAT", "h", "f", "1.5")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["HSET", "h", "f", "1.5"]])
    }

    func testGetDelBecomesDELAndGetSetBecomesSET() {
        run("SET", "k", "v")
        _ = logged()
        run("GETSET", "k", "w")
        run("GETDEL", "k")
        run("GETDEL", "k")
        XCTAssertEqual(logged(), [["SET", "k", "w"], ["DEL", "k"]])
    }

    func testLazilyExpiredKeyIsLoggedAsDELInItsDatabase() {
        run("SELECT", "2")
        run("SET", "k", "v")
        run("SELECT", "0")
        run("SET", "other", "v")
        _ = logged()
        engine.keyspace[2].setExpire(Bytes("k"), at: nowMilliseconds() - 1)
        run("SELECT", "2")
        XCTAssertEqual(run("GET", "k"), null)
        XCTAssertEqual(logged(), [["SELECT", "2"], ["DEL", "k"]])
    }

    /// A plain SET does not read the old value first; the stale key is still
    /// expired (and logged as DEL) before the new value is stored, as in Redis.
    func testSetOverAnExpiredKeyLogsTheDELFirst() {
        run("SET", "k", "old")
        _ = logged()
        engine.keyspace[0].setExpire(Bytes("k"), at: nowMilliseconds() - 1)
        XCTAssertEqual(run("SET", "k", "new"), ok)
        XCTAssertEqual(logged(), [["DEL", "k"], ["SET", "k", "new"]])
        XCTAssertEqual(run("TTL", "k"), int(-1))
        XCTAssertEqual(run("GET", "k"), "$3\r\nnew\r\n")
    }

    func testOrdinaryWritesAreLoggedAsTyped() {
        run("HSET", "h", "a", "1")
        run("INCR", "n")
        run("APPEND", "s", "x")
        run("DEL", "h")
        run("FLUSHALL")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["HSET", "h", "a", "1"], ["INCR", "n"], ["APPEND", "s", "x"], ["DEL", "h"],
                                  ["FLUSHALL"]])
    }

    func testResetAOFSelectionForcesANewSelect() {
        run("SET", "a", "1")
        _ = logged()
        engine.resetAOFSelection()
        run("SET", "b", "1")
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SET", "b", "1"]])
    }

    func testWriteRecordsTheAOFOffsetItWaitsFor() {
        run("SET", "a", "1")
        XCTAssertEqual(client.aofWaitOffset, engine.aofOffset)
        XCTAssertEqual(engine.aofOffset, engine.aofBuffer.count)
    }
}
