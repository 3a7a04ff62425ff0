import XCTest
@testable import Keyspace
import SwirlBytes

/// Small hashes keep insertion order (like Redis's listpack); past the
/// thresholds they convert to a table.
final class HashValueTests: XCTestCase {
    private var savedEntries = 0
    private var savedValueLength = 0

    override func setUp() {
        super.setUp()
        savedEntries = HashValue.maxCompactEntries
        savedValueLength = HashValue.maxCompactValueLength
        HashValue.maxCompactEntries = 128
        HashValue.maxCompactValueLength = 64
    }

    override func tearDown() {
        HashValue.maxCompactEntries = savedEntries
        HashValue.maxCompactValueLength = savedValueLength
        super.tearDown()
    }

    private func b(_ text: String) -> Bytes { Bytes(text) }

    private func pairs(_ hash: HashValue) -> [String] {
        var out: [String] = []
        hash.forEach { field, value in out.append("\(String(decoding: field, as: UTF8.self))=\(String(decoding: value, as: UTF8.self))") }
        return out
    }

    func testCompactHashKeepsInsertionOrderAndUpdatesInPlace() {
        let hash = HashValue()
        XCTAssertTrue(hash.set(b("c"), b("1")))
        XCTAssertTrue(hash.set(b("a"), b("2")))
        XCTAssertTrue(hash.set(b("b"), b("3")))
        XCTAssertFalse(hash.set(b("a"), b("updated")))
        XCTAssertTrue(hash.isCompact)
        XCTAssertEqual(hash.count, 3)
        XCTAssertEqual(pairs(hash), ["c=1", "a=updated", "b=3"])
        XCTAssertEqual(hash.get(b("a")), b("updated"))
        XCTAssertNil(hash.get(b("zz")))
    }

    func testRemoveKeepsTheOrderOfTheRest() {
        let hash = HashValue()
        for field in ["a", "b", "c", "d"] { hash.set(b(field), b(field)) }
        XCTAssertTrue(hash.remove(b("b")))
        XCTAssertFalse(hash.remove(b("b")))
        XCTAssertEqual(pairs(hash), ["a=a", "c=c", "d=d"])
        XCTAssertEqual(hash.count, 3)
    }

    func testConvertsPastTheEntryThreshold() {
        let hash = HashValue()
        for n in 0..<128 { hash.set(b("f\(n)"), b("\(n)")) }
        XCTAssertTrue(hash.isCompact, "128 entries still fit")
        hash.set(b("f128"), b("128"))
        XCTAssertFalse(hash.isCompact)
        XCTAssertEqual(hash.count, 129)
        for n in 0...128 { XCTAssertEqual(hash.get(b("f\(n)")), b("\(n)")) }
    }

    func testConvertsWhenAFieldOrValueIsTooLong() {
        let longValue = HashValue()
        longValue.set(b("f"), Bytes([UInt8](repeating: 0x61, count: 64)))
        XCTAssertTrue(longValue.isCompact, "64 bytes still fit")
        longValue.set(b("g"), Bytes([UInt8](repeating: 0x61, count: 65)))
        XCTAssertFalse(longValue.isCompact)
        XCTAssertEqual(longValue.get(b("f"))?.count, 64)

        let longField = HashValue()
        longField.set(Bytes([UInt8](repeating: 0x62, count: 65)), b("v"))
        XCTAssertFalse(longField.isCompact)

        let updated = HashValue()
        updated.set(b("f"), b("short"))
        updated.set(b("f"), Bytes([UInt8](repeating: 0x61, count: 100)))
        XCTAssertFalse(updated.isCompact, "an update past the limit converts too")
        XCTAssertEqual(updated.count, 1)
    }

    func testThresholdsFollowTheSettings() {
        HashValue.maxCompactEntries = 2
        let hash = HashValue()
        hash.set(b("a"), b("1"))
        hash.set(b("b"), b("2"))
        XCTAssertTrue(hash.isCompact)
        hash.set(b("c"), b("3"))
        XCTAssertFalse(hash.isCompact)
    }

    func testConvertedHashStaysConvertedAfterRemovals() {
        let hash = HashValue()
        for n in 0..<200 { hash.set(b("f\(n)"), b("v")) }
        for n in 0..<199 { XCTAssertTrue(hash.remove(b("f\(n)"))) }
        XCTAssertFalse(hash.isCompact)
        XCTAssertEqual(hash.count, 1)
        XCTAssertEqual(hash.get(b("f199")), b("v"))
        XCTAssertFalse(hash.remove(b("f0")))
    }

    func testPairAtCoversEveryPositionInBothForms() {
        for size in [5, 300] {
            let hash = HashValue()
            for n in 0..<size { hash.set(b("f\(n)"), b("v\(n)")) }
            var fields = Set<Bytes>()
            for position in 0..<hash.count {
                let (field, value) = hash.pair(at: position)
                XCTAssertEqual(hash.get(field), value)
                fields.insert(field)
            }
            XCTAssertEqual(fields.count, size)
        }
    }

    func testCompactScanReturnsEverythingAtCursorZero() {
        let hash = HashValue()
        for field in ["x", "y", "z"] { hash.set(b(field), b("1")) }
        var visited: [Bytes] = []
        let next = hash.scan(cursor: 0, count: 1) { field, _ in visited.append(field) }
        XCTAssertEqual(next, 0)
        XCTAssertEqual(visited, [b("x"), b("y"), b("z")])
    }

    func testLargeScanVisitsEveryFieldOnceAcrossCalls() {
        let hash = HashValue()
        for n in 0..<1_000 { hash.set(b("f\(n)"), b("v\(n)")) }
        var visited: [String: Int] = [:]
        var cursor: UInt64 = 0
        var calls = 0
        repeat {
            var batch = 0
            cursor = hash.scan(cursor: cursor, count: 10) { field, value in
                XCTAssertEqual(hash.get(field), value)
                visited[String(decoding: field, as: UTF8.self), default: 0] += 1
                batch += 1
            }
            calls += 1
            if cursor != 0 { XCTAssertGreaterThanOrEqual(batch, 10, "a step returns at least COUNT elements") }
        } while cursor != 0
        XCTAssertGreaterThan(calls, 10)
        XCTAssertEqual(visited.count, 1_000)
        XCTAssertTrue(visited.values.allSatisfy { $0 == 1 })
    }

    func testDuplicateIsIndependent() {
        for size in [3, 200] {
            let original = HashValue()
            for n in 0..<size { original.set(b("f\(n)"), b("v")) }
            let copy = original.duplicate()
            copy.set(b("f0"), b("changed"))
            copy.set(b("new"), b("x"))
            copy.remove(b("f1"))
            XCTAssertEqual(original.get(b("f0")), b("v"))
            XCTAssertNil(original.get(b("new")))
            XCTAssertEqual(original.get(b("f1")), b("v"))
            XCTAssertEqual(original.count, size)
        }
    }
}
