import XCTest
@testable import Keyspace
import SwirlBytes

/// The skiplist against a sorted array of (score, member), under random
/// inserts, removals, score updates and removals by rank, checking order,
/// ranks, nodes by rank, both directions of the links and partitions.
final class SkipListModelTests: XCTestCase {
    private struct Entry: Equatable {
        var score: Double
        var member: Bytes
    }

    private func sorted(_ model: [Entry]) -> [Entry] {
        model.sorted { SkipList.ordered($0.score, $0.member, $1.score, $1.member) }
    }

    private func contents(_ list: SkipList) -> [Entry] {
        var result: [Entry] = []
        list.forEach { result.append(Entry(score: $1, member: $0)) }
        return result
    }

    private func backwards(_ list: SkipList) -> [Entry] {
        var result: [Entry] = []
        var node = list.tail
        while node != 0 {
            result.append(Entry(score: list.scores[Int(node)], member: list.members[Int(node)]))
            node = list.previous(node)
        }
        return result
    }

    private func check(_ list: SkipList, _ model: [Entry], file: StaticString = #filePath, line: UInt = #line) {
        let expected = sorted(model)
        XCTAssertEqual(list.count, expected.count, file: file, line: line)
        XCTAssertEqual(contents(list), expected, file: file, line: line)
        XCTAssertEqual(backwards(list), expected.reversed(), file: file, line: line)
        for (rank, entry) in expected.enumerated() {
            XCTAssertEqual(list.rank(entry.score, entry.member), rank, file: file, line: line)
            let node = list.node(atRank: rank)
            XCTAssertEqual(list.members[Int(node)], entry.member, file: file, line: line)
        }
    }

    func testRandomOperationsMatchASortedArray() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            var list = SkipList()
            var model: [Entry] = []
            // Few distinct scores, so ties ordered by member are common.
            let scoreRange = round % 2 == 0 ? 0...5 : 0...1000
            for step in 0..<400 {
                let choice = Int.random(in: 0..<10, using: &generator)
                if choice < 5 || model.isEmpty {
                    let member = Bytes("m\(Int.random(in: 0..<300, using: &generator))")
                    guard !model.contains(where: { $0.member == member }) else { continue }
                    let score = Double(Int.random(in: scoreRange, using: &generator)) / 2
                    list.insert(score, member)
                    model.append(Entry(score: score, member: member))
                } else if choice < 7 {
                    let position = Int.random(in: 0..<model.count, using: &generator)
                    let entry = model.remove(at: position)
                    XCTAssertTrue(list.remove(entry.score, entry.member))
                    XCTAssertFalse(list.remove(entry.score, entry.member))
                } else if choice < 9 {
                    let position = Int.random(in: 0..<model.count, using: &generator)
                    let new = Double(Int.random(in: scoreRange, using: &generator)) / 2
                    list.update(model[position].member, from: model[position].score, to: new)
                    model[position].score = new
                } else {
                    let rank = Int.random(in: 0..<model.count, using: &generator)
                    var ordered = sorted(model)
                    let expected = ordered.remove(at: rank)
                    let removed = list.remove(atRank: rank)
                    XCTAssertEqual(removed.member, expected.member)
                    XCTAssertEqual(removed.score, expected.score)
                    model = ordered
                }
                if step % 50 == 0 { check(list, model) }
            }
            check(list, model)
            // Partition: how many entries score below each threshold.
            for threshold in stride(from: -1.0, through: 501, by: 7.5) {
                XCTAssertEqual(list.partition { score, _ in score < threshold },
                               model.filter { $0.score < threshold }.count)
                XCTAssertEqual(list.partition(byScore: { $0 < threshold }), model.filter { $0.score < threshold }.count)
            }
            // Walking level 0 from any rank, with the scores the links carry.
            let ordered = sorted(model)
            for start in stride(from: 0, to: ordered.count, by: 17) {
                var seen: [Entry] = []
                let window = min(25, ordered.count - start)
                list.forEach(from: list.node(atRank: start), count: window) { seen.append(Entry(score: $1, member: $0)) }
                XCTAssertEqual(seen, Array(ordered[start..<(start + window)]))
            }
        }
    }

    func testRemovedNodesAreReused() {
        var list = SkipList()
        for i in 0..<1000 { list.insert(Double(i), Bytes("m\(i)")) }
        let capacity = list.members.count
        for _ in 0..<5 {
            for i in 0..<1000 { list.remove(Double(i), Bytes("m\(i)")) }
            XCTAssertEqual(list.count, 0)
            XCTAssertEqual(list.tail, 0)
            for i in 0..<1000 { list.insert(Double(i), Bytes("m\(i)")) }
        }
        // Heights are random, so a few new slots may be needed, never a second list's worth.
        XCTAssertLessThan(list.members.count, capacity + 200)
        check(list, (0..<1000).map { Entry(score: Double($0), member: Bytes("m\($0)")) })
    }

    func testUpdateInPlaceAndAcrossNeighbours() {
        var list = SkipList()
        for (score, member) in [(1.0, "a"), (2.0, "b"), (3.0, "c")] { list.insert(score, Bytes(member)) }
        list.update(Bytes("b"), from: 2, to: 2.5)
        check(list, [Entry(score: 1, member: "a"), Entry(score: 2.5, member: "b"), Entry(score: 3, member: "c")])
        list.update(Bytes("b"), from: 2.5, to: 10)
        list.update(Bytes("c"), from: 3, to: -1)
        check(list, [Entry(score: 1, member: "a"), Entry(score: 10, member: "b"), Entry(score: -1, member: "c")])
        // Equal scores order by member, bytewise, shorter first.
        list.update(Bytes("a"), from: 1, to: 10)
        list.insert(10, Bytes("ab"))
        list.insert(10, Bytes("\u{7f}"))
        XCTAssertEqual(contents(list).map { String(decoding: $0.member, as: UTF8.self) }, ["c", "a", "ab", "b", "\u{7f}"])
    }

    func testCompareIsBytewiseThenShorterFirst() {
        XCTAssertLessThan(SkipList.compare(Bytes("a"), Bytes("b")), 0)
        XCTAssertLessThan(SkipList.compare(Bytes("a"), Bytes("aa")), 0)
        XCTAssertGreaterThan(SkipList.compare(Bytes([0xff]), Bytes("z")), 0)
        XCTAssertEqual(SkipList.compare(Bytes(""), Bytes("")), 0)
        XCTAssertLessThan(SkipList.compare(Bytes(""), Bytes([0])), 0)
    }
}
