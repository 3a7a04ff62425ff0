import XCTest
@testable import Keyspace
import SwirlBytes

/// The ring buffer behind lists, against an array model.
final class ListValueTests: XCTestCase {
    private func b(_ text: String) -> Bytes { Bytes(text) }
    private func strings(_ list: ListValue) -> [String] { list.map(\.description) }

    func testPushAndPopAtBothEnds() {
        let list = ListValue()
        XCTAssertTrue(list.isEmpty)
        XCTAssertNil(list.popFront())
        XCTAssertNil(list.popBack())
        list.pushBack(b("b"))
        list.pushFront(b("a"))
        list.pushBack(b("c"))
        XCTAssertEqual(strings(list), ["a", "b", "c"])
        XCTAssertEqual(list.popFront(), b("a"))
        XCTAssertEqual(list.popBack(), b("c"))
        XCTAssertEqual(list.popBack(), b("b"))
        XCTAssertNil(list.popFront())
        XCTAssertEqual(list.count, 0)
    }

    func testIndexingAndSettingAcrossTheWrapPoint() {
        let list = ListValue()
        for n in 0..<3 { list.pushBack(b("\(n)")) }
        list.pushFront(b("-1"))  // head wraps to the end of the storage
        list.pushFront(b("-2"))  // grows while wrapped
        XCTAssertEqual(strings(list), ["-2", "-1", "0", "1", "2"])
        list[0] = b("x")
        list[4] = b("y")
        XCTAssertEqual(strings(list), ["x", "-1", "0", "1", "y"])
        XCTAssertEqual(list.firstIndex(of: b("0")), 2)
    }

    func testInsertTrimAndRemove() {
        let list = ListValue(["a", "b", "c", "d", "e"].map { b($0) })
        list.insert(b("1"), at: 1)
        list.insert(b("4"), at: 5)
        list.insert(b("0"), at: 0)
        list.insert(b("9"), at: list.count)
        XCTAssertEqual(strings(list), ["0", "a", "1", "b", "c", "d", "4", "e", "9"])
        list.trim(left: 2, right: 3)
        XCTAssertEqual(strings(list), ["1", "b", "c", "d"])
        list.trim(left: 3, right: 1)
        XCTAssertTrue(list.isEmpty)

        let repeated = ListValue(["a", "x", "a", "y", "a"].map { b($0) })
        XCTAssertEqual(repeated.remove(b("a"), limit: 1, fromTail: true), 1)
        XCTAssertEqual(strings(repeated), ["a", "x", "a", "y"])
        XCTAssertEqual(repeated.remove(b("a"), limit: 1, fromTail: false), 1)
        XCTAssertEqual(strings(repeated), ["x", "a", "y"])
        XCTAssertEqual(repeated.remove(b("zz"), limit: 0, fromTail: false), 0)
        XCTAssertEqual(repeated.remove(b("a"), limit: 0, fromTail: false), 1)
        XCTAssertEqual(strings(repeated), ["x", "y"])
        repeated.pushFront(b("w"))
        XCTAssertEqual(strings(repeated), ["w", "x", "y"])
    }

    func testDuplicateIsIndependent() {
        let list = ListValue(["a", "b"].map { b($0) })
        let copy = list.duplicate()
        copy.pushBack(b("c"))
        list[0] = b("z")
        XCTAssertEqual(strings(list), ["z", "b"])
        XCTAssertEqual(strings(copy), ["a", "b", "c"])
    }

