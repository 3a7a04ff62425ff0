import XCTest
@testable import RESP
import SwirlBytes

/// Printing numbers the way Redis 7.0 prints them.
final class ByteNumbersFormatTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: - appendDecimal

    func testDecimals() {
        let cases: [(Int64, String)] = [
            (0, "0"), (9, "9"), (10, "10"), (-1, "-1"), (-10, "-10"), (1_000_000, "1000000"),
            (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(text(ByteNumbers.decimal(value).array), expected)
        }
    }

    func testAppendDecimalKeepsWhatIsAlreadyThere() {
        var out = Array(":".utf8)
        ByteNumbers.appendDecimal(-305, to: &out)
        ByteNumbers.appendDecimal(7, to: &out)
        XCTAssertEqual(text(out), ":-3057")
    }

    func testDecimalRoundTripsThroughParse() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = Int64.random(in: Int64.min...Int64.max, using: &generator) >> Int64.random(in: 0...62)
            XCTAssertEqual(ByteNumbers.parseInt64(ByteNumbers.decimal(value)), value)
        }
    }

    // MARK: - formatDouble (%.17g)

    func testDoublesUseSeventeenSignificantDigits() {
        let cases: [(Double, String)] = [
            (1.5, "1.5"), (3, "3"), (-2, "-2"), (0, "0"), (0.1, "0.10000000000000001"),
            (1e20, "1e+20"), (1.0 / 3.0, "0.33333333333333331"), (123456789012345680, "1.2345678901234568e+17"),
            (1e-5, "1.0000000000000001e-05"), (-0.0, "-0"),
            // Whole numbers below 2^53 take a shortcut that must print what %.17g prints.
            (9_007_199_254_740_991, "9007199254740991"), (-9_007_199_254_740_991, "-9007199254740991"),
            (9_007_199_254_740_992, "9007199254740992"), (1e16, "10000000000000000"), (1e17, "1e+17"),
            (-1, "-1"), (1e15 + 0.5, "1000000000000000.5"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(text(ByteNumbers.formatDouble(value)), expected, "\(value)")
        }
    }

    func testInfinityIsSpelledLikeRedis() {
        XCTAssertEqual(text(ByteNumbers.formatDouble(.infinity)), "inf")
        XCTAssertEqual(text(ByteNumbers.formatDouble(-.infinity)), "-inf")
    }

    // MARK: - formatLongDouble (INCRBYFLOAT's human form)

    private func human(_ value: Float80) -> String { text(ByteNumbers.formatLongDouble(value)) }

    func testSumsPrintWithoutBinaryNoise() {
        XCTAssertEqual(human(Float80(10.5) + 0.1), "10.6")
        XCTAssertEqual(human(ByteNumbers.parseLongDouble(Array("10.5".utf8))! + ByteNumbers.parseLongDouble(Array("0.1".utf8))!), "10.6")
        XCTAssertEqual(human(0.1 + 0.2), "0.3")
    }

    func testTrailingZerosAndPointAreDropped() {
        XCTAssertEqual(human(3000), "3000")
        XCTAssertEqual(human(ByteNumbers.parseLongDouble(Array("3.0e3".utf8))!), "3000")
        XCTAssertEqual(human(1.5), "1.5")
        XCTAssertEqual(human(-0.5), "-0.5")
        XCTAssertEqual(human(1e20), "100000000000000000000")
    }

    func testNegativeZeroPrintsAsZero() {
        XCTAssertEqual(human(-0.0), "0")
        XCTAssertEqual(human(Float80(5) - 5), "0")
    }

    func testTinyValuesRoundToZeroAtSeventeenDecimals() {
        XCTAssertEqual(human(1e-20), "0")
        XCTAssertEqual(human(-1e-20), "0")
        XCTAssertEqual(human(1e-17), "0.00000000000000001")
    }

    func testInfinityAndHugeValues() {
        XCTAssertEqual(human(.infinity), "inf")
        XCTAssertEqual(human(-.infinity), "-inf")
        // What Redis replies to SET f 1e308 then INCRBYFLOAT f 1e308 (long double keeps it finite).
        let sum = ByteNumbers.parseLongDouble(Array("1e308".utf8))! * 2
        XCTAssertEqual(human(sum), "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096")
    }
}
