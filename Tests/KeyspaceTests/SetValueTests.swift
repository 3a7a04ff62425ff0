import XCTest
@testable import Keyspace
import SwirlBytes

/// The three forms of a set (intset, compact, table), their conversions, and
/// the set against a `Set<[UInt8]>` model.
final class SetValueTests: XCTestCase {
    private var savedIntsetEntries = 0

    override func setUp() {
        super.setUp()
        savedIntsetEntries = SetValue.maxIntsetEntries
        SetValue.maxIntsetEntries = 512
    }

    override func tearDown() {
        SetValue.maxIntsetEntries = savedIntsetEntries
        super.tearDown()
    }

    private func b(_ text: String) -> Bytes { Bytes(text) }
    private func strings(_ set: SetValue) -> [String] { set.allMembers.map { String(decoding: $0, as: UTF8.self) } }

    func testIntegersStaySortedInAnIntset() {
        let set = SetValue()
        for member in ["5", "-3", "10", "0", "5", "-9223372036854775808", "9223372036854775807"] { set.add(b(member)) }
        XCTAssertEqual(set.form, .intset)
        XCTAssertEqual(set.encodingName, "intset")
        XCTAssertEqual(strings(set), ["-9223372036854775808", "-3", "0", "5", "10", "9223372036854775807"])
        XCTAssertTrue(set.contains(b("10")))
        XCTAssertFalse(set.contains(b("010")), "not canonical: not the integer 10")
        XCTAssertFalse(set.contains(b("x")))
        XCTAssertTrue(set.remove(b("0")))
        XCTAssertFalse(set.remove(b("0")))
        XCTAssertFalse(set.remove(b("+5")))
        XCTAssertEqual(strings(set), ["-9223372036854775808", "-3", "5", "10", "9223372036854775807"])
    }

    func testNonCanonicalIntegersAreStrings() {
        for text in ["+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "", "1.0"] {
            XCTAssertNil(SetValue.integer(b(text)), text)
        }
        XCTAssertEqual(SetValue.integer(b("-9223372036854775808")), Int64.min)
        XCTAssertEqual(SetValue.integer(b("0")), 0)
        let set = SetValue()
        set.add(b("1"))
        set.add(b("01"))
        XCTAssertEqual(set.form, .compact)
        XCTAssertEqual(set.encodingName, "hashtable", "Redis 7.0 has no listpack sets")
        XCTAssertEqual(strings(set), ["1", "01"])
        XCTAssertTrue(set.contains(b("1")))
        XCTAssertTrue(set.contains(b("01")))
    }

    func testIntsetBecomesATablePastItsLimit() {
        SetValue.maxIntsetEntries = 3
        let set = SetValue()
        for member in ["1", "2", "3"] { set.add(b(member)) }
        XCTAssertEqual(set.form, .intset)
        set.add(b("4"))
        XCTAssertEqual(set.form, .table)
        XCTAssertEqual(Set(strings(set)), ["1", "2", "3", "4"])
        set.remove(b("1"))
        set.remove(b("2"))
        XCTAssertEqual(set.form, .table, "never converts back")
    }

    func testCompactSetBecomesATableWhenLargeOrLong() {
        let set = SetValue()
        for index in 0..<SetValue.maxCompactEntries { set.add(b("m\(index)")) }
        XCTAssertEqual(set.form, .compact)
        set.add(b("one more"))
        XCTAssertEqual(set.form, .table)
        XCTAssertEqual(set.count, SetValue.maxCompactEntries + 1)

        let long = SetValue()
        long.add(b("short"))
        long.add(Bytes(Array(repeating: UInt8(ascii: "x"), count: SetValue.maxCompactValueLength + 1)))
        XCTAssertEqual(long.form, .table)
        XCTAssertEqual(long.count, 2)

        let fromIntset = SetValue([b("1"), b("2"), Bytes(Array(repeating: UInt8(ascii: "y"), count: 100))])
        XCTAssertEqual(fromIntset.form, .table)
        XCTAssertTrue(fromIntset.contains(b("2")))
    }

    func testRandomPicksAndPopsCoverEveryForm() {
        var generator = FastRandom(seed: 42)
        for members in [["1", "2", "3"], ["a", "b", "c"], (0..<300).map { "k\($0)" }] {
            let set = SetValue(members.map(b))
            var seen = Set<String>()
            for _ in 0..<2_000 { seen.insert(String(decoding: set.randomMember(using: &generator), as: UTF8.self)) }
            if members.count <= 3 { XCTAssertEqual(seen, Set(members)) }
            var popped: [String] = []
            while !set.isEmpty { popped.append(String(decoding: set.popRandom(using: &generator), as: UTF8.self)) }
            XCTAssertEqual(popped.sorted(), members.sorted())
        }
    }

    func testScanVisitsEveryMemberOfATableOnce() {
        let members = (0..<1_000).map { "member:\($0)" }
        let set = SetValue(members.map(b))
        XCTAssertEqual(set.form, .table)
        var cursor: UInt64 = 0
        var seen: [String] = []
        repeat {
            cursor = set.scan(cursor: cursor, count: 10) { seen.append(String(decoding: $0, as: UTF8.self)) }
        } while cursor != 0
        XCTAssertEqual(seen.sorted(), members.sorted())

        let small = SetValue([b("3"), b("1")])
        var all: [String] = []
        XCTAssertEqual(small.scan(cursor: 0, count: 1) { all.append(String(decoding: $0, as: UTF8.self)) }, 0)
        XCTAssertEqual(all, ["1", "3"])
    }

    func testDuplicateIsIndependent() {
        for members in [["1", "2"], ["a", "b"], (0..<200).map { "k\($0)" }] {
            let set = SetValue(members.map(b))
            let copy = set.duplicate()
            copy.add(b("new"))
            set.remove(b(members[0]))
            XCTAssertEqual(copy.count, members.count + 1)
            XCTAssertTrue(copy.contains(b(members[0])))
            XCTAssertFalse(set.contains(b("new")))
        }
    }

    func testAgainstAModel() {
        SetValue.maxIntsetEntries = 16
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let set = SetValue()
            var model = Set<[UInt8]>()
            let integersOnly = Bool.random(using: &generator)
            for _ in 0..<400 {
                let value = Int.random(in: -40...40, using: &generator)
                // Strings of several lengths (inline and heap `Bytes`, the empty string) in the packed form.
                let padding = String(repeating: "p", count: [0, 30, 60][abs(value) % 3])
                let member = integersOnly || value % 3 != 0 ? b("\(value)") : (value == 0 ? b("") : b("s\(value)\(padding)"))
                if Bool.random(using: &generator) || Int.random(in: 0..<4) == 0 {
                    XCTAssertEqual(set.add(member), model.insert(member.array).inserted)
                } else {
                    XCTAssertEqual(set.remove(member), model.remove(member.array) != nil)
                }
                XCTAssertEqual(set.count, model.count)
            }
            XCTAssertEqual(Set(set.allMembers.map(\.array)), model)
            for member in model { XCTAssertTrue(set.contains(Bytes(member))) }
        }
    }
}