    /// Random operations against an array, through growth, wrap-around and shrinking.
    func testMatchesAnArrayModel() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let list = ListValue()
            var model: [Bytes] = []
            for step in 0..<3_000 {
                let element = b("e\(step)")
                // Bias towards growth for the first half, shrinking for the second.
                let grow = step < 1_500
                switch Int.random(in: 0..<10, using: &generator) {
                case 0, 1, 2:
                    if grow || Bool.random() { list.pushFront(element); model.insert(element, at: 0) }
                    else { XCTAssertEqual(list.popFront(), model.isEmpty ? nil : model.removeFirst()) }
                case 3, 4, 5:
                    if grow || Bool.random() { list.pushBack(element); model.append(element) }
                    else { XCTAssertEqual(list.popBack(), model.popLast()) }
                case 6:
                    XCTAssertEqual(list.popFront(), model.isEmpty ? nil : model.removeFirst())
                case 7:
                    XCTAssertEqual(list.popBack(), model.popLast())
                case 8:
                    let at = Int.random(in: 0...model.count, using: &generator)
                    list.insert(element, at: at)
                    model.insert(element, at: at)
                default:
                    if !model.isEmpty {
                        let at = Int.random(in: 0..<model.count, using: &generator)
                        list[at] = element
                        model[at] = element
                    }
                }
                XCTAssertEqual(list.count, model.count)
            }
            XCTAssertEqual(Array(list), model)
            while let element = list.popFront() { XCTAssertEqual(element, model.removeFirst()) }
            XCTAssertTrue(model.isEmpty)
        }
    }

    func testSmallListsArePackedUntilTheyOutgrowIt() {
        let list = ListValue()
        for n in 0..<ListValue.maxPackedCount { list.pushBack(b("\(n)")) }
        XCTAssertTrue(list.isPacked)
        list.pushFront(b("front"))
        XCTAssertFalse(list.isPacked, "one element past maxCount moves to the ring")
        XCTAssertEqual(list.first, b("front"))
        XCTAssertEqual(list.last, b("\(ListValue.maxPackedCount - 1)"))
        list.removeAll()
        XCTAssertTrue(list.isPacked, "an emptied list starts packed again")

        let long = Bytes(Array(repeating: UInt8(ascii: "x"), count: ListValue.maxPackedElementLength + 1))
        let small = ListValue(["a", "b", "c"].map { b($0) })
        small[1] = long
        XCTAssertFalse(small.isPacked, "an element longer than maxElementLength moves to the ring")
        XCTAssertEqual(Array(small), [b("a"), long, b("c")])
        XCTAssertEqual(small.remove(long, limit: 0, fromTail: false), 1)
        XCTAssertTrue(small.isPacked, "LREM rebuilds the list in the form that fits")
        XCTAssertEqual(strings(small), ["a", "c"])
    }

    /// Random operations on lists that stay around the packed form's limits,
    /// with elements of every length up to past the packed limit, against an
    /// array; reads walk forward, backward and at random (the cursor).
    func testSmallListsMatchAnArrayModel() {
        var generator = SystemRandomNumberGenerator()
        let longest = ListValue.maxPackedElementLength + 8
        for round in 0..<40 {
            let list = ListValue()
            var model: [Bytes] = []
            let target = round % 2 == 0 ? 20 : ListValue.maxPackedCount
            for step in 0..<1_500 {
                let length = Int.random(in: 0...(step % 7 == 0 ? longest : 12), using: &generator)
                let element = Bytes((0..<length).map { UInt8(truncatingIfNeeded: $0 &+ step) })
                let grow = model.count < target
                switch Int.random(in: 0..<12, using: &generator) {
                case 0, 1:
                    if grow { list.pushFront(element); model.insert(element, at: 0) }
                    else { XCTAssertEqual(list.popFront(), model.isEmpty ? nil : model.removeFirst()) }
                case 2, 3:
                    if grow { list.pushBack(element); model.append(element) }
                    else { XCTAssertEqual(list.popBack(), model.popLast()) }
                case 4:
                    let at = Int.random(in: 0...model.count, using: &generator)
                    list.insert(element, at: at)
                    model.insert(element, at: at)
                case 5:
                    if !model.isEmpty {
                        let at = Int.random(in: 0..<model.count, using: &generator)
                        list[at] = element
                        model[at] = element
                    }
                case 6:
                    let left = Int.random(in: 0...3, using: &generator), right = Int.random(in: 0...3, using: &generator)
                    list.trim(left: left, right: right)
                    model = left + right >= model.count ? [] : Array(model[left..<(model.count - right)])
                case 7:
                    if let victim = model.randomElement(using: &generator) {
                        let limit = Int.random(in: -2...2, using: &generator)
                        let removed = list.remove(victim, limit: abs(limit), fromTail: limit < 0)
                        var kept = model
                        var count = 0
                        let order = limit < 0 ? Array(kept.indices.reversed()) : Array(kept.indices)
                        var drop = Set<Int>()
                        for at in order where kept[at] == victim && (limit == 0 || count < abs(limit)) {
                            drop.insert(at)
                            count += 1
                        }
                        kept = kept.indices.filter { !drop.contains($0) }.map { kept[$0] }
                        XCTAssertEqual(removed, count)
                        model = kept
                    }
                case 8:
                    XCTAssertEqual(Array(list.reversed()), Array(model.reversed()))
                default:
                    for _ in 0..<3 where !model.isEmpty {
                        let at = Int.random(in: 0..<model.count, using: &generator)
                        XCTAssertEqual(list[at], model[at])
                    }
                }
                XCTAssertEqual(list.count, model.count)
            }
            XCTAssertEqual(Array(list), model)
        }
    }
}
