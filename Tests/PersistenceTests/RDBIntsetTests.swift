import XCTest
@testable import Persistence
import SwirlBytes

/// The intset blob of Redis's RDB (type 11).
final class RDBIntsetTests: XCTestCase {
    private func blob(width: UInt32, _ values: [Int64]) -> [UInt8] {
        func le(_ value: UInt64, _ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
        return le(UInt64(width), 4) + le(UInt64(values.count), 4)
            + values.flatMap { le(UInt64(bitPattern: $0), Int(width)) }
    }

    func testAllWidths() throws {
        XCTAssertEqual(try RDBReader.intsetMembers(blob(width: 2, [-2, 1, 300])).map(\.description), ["-2", "1", "300"])
        XCTAssertEqual(try RDBReader.intsetMembers(blob(width: 4, [-70000, 70000])).map(\.description), ["-70000", "70000"])
        XCTAssertEqual(try RDBReader.intsetMembers(blob(width: 8, [Int64.min, Int64.max])).map(\.description),
                       ["\(Int64.min)", "\(Int64.max)"])
        XCTAssertEqual(try RDBReader.intsetMembers(blob(width: 2, [])), [])
    }

    func testMalformedIntsetsAreRefused() {
        XCTAssertThrowsError(try RDBReader.intsetMembers([2, 0, 0]))
        XCTAssertThrowsError(try RDBReader.intsetMembers(blob(width: 3, [1])))
        XCTAssertThrowsError(try RDBReader.intsetMembers(Array(blob(width: 4, [1, 2]).dropLast())))
    }
}
