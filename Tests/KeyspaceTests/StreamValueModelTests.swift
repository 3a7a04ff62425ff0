import XCTest
@testable import Keyspace
import SwirlBytes

/// StreamValue against a plain array of (ID, pairs) doing the same operations:
/// appends with shared and differing fields, deletions, exact and approximate
/// trims, forward and reverse ranges, across many small blocks.
final class StreamValueModelTests: XCTestCase {
    private struct Model {
        var entries: [(id: StreamID, pairs: [Bytes])] = []
        var lastID = StreamID.zero
    }

    private func randomPairs(_ random: inout StreamRandom) -> [Bytes] {
        let shape = random.next(4)
        let count = shape == 0 ? 1 + random.next(3) : 3
        var pairs: [Bytes] = []
        for index in 0..<count {
            pairs.append(shape == 1 ? Bytes("f\(random.next(5))") : Bytes("field\(index)"))
            let kind = random.next(4)
            pairs.append(kind == 0 ? Bytes("\(random.next(100_000))") : kind == 1 ? Bytes(String(repeating: "v", count: random.next(80)))
                                   : Bytes("value-\(random.next(1000))"))
        }
        return pairs
    }

    private func collect(_ stream: StreamValue, _ start: StreamID, _ end: StreamID, reverse: Bool) -> [(StreamID, [Bytes])] {
        var out: [(StreamID, [Bytes])] = []
        stream.forEach(from: start, to: end, reverse: reverse) { entry in
            out.append((entry.id, entry.pairs))
            return true
        }
        return out
    }

    private func assertSame(_ stream: StreamValue, _ model: Model, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(stream.length, model.entries.count, "length", file: file, line: line)
        XCTAssertEqual(stream.lastID, model.lastID, file: file, line: line)
        XCTAssertEqual(stream.firstID, model.entries.first?.id ?? .zero, "first id", file: file, line: line)
        XCTAssertEqual(stream.lastLiveID, model.entries.last?.id ?? .zero, "last live id", file: file, line: line)
        let all = collect(stream, .zero, .max, reverse: false)
        XCTAssertEqual(all.map { $0.0 }, model.entries.map { $0.id }, file: file, line: line)
        XCTAssertEqual(all.map { $0.1 }, model.entries.map { $0.pairs }, file: file, line: line)
        XCTAssertEqual(collect(stream, .zero, .max, reverse: true).map { $0.0 }, model.entries.reversed().map { $0.id },
                       file: file, line: line)
        var live = 0
        for block in stream.blocks {
            live += block.live
            XCTAssertGreaterThan(block.live + block.deleted, 0, file: file, line: line)
        }
        XCTAssertEqual(live, stream.length, file: file, line: line)
    }

    func testRandomOperationsMatchTheModel() {
        for seed in 1...12 {
            var random = StreamRandom(seed: UInt64(seed))
            let stream = StreamValue()
            var model = Model()
            let maxEntries = [0, 3, 10, 100][seed % 4]
            let maxBytes = [4096, 200, 0][seed % 3]
            for step in 0..<1500 {
                switch random.next(20) {
                case 0..<11:
                    let now = model.lastID.ms + UInt64(random.next(3))
                    let argument: StreamIDArgument? = random.next(3) == 0 ? .msOnly(now) : nil
                    guard let id = stream.nextID(for: argument, now: now) else {
                        XCTFail("no id")
                        return
                    }
                    XCTAssertGreaterThan(id, model.lastID)
                    let pairs = randomPairs(&random)
                    stream.append(id, pairs[...], nodeMaxBytes: maxBytes, nodeMaxEntries: maxEntries)
                    model.entries.append((id, pairs))
                    model.lastID = id
                case 11..<15:
                    guard !model.entries.isEmpty else { continue }
                    let index = random.next(model.entries.count)
                    let id = random.next(5) == 0 ? StreamID(ms: model.entries[index].id.ms, seq: 999_999) : model.entries[index].id
                    let expected = model.entries.contains { $0.id == id }
                    XCTAssertEqual(stream.delete(id), expected, "seed \(seed) step \(step)")
                    model.entries.removeAll { $0.id == id }
                    XCTAssertEqual(stream.lastLiveID, model.entries.last?.id ?? .zero, "seed \(seed) step \(step)")
                    XCTAssertFalse(stream.delete(id))
                case 15..<17:
                    let maximum = random.next(max(model.entries.count + 2, 1))
                    let approximate = random.next(2) == 0
                    let before = model.entries.count
                    let removed = stream.trim(.maxLength(maximum), approximate: approximate, limit: 0)
                    if approximate {
                        XCTAssertLessThanOrEqual(removed, max(before - maximum, 0))
                        model.entries.removeFirst(removed)
                    } else {
                        XCTAssertEqual(removed, max(before - maximum, 0), "seed \(seed) step \(step)")
                        model.entries.removeFirst(removed)
                    }
                case 17:
                    guard let last = model.entries.last else { continue }
                    let minimum = StreamID(ms: UInt64(random.next(Int(last.id.ms) + 2)), seq: 0)
                    let removed = stream.trim(.minID(minimum), approximate: false, limit: 0)
                    let expected = model.entries.filter { $0.id < minimum }.count
                    XCTAssertEqual(removed, expected)
                    model.entries.removeAll { $0.id < minimum }
                default:
                    guard !model.entries.isEmpty else { continue }
                    let a = model.entries[random.next(model.entries.count)].id
                    let b = StreamID(ms: a.ms + UInt64(random.next(3)), seq: UInt64(random.next(4)))
                    let (low, high) = a <= b ? (a, b) : (b, a)
                    let expected = model.entries.filter { $0.id >= low && $0.id <= high }.map { $0.id }
                    XCTAssertEqual(collect(stream, low, high, reverse: false).map { $0.0 }, expected)
                    XCTAssertEqual(collect(stream, low, high, reverse: true).map { $0.0 }, expected.reversed())
                }
            }
            assertSame(stream, model)
            let copy = stream.duplicate()
            assertSame(copy, model)
        }
    }

