import XCTest
@testable import Keyspace
import SwirlBytes

/// The two forms of a sorted set (packed entries, skiplist + table), their
/// conversion, and both forms driven through the same random operations
/// against a model.
final class SortedSetValueTests: XCTestCase {
    private var savedEntries = 0
    private var savedValue = 0

    override func setUp() {
        super.setUp()
        savedEntries = SortedSetValue.maxCompactEntries
        savedValue = SortedSetValue.maxCompactValueLength
        SortedSetValue.maxCompactEntries = 128
        SortedSetValue.maxCompactValueLength = 64
    }

    override func tearDown() {
        SortedSetValue.maxCompactEntries = savedEntries
        SortedSetValue.maxCompactValueLength = savedValue
        super.tearDown()
    }

    private func names(_ zset: SortedSetValue) -> [String] {
        zset.entries.map { String(decoding: $0.member, as: UTF8.self) }
    }

    func testConvertsPastTheEntryThresholdAndNeverBack() {
        let zset = SortedSetValue()
        for i in 0..<128 { zset.insert(Bytes("m\(i)"), Double(i)) }
        XCTAssertTrue(zset.isCompact)
        XCTAssertEqual(zset.encodingName, "listpack")
        zset.insert(Bytes("m128"), 128)
        XCTAssertFalse(zset.isCompact)
        XCTAssertEqual(zset.encodingName, "skiplist")
        XCTAssertEqual(zset.count, 129)
        XCTAssertEqual(zset.score(of: Bytes("m77")), 77)
        XCTAssertEqual(zset.rank(of: Bytes("m100")), 100)
        for i in 0..<120 { zset.remove(Bytes("m\(i)")) }
        XCTAssertFalse(zset.isCompact)
        XCTAssertEqual(names(zset), (120...128).map { "m\($0)" })
    }

    func testALongMemberConverts() {
        let zset = SortedSetValue()
        zset.insert(Bytes(String(repeating: "x", count: 64)), 1)
        XCTAssertTrue(zset.isCompact)
        zset.insert(Bytes(String(repeating: "y", count: 65)), 2)
        XCTAssertFalse(zset.isCompact)
        XCTAssertEqual(zset.count, 2)
        XCTAssertFalse(SortedSetValue(expectedCount: 129, longestMember: 1).isCompact)
        XCTAssertFalse(SortedSetValue(expectedCount: 1, longestMember: 65).isCompact)
        XCTAssertTrue(SortedSetValue(expectedCount: 128, longestMember: 64).isCompact)
    }

    func testCompactFormStoresMinusZeroAsZeroLikeAListpack() {
        let compact = SortedSetValue()
        compact.insert(Bytes("a"), -0.0)
        XCTAssertEqual(compact.score(of: Bytes("a"))?.sign, .plus)
        SortedSetValue.maxCompactEntries = 0
        let large = SortedSetValue()
        large.insert(Bytes("a"), -0.0)
        XCTAssertEqual(large.score(of: Bytes("a"))?.sign, .minus)
    }

