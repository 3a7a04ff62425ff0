import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// SORT and SORT_RO: ordering rules, patterns, STORE, and what reaches the AOF.
/// Replies are compared with redis-server 7.0 in Tests/CompatTests/scripts/sort.redis.
final class SortCommandTests: PropagationTestCase {
    private func array(_ items: String...) -> String {
        "*\(items.count)\r\n" + items.map(bulk).joined()
    }

    func testNumericOrderBreaksTiesByBytes() {
        run("RPUSH", "l", "10", "9", "1.0", "1", "-inf", "0x2")
        XCTAssertEqual(run("SORT", "l"), array("-inf", "1", "1.0", "0x2", "9", "10"))
        XCTAssertEqual(run("SORT", "l", "DESC", "LIMIT", "0", "2"), array("10", "9"))
        XCTAssertEqual(run("SORT_RO", "l", "ALPHA"), array("-inf", "0x2", "1", "1.0", "10", "9"))
    }

    func testWeightsThatAreNotNumbersFailTheWholeSort() {
        run("RPUSH", "l", "1", "x")
        XCTAssertEqual(run("SORT", "l"), error("ERR One or more scores can't be converted into double"))
        run("RPUSH", "o", "1", "1e400")
        XCTAssertEqual(run("SORT", "o"), error("ERR One or more scores can't be converted into double"))
        run("RPUSH", "e", "2", "")
        XCTAssertEqual(run("SORT", "e"), array("", "2"), "strtod reads an empty string as 0")
    }

    func testByAndGetPatternsReadStringsAndHashFields() {
        run("RPUSH", "ids", "a", "b", "c")
        run("MSET", "w_a", "3", "w_b", "1")
        run("HSET", "h_c", "f", "2")
        XCTAssertEqual(run("SORT", "ids", "BY", "w_*"), array("c", "b", "a"), "a missing weight counts as 0")
        XCTAssertEqual(run("SORT", "ids", "BY", "h_*->f", "GET", "#", "GET", "h_*->f"),
                       "*6\r\n" + bulk("a") + null + bulk("b") + null + bulk("c") + bulk("2"))
        XCTAssertEqual(run("SORT", "ids", "BY", "w_*", "ALPHA", "DESC"), array("a", "b", "c"),
                       "with ALPHA, a missing weight sorts first")
    }

    func testByWithoutAStarKeepsTheListOrder() {
        run("RPUSH", "l", "b", "c", "a")
        XCTAssertEqual(run("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "5"), array("c", "b"))
    }

    func testStoreWritesAListAndIsLoggedAsTyped() {
        run("RPUSH", "l", "2", "1")
        _ = logged()
        run("SET", "dst", "x", "EX", "100")
        _ = logged()
        XCTAssertEqual(run("SORT", "l", "STORE", "dst"), int(2))
        XCTAssertEqual(logged(), [["SORT", "l", "STORE", "dst"]])
        XCTAssertEqual(run("LRANGE", "dst", "0", "-1"), array("1", "2"))
        XCTAssertEqual(run("TTL", "dst"), int(-1), "the stored list replaces the key and its TTL")
        XCTAssertEqual(run("SORT", "missing", "STORE", "dst"), int(0))
        XCTAssertEqual(run("EXISTS", "dst"), int(0), "an empty result deletes the destination")
    }

    func testUnsortedSetIsSortedByBytesWhenStored() {
        run("SADD", "s", "b", "a", "c")
        XCTAssertEqual(run("SORT", "s", "BY", "nosort", "STORE", "dst"), int(3))
        XCTAssertEqual(run("LRANGE", "dst", "0", "-1"), array("a", "b", "c"))
    }

    func testOptionsAreCheckedBeforeTheKeysType() {
        run("SET", "str", "v")
        XCTAssertEqual(run("SORT", "str", "LIMIT", "x", "1"), notInteger)
        XCTAssertEqual(run("SORT", "str", "NOPE"), syntaxError)
        XCTAssertEqual(run("SORT", "str"), wrongType)
        XCTAssertEqual(run("SORT_RO", "str", "STORE", "d"), syntaxError, "SORT_RO has no STORE")
    }

    func testGetKeysFindsTheStoreDestination() {
        XCTAssertEqual(run("COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "0", "1", "STORE", "d"), array("k", "d"))
        XCTAssertEqual(run("COMMAND", "GETKEYS", "SORT", "k", "GET", "STORE"), array("k"))
        XCTAssertEqual(run("COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"), array("a", "b"))
        XCTAssertEqual(run("COMMAND", "GETKEYS", "LMPOP", "3", "a", "b"), error("ERR Invalid arguments specified for command"))
    }
}
