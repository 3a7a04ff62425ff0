import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// What the blocking commands log, served at once and after blocking: Redis
/// 7.0.15's forms, read from its incremental AOF file.
final class BlockingPropagationTests: PropagationTestCase {
    var other: Client!

    override func setUp() {
        super.setUp()
        other = engine.connect()
    }

    override func tearDown() {
        other = nil
        super.tearDown()
    }

    @discardableResult
    func on(_ who: Client, _ words: String...) -> String {
        run(args: words.map { Bytes($0) }, on: who)
    }

    func testServedAtOnce() {
        run("RPUSH", "l", "a", "b", "c", "d", "e")
        _ = logged()
        run("BLPOP", "l", "0")
        run("BRPOP", "none", "l", "0")
        run("BLMOVE", "l", "d", "left", "RiGhT", "0")
        run("BRPOPLPUSH", "l", "d", "0")
        run("BLMPOP", "0", "1", "l", "RIGHT")
        XCTAssertEqual(logged(includingSelect: false), [
            ["LPOP", "l"], ["RPOP", "l"], ["LMOVE", "l", "d", "left", "RiGhT"], ["RPOPLPUSH", "l", "d"], ["RPOP", "l", "1"],
        ])
        run("BLPOP", "l", "0")
        run("MULTI")
        run("BLPOP", "l", "0")
        run("EXEC")
        XCTAssertEqual(logged(), [], "nothing changed, nothing logged")
    }

    func testServedAfterBlocking() {
        on(other, "BLPOP", "e1", "0")
        run("RPUSH", "e1", "v1", "v2")
        on(other, "BLMOVE", "e2", "dst", "RIGHT", "LEFT", "0")
        run("RPUSH", "e2", "w")
        on(other, "BRPOPLPUSH", "e3", "dst", "0")
        run("RPUSH", "e3", "w")
        on(other, "BLMPOP", "0", "1", "e4", "RIGHT", "COUNT", "3")
        run("RPUSH", "e4", "1", "2")
        XCTAssertEqual(logged(includingSelect: false), [
            ["RPUSH", "e1", "v1", "v2"], ["LPOP", "e1"],
            ["RPUSH", "e2", "w"], ["LMOVE", "e2", "dst", "right", "left"],
            ["RPUSH", "e3", "w"], ["RPOPLPUSH", "e3", "dst"],
            ["RPUSH", "e4", "1", "2"], ["RPOP", "e4", "2"],
        ])
        XCTAssertEqual(other.aofWaitOffset, engine.aofOffset, "its reply waits for its own pop under appendfsync always")
    }

    func testAfterATransactionThePopsFollowItsBlock() {
        on(other, "BLPOP", "m", "0")
        run("MULTI")
        run("RPUSH", "m", "1")
        run("RPUSH", "m", "2")
        run("EXEC")
        XCTAssertEqual(logged(includingSelect: false), [
            ["MULTI"], ["RPUSH", "m", "1"], ["RPUSH", "m", "2"], ["EXEC"], ["LPOP", "m"],
        ])
    }

    func testTheServedClientsDatabaseIsSelected() {
        on(other, "SELECT", "5")
        on(other, "BLPOP", "mv", "0")
        run("RPUSH", "mv", "1", "2")
        run("MOVE", "mv", "5")
        XCTAssertEqual(logged(), [
            ["SELECT", "0"], ["RPUSH", "mv", "1", "2"], ["MOVE", "mv", "5"], ["SELECT", "5"], ["LPOP", "mv"],
        ])
    }

    func testTimeoutsAndUnblockingLogNothing() {
        on(other, "BLPOP", "k", "0.001")
        usleep(10_000)
        engine.expireBlockedClients()
        on(other, "BLPOP", "k", "0")
        run("CLIENT", "UNBLOCK", "\(other.id)")
        XCTAssertEqual(logged(), [])
    }
}
