import XCTest
@testable import Keyspace
import SwirlBytes

/// The packed compact form of hashes against an array of pairs, through random
/// sets, replacements and removals, with strings of every length class (empty,
/// inline, heap, and past 127 and 16,383 bytes, where a length takes 2 and 3 bytes).
final class PackedPairsTests: XCTestCase {
    private let lengths = [0, 1, 5, 23, 24, 127, 128, 300, 16_383, 16_384]

    private func string(_ tag: Int, length: Int) -> Bytes {
        let text = Array("\(tag):".utf8)
        return Bytes((0..<length).map { text[$0 % text.count] })
    }

    func testRandomOperationsMatchAnArrayOfPairs() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10 {
            var packed = PackedPairs()
            var model: [(Bytes, Bytes)] = []
            for step in 0..<400 {
                let field = string(Int.random(in: 0..<40, using: &generator), length: lengths.randomElement(using: &generator)! % 40)
                let value = string(step, length: lengths.randomElement(using: &generator)!)
                if Int.random(in: 0..<4, using: &generator) == 0 {
                    let position = model.firstIndex { $0.0 == field }
                    if let location = packed.find(field) {
                        packed.remove(at: location)
                        model.remove(at: position!)
                    } else {
                        XCTAssertNil(position)
                    }
                } else if let location = packed.find(field) {
                    packed.replaceValue(at: location, with: value)
                    model[model.firstIndex { $0.0 == field }!].1 = value
                } else {
                    packed.append(field, value)
                    model.append((field, value))
                }
                XCTAssertEqual(packed.count, model.count)
            }
            var seen: [(Bytes, Bytes)] = []
            packed.forEach { seen.append(($0, $1)) }
            XCTAssertEqual(seen.map(\.0), model.map(\.0))
            XCTAssertEqual(seen.map(\.1), model.map(\.1))
            for (index, pair) in model.enumerated() {
                XCTAssertEqual(packed.find(pair.0).map { packed.value(at: $0) }, pair.1)
                XCTAssertEqual(packed.pair(at: index).0, pair.0)
                XCTAssertEqual(packed.pair(at: index).1, pair.1)
            }
        }
    }

    func testLongLengthsAndEmptyStrings() {
        var packed = PackedPairs()
        for length in lengths { packed.append(string(length, length: length), string(length + 1, length: length)) }
        for length in lengths {
            let location = packed.find(string(length, length: length))
            XCTAssertNotNil(location, "field of \(length) bytes")
            XCTAssertEqual(location.map { packed.value(at: $0) }, string(length + 1, length: length))
        }
        XCTAssertNil(packed.find(Bytes("absent")))
        // A short string costs its length plus one byte: "a" -> "1" is 4 bytes.
        var small = PackedPairs()
        small.append(Bytes("a"), Bytes("1"))
        XCTAssertEqual(small.bytes, [1, UInt8(ascii: "a"), 1, UInt8(ascii: "1")])
    }
}
