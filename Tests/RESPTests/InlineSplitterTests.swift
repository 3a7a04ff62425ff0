import XCTest
@testable import RESP

/// Redis's sdssplitargs rules, which inline commands (and redis-cli) follow.
final class InlineSplitterTests: XCTestCase {
    private func split(_ line: String) -> [String]? {
        InlineSplitter.split(Array(line.utf8))?.map { String(decoding: $0, as: UTF8.self) }
    }

    func testSplitsOnRunsOfWhitespace() {
        XCTAssertEqual(split("SET key value"), ["SET", "key", "value"])
        XCTAssertEqual(split("\u{0B}\u{0C} SET \t key   value  "), ["SET", "key", "value"])
    }

    func testOnlySpaceTabNewlineAndNulEndAnUnquotedWord() {
        XCTAssertEqual(split("key\u{0B}value x"), ["key\u{0B}value", "x"])
        XCTAssertEqual(split("a\tb\rc\nd"), ["a", "b", "c", "d"])
    }

    func testEmptyAndBlankLinesHaveNoArguments() {
        XCTAssertEqual(split(""), [])
        XCTAssertEqual(split("   \t "), [])
    }

    func testDoubleQuotesKeepSpaces() {
        XCTAssertEqual(split("SET \"hello world\" x"), ["SET", "hello world", "x"])
    }

    func testDoubleQuoteEscapes() {
        XCTAssertEqual(split("\"a\\nb\\rc\\td\\be\\af\""), ["a\nb\rc\td\u{8}e\u{7}f"])
        XCTAssertEqual(split("\"\\\"quoted\\\" \\\\ \\q\""), ["\"quoted\" \\ q"])
    }

    func testHexEscapes() {
        XCTAssertEqual(split("\"\\x41\\x62\\x4A\\x6a\""), ["AbJj"])
        XCTAssertEqual(InlineSplitter.split(Array("\"\\x00\\xff\"".utf8)), [[0x00, 0xff]])
    }

    func testIncompleteHexEscapeIsALiteralX() {
        XCTAssertEqual(split("\"\\x4\""), ["x4"])
        XCTAssertEqual(split("\"\\x4g\""), ["x4g"])
    }

    func testSingleQuotesAreLiteralExceptForEscapedQuote() {
        XCTAssertEqual(split("'it\\'s'"), ["it's"])
        XCTAssertEqual(split("'a\\nb \\x41'"), ["a\\nb \\x41"])
    }

    func testEmptyQuotedArguments() {
        XCTAssertEqual(split("ECHO \"\" ''"), ["ECHO", "", ""])
    }

    func testQuoteInsideAWordStartsAQuotedPart() {
        XCTAssertEqual(split("ab\"c d\""), ["abc d"])
    }

    func testClosingQuoteMustEndTheArgument() {
        XCTAssertNil(split("\"abc\"def"))
        XCTAssertNil(split("'abc'def"))
        XCTAssertEqual(split("\"abc\" def"), ["abc", "def"])
    }

    func testUnterminatedQuotesAreRefused() {
        XCTAssertNil(split("\"abc"))
        XCTAssertNil(split("'abc"))
        XCTAssertNil(split("\"abc\\\""))
    }
}
