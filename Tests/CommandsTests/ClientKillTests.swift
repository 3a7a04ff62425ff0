import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// CLIENT KILL's filters and replies (checked against Redis 7.0.15), and what
/// a killed client leaves behind: no place in a blocking queue, no subscription.
final class ClientKillTests: BlockingTestCase {
    var closed: [Int] = []

    override func setUp() {
        super.setUp()
        closed = []
        engine.hooks.closeClient = { [unowned self] id in self.closed.append(id) }
        a.address = "10.0.0.1:1111"
        b.address = "10.0.0.2:2222"
        c.address = "10.0.0.3:3333"
        for who in [a!, b!, c!] { who.localAddress = "127.0.0.1:6379" }
    }

    func testFiltersAndReplies() {
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ID", "\(b.id)"), int(1))
        XCTAssertEqual(closed, [b.id])
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ADDR", "10.0.0.3:3333", "TYPE", "pubsub"), int(0), "c is not subscribed")
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ADDR", "10.0.0.3:3333", "TYPE", "normal", "USER", "default"), int(1))
        XCTAssertEqual(closed, [b.id, c.id])
        XCTAssertEqual(on(a, "CLIENT", "KILL", "TYPE", "master"), int(0))
        XCTAssertEqual(on(a, "CLIENT", "KILL", "10.0.0.9:1"), error("ERR No such client"))
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ID"), error("ERR No such client"), "three arguments: the old form")
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ID", "0"), error("ERR client-id should be greater than 0"))
        XCTAssertEqual(on(a, "CLIENT", "KILL", "TYPE", "foo"), error("ERR Unknown client type 'foo'"))
        XCTAssertEqual(on(a, "CLIENT", "KILL", "USER", "nouser"), error("ERR No such user 'nouser'"))
        XCTAssertEqual(on(a, "CLIENT", "KILL", "SKIPME", "maybe"), syntaxError)
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ID", "1", "TYPE"), syntaxError)
        XCTAssertEqual(on(a, "CLIENT", "KILL", "MAXAGE", "5"), syntaxError)
        XCTAssertFalse(a.closeAfterReply)
    }

    func testKillingItselfRepliesFirst() {
        XCTAssertEqual(on(a, "CLIENT", "KILL", "LADDR", "127.0.0.1:6379", "SKIPME", "yes"), int(2))
        XCTAssertFalse(a.closeAfterReply)
        XCTAssertEqual(on(a, "CLIENT", "KILL", "ID", "\(a.id)", "SKIPME", "no"), int(1))
        XCTAssertTrue(a.closeAfterReply)
        XCTAssertFalse(closed.contains(a.id), "closed by its own reply, not by the hook")
        XCTAssertEqual(on(b, "CLIENT", "KILL", "10.0.0.2:2222"), ok, "the old form may kill the caller")
        XCTAssertTrue(b.closeAfterReply)
    }

    func testAKilledBlockedClientLeavesItsQueuesAtOnce() {
        on(a, "BLPOP", "k", "0")
        on(b, "BLPOP", "k", "0")
        on(c, "SUBSCRIBE", "ch")
        XCTAssertEqual(run("CLIENT", "KILL", "ID", "\(a.id)"), int(1))
        XCTAssertEqual(run("CLIENT", "KILL", "TYPE", "pubsub"), int(1))
        XCTAssertFalse(a.isBlocked)
        XCTAssertEqual(infoField("blocked_clients"), "1")
        run("RPUSH", "k", "v")
        XCTAssertEqual(output(of: b), pair("k", "v"), "the next in the queue is served")
        XCTAssertEqual(run("PUBSUB", "NUMSUB", "ch"), "*2\r\n" + bulk("ch") + int(0))
    }
}
