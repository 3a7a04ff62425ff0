import XCTest
@testable import Commands
import Keyspace
import Persistence
import RESP
import SwirlBytes

/// DEBUG RELOAD through an RDB snapshot (the Server installs the
/// same hook; Tests/Integration/test_debug.py runs it in the real binary).
final class DebugReloadTests: CommandTestCase {
    override func setUp() {
        super.setUp()
        let engine = self.engine!
        engine.hooks.keyspaceSnapshot = { RDBWriter.file(engine.keyspace, aux: [], now: engine.keyspace.now) }
    }

    private func fill() {
        run("SET", "str", "hello")
        run("RPUSH", "list", "a", "b", "c")
        run("SADD", "ints", "3", "1", "2")
        run("HSET", "hash", "f", "v")
        run("SET", "volatile", "v", "PX", "1000000")
        run("SELECT", "5")
        run("SET", "other", "db")
        run("SELECT", "0")
    }

    func testDataEncodingsAndExpiryTimesSurvive() {
        fill()
        let digest = run("DEBUG", "DIGEST")
        let expiry = run("PEXPIRETIME", "volatile")
        XCTAssertNotEqual(digest, "+" + String(repeating: "0", count: 40) + "\r\n")
        XCTAssertEqual(run("DEBUG", "RELOAD"), ok)
        XCTAssertEqual(run("DEBUG", "DIGEST"), digest)
        XCTAssertEqual(run("PEXPIRETIME", "volatile"), expiry)
        XCTAssertEqual(run("OBJECT", "ENCODING", "ints"), bulk("intset"))
        XCTAssertEqual(run("LRANGE", "list", "0", "-1"), "*3\r\n" + bulk("a") + bulk("b") + bulk("c"))
        XCTAssertEqual(engine.keyspace[5].count, 1)
    }

    func testTheAOFIsUntouched() {
        engine.propagating = true
        fill()
        let before = engine.aofBuffer
        XCTAssertEqual(run("DEBUG", "RELOAD"), ok)
        XCTAssertEqual(engine.aofBuffer, before, "nothing propagated, as Redis leaves the AOF alone")
    }

    func testExpiredKeysAreNotLoaded() {
        run("SET", "gone", "v")
        run("PEXPIREAT", "gone", String(nowMilliseconds() + 50))
        run("SET", "kept", "v")
        run("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        XCTAssertEqual(run("DEBUG", "RELOAD"), ok)
        usleep(100_000)
        XCTAssertEqual(run("DEBUG", "RELOAD", "NOSAVE"), ok)
        XCTAssertEqual(engine.keyspace[0].count, 1, "the stored expiry had passed: not loaded")
    }

    func testNosaveLoadsTheLastSnapshotAndMergeOptions() {
        XCTAssertEqual(run("DEBUG", "RELOAD", "NOSAVE"), error("ERR Error trying to load the RDB dump, check server logs."))
        run("SET", "a", "1")
        run("RPUSH", "l", "x")
        run("DEBUG", "RELOAD")
        run("SET", "a", "2")
        run("SET", "b", "new")
        XCTAssertEqual(run("DEBUG", "RELOAD", "NOSAVE"), ok)
        XCTAssertEqual(run("MGET", "a", "b"), "*2\r\n" + bulk("1") + null, "back to the snapshot")
        run("SET", "a", "2")
        run("SET", "b", "new")
        run("RPUSH", "l", "y")
        let conflict = run("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")
        XCTAssertTrue(conflict.hasPrefix("-ERR DEBUG RELOAD NOFLUSH without MERGE: key '"), conflict)
        XCTAssertEqual(run("GET", "a"), bulk("2"), "a refused reload changes nothing")
        XCTAssertEqual(run("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"), ok)
        XCTAssertEqual(run("MGET", "a", "b"), "*2\r\n" + bulk("1") + bulk("new"), "snapshot keys replace, others stay")
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), "*1\r\n" + bulk("x"), "a list is replaced, not appended to")
        XCTAssertEqual(run("DEBUG", "RELOAD", "MERGE", "bogus"),
                       error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."))
    }

    func testWithoutTheServerHookReloadSaysSo() {
        engine.hooks.keyspaceSnapshot = nil
        XCTAssertEqual(run("DEBUG", "RELOAD"), error("ERR DEBUG RELOAD is not available here"))
    }
}
