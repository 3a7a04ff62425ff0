import XCTest
@testable import Commands

/// DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, MOVE, COPY, SWAPDB, FLUSHDB, FLUSHALL, DBSIZE.
final class KeyCommandTests: CommandTestCase {
    func testDelCountsKeysActuallyRemoved() {
        run("MSET", "a", "1", "b", "2")
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("DEL", "a", "b", "c", "a"), int(2))
        XCTAssertEqual(run("DEL", "a"), int(0))
        XCTAssertEqual(run("UNLINK", "h", "h"), int(1))
        XCTAssertEqual(run("DBSIZE"), int(0))
    }

    func testExistsCountsRepeats() {
        run("MSET", "a", "1", "b", "2")
        XCTAssertEqual(run("EXISTS", "a", "a", "b", "c"), int(3))
        XCTAssertEqual(run("EXISTS", "nope"), int(0))
    }

    func testType() {
        run("SET", "s", "v")
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("TYPE", "s"), "+string\r\n")
        XCTAssertEqual(run("TYPE", "h"), "+hash\r\n")
        XCTAssertEqual(run("TYPE", "nope"), "+none\r\n")
    }

    // MARK: - RENAME, RENAMENX

    func testRenameMovesValueAndTTL() {
        run("SET", "a", "1", "EX", "100")
        XCTAssertEqual(run("RENAME", "a", "b"), ok)
        XCTAssertEqual(run("EXISTS", "a"), int(0))
        XCTAssertEqual(run("GET", "b"), bulk("1"))
        XCTAssertEqual(run("TTL", "b"), int(100))
    }

    func testRenameOverwritesTheTargetAndItsTTL() {
        run("SET", "a", "1")
        run("SET", "b", "2", "EX", "100")
        XCTAssertEqual(run("RENAME", "a", "b"), ok)
        XCTAssertEqual(run("GET", "b"), bulk("1"))
        XCTAssertEqual(run("TTL", "b"), int(-1))
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("RENAME", "h", "b"), ok)
        XCTAssertEqual(run("TYPE", "b"), "+hash\r\n")
    }

    func testRenameEdgeCases() {
        XCTAssertEqual(run("RENAME", "nope", "x"), error("ERR no such key"))
        XCTAssertEqual(run("RENAMENX", "nope", "x"), error("ERR no such key"))
        run("SET", "a", "1")
        XCTAssertEqual(run("RENAME", "a", "a"), ok)
        XCTAssertEqual(run("RENAMENX", "a", "a"), int(0))
        XCTAssertEqual(run("GET", "a"), bulk("1"))
    }

    func testRenameNX() {
        run("MSET", "a", "1", "b", "2")
        XCTAssertEqual(run("RENAMENX", "a", "b"), int(0))
        XCTAssertEqual(run("GET", "b"), bulk("2"))
        XCTAssertEqual(run("RENAMENX", "a", "c"), int(1))
        XCTAssertEqual(run("MGET", "a", "c"), "*2\r\n$-1\r\n\(bulk("1"))")
    }

    // MARK: - MOVE

    func testMoveToAnotherDatabaseWithItsTTL() {
        run("SET", "k", "v", "EX", "100")
        XCTAssertEqual(run("MOVE", "k", "1"), int(1))
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        run("SELECT", "1")
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(run("TTL", "k"), int(100))
    }

    func testMoveRefusals() {
        XCTAssertEqual(run("MOVE", "nope", "1"), int(0))
        run("SET", "k", "here")
        XCTAssertEqual(run("MOVE", "k", "0"), error("ERR source and destination objects are the same"))
        XCTAssertEqual(run("MOVE", "k", "16"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("MOVE", "k", "-1"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("MOVE", "k", "x"), notInteger)
        run("SELECT", "1")
        run("SET", "k", "there")
        run("SELECT", "0")
        XCTAssertEqual(run("MOVE", "k", "1"), int(0), "the target already has the key")
        XCTAssertEqual(run("GET", "k"), bulk("here"))
    }

    // MARK: - COPY

    func testCopy() {
        run("SET", "src", "v", "EX", "100")
        XCTAssertEqual(run("COPY", "src", "dst"), int(1))
        XCTAssertEqual(run("GET", "dst"), bulk("v"))
        XCTAssertEqual(run("TTL", "dst"), int(100))
        XCTAssertEqual(run("COPY", "src", "dst"), int(0))
        run("SET", "src", "v2")
        XCTAssertEqual(run("COPY", "src", "dst", "REPLACE"), int(1))
        XCTAssertEqual(run("GET", "dst"), bulk("v2"))
        XCTAssertEqual(run("TTL", "dst"), int(-1))
        XCTAssertEqual(run("COPY", "nope", "dst"), int(0))
    }

    func testCopyToAnotherDatabase() {
        run("SET", "src", "v")
        XCTAssertEqual(run("COPY", "src", "src", "DB", "1"), int(1))
        run("SELECT", "1")
        XCTAssertEqual(run("GET", "src"), bulk("v"))
    }

    func testCopiedHashIsIndependent() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("COPY", "h", "h2"), int(1))
        XCTAssertEqual(run("HSET", "h2", "f", "changed"), int(0))
        XCTAssertEqual(run("HGET", "h", "f"), bulk("v"))
    }

    func testCopyErrors() {
        run("SET", "src", "v")
        XCTAssertEqual(run("COPY", "src", "src"), error("ERR source and destination objects are the same"))
        XCTAssertEqual(run("COPY", "src", "dst", "DB", "16"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("COPY", "src", "dst", "DB", "x"), notInteger)
        XCTAssertEqual(run("COPY", "src", "dst", "FOO"), syntaxError)
        XCTAssertEqual(run("COPY", "src", "dst", "DB"), syntaxError)
    }

    // MARK: - SWAPDB, FLUSHDB, FLUSHALL, DBSIZE

    func testSwapDB() {
        run("SET", "zero", "0")
        run("SELECT", "1")
        run("MSET", "one", "1", "uno", "1")
        XCTAssertEqual(run("SWAPDB", "0", "1"), ok)
        XCTAssertEqual(run("DBSIZE"), int(1), "this client now sees what was in db 0")
        XCTAssertEqual(run("GET", "zero"), bulk("0"))
        run("SELECT", "0")
        XCTAssertEqual(run("DBSIZE"), int(2))
        XCTAssertEqual(run("SWAPDB", "0", "0"), ok)
        XCTAssertEqual(run("DBSIZE"), int(2))
    }

    func testSwapDBErrors() {
        XCTAssertEqual(run("SWAPDB", "0", "16"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("SWAPDB", "-1", "0"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("SWAPDB", "x", "1"), error("ERR invalid first DB index"))
        XCTAssertEqual(run("SWAPDB", "0", "x"), error("ERR invalid second DB index"))
    }

    func testFlushDBOnlyTouchesTheSelectedDatabase() {
        run("SET", "a", "1")
        run("SELECT", "1")
        run("SET", "b", "1", "EX", "100")
        XCTAssertEqual(run("FLUSHDB"), ok)
        XCTAssertEqual(run("DBSIZE"), int(0))
        run("SELECT", "0")
        XCTAssertEqual(run("DBSIZE"), int(1))
        XCTAssertEqual(run("FLUSHDB", "ASYNC"), ok)
        XCTAssertEqual(run("FLUSHDB", "sync"), ok)
        XCTAssertEqual(run("FLUSHDB", "foo"), syntaxError)
        XCTAssertEqual(run("FLUSHDB", "ASYNC", "SYNC"), syntaxError)
    }

    func testFlushAll() {
        run("SET", "a", "1")
        run("SELECT", "5")
        run("SET", "b", "1")
        XCTAssertEqual(run("FLUSHALL"), ok)
        XCTAssertEqual(run("DBSIZE"), int(0))
        run("SELECT", "0")
        XCTAssertEqual(run("DBSIZE"), int(0))
        XCTAssertEqual(run("FLUSHALL", "ASYNC"), ok)
        XCTAssertEqual(run("FLUSHALL", "x"), syntaxError)
    }
}
