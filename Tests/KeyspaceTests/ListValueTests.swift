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
}
