import XCTest
@testable import Commands
import SwirlBytes

/// GETEX, GETDEL, APPEND, STRLEN, GETRANGE, SETRANGE, MGET, MSET, MSETNX.
final class StringCommandTests: CommandTestCase {
    // MARK: - GETEX

    func testGetExWithoutOptionsIsGet() {
        run("SET", "k", "v", "EX", "100")
        XCTAssertEqual(run("GETEX", "k"), bulk("v"))
        XCTAssertEqual(run("TTL", "k"), int(100), "TTL untouched")
        XCTAssertEqual(run("GETEX", "missing"), null)
    }

    func testGetExSetsAndRemovesTheTTL() {
        run("SET", "k", "v")
        XCTAssertEqual(run("GETEX", "k", "EX", "100"), bulk("v"))
        XCTAssertEqual(run("TTL", "k"), int(100))
        XCTAssertEqual(run("GETEX", "k", "PX", "50000"), bulk("v"))
        XCTAssertEqual(run("TTL", "k"), int(50))
        let at = nowMilliseconds() / 1000 + 300
        XCTAssertEqual(run("GETEX", "k", "EXAT", "\(at)"), bulk("v"))
        XCTAssertEqual(run("EXPIRETIME", "k"), int(at))
        XCTAssertEqual(run("GETEX", "k", "PXAT", "\(at * 1000 + 1)"), bulk("v"))
        XCTAssertEqual(run("PEXPIRETIME", "k"), int(at * 1000 + 1))
        XCTAssertEqual(run("GETEX", "k", "PERSIST"), bulk("v"))
        XCTAssertEqual(run("TTL", "k"), int(-1))
    }

    func testGetExWithAPastTimeDeletesTheKeyButRepliesItsValue() {
        run("SET", "k", "v")
        XCTAssertEqual(run("GETEX", "k", "EXAT", "1"), bulk("v"))
        XCTAssertEqual(run("EXISTS", "k"), int(0))
    }

    func testGetExSyntaxErrors() {
        run("SET", "k", "v")
        for args in [["PX", "5000", "EX", "10"], ["EX", "10", "PERSIST"], ["PERSIST", "EX", "10"], ["KEEPTTL"], ["NX"], ["GET"], ["EX"]] {
            XCTAssertEqual(run(args: (["GETEX", "k"] + args).map { Bytes($0) }, on: client), syntaxError,
                           args.joined(separator: " "))
        }
    }

    func testGetExInvalidExpireTime() {
        run("SET", "k", "v")
        XCTAssertEqual(run("GETEX", "k", "EX", "0"), error("ERR invalid expire time in 'getex' command"))
        XCTAssertEqual(run("GETEX", "k", "EX", "abc"), notInteger)
        XCTAssertEqual(run("TTL", "k"), int(-1))
    }

    /// getexCommand checks the option words, then looks the key up and checks
    /// its type, and only then reads the expire value.
    func testGetExChecksTheKeyBeforeTheExpireValue() {
        XCTAssertEqual(run("GETEX", "missing", "EX", "abc"), null)
        XCTAssertEqual(run("GETEX", "missing", "EX", "0"), null)
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GETEX", "h", "EX", "abc"), wrongType)
    }

    func testGetExSyntaxErrorComesBeforeTheKeyLookup() {
        XCTAssertEqual(run("GETEX", "missing", "EX"), syntaxError)
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GETEX", "h", "EX"), syntaxError)
        XCTAssertEqual(run("GETEX", "h", "FOO"), syntaxError)
    }

