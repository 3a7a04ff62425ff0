import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// The list commands, in process. Replies and error texts checked against
/// Redis 7.0.15 (Tests/CompatTests/scripts/lists.redis covers them byte for byte).
final class ListCommandTests: CommandTestCase {
    /// An array of bulk strings.
    private func array(_ items: String...) -> String { "*\(items.count)\r\n" + items.map(bulk).joined() }

    func testPushOrderAndLength() {
        XCTAssertEqual(run("LPUSH", "l", "a", "b"), int(2))
        XCTAssertEqual(run("RPUSH", "l", "x", "y"), int(4))
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), array("b", "a", "x", "y"))
        XCTAssertEqual(run("LLEN", "l"), int(4))
        XCTAssertEqual(run("TYPE", "l"), "+list\r\n")
        XCTAssertEqual(run("LPUSHX", "none", "a"), int(0))
        XCTAssertEqual(run("RPUSHX", "none", "a"), int(0))
        XCTAssertEqual(run("EXISTS", "none"), int(0))
        XCTAssertEqual(run("LPUSHX", "l", "p"), int(5))
        XCTAssertEqual(run("RPUSHX", "l", "q"), int(6))
        XCTAssertEqual(run("LPUSH", "l"), error("ERR wrong number of arguments for 'lpush' command"))
    }

    func testWrongType() {
        run("SET", "s", "v")
        for command in [["LPUSH", "s", "a"], ["RPUSHX", "s", "a"], ["LPOP", "s"], ["LLEN", "s"], ["LINDEX", "s", "0"],
                        ["LSET", "s", "0", "x"], ["LRANGE", "s", "0", "1"], ["LTRIM", "s", "0", "1"],
                        ["LREM", "s", "0", "x"], ["LINSERT", "s", "BEFORE", "a", "b"], ["LPOS", "s", "a"],
                        ["LMOVE", "s", "d", "LEFT", "LEFT"], ["RPOPLPUSH", "s", "d"], ["LMPOP", "1", "s", "LEFT"]] {
            XCTAssertEqual(run(args: command.map { Bytes($0) }, on: client), wrongType, command.joined(separator: " "))
        }
        run("RPUSH", "l", "a")
        XCTAssertEqual(run("LMOVE", "l", "s", "LEFT", "LEFT"), wrongType)
        XCTAssertEqual(run("LLEN", "l"), int(1), "nothing popped when the destination is of the wrong type")
    }

    func testPopWithAndWithoutCount() {
        run("RPUSH", "l", "a", "b", "c", "d")
        XCTAssertEqual(run("LPOP", "l"), bulk("a"))
        XCTAssertEqual(run("RPOP", "l"), bulk("d"))
        XCTAssertEqual(run("LPOP", "l", "0"), "*0\r\n")
        XCTAssertEqual(run("RPOP", "l", "5"), array("c", "b"))
        XCTAssertEqual(run("EXISTS", "l"), int(0), "an emptied list is deleted")
        XCTAssertEqual(run("LPOP", "l"), null)
        XCTAssertEqual(run("LPOP", "l", "2"), "*-1\r\n")
        XCTAssertEqual(run("LPOP", "l", "-1"), error("ERR value is out of range, must be positive"))
        XCTAssertEqual(run("LPOP", "l", "x"), error("ERR value is out of range, must be positive"))
        XCTAssertEqual(run("LPOP", "l", "1", "2"), error("ERR wrong number of arguments for 'lpop' command"))
        run("HELLO", "3")
        XCTAssertEqual(run("LPOP", "l"), "_\r\n")
        XCTAssertEqual(run("RPOP", "l", "1"), "_\r\n")
    }

    func testIndexSetAndRange() {
        run("RPUSH", "l", "a", "b", "c")
        XCTAssertEqual(run("LINDEX", "l", "-1"), bulk("c"))
        XCTAssertEqual(run("LINDEX", "l", "3"), null)
        XCTAssertEqual(run("LINDEX", "l", "x"), notInteger)
        XCTAssertEqual(run("LINDEX", "none", "x"), null, "the key is looked up before the index is parsed")
        XCTAssertEqual(run("LSET", "l", "-3", "A"), ok)
        XCTAssertEqual(run("LSET", "l", "3", "x"), error("ERR index out of range"))
        XCTAssertEqual(run("LSET", "none", "x", "x"), error("ERR no such key"))
        XCTAssertEqual(run("LRANGE", "l", "-100", "100"), array("A", "b", "c"))
        XCTAssertEqual(run("LRANGE", "l", "2", "1"), "*0\r\n")
        XCTAssertEqual(run("LRANGE", "l", "-9223372036854775808", "9223372036854775807"), array("A", "b", "c"))
        XCTAssertEqual(run("LRANGE", "none", "x", "1"), notInteger)
    }

    func testTrimRemoveInsert() {
        run("RPUSH", "l", "a", "b", "a", "c", "a")
        XCTAssertEqual(run("LREM", "l", "-1", "a"), int(1))
        XCTAssertEqual(run("LREM", "l", "1", "a"), int(1))
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), array("b", "a", "c"))
        XCTAssertEqual(run("LINSERT", "l", "AFTER", "a", "x"), int(4))
        XCTAssertEqual(run("LINSERT", "l", "before", "b", "y"), int(5))
        XCTAssertEqual(run("LINSERT", "l", "before", "zz", "y"), int(-1))
        XCTAssertEqual(run("LINSERT", "l", "middle", "b", "y"), syntaxError)
        XCTAssertEqual(run("LINSERT", "none", "before", "b", "y"), int(0))
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), array("y", "b", "a", "x", "c"))
        XCTAssertEqual(run("LTRIM", "l", "1", "-2"), ok)
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), array("b", "a", "x"))
        XCTAssertEqual(run("LTRIM", "l", "5", "1"), ok)
        XCTAssertEqual(run("EXISTS", "l"), int(0))
        XCTAssertEqual(run("LTRIM", "none", "x", "1"), notInteger)
    }

    func testLPos() {
        run("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c")
        XCTAssertEqual(run("LPOS", "l", "c"), int(2))
        XCTAssertEqual(run("LPOS", "l", "c", "RANK", "-1"), int(7))
        XCTAssertEqual(run("LPOS", "l", "c", "RANK", "2", "COUNT", "2"), "*2\r\n:6\r\n:7\r\n")
        XCTAssertEqual(run("LPOS", "l", "c", "COUNT", "0", "RANK", "-1"), "*3\r\n:7\r\n:6\r\n:2\r\n")
        XCTAssertEqual(run("LPOS", "l", "c", "MAXLEN", "2"), null)
        XCTAssertEqual(run("LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "1"), "*3\r\n:7\r\n:6\r\n:2\r\n",
                       "Redis's C negation of LONG_MIN: every match qualifies and COUNT never stops it")
        XCTAssertEqual(run("LPOS", "l", "c", "RANK", "0"), error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"))
        XCTAssertEqual(run("LPOS", "l", "c", "COUNT", "x"), error("ERR COUNT can't be negative"))
        XCTAssertEqual(run("LPOS", "l", "c", "MAXLEN", "-1"), error("ERR MAXLEN can't be negative"))
        XCTAssertEqual(run("LPOS", "l", "c", "RANK"), syntaxError)
        XCTAssertEqual(run("LPOS", "none", "c"), null)
        XCTAssertEqual(run("LPOS", "none", "c", "COUNT", "1"), "*0\r\n")
    }

    func testMoveBetweenListsAndOntoItself() {
        run("RPUSH", "src", "a", "b", "c")
        XCTAssertEqual(run("LMOVE", "src", "dst", "LEFT", "RIGHT"), bulk("a"))
        XCTAssertEqual(run("RPOPLPUSH", "src", "dst"), bulk("c"))
        XCTAssertEqual(run("LRANGE", "dst", "0", "-1"), array("c", "a"))
        XCTAssertEqual(run("LMOVE", "src", "src", "LEFT", "RIGHT"), bulk("b"))
        XCTAssertEqual(run("LRANGE", "src", "0", "-1"), array("b"), "a one-element rotation keeps the list")
        XCTAssertEqual(run("LMOVE", "src", "dst", "LEFT", "LEFT"), bulk("b"))
        XCTAssertEqual(run("EXISTS", "src"), int(0))
        XCTAssertEqual(run("LMOVE", "src", "dst", "LEFT", "LEFT"), null)
        XCTAssertEqual(run("LMOVE", "src", "dst", "UP", "LEFT"), syntaxError)
    }

    func testLMPop() {
        run("RPUSH", "b", "1", "2", "3")
        XCTAssertEqual(run("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"), "*2\r\n\(bulk("b"))" + array("3", "2"))
        XCTAssertEqual(run("LMPOP", "2", "a", "b", "LEFT", "COUNT", "9"), "*2\r\n\(bulk("b"))" + array("1"))
        XCTAssertEqual(run("EXISTS", "b"), int(0))
        XCTAssertEqual(run("LMPOP", "2", "a", "b", "LEFT"), "*-1\r\n")
        XCTAssertEqual(run("LMPOP", "0", "a", "LEFT"), error("ERR numkeys should be greater than 0"))
        XCTAssertEqual(run("LMPOP", "2", "a", "LEFT"), syntaxError)
        XCTAssertEqual(run("LMPOP", "9223372036854775807", "a", "LEFT"), syntaxError)
        XCTAssertEqual(run("LMPOP", "1", "a", "LEFT", "COUNT", "0"), error("ERR count should be greater than 0"))
        XCTAssertEqual(run("LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"), syntaxError)
        run("HELLO", "3")
        XCTAssertEqual(run("LMPOP", "1", "a", "LEFT"), "_\r\n")
    }

    func testCopyIsDeep() {
        run("RPUSH", "l", "a", "b")
        XCTAssertEqual(run("COPY", "l", "l2"), int(1))
        run("RPOP", "l2")
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), array("a", "b"))
        XCTAssertEqual(run("LRANGE", "l2", "0", "-1"), array("a"))
    }

    func testWatchSeesInPlaceChanges() {
        let other = engine.makeClient()
        func aborts(_ change: [String], setUp: [String] = ["RPUSH", "w", "a", "b"]) -> Bool {
            run("FLUSHALL")
            run(args: setUp.map { Bytes($0) }, on: client)
            run("WATCH", "w")
            run(args: change.map { Bytes($0) }, on: other)
            run("MULTI")
            run("PING")
            return run("EXEC") == "*-1\r\n"
        }
        XCTAssertTrue(aborts(["RPUSH", "w", "c"]))
        XCTAssertTrue(aborts(["LSET", "w", "0", "z"]))
        XCTAssertTrue(aborts(["LTRIM", "w", "0", "-1"]), "LTRIM signals even when nothing is removed")
        XCTAssertTrue(aborts(["LINSERT", "w", "AFTER", "a", "x"]))
        XCTAssertTrue(aborts(["LMOVE", "w", "w", "LEFT", "RIGHT"]))
        XCTAssertTrue(aborts(["RPOPLPUSH", "x", "w"], setUp: ["RPUSH", "x", "a"]))
        XCTAssertFalse(aborts(["LREM", "w", "0", "zz"]))
        XCTAssertFalse(aborts(["LPOP", "w", "0"]))
        XCTAssertFalse(aborts(["LSET", "w", "9", "z"]))
        XCTAssertFalse(aborts(["LPOS", "w", "a"]))
    }
}

