import XCTest
@testable import RESP
import SwirlBytes

/// Parsing numbers from bytes with Redis's strictness (string2ll, string2d, string2ld).
final class ByteNumbersParseTests: XCTestCase {
    /// Parses through the `Bytes` overload (what handlers call on arguments), checking
    /// that the generic collection overload agrees.
    private func int(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Int64? {
        let result = ByteNumbers.parseInt64(Bytes(text))
        XCTAssertEqual(ByteNumbers.parseInt64(Array(text.utf8)), result,
                       "[UInt8] and Bytes overloads disagree on \(text.debugDescription)", file: file, line: line)
        return result
    }
    private func double(_ text: String) -> Double? { ByteNumbers.parseDouble(Array(text.utf8)) }
    private func longDouble(_ text: String) -> Float80? { ByteNumbers.parseLongDouble(Array(text.utf8)) }

    // MARK: - parseInt64

    func testCanonicalIntegers() {
        XCTAssertEqual(int("0"), 0)
        XCTAssertEqual(int("7"), 7)
        XCTAssertEqual(int("-7"), -7)
        XCTAssertEqual(int("1234567890"), 1_234_567_890)
    }

    func testInt64Extremes() {
        XCTAssertEqual(int("9223372036854775807"), Int64.max)
        XCTAssertEqual(int("-9223372036854775808"), Int64.min)
    }

    func testOverflowIsRefused() {
        XCTAssertNil(int("9223372036854775808"))
        XCTAssertNil(int("-9223372036854775809"))
        XCTAssertNil(int("18446744073709551616"))
        XCTAssertNil(int("99999999999999999999"))
        XCTAssertNil(int("123456789012345678901234"))
    }

    func testNonCanonicalFormsAreRefused() {
        for text in ["", "-", "+1", " 1", "1 ", "01", "00", "-0", "-01", "1.0", "1e3", "0x10", "1_000", "--1", "１"] {
            XCTAssertNil(int(text), text.debugDescription)
        }
    }

    func testParsesSlicesAndOtherCollections() {
        let line = Array("*123\r\n".utf8)
        XCTAssertEqual(ByteNumbers.parseInt64(line[1..<4]), 123)
        XCTAssertEqual(ByteNumbers.parseInt(Array("-42".utf8)), -42)
    }

    // MARK: - parseDouble

    func testDoubles() {
        XCTAssertEqual(double("1.5"), 1.5)
        XCTAssertEqual(double("-0.25"), -0.25)
        XCTAssertEqual(double("10"), 10)
        XCTAssertEqual(double("3.0e3"), 3000)
        XCTAssertEqual(double("+2"), 2, "strtod accepts a sign")
        XCTAssertEqual(double(".5"), 0.5)
        XCTAssertEqual(double("0x10"), 16, "strtod reads hex, and so does Redis")
    }

    func testIntegersTakeAShortcutWithStrtodsAnswers() {
        XCTAssertEqual(double("-0")?.sign, .minus, "-0 is not a canonical integer: strtod keeps its sign")
        XCTAssertEqual(double("007"), 7)
        XCTAssertEqual(double("999999999999999"), 999_999_999_999_999)
        XCTAssertEqual(double("-123456789012345"), -123_456_789_012_345)
        XCTAssertEqual(double("12345678901234567890"), 1.2345678901234567e19, "too long for the shortcut")
    }

    func testInfinityIsAcceptedNaNIsNot() {
        XCTAssertEqual(double("inf"), .infinity)
        XCTAssertEqual(double("-inf"), -.infinity)
        XCTAssertEqual(double("+inf"), .infinity)
        XCTAssertEqual(double("Infinity"), .infinity)
        XCTAssertNil(double("nan"))
        XCTAssertNil(double("-nan"))
        XCTAssertNil(double("NaN"))
    }

    func testDoubleWhitespaceAndGarbageAreRefused() {
        for text in ["", " 1", "\t1", "1 ", "1.5x", "abc", "1..2", "\n1"] {
            XCTAssertNil(double(text), text.debugDescription)
        }
        XCTAssertNil(ByteNumbers.parseDouble([UInt8(ascii: "1"), 0, UInt8(ascii: "2")]), "embedded NUL")
    }

    func testDoubleOverflowAndUnderflowToZeroAreRefused() {
        XCTAssertNil(double("1e400"))
        XCTAssertNil(double("-1e400"))
        XCTAssertNil(double("1e-400"))
        XCTAssertEqual(double("1e-310")?.isSubnormal, true, "a denormal result is kept")
    }

    /// Redis's string2d has no length limit (ZADD accepts a 20,000-character score).
    func testDoubleTextHasNoLengthLimit() {
        XCTAssertEqual(double("1." + String(repeating: "0", count: 5_998)), 1)
        XCTAssertEqual(double("1." + String(repeating: "0", count: 19_998)), 1)
    }

    // MARK: - parseLongDouble

    func testLongDoubles() {
        XCTAssertEqual(longDouble("10.5"), 10.5)
        XCTAssertEqual(longDouble("-3.0e3"), -3000)
        XCTAssertEqual(longDouble("inf"), .infinity)
        XCTAssertEqual(longDouble("0x10"), 16)
        XCTAssertEqual(longDouble("1e309")?.isFinite, true, "long double range is wider than double's")
    }

    func testLongDoubleRefusals() {
        for text in ["", " 1", "1 ", "nan", "abc", "1e5000", "1e-5000"] {
            XCTAssertNil(longDouble(text), text.debugDescription)
        }
    }

    /// string2ld refuses 5 KB (MAX_LONG_DOUBLE_CHARS) or more; INCRBYFLOAT takes 5119 characters.
    func testLongDoubleLengthLimitIsFiveKilobytes() {
        XCTAssertEqual(longDouble("1." + String(repeating: "0", count: 4_998)), 1, "5000 characters")
        XCTAssertEqual(longDouble("1." + String(repeating: "0", count: 5_117)), 1, "5119 characters")
        XCTAssertNil(longDouble("1." + String(repeating: "0", count: 5_118)), "5120 characters")
    }
}
