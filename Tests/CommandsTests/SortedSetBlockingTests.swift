import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// BZPOPMIN, BZPOPMAX and BZMPOP: served at once, served in blocking order
/// after ZADD, in MULTI, and their AOF forms (Redis 7.0.15's, read from its
/// incremental file: `ZPOPMIN key` and `ZPOPMAX key n`).
final class SortedSetBlockingTests: BlockingTestCase {
    private func triple(_ key: String, _ member: String, _ score: String) -> String {
        "*3\r\n" + bulk(key) + bulk(member) + bulk(score)
    }

    func testServedAtOnce() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c")
        XCTAssertEqual(on(a, "BZPOPMIN", "none", "z", "0"), triple("z", "a", "1"))
        XCTAssertEqual(on(a, "BZPOPMAX", "z", "0"), triple("z", "c", "3"))
        XCTAssertEqual(on(a, "BZMPOP", "0", "2", "none", "z", "MIN", "COUNT", "5"),
                       "*2\r\n" + bulk("z") + "*1\r\n*2\r\n" + bulk("b") + bulk("2"))
        XCTAssertEqual(run("EXISTS", "z"), int(0))
    }

    func testBlockedClientsAreServedInOrderByZadd() {
        XCTAssertEqual(on(a, "BZPOPMIN", "z", "0"), "")
        XCTAssertEqual(on(b, "BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"), "")
        XCTAssertEqual(infoField("blocked_clients"), "2")
        run("ZADD", "z", "1", "x", "2", "y", "3", "w")
        XCTAssertEqual(output(of: a), triple("z", "x", "1"))
        XCTAssertEqual(output(of: b), "*2\r\n" + bulk("z") + "*2\r\n*2\r\n" + bulk("w") + bulk("3") + "*2\r\n" + bulk("y") + bulk("2"))
        XCTAssertEqual(run("EXISTS", "z"), int(0))
    }

    func testWrongTypeErrorsAndMulti() {
        run("SET", "s", "v")
        XCTAssertEqual(on(a, "BZPOPMIN", "s", "0"), wrongType)
        XCTAssertEqual(on(a, "BZPOPMIN", "z", "-1"), error("ERR timeout is negative"))
        XCTAssertEqual(on(a, "BZMPOP", "x", "1", "z", "MIN"), error("ERR timeout is not a float or out of range"))
        XCTAssertEqual(on(a, "BZMPOP", "0", "0", "z", "MIN"), error("ERR numkeys should be greater than 0"))
        on(a, "MULTI")
        on(a, "BZPOPMAX", "z", "0")
        XCTAssertEqual(on(a, "EXEC"), "*1\r\n*-1\r\n", "nothing blocks inside a transaction")
    }

    func testGetKeysFindsTheMovableKeys() {
        XCTAssertEqual(run("COMMAND", "GETKEYS", "BZMPOP", "0", "2", "a", "b", "MIN"), "*2\r\n" + bulk("a") + bulk("b"))
        XCTAssertEqual(run("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"),
                       "*3\r\n" + bulk("d") + bulk("a") + bulk("b"))
        XCTAssertEqual(run("COMMAND", "GETKEYS", "ZINTERCARD", "1", "a", "LIMIT", "3"), "*1\r\n" + bulk("a"))
    }
}

final class SortedSetBlockingPropagationTests: PropagationTestCase {
    func testPopsAreLoggedAsZpop() {
        let waiter = engine.connect()
        run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        _ = logged()
        run("BZPOPMIN", "z", "0")
        run("BZPOPMAX", "z", "0")
        run("BZMPOP", "0", "1", "z", "MIN", "COUNT", "5")
        XCTAssertEqual(logged(includingSelect: false), [["ZPOPMIN", "z"], ["ZPOPMAX", "z"], ["ZPOPMIN", "z", "2"]])
        _ = run(args: ["BZPOPMAX", "w", "0"], on: waiter)
        run("ZADD", "w", "1", "x")
        XCTAssertEqual(logged(includingSelect: false), [["ZADD", "w", "1", "x"], ["ZPOPMAX", "w"]])
    }
}
