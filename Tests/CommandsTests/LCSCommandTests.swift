import XCTest
@testable import Commands

/// LCS, checked against Redis 7.0's replies for the example in its documentation.
final class LCSCommandTests: CommandTestCase {
    override func setUp() {
        super.setUp()
        run("MSET", "key1", "ohmytext", "key2", "mynewtext")
    }

    func testTheCommonString() {
        XCTAssertEqual(run("LCS", "key1", "key2"), bulk("mytext"))
        XCTAssertEqual(run("LCS", "key1", "key2", "LEN"), int(6))
    }

    func testMatchIndexes() {
        XCTAssertEqual(run("LCS", "key1", "key2", "IDX"),
                       "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n")
    }

    func testMinMatchLenAndWithMatchLen() {
        XCTAssertEqual(run("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
                       "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n")
    }

    func testIndexesAreAMapInRESP3() {
        run("HELLO", "3")
        XCTAssertEqual(run("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"),
                       "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n")
    }

    func testMissingKeysAreEmptyStrings() {
        XCTAssertEqual(run("LCS", "nope1", "nope2"), bulk(""))
        XCTAssertEqual(run("LCS", "nope1", "nope2", "IDX"), "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n")
        XCTAssertEqual(run("LCS", "key1", "nope", "LEN"), int(0))
    }

    func testErrors() {
        XCTAssertEqual(run("LCS", "key1", "key2", "IDX", "LEN"),
                       error("ERR If you want both the length and indexes, please just use IDX."))
        XCTAssertEqual(run("LCS", "key1", "key2", "FOO"), syntaxError)
        XCTAssertEqual(run("LCS", "key1", "key2", "MINMATCHLEN", "x"), notInteger)
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("LCS", "key1", "h"), error("ERR The specified keys must contain string values"))
        XCTAssertEqual(run("LCS", "h", "key1", "FOO"), error("ERR The specified keys must contain string values"),
                       "types are checked before options")
    }
}
