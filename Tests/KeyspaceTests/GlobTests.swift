import XCTest
@testable import Keyspace
import SwirlBytes

/// Redis's stringmatchlen rules (util.c), used by KEYS, SCAN MATCH and CONFIG GET.
final class GlobTests: XCTestCase {
    /// Matches through the `Bytes` overload (what KEYS and SCAN call), checking
    /// that the `[UInt8]` overload agrees.
    private func match(_ pattern: String, _ string: String, nocase: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let result = Glob.matches(Bytes(pattern), Bytes(string), caseInsensitive: nocase)
        XCTAssertEqual(Glob.matches(Array(pattern.utf8), Array(string.utf8), caseInsensitive: nocase), result,
                       "[UInt8] and Bytes overloads disagree on \(pattern) / \(string)", file: file, line: line)
        return result
    }

    private func assertMatches(_ pattern: String, _ yes: [String], _ no: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        for string in yes { XCTAssertTrue(match(pattern, string), "\(pattern) should match \(string)", file: file, line: line) }
        for string in no { XCTAssertFalse(match(pattern, string), "\(pattern) should not match \(string)", file: file, line: line) }
    }

    func testLiteralPatterns() {
        assertMatches("hello", ["hello"], ["hell", "helloo", "Hello", ""])
    }

    func testStar() {
        assertMatches("*", ["a", "anything at all", "*"], [])
        assertMatches("h*o", ["ho", "hello", "h--o"], ["hell", "oh"])
        assertMatches("*llo", ["hello", "llo"], ["hell"])
        assertMatches("he*", ["he", "hello"], ["h"])
        assertMatches("a**b***c", ["abc", "a--b--c"], ["ab"])
        assertMatches("*a*b*", ["ab", "xaybz"], ["ba", "b"])
    }

    /// The loop runs while both sides have characters, so `*` never matches the empty string.
    func testEmptyStringMatchesOnlyAnEmptyPattern() {
        XCTAssertTrue(match("", ""))
        XCTAssertFalse(match("*", ""))
        XCTAssertFalse(match("**", ""))
        XCTAssertFalse(match("?", ""))
        XCTAssertFalse(match("", "a"))
    }

    func testQuestionMark() {
        assertMatches("h?llo", ["hello", "hallo", "h llo"], ["hllo", "heello"])
        assertMatches("???", ["abc"], ["ab", "abcd"])
    }

    func testCharacterClasses() {
        assertMatches("h[ae]llo", ["hello", "hallo"], ["hillo", "hllo"])
        assertMatches("h[^e]llo", ["hallo", "hbllo"], ["hello"])
        assertMatches("h[a-c]llo", ["hallo", "hbllo", "hcllo"], ["hdllo", "hAllo"])
        assertMatches("[c-a]", ["a", "b", "c"], ["d"])
        assertMatches("[^a-c]x", ["dx", "zx"], ["ax", "cx"])
        // `a-]` is read as the range a…] and the class then runs to the pattern end.
        assertMatches("[a-]", ["a", "_"], ["-", "b"])
    }

    func testEscapes() {
        assertMatches("a\\*b", ["a*b"], ["axb", "a\\*b"])
        assertMatches("\\?", ["?"], ["a"])
        assertMatches("[\\]]", ["]"], ["\\"])
        assertMatches("[\\^a]", ["^", "a"], ["b"])
        assertMatches("a\\", ["a\\"], ["a"])
    }

    func testUnterminatedClassEndsAtThePatternEnd() {
        assertMatches("[abc", ["a", "c"], ["d", "ab", ""])
        assertMatches("x[a-c", ["xa", "xc"], ["x", "xd", "xab"])
    }

    func testCaseInsensitiveMode() {
        XCTAssertTrue(match("HeLLo", "hello", nocase: true))
        XCTAssertTrue(match("h[A-C]llo", "hbllo", nocase: true))
        XCTAssertTrue(match("h[E]llo", "hello", nocase: true))
        XCTAssertTrue(match("MAXMEMORY*", "maxmemory-policy", nocase: true))
        XCTAssertFalse(match("h[^E]llo", "hello", nocase: true))
        XCTAssertFalse(match("HeLLo", "hello"))
    }

    /// In stringmatchlen an escaped character outside a class falls through to the
    /// ordinary comparison, which honours nocase.
    func testEscapedLetterFollowsCaseInsensitiveMode() {
        XCTAssertTrue(match("\\Hello", "hello", nocase: true))
        XCTAssertFalse(match("\\Hello", "hello"))
    }

    func testBinarySafe() {
        XCTAssertTrue(Glob.matches([0x00, UInt8(ascii: "*")], [0x00, 0xff, 0x01]))
        XCTAssertFalse(Glob.matches([0x00, UInt8(ascii: "?")], [0x01, 0xff]))
        XCTAssertTrue(Glob.matches(Bytes([0x00, UInt8(ascii: "*")]), Bytes([0x00, 0xff, 0x01])))
        XCTAssertFalse(Glob.matches(Bytes([0x00, UInt8(ascii: "?")]), Bytes([0x01, 0xff])))
    }

    /// A backtracking matcher would take about C(60, 30) steps here and never
    /// finish (the run would hang, not pass); no clock is read, so a loaded
    /// machine cannot fail it.
    func testPathologicalPatternFinishes() {
        let pattern = String(repeating: "a*", count: 30) + "b"
        let string = String(repeating: "a", count: 60)
        XCTAssertFalse(match(pattern, string))
        XCTAssertTrue(match(pattern, string + "b"))
    }
}
