import XCTest
@testable import Commands

/// INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT.
final class CounterCommandTests: CommandTestCase {
    func testIntegerCounters() {
        XCTAssertEqual(run("INCR", "n"), int(1), "a missing key counts from 0")
        XCTAssertEqual(run("INCR", "n"), int(2))
        XCTAssertEqual(run("DECR", "n"), int(1))
        XCTAssertEqual(run("INCRBY", "n", "-5"), int(-4))
        XCTAssertEqual(run("DECRBY", "n", "3"), int(-7))
        XCTAssertEqual(run("DECR", "fresh"), int(-1))
        XCTAssertEqual(run("GET", "n"), bulk("-7"))
    }

    func testCountersKeepTheTTL() {
        run("SET", "n", "10", "EX", "100")
        run("INCR", "n")
        run("INCRBYFLOAT", "n", "1.5")
        XCTAssertEqual(run("TTL", "n"), int(100))
        XCTAssertEqual(run("GET", "n"), bulk("12.5"))
    }

    func testStoredValueMustBeACanonicalInteger() {
        for value in [" 1", "1 ", "01", "+1", "1.0", "abc", "", "9223372036854775808"] {
            run("SET", "n", value)
            XCTAssertEqual(run("INCR", "n"), notInteger, value.debugDescription)
        }
    }

    func testIncrementArgumentMustBeAnInteger() {
        XCTAssertEqual(run("INCRBY", "n", "abc"), notInteger)
        XCTAssertEqual(run("INCRBY", "n", "1.5"), notInteger)
        XCTAssertEqual(run("DECRBY", "n", ""), notInteger)
        XCTAssertEqual(run("EXISTS", "n"), int(0))
    }

    func testOverflow() {
        let overflow = error("ERR increment or decrement would overflow")
        run("SET", "n", "9223372036854775807")
        XCTAssertEqual(run("INCR", "n"), overflow)
        XCTAssertEqual(run("INCRBY", "n", "1"), overflow)
        XCTAssertEqual(run("GET", "n"), bulk("9223372036854775807"))
        run("SET", "n", "-9223372036854775808")
        XCTAssertEqual(run("DECR", "n"), overflow)
        XCTAssertEqual(run("DECRBY", "n", "1"), overflow)
        XCTAssertEqual(run("INCRBY", "n", "-1"), overflow)
        run("SET", "n", "0")
        XCTAssertEqual(run("DECRBY", "n", "-9223372036854775808"), error("ERR decrement would overflow"))
        XCTAssertEqual(run("INCRBY", "n", "-9223372036854775808"), int(Int64.min))
    }

    func testCountersOnAHashAreWrongType() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("INCR", "h"), wrongType)
        XCTAssertEqual(run("DECRBY", "h", "1"), wrongType)
        XCTAssertEqual(run("INCRBYFLOAT", "h", "1"), wrongType)
    }

    // MARK: - INCRBYFLOAT

    func testIncrByFloatPrintsTheHumanForm() {
        run("SET", "f", "10.5")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "0.1"), bulk("10.6"))
        run("SET", "f", "3.0e3")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "0"), bulk("3000"))
        XCTAssertEqual(run("GET", "f"), bulk("3000"))
        run("SET", "f", "5")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "-5"), bulk("0"))
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1e-20"), bulk("0"))
        XCTAssertEqual(run("INCRBYFLOAT", "new", "1.5"), bulk("1.5"))
        XCTAssertEqual(run("INCRBYFLOAT", "new", "-0.0"), bulk("1.5"))
        run("SET", "f", "1")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1e20"), bulk("100000000000000000000"))
    }

    func testIncrByFloatAcceptsWhatStrtoldAccepts() {
        run("SET", "f", "0x10")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1"), bulk("17"))
        run("SET", "f", "1.5")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "+1"), bulk("2.5"))
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1.e1"), bulk("12.5"))
    }

    func testIncrByFloatUsesLongDoublePrecision() {
        run("SET", "f", "1e308")
        let expected = "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096"
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1e308"), bulk(expected))
    }

    func testIncrByFloatErrors() {
        let notFloat = error("ERR value is not a valid float")
        run("SET", "f", "1.5")
        XCTAssertEqual(run("INCRBYFLOAT", "f", "abc"), notFloat)
        XCTAssertEqual(run("INCRBYFLOAT", "f", "nan"), notFloat)
        XCTAssertEqual(run("INCRBYFLOAT", "f", " 1"), notFloat)
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1 "), notFloat)
        XCTAssertEqual(run("INCRBYFLOAT", "f", "1e5000"), notFloat)
        XCTAssertEqual(run("INCRBYFLOAT", "f", "inf"), error("ERR increment would produce NaN or Infinity"))
        XCTAssertEqual(run("INCRBYFLOAT", "f", "-inf"), error("ERR increment would produce NaN or Infinity"))
        XCTAssertEqual(run("GET", "f"), bulk("1.5"))
        run("SET", "s", "abc")
        XCTAssertEqual(run("INCRBYFLOAT", "s", "1"), notFloat)
        XCTAssertEqual(run("EXISTS", "never"), int(0))
        XCTAssertEqual(run("INCRBYFLOAT", "never", "inf"), error("ERR increment would produce NaN or Infinity"))
        XCTAssertEqual(run("EXISTS", "never"), int(0))
    }

    /// Redis reads the increment with string2ld, which accepts up to 5119 characters.
    func testIncrByFloatAcceptsLongIncrementText() {
        let longOne = "1." + String(repeating: "0", count: 5_117)
        XCTAssertEqual(run("INCRBYFLOAT", "f", longOne), bulk("1"))
        XCTAssertEqual(run("INCRBYFLOAT", "f", longOne + "0"), error("ERR value is not a valid float"))
    }
}