    func testGetExWrongType() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GETEX", "h"), wrongType)
        XCTAssertEqual(run("GETEX", "h", "PERSIST"), wrongType)
    }

    // MARK: - GETDEL

    func testGetDel() {
        run("SET", "k", "v")
        XCTAssertEqual(run("GETDEL", "k"), bulk("v"))
        XCTAssertEqual(run("GETDEL", "k"), null)
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GETDEL", "h"), wrongType)
        XCTAssertEqual(run("EXISTS", "h"), int(1))
    }

    // MARK: - APPEND, STRLEN

    func testAppendCreatesAndExtends() {
        XCTAssertEqual(run("APPEND", "k", "hello"), int(5))
        XCTAssertEqual(run("APPEND", "k", " world"), int(11))
        XCTAssertEqual(run("GET", "k"), bulk("hello world"))
        XCTAssertEqual(run("STRLEN", "k"), int(11))
        XCTAssertEqual(run("APPEND", "k", ""), int(11))
        XCTAssertEqual(run("STRLEN", "missing"), int(0))
    }

    func testAppendKeepsTheTTL() {
        run("SET", "k", "a", "EX", "100")
        run("APPEND", "k", "b")
        XCTAssertEqual(run("TTL", "k"), int(100))
    }

    func testAppendAndStrlenWrongType() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("APPEND", "h", "x"), wrongType)
        XCTAssertEqual(run("STRLEN", "h"), wrongType)
    }

    func testAppendDoesNotChangeACopiedValue() {
        run("SET", "a", "base")
        run("COPY", "a", "b")
        run("APPEND", "b", "+more")
        XCTAssertEqual(run("GET", "a"), bulk("base"))
        XCTAssertEqual(run("GET", "b"), bulk("base+more"))
    }

    // MARK: - GETRANGE

    func testGetRange() {
        run("SET", "k", "hello world")
        let cases: [(String, String, String)] = [
            ("0", "4", "hello"), ("-5", "-1", "world"), ("5", "2", ""), ("-1", "-5", ""), ("0", "-100", "h"),
            ("100", "200", ""), ("0", "-1", "hello world"), ("-100", "2", "hel"), ("6", "100", "world"),
        ]
        for (start, end, expected) in cases {
            XCTAssertEqual(run("GETRANGE", "k", start, end), bulk(expected), "\(start) \(end)")
        }
        XCTAssertEqual(run("SUBSTR", "k", "0", "1"), bulk("he"))
    }

    func testGetRangeOfMissingAndWrongTypes() {
        XCTAssertEqual(run("GETRANGE", "missing", "0", "-1"), bulk(""))
        XCTAssertEqual(run("GETRANGE", "k", "x", "1"), notInteger)
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GETRANGE", "h", "0", "1"), wrongType)
    }

    // MARK: - SETRANGE

    func testSetRangePadsWithZeroBytes() {
        XCTAssertEqual(run("SETRANGE", "k", "5", "abc"), int(8))
        XCTAssertEqual(run("GET", "k"), bulk("\0\0\0\0\0abc"))
        XCTAssertEqual(run("SETRANGE", "k", "0", "XY"), int(8))
        XCTAssertEqual(run("GET", "k"), bulk("XY\0\0\0abc"))
        XCTAssertEqual(run("SETRANGE", "k", "7", "LONGER"), int(13))
        XCTAssertEqual(run("GET", "k"), bulk("XY\0\0\0abLONGER"))
    }

    func testSetRangeWithEmptyPatch() {
        XCTAssertEqual(run("SETRANGE", "missing", "0", ""), int(0))
        XCTAssertEqual(run("EXISTS", "missing"), int(0), "no key is created")
        run("SET", "k", "abc")
        XCTAssertEqual(run("SETRANGE", "k", "100", ""), int(3))
        XCTAssertEqual(run("GET", "k"), bulk("abc"))
    }

    func testSetRangeErrors() {
        XCTAssertEqual(run("SETRANGE", "k", "-1", "x"), error("ERR offset is out of range"))
        XCTAssertEqual(run("SETRANGE", "k", "x", "x"), notInteger)
        XCTAssertEqual(run("SETRANGE", "k", "536870912", "x"),
                       error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"))
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("SETRANGE", "h", "0", "x"), wrongType)
    }

    func testSetRangeKeepsTheTTL() {
        run("SET", "k", "abc", "EX", "100")
        run("SETRANGE", "k", "1", "Z")
        XCTAssertEqual(run("TTL", "k"), int(100))
        XCTAssertEqual(run("GET", "k"), bulk("aZc"))
    }

    // MARK: - MGET, MSET, MSETNX

    func testMSetAndMGet() {
        XCTAssertEqual(run("MSET", "a", "1", "b", "2", "a", "3"), ok)
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("MGET", "a", "b", "h", "missing"), "*4\r\n\(bulk("3"))\(bulk("2"))$-1\r\n$-1\r\n")
    }

    func testMSetClearsTTLs() {
        run("SET", "a", "1", "EX", "100")
        run("MSET", "a", "2")
        XCTAssertEqual(run("TTL", "a"), int(-1))
    }

    func testMSetWithAnOddNumberOfArguments() {
        XCTAssertEqual(run("MSET", "a", "1", "b"), error("ERR wrong number of arguments for 'mset' command"))
        XCTAssertEqual(run("MSETNX", "a", "1", "b"), error("ERR wrong number of arguments for 'msetnx' command"))
        XCTAssertEqual(run("EXISTS", "a"), int(0))
    }

    func testMSetNXIsAllOrNothing() {
        run("SET", "a", "old")
        XCTAssertEqual(run("MSETNX", "a", "1", "c", "3"), int(0))
        XCTAssertEqual(run("EXISTS", "c"), int(0))
        XCTAssertEqual(run("GET", "a"), bulk("old"))
        XCTAssertEqual(run("MSETNX", "c", "3", "d", "4"), int(1))
        XCTAssertEqual(run("MGET", "c", "d"), "*2\r\n\(bulk("3"))\(bulk("4"))")
    }

    func testMSetNXCountsAnyTypeAsExisting() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("MSETNX", "h", "1"), int(0))
    }
}
