import XCTest
@testable import Keyspace

/// SortedIDMap against a sorted array doing the same inserts and removals,
/// enough of them that chunks split and empty many times.
final class SortedIDMapTests: XCTestCase {
    func testRandomInsertsAndRemovalsMatchASortedArray() {
        var random = StreamRandom(seed: 7)
        var map = SortedIDMap<Int>()
        var model: [StreamID: Int] = [:]
        for step in 0..<20_000 {
            let id = StreamID(ms: UInt64(random.next(3000)), seq: UInt64(random.next(3)))
            if random.next(3) == 0 {
                XCTAssertEqual(map.remove(id), model.removeValue(forKey: id))
            } else {
                XCTAssertEqual(map.insert(id, step), model[id] == nil)
                model[id] = step
            }
            if step % 997 == 0 {
                let sorted = model.keys.sorted()
                XCTAssertEqual(map.entries.map { $0.id }, sorted)
                XCTAssertEqual(map.count, model.count)
                XCTAssertEqual(map.first?.id, sorted.first)
                XCTAssertEqual(map.last?.id, sorted.last)
                let from = StreamID(ms: 1500, seq: 1)
                var seen: [StreamID] = []
                map.forEach(from: from) { id, _ in
                    seen.append(id)
                    return seen.count < 50
                }
                XCTAssertEqual(seen, Array(sorted.filter { $0 >= from }.prefix(50)))
            }
        }
        for (id, value) in model { XCTAssertEqual(map[id], value) }
    }
}
