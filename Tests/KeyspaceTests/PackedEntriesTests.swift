import XCTest
@testable import Keyspace

/// The packed entries behind small lists and sorted sets, against an array of
/// payloads: inserts, replacements and removals anywhere, payloads of every
/// length class (a length takes 1, 2 or 3 bytes at each end), and reads that
/// walk forward, backward and at random through the cursor.
final class PackedEntriesTests: XCTestCase {
    private let lengths = [0, 1, 7, 64, 127, 128, 300, 16_383, 16_384]

    private func payload(_ tag: Int, length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ tag) }
    }

    private func read(_ entries: inout PackedEntries, _ position: Int, of count: Int) -> [UInt8] {
        entries.withPayload(at: position, count: count) { Array($0) }
    }

    func testRandomOperationsMatchAnArrayOfPayloads() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10 {
            var entries = PackedEntries()
            var model: [[UInt8]] = []
            for step in 0..<300 {
                let length = lengths.randomElement(using: &generator)! % (step % 5 == 0 ? 20_000 : 130)
                let new = payload(step, length: length)
                switch Int.random(in: 0..<6, using: &generator) {
                case 0, 1:
                    let at = Int.random(in: 0...model.count, using: &generator)
                    entries.insert(at: at, count: model.count, length: new.count) { room in
                        new.withUnsafeBytes { room.copyMemory(from: $0) }
                    }
                    model.insert(new, at: at)
                case 2 where !model.isEmpty:
                    let at = Int.random(in: 0..<model.count, using: &generator)
                    entries.replace(at: at, count: model.count, length: new.count) { room in
                        new.withUnsafeBytes { room.copyMemory(from: $0) }
                    }
                    model[at] = new
                case 3 where !model.isEmpty:
                    let start = Int.random(in: 0..<model.count, using: &generator)
                    let end = Int.random(in: start...min(model.count, start + 3), using: &generator)
                    entries.removeSubrange(start..<end, count: model.count)
                    model.removeSubrange(start..<end)
                case 4:
                    for position in model.indices.reversed() {
                        XCTAssertEqual(read(&entries, position, of: model.count), model[position])
                    }
                default:
                    for _ in 0..<4 where !model.isEmpty {
                        let at = Int.random(in: 0..<model.count, using: &generator)
                        XCTAssertEqual(read(&entries, at, of: model.count), model[at])
                    }
                }
            }
            var walked: [[UInt8]] = []
            entries.forEachPayload { position, payload in
                XCTAssertEqual(position, walked.count)
                walked.append(Array(payload))
                return true
            }
            XCTAssertEqual(walked, model)
            let expectedSize = model.reduce(0) { $0 + $1.count + 2 * Varint.size($1.count) }
            XCTAssertEqual(entries.bytes.count, expectedSize)
        }
    }

    func testLengthSizes() {
        XCTAssertEqual(Varint.size(0), 1)
        XCTAssertEqual(Varint.size(127), 1)
        XCTAssertEqual(Varint.size(128), 2)
        XCTAssertEqual(Varint.size(16_383), 2)
        XCTAssertEqual(Varint.size(16_384), 3)
    }
}