    /// The same random operations on a compact set and a large one must
    /// give the same answers as a model.
    func testBothFormsMatchAModel() {
        for round in 0..<6 {
            // The thresholds are read on every insert: a large limit keeps one
            // set compact, the other starts large.
            SortedSetValue.maxCompactEntries = 100_000
            SortedSetValue.maxCompactValueLength = 1_000
            // Odd rounds use long members too: a packed entry's length takes two bytes past 127.
            let padding = round % 2 == 1 ? [0, 20, 130, 300] : [0]
            let compact = SortedSetValue()
            let large = SortedSetValue(expectedCount: .max, longestMember: 0)
            var model: [Bytes: Double] = [:]
            for _ in 0..<300 {
                let tag = Int.random(in: 0..<60)
                let member = Bytes("k\(tag)" + String(repeating: "x", count: padding[tag % padding.count]))
                let score = Double(Int.random(in: -5...5 + round * 10))
                switch Int.random(in: 0..<4) {
                case 0, 1:
                    if let old = model[member] {
                        compact.update(member, from: old, to: score)
                        large.update(member, from: old, to: score)
                    } else {
                        compact.insert(member, score)
                        large.insert(member, score)
                    }
                    model[member] = score
                case 2:
                    let expected = model.removeValue(forKey: member) != nil
                    XCTAssertEqual(compact.remove(member), expected)
                    XCTAssertEqual(large.remove(member), expected)
                default:
                    let range = ScoreRange(min: Double(Int.random(in: -6...6)), max: Double(Int.random(in: -6...30)),
                                           minExclusive: Bool.random(), maxExclusive: Bool.random())
                    let expected = model.values.filter { range.contains($0) }.count
                    XCTAssertEqual(compact.ranks(in: range).count, expected)
                    XCTAssertEqual(large.ranks(in: range).count, expected)
                }
            }
            XCTAssertTrue(compact.isCompact)
            XCTAssertFalse(large.isCompact)
            let expected = model.map { ScoredMember($0.key, $0.value) }
                .sorted { SkipList.ordered($0.score, $0.member, $1.score, $1.member) }
            XCTAssertEqual(compact.entries, expected)
            XCTAssertEqual(large.entries, expected)
            for (rank, entry) in expected.enumerated() {
                XCTAssertEqual(compact.rank(of: entry.member), rank)
                XCTAssertEqual(large.rank(of: entry.member), rank)
                XCTAssertEqual(large.entry(atRank: rank), entry)
                XCTAssertEqual(compact.entry(atRank: rank), entry)
            }
            if expected.count > 4 {
                for zset in [compact, large] {
                    var forward: [ScoredMember] = [], backward: [ScoredMember] = []
                    zset.forEach(ranks: 1..<4) { forward.append(ScoredMember($0, $1)) }
                    zset.forEach(ranks: 1..<4, reverse: true) { backward.append(ScoredMember($0, $1)) }
                    XCTAssertEqual(forward, Array(expected[1..<4]))
                    XCTAssertEqual(backward, Array(expected[1..<4].reversed()))
                }
                XCTAssertEqual(compact.pop(count: 2, fromMax: true), Array(expected.suffix(2).reversed()))
                XCTAssertEqual(large.pop(count: 2, fromMax: true), Array(expected.suffix(2).reversed()))
                XCTAssertEqual(large.pop(count: 1, fromMax: false), [expected[0]])
                XCTAssertNil(large.score(of: expected[0].member))
                XCTAssertEqual(large.count, expected.count - 3)
            }
        }
    }

    func testLexRanges() {
        let zset = SortedSetValue()
        for member in ["a", "b", "c", "d", "aa"] { zset.insert(Bytes(member), 0) }
        func count(_ min: LexRange.Bound, _ max: LexRange.Bound) -> Int { zset.ranks(in: LexRange(min: min, max: max)).count }
        XCTAssertEqual(count(.minusInfinity, .plusInfinity), 5)
        XCTAssertEqual(count(.inclusive("a"), .inclusive("b")), 3)
        XCTAssertEqual(count(.exclusive("a"), .exclusive("c")), 2)
        XCTAssertEqual(count(.plusInfinity, .minusInfinity), 0)
        XCTAssertEqual(count(.inclusive("b"), .inclusive("a")), 0)
        XCTAssertEqual(count(.exclusive("b"), .inclusive("b")), 0)
        XCTAssertTrue(LexRange(min: .minusInfinity, max: .minusInfinity).isEmpty)
        XCTAssertFalse(LexRange(min: .inclusive("b"), max: .inclusive("b")).isEmpty)
    }

    func testScanOfALargeSetVisitsEveryMemberWithItsScore() {
        SortedSetValue.maxCompactEntries = 0
        let zset = SortedSetValue()
        for i in 0..<500 { zset.insert(Bytes("m\(i)"), Double(i) / 4) }
        var seen: [Bytes: Double] = [:]
        var cursor: UInt64 = 0
        repeat {
            cursor = zset.scan(cursor: cursor, count: 10) { seen[$0] = $1 }
        } while cursor != 0
        XCTAssertEqual(seen.count, 500)
        XCTAssertEqual(seen[Bytes("m7")], 1.75)
    }

    func testDuplicateIsIndependent() {
        let zset = SortedSetValue()
        for i in 0..<200 { zset.insert(Bytes("m\(i)"), Double(i)) }
        let copy = zset.duplicate()
        zset.remove(Bytes("m5"))
        copy.update(Bytes("m6"), from: 6, to: 1000)
        XCTAssertEqual(zset.count, 199)
        XCTAssertEqual(copy.count, 200)
        XCTAssertEqual(zset.score(of: Bytes("m6")), 6)
        XCTAssertEqual(copy.rank(of: Bytes("m6")), 199)
    }
}