    /// The node limits are Redis's: 100 entries, or a listpack of 4096 bytes.
    func testBlocksFillLikeRedisNodes() {
        let stream = StreamValue()
        for ms in 1...250 {
            stream.append(StreamID(ms: UInt64(ms), seq: 0), ["a", "1"], nodeMaxBytes: 4096, nodeMaxEntries: 100)
        }
        XCTAssertEqual(stream.blocks.map { $0.live }, [100, 100, 50])
        // Big values: the byte limit closes nodes first.
        let big = StreamValue()
        for ms in 1...10 {
            big.append(StreamID(ms: UInt64(ms), seq: 0), ["a", Bytes(String(repeating: "x", count: 1000))],
                       nodeMaxBytes: 4096, nodeMaxEntries: 100)
        }
        XCTAssertEqual(big.blocks.map { $0.live }, [4, 4, 2])
        // MAXLEN ~ removes whole nodes only.
        XCTAssertEqual(stream.trim(.maxLength(120), approximate: true, limit: 0), 100)
        XCTAssertEqual(stream.length, 150)
    }

    func testIDParsingFollowsRedis() {
        XCTAssertEqual(StreamID.parse("1-2", missingSeq: 0, strict: true), .id(StreamID(ms: 1, seq: 2)))
        XCTAssertEqual(StreamID.parse("5", missingSeq: .max, strict: true), .id(StreamID(ms: 5, seq: .max)))
        XCTAssertNil(StreamID.parse("-", missingSeq: 0, strict: true))
        XCTAssertEqual(StreamID.parse("+", missingSeq: 0, strict: false), .id(.max))
        XCTAssertEqual(StreamID.parse("7-*", missingSeq: 0, strict: true, allowStar: true), .msOnly(7))
        XCTAssertNil(StreamID.parse("7-*", missingSeq: 0, strict: true))
        XCTAssertNil(StreamID.parse("1-2-3", missingSeq: 0, strict: true))
        XCTAssertNil(StreamID.parse("18446744073709551616", missingSeq: 0, strict: true))
        XCTAssertEqual(StreamID.parse("18446744073709551615-0", missingSeq: 0, strict: true), .id(StreamID(ms: .max, seq: 0)))
        // strtoull's leniency, which Redis inherits past string2ll.
        XCTAssertEqual(StreamID.parse("007-+1", missingSeq: 0, strict: true), .id(StreamID(ms: 7, seq: 1)))
        XCTAssertNil(StreamID.parse("1--1", missingSeq: 0, strict: true))
        XCTAssertEqual(StreamID.parse("1--0", missingSeq: 0, strict: true), .id(StreamID(ms: 1, seq: 0)))
    }
}

/// A small deterministic generator for the model runs.
struct StreamRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return bound <= 0 ? 0 : Int(z % UInt64(bound))
    }
}
