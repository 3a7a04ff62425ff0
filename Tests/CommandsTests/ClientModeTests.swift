import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// CLIENT REPLY, NO-EVICT, PAUSE/UNPAUSE and WAIT in process (the byte
/// streams are compared with redis-server in Tests/Integration/test_client_modes.py).
final class ClientModeTests: BlockingTestCase {
    func testReplyOffAndSkip() {
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "OFF"), "")
        XCTAssertEqual(on(a, "SET", "k", "v"), "")
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "ON"), ok)
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "SKIP"), "")
        XCTAssertEqual(on(a, "GET", "k"), "", "the command after SKIP answers nothing")
        XCTAssertEqual(on(a, "GET", "k"), bulk("v"))
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "MAYBE"), syntaxError)
    }

    func testSilencedRepliesKeepPushes() {
        // Redis 7.0 sends pub/sub frames whatever the reply mode (CLIENT_PUSHING).
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "OFF"), "")
        XCTAssertEqual(on(a, "SUBSCRIBE", "ch"), "*3\r\n" + bulk("subscribe") + bulk("ch") + int(1))
        XCTAssertEqual(on(b, "PUBLISH", "ch", "hi"), int(1))
        XCTAssertEqual(output(of: a), "*3\r\n" + bulk("message") + bulk("ch") + bulk("hi"))
        XCTAssertEqual(on(a, "UNSUBSCRIBE"), "*3\r\n" + bulk("unsubscribe") + bulk("ch") + int(0))
        XCTAssertEqual(on(a, "PING"), "")
        XCTAssertEqual(on(a, "HELLO", "3"), "")
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "ON"), ok)
        XCTAssertEqual(on(a, "SUBSCRIBE", "ch"), ">3\r\n" + bulk("subscribe") + bulk("ch") + int(1))
        XCTAssertEqual(on(a, "CLIENT", "REPLY", "SKIP"), "")
        // Its own message is a push, PUBLISH's count is the skipped reply.
        XCTAssertEqual(on(a, "PUBLISH", "ch", "self"), ">3\r\n" + bulk("message") + bulk("ch") + bulk("self"))
        XCTAssertEqual(on(a, "PUBLISH", "ch", "again"), ">3\r\n" + bulk("message") + bulk("ch") + bulk("again") + int(1))
    }

    func testNoEvictShowsInClientList() {
        XCTAssertEqual(on(a, "CLIENT", "NO-EVICT", "ON"), ok)
        XCTAssertTrue(on(a, "CLIENT", "INFO").contains(" flags=e "))
        XCTAssertEqual(on(a, "CLIENT", "NO-EVICT", "x"), syntaxError)
    }

    func testWaitWithoutReplicas() {
        XCTAssertEqual(on(a, "WAIT", "0", "0"), int(0))
        XCTAssertEqual(on(a, "WAIT", "1", "-1"), error("ERR timeout is negative"))
        XCTAssertEqual(on(a, "WAIT", "1", "0"), "", "blocks: no replica will acknowledge")
        XCTAssertEqual(infoField("blocked_clients"), "1")
        XCTAssertEqual(run("CLIENT", "UNBLOCK", String(a.id)), int(1))
        XCTAssertEqual(output(of: a), int(0))
    }

    func testWritePauseHoldsWritesAndKeepsExpiredKeys() {
        run("SET", "gone", "x", "PX", "1")
        usleep(3_000)
        XCTAssertEqual(on(b, "CLIENT", "PAUSE", "100000", "WRITE"), ok)
        XCTAssertEqual(on(a, "GET", "gone"), null, "expired keys read as missing")
        XCTAssertEqual(run("DBSIZE"), int(1), "but are not deleted while writes are paused")
        XCTAssertEqual(on(a, "SET", "k", "v"), "", "a write waits")
        XCTAssertTrue(a.isBlocked)
        on(c, "MULTI")
        on(c, "GET", "k")
        XCTAssertEqual(on(c, "EXEC"), "*1\r\n" + null, "a read-only transaction runs")
        XCTAssertEqual(on(b, "CLIENT", "UNPAUSE"), ok)
        XCTAssertEqual(engine.blocking.takeUnblocked().map(\.id), [a.id])
        engine.runPostponedCommand(a)
        XCTAssertEqual(output(of: a), ok)
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(run("GET", "gone"), null)
        XCTAssertEqual(run("DBSIZE"), int(1), "the expired key goes at its next lookup after the pause")
    }

    func testPauseArgumentsAndTheStricterPauseWins() {
        XCTAssertEqual(on(a, "CLIENT", "PAUSE", "x"), error("ERR timeout is not an integer or out of range"))
        XCTAssertEqual(on(a, "CLIENT", "PAUSE", "10", "SOME"), error("ERR CLIENT PAUSE mode must be WRITE or ALL"))
        on(a, "CLIENT", "PAUSE", "100000", "WRITE")
        on(a, "CLIENT", "PAUSE", "10", "ALL")
        XCTAssertEqual(on(b, "PING"), "", "ALL holds every command")
        XCTAssertEqual(engine.clientPause?.writesOnly, false)
        engine.disconnect(b)
        XCTAssertTrue(engine.postponedClients.isEmpty, "a client that leaves takes its command along")
    }
}
