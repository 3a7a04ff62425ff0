import XCTest
import Keyspace
@testable import Persistence
import SwirlBytes

/// The rewrite child writes the snapshot in pieces: together they are the
/// whole snapshot, and a refused piece stops it.
final class ChunkedSnapshotTests: XCTestCase {
    private let keyspace = Keyspace()

    override func setUp() {
        super.setUp()
        let db = keyspace[0], lists = (0..<7).map { _ in ListValue() }, hashes = (0..<5).map { _ in HashValue() }
        for i in 0..<200 {
            db.set(Bytes("s\(i)"), .string(Bytes(String(repeating: "v", count: i))))
            lists[i % 7].pushBack(Bytes("e\(i)"))
            _ = hashes[i % 5].set(Bytes("f\(i)"), Bytes("\(i)"))
        }
        for (n, list) in lists.enumerated() { db.set(Bytes("l\(n)"), .list(list)) }
        for (n, hash) in hashes.enumerated() { db.set(Bytes("h\(n)"), .hash(hash)) }
        db.setExpire("s3", at: Keyspace.clockMilliseconds() + 100_000)
        let zset = SortedSetValue()
        zset.insert("m", 1.5)
        keyspace[4].set("z", .sortedSet(zset))
    }

    func testPiecesMakeTheWholeSnapshot() {
        let whole = AOFRewriter.snapshot(keyspace)
        for chunkSize in [1, 100, 4096, whole.count, whole.count + 1] {
            var pieces: [[UInt8]] = []
            XCTAssertTrue(AOFRewriter.snapshot(keyspace, chunkSize: chunkSize) { pieces.append($0); return true })
            XCTAssertEqual(Array(pieces.joined()), whole, "chunk size \(chunkSize)")
            XCTAssertTrue(pieces.dropLast().allSatisfy { $0.count >= chunkSize }, "only the last piece is short")
        }
    }

    func testARefusedPieceStopsTheSnapshot() {
        var calls = 0
        XCTAssertFalse(AOFRewriter.snapshot(keyspace, chunkSize: 100) { _ in
            calls += 1
            return calls < 3
        })
        XCTAssertEqual(calls, 3)
    }
}
