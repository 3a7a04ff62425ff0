import XCTest
@testable import Commands

/// HRANDFIELD's reply shapes in RESP2 and RESP3, and HSCAN.
final class HashRandomAndScanTests: CommandTestCase {
    func testSingleFieldForms() {
        run("HSET", "one", "f", "v")
        XCTAssertEqual(run("HRANDFIELD", "one"), bulk("f"))
        XCTAssertEqual(run("HRANDFIELD", "one", "1"), "*1\r\n\(bulk("f"))")
        XCTAssertEqual(run("HRANDFIELD", "one", "3"), "*1\r\n\(bulk("f"))", "positive counts never repeat")
        XCTAssertEqual(run("HRANDFIELD", "one", "-3"), "*3\r\n" + String(repeating: bulk("f"), count: 3))
        XCTAssertEqual(run("HRANDFIELD", "one", "2", "WITHVALUES"), "*2\r\n\(bulk("f"))\(bulk("v"))")
        XCTAssertEqual(run("HRANDFIELD", "one", "-2", "WITHVALUES"), "*4\r\n" + String(repeating: bulk("f") + bulk("v"), count: 2))
    }

    func testWithValuesIsPairsInRESP3() {
        run("HSET", "one", "f", "v")
        run("HELLO", "3")
        let pair = "*2\r\n\(bulk("f"))\(bulk("v"))"
        XCTAssertEqual(run("HRANDFIELD", "one", "2", "WITHVALUES"), "*1\r\n" + pair)
        XCTAssertEqual(run("HRANDFIELD", "one", "-2", "WITHVALUES"), "*2\r\n" + pair + pair)
        XCTAssertEqual(run("HRANDFIELD", "one", "1"), "*1\r\n\(bulk("f"))")
        XCTAssertEqual(run("HRANDFIELD", "nope"), "_\r\n")
        XCTAssertEqual(run("HRANDFIELD", "nope", "3"), "*0\r\n")
    }

    func testMissingKeyAndZeroCount() {
        XCTAssertEqual(run("HRANDFIELD", "nope"), null)
        XCTAssertEqual(run("HRANDFIELD", "nope", "5"), "*0\r\n")
        XCTAssertEqual(run("HRANDFIELD", "nope", "5", "WITHVALUES"), "*0\r\n")
        run("HSET", "h", "a", "1")
        XCTAssertEqual(run("HRANDFIELD", "h", "0"), "*0\r\n")
    }

    func testPositiveCountReturnsDistinctFieldsUpToTheSize() {
        for n in 0..<10 { run("HSET", "h", "f\(n)", "v\(n)") }
        for count in [1, 5, 9, 10, 50] {
            let fields = bulkArray(run("HRANDFIELD", "h", "\(count)"))?.compactMap { $0 } ?? []
            XCTAssertEqual(fields.count, min(count, 10), "count \(count)")
            XCTAssertEqual(Set(fields).count, fields.count, "count \(count): no repeats")
            XCTAssertTrue(fields.allSatisfy { $0.hasPrefix("f") })
        }
        let pairs = bulkArray(run("HRANDFIELD", "h", "4", "WITHVALUES"))?.compactMap { $0 } ?? []
        XCTAssertEqual(pairs.count, 8)
        for index in stride(from: 0, to: pairs.count, by: 2) {
            XCTAssertEqual("v" + pairs[index].dropFirst(), pairs[index + 1])
        }
    }

    func testNegativeCountMayRepeat() {
        for n in 0..<3 { run("HSET", "h", "f\(n)", "v\(n)") }
        let fields = bulkArray(run("HRANDFIELD", "h", "-100"))?.compactMap { $0 } ?? []
        XCTAssertEqual(fields.count, 100)
        XCTAssertEqual(Set(fields), ["f0", "f1", "f2"])
    }

    func testLargeHashRandomFields() {
        for n in 0..<300 { run("HSET", "big", "f\(n)", "v") }
        let fields = bulkArray(run("HRANDFIELD", "big", "200"))?.compactMap { $0 } ?? []
        XCTAssertEqual(Set(fields).count, 200)
    }

    func testErrors() {
        run("HSET", "h", "a", "1")
        XCTAssertEqual(run("HRANDFIELD", "h", "1", "foo"), syntaxError)
        XCTAssertEqual(run("HRANDFIELD", "h", "1", "WITHVALUES", "x"), syntaxError)
        XCTAssertEqual(run("HRANDFIELD", "h", "x"), notInteger)
        let range = error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
        XCTAssertEqual(run("HRANDFIELD", "h", "-9223372036854775808"), range)
        XCTAssertEqual(run("HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"), range)
        XCTAssertEqual(run("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"), error("ERR value is out of range"))
        XCTAssertEqual(run("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"), error("ERR value is out of range"))
    }

    // MARK: - HSCAN

    func testSmallHashScansInOneCallInOrder() {
        run("HSET", "h", "n", "1", "s", "abc", "fl", "10.6")
        XCTAssertEqual(run("HSCAN", "h", "0"),
                       "*2\r\n$1\r\n0\r\n*6\r\n\(bulk("n"))\(bulk("1"))\(bulk("s"))\(bulk("abc"))\(bulk("fl"))\(bulk("10.6"))")
        XCTAssertEqual(run("HSCAN", "h", "0", "MATCH", "f*"), "*2\r\n$1\r\n0\r\n*2\r\n\(bulk("fl"))\(bulk("10.6"))")
        XCTAssertEqual(run("HSCAN", "h", "0", "COUNT", "1"), run("HSCAN", "h", "0"), "COUNT is a hint a small hash ignores")
    }

    func testMissingKeyScansEmpty() {
        XCTAssertEqual(run("HSCAN", "nope", "0"), "*2\r\n$1\r\n0\r\n*0\r\n")
    }

    func testLargeHashScanVisitsEveryField() {
        for n in 0..<600 { run("HSET", "big", "f\(n)", "v\(n)") }
        var seen: [String: String] = [:]
        var cursor = "0"
        var calls = 0
        repeat {
            var reader = ReplyReader(Array(run("HSCAN", "big", cursor, "COUNT", "20").utf8))
            guard let (next, elements) = reader.readScan() else { return XCTFail("malformed HSCAN reply") }
            XCTAssertEqual(elements.count % 2, 0)
            for index in stride(from: 0, to: elements.count, by: 2) { seen[elements[index]] = elements[index + 1] }
            cursor = next
            calls += 1
        } while cursor != "0" && calls < 10_000
        XCTAssertGreaterThan(calls, 1, "a large hash is scanned in steps")
        XCTAssertEqual(seen.count, 600)
        XCTAssertEqual(seen["f123"], "v123")
    }

    func testOptionErrors() {
        run("HSET", "h", "a", "1")
        XCTAssertEqual(run("HSCAN", "h", "0", "COUNT", "0"), syntaxError)
        XCTAssertEqual(run("HSCAN", "h", "0", "COUNT"), syntaxError)
        XCTAssertEqual(run("HSCAN", "h", "0", "TYPE", "string"), syntaxError)
        XCTAssertEqual(run("HSCAN", "h", "0", "COUNT", "x"), notInteger)
        XCTAssertEqual(run("HSCAN", "h", "x"), error("ERR invalid cursor"))
    }
}
