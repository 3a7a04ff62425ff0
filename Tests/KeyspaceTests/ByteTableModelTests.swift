import XCTest
@testable import Keyspace
import SwirlBytes

/// ByteTable against a Swift Dictionary doing the same operations: removal
/// moves the last entry into the hole, so every index and chain must stay right.
final class ByteTableModelTests: XCTestCase {
    private func key(_ n: Int) -> Bytes { Bytes("key:\(n)") }

    /// Every key of the model is found at a position holding that key and its value,
    /// and the table holds nothing else.
    private func assertMatches(_ table: ByteTable<Int>, _ model: [Bytes: Int],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(table.count, model.count, "count", file: file, line: line)
        for (key, value) in model {
            guard let position = table.index(of: key) else {
                XCTFail("\(String(decoding: key, as: UTF8.self)) missing", file: file, line: line)
                return
            }
            XCTAssertEqual(table.key(at: position), key, file: file, line: line)
            XCTAssertEqual(table.value(at: position), value, file: file, line: line)
            XCTAssertEqual(table[key], value, file: file, line: line)
        }
        var seen: [Bytes: Int] = [:]
        table.forEach { key, value in
            XCTAssertNil(seen[key], "duplicate entry", file: file, line: line)
            seen[key] = value
        }
        XCTAssertEqual(seen, model, file: file, line: line)
        XCTAssertEqual(Set(table.keys), Set(model.keys), file: file, line: line)
    }

    func testEmptyTable() {
        let table = ByteTable<Int>()
        var generator = FastRandom(seed: 1)
        XCTAssertTrue(table.isEmpty)
        XCTAssertEqual(table.count, 0)
        XCTAssertNil(table[key(1)])
        XCTAssertNil(table.index(of: key(1)))
        XCTAssertNil(table.randomIndex(using: &generator))
    }

    func testSetReportsWhetherTheKeyWasNew() {
        var table = ByteTable<Int>()
        XCTAssertTrue(table.set(key(1), 10))
        XCTAssertFalse(table.set(key(1), 11))
        XCTAssertEqual(table[key(1)], 11)
        XCTAssertEqual(table.count, 1)
    }

    func testEmptyAndBinaryKeysAreDistinct() {
        var table = ByteTable<Int>()
        let keys: [Bytes] = ([[], [0], [0, 0], [0xff], Array("a".utf8), Array("a\0".utf8), Array(0...255)] as [[UInt8]]).map { Bytes($0) }
        for (index, key) in keys.enumerated() { table.set(key, index) }
        for (index, key) in keys.enumerated() { XCTAssertEqual(table[key], index) }
    }

    /// ByteHash hashes inline keys (up to 23 bytes) by their words and longer ones
    /// by their bytes: keys on both sides of that boundary, however they were built,
    /// must land in the same place as an equal key built another way.
    func testKeysAroundTheInlineBoundaryAreFoundHoweverBuilt() {
        var table = ByteTable<Int>()
        var model: [Bytes: Int] = [:]
        for length in 0...40 {
            for fill: UInt8 in [0x00, 0x61] {
                let array = [UInt8](repeating: fill, count: length)
                table.set(Bytes(array), length * 2 + Int(fill & 1))
                model[Bytes(array)] = length * 2 + Int(fill & 1)
            }
        }
        XCTAssertEqual(table.count, 40 * 2 + 1, "the two empty keys are one key")
        for length in 0...40 {
            for fill: UInt8 in [0x00, 0x61] {
                let array = [UInt8](repeating: fill, count: length)
                var appended = Bytes()
                for byte in array { appended.append(contentsOf: [byte]) }
                let copied = array.withUnsafeBytes { Bytes(copying: $0) }
                for key in [appended, copied, Bytes(array[...])] {
                    XCTAssertEqual(table[key], model[Bytes(array)], "\(length) bytes of \(fill)")
                    XCTAssertNotNil(table.index(of: key), "\(length) bytes of \(fill)")
                }
            }
        }
        assertMatches(table, model)
    }

    func testRemoveReturnsTheValueOnce() {
        var table = ByteTable<Int>()
        table.set(key(1), 1)
        table.set(key(2), 2)
        XCTAssertEqual(table.remove(key(1)), 1)
        XCTAssertNil(table.remove(key(1)))
        XCTAssertEqual(table[key(2)], 2)
    }

    func testRemovingEveryPositionInTurnKeepsTheRestReachable() {
        for victim in 0..<20 {
            var table = ByteTable<Int>()
            var model: [Bytes: Int] = [:]
            for n in 0..<20 { table.set(key(n), n); model[key(n)] = n }
            let removedKey = table.key(at: victim)
            table.remove(at: victim)
            model[removedKey] = nil
            assertMatches(table, model)
        }
    }

    func testThousandsOfRandomOperationsMatchADictionary() {
        var generator = SplitMix(seed: 0x5eed)
        var table = ByteTable<Int>()
        var model: [Bytes: Int] = [:]
        for step in 0..<20_000 {
            let k = key(Int(generator.next() % 600))
            switch generator.next() % 10 {
            case 0...4:
                let value = Int(generator.next() % 1_000_000)
                XCTAssertEqual(table.set(k, value), model.updateValue(value, forKey: k) == nil)
            case 5...7:
                XCTAssertEqual(table.remove(k), model.removeValue(forKey: k))
            case 8:
                if let position = table.randomIndex(using: &generator) {
                    let chosen = table.key(at: position)
                    XCTAssertEqual(table.remove(at: position), model.removeValue(forKey: chosen))
                }
            default:
                if let position = table.index(of: k) {
                    table.modifyValue(at: position) { $0 += 1 }
                    model[k]! += 1
                }
            }
            XCTAssertEqual(table[k], model[k])
            if step % 1_000 == 0 { assertMatches(table, model) }
        }
        assertMatches(table, model)
        for k in model.keys { table.remove(k) }
        XCTAssertTrue(table.isEmpty)
    }

    func testGrowsInPowersOfTwoAndShrinksWhenMostlyEmpty() {
        var table = ByteTable<Int>()
        var model: [Bytes: Int] = [:]
        for n in 0..<5_000 {
            table.set(key(n), n)
            model[key(n)] = n
            XCTAssertEqual(table.bucketCount & (table.bucketCount - 1), 0, "power of two")
            XCTAssertGreaterThanOrEqual(table.bucketCount, table.count)
        }
        let grown = table.bucketCount
        XCTAssertGreaterThanOrEqual(grown, 5_000)
        for n in 0..<4_950 {
            table.remove(key(n))
            model[key(n)] = nil
        }
        XCTAssertLessThan(table.bucketCount, grown / 8, "shrinks once under an eighth full")
        XCTAssertEqual(table.bucketCount & (table.bucketCount - 1), 0, "power of two")
        assertMatches(table, model)
    }

    func testRemoveAllEmptiesTheTable() {
        var table = ByteTable<Int>()
        for n in 0..<100 { table.set(key(n), n) }
        table.removeAll()
        XCTAssertTrue(table.isEmpty)
        XCTAssertNil(table[key(5)])
        table.set(key(5), 5)
        XCTAssertEqual(table[key(5)], 5)
    }

    func testRandomIndexReachesEveryEntry() {
        var table = ByteTable<Int>()
        for n in 0..<8 { table.set(key(n), n) }
        var generator = FastRandom(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<1_000 { seen.insert(table.value(at: table.randomIndex(using: &generator)!)) }
        XCTAssertEqual(seen, Set(0..<8))
    }
}

/// A small seeded generator so a failing sequence can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
