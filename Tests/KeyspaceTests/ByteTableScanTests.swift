import XCTest
@testable import Keyspace
import SwirlBytes

/// SCAN's guarantee (Redis dict.c): an element present in the table for the
/// whole iteration is returned at least once, even when the table grows or
/// shrinks between two scan calls.
final class ByteTableScanTests: XCTestCase {
    private func key(_ prefix: String, _ n: Int) -> Bytes { Bytes("\(prefix):\(n)") }

    /// Runs a full scan, calling `between` after every step; returns every key visited.
    private func fullScan(_ table: inout ByteTable<Int>, between: (inout ByteTable<Int>, Int) -> Void) -> [Bytes] {
        var visited: [Bytes] = []
        var cursor: UInt64 = 0
        var step = 0
        repeat {
            cursor = table.scan(cursor: cursor) { [table] position in visited.append(table.key(at: position)) }
            between(&table, step)
            step += 1
        } while cursor != 0 && step < 100_000
        XCTAssertEqual(cursor, 0, "scan did not finish in 100,000 steps")
        return visited
    }

    func testScanOfAnEmptyTableEndsAtOnce() {
        let table = ByteTable<Int>()
        var visits = 0
        XCTAssertEqual(table.scan(cursor: 0) { _ in visits += 1 }, 0)
        XCTAssertEqual(visits, 0)
    }

    func testUnchangedTableVisitsEveryElementExactlyOnce() {
        for size in [1, 2, 3, 7, 100, 1_000] {
            var table = ByteTable<Int>()
            for n in 0..<size { table.set(key("k", n), n) }
            let visited = fullScan(&table) { _, _ in }
            XCTAssertEqual(visited.count, size, "size \(size)")
            XCTAssertEqual(Set(visited), Set((0..<size).map { key("k", $0) }), "size \(size)")
        }
    }

    func testStableElementsAreVisitedWhileTheTableGrows() {
        var table = ByteTable<Int>()
        let stable = (0..<200).map { key("stable", $0) }
        for (n, k) in stable.enumerated() { table.set(k, n) }
        let initialBuckets = table.bucketCount
        var added = 0
        let visited = fullScan(&table) { table, _ in
            for _ in 0..<40 where added < 4_000 {
                table.set(key("grow", added), added)
                added += 1
            }
        }
        XCTAssertGreaterThan(table.bucketCount, initialBuckets * 4, "the table really grew during the scan")
        let missing = Set(stable).subtracting(visited)
        XCTAssertTrue(missing.isEmpty, "\(missing.count) stable keys never returned")
    }

    func testStableElementsAreVisitedWhileTheTableShrinks() {
        var table = ByteTable<Int>()
        let stable = (0..<50).map { key("stable", $0) }
        for (n, k) in stable.enumerated() { table.set(k, n) }
        let churn = (0..<4_000).map { key("churn", $0) }
        for (n, k) in churn.enumerated() { table.set(k, n) }
        let initialBuckets = table.bucketCount
        var removed = 0
        let visited = fullScan(&table) { table, _ in
            for _ in 0..<400 where removed < churn.count {
                table.remove(churn[removed])
                removed += 1
            }
        }
        XCTAssertLessThan(table.bucketCount, initialBuckets / 8, "the table really shrank during the scan")
        let missing = Set(stable).subtracting(visited)
        XCTAssertTrue(missing.isEmpty, "\(missing.count) stable keys never returned")
    }

    func testStableElementsAreVisitedWhileTheTableGrowsAndShrinksAtRandom() {
        for seed in UInt64(1)...UInt64(12) {
            var generator = SplitMix(seed: seed)
            var table = ByteTable<Int>()
            let stable = (0..<100).map { key("stable", $0) }
            for (n, k) in stable.enumerated() { table.set(k, n) }
            var churn: [Bytes] = []
            var next = 0
            var sizes = Set<Int>()
            let visited = fullScan(&table) { table, _ in
                // Swing between bursts of inserts (up to 3,000 extra keys) and bursts of removals,
                // so resizes go both ways.
                let burst = Int(generator.next() % 600)
                if generator.next() % 2 == 0 {
                    for _ in 0..<min(burst, 3_000 - churn.count) {
                        let k = key("churn", next)
                        next += 1
                        table.set(k, next)
                        churn.append(k)
                    }
                } else {
                    for _ in 0..<min(burst, churn.count) {
                        let index = Int(generator.next() % UInt64(churn.count))
                        table.remove(churn[index])
                        churn.swapAt(index, churn.count - 1)
                        churn.removeLast()
                    }
                }
                sizes.insert(table.bucketCount)
            }
            let missing = Set(stable).subtracting(visited)
            XCTAssertTrue(missing.isEmpty, "seed \(seed): \(missing.count) stable keys never returned")
            XCTAssertGreaterThan(sizes.count, 1, "seed \(seed): the table never resized")
        }
    }

    func testCursorVisitsBucketsInReverseBinaryOrder() {
        var table = ByteTable<Int>()
        for n in 0..<6 { table.set(key("k", n), n) }
        XCTAssertEqual(table.bucketCount, 8)
        var cursors: [UInt64] = []
        var cursor: UInt64 = 0
        repeat {
            cursor = table.scan(cursor: cursor) { _ in }
            cursors.append(cursor)
        } while cursor != 0
        XCTAssertEqual(cursors, [4, 2, 6, 1, 5, 3, 7, 0])
    }
}