/// What list writes append to the AOF, as Redis 7.0.15's incremental file shows.
final class ListPropagationTests: PropagationTestCase {

    func testWritesAreLoggedAsTypedAndLMPopAsAPop() {
        run("RPUSH", "a", "1", "2", "3", "4", "5")
        run("LMOVE", "a", "b", "LEFT", "RIGHT")
        run("RPOPLPUSH", "a", "b")
        run("LMPOP", "2", "x", "a", "RIGHT", "COUNT", "10")
        run("RPUSH", "a", "1")
        run("LMPOP", "1", "a", "LEFT")
        XCTAssertEqual(logged(includingSelect: false), [
            ["RPUSH", "a", "1", "2", "3", "4", "5"], ["LMOVE", "a", "b", "LEFT", "RIGHT"], ["RPOPLPUSH", "a", "b"],
            ["RPOP", "a", "3"], ["RPUSH", "a", "1"], ["LPOP", "a", "1"],
        ])
    }

    func testNoOpsAreNotLogged() {
        run("RPUSH", "a", "1", "2")
        _ = logged(includingSelect: false)
        run("LTRIM", "a", "0", "-1")
        run("LREM", "a", "0", "zz")
        run("LINSERT", "a", "BEFORE", "zz", "x")
        run("LPOP", "a", "0")
        run("LPUSHX", "none", "x")
        run("LMPOP", "1", "none", "LEFT")
        run("LMOVE", "none", "a", "LEFT", "LEFT")
        run("LSET", "a", "5", "x")
        XCTAssertEqual(logged(includingSelect: false), [])
        run("LTRIM", "a", "1", "-1")
        XCTAssertEqual(logged(includingSelect: false), [["LTRIM", "a", "1", "-1"]])
    }
}
