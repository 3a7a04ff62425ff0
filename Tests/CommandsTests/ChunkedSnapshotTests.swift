import XCTest
@testable import Commands
@testable import Persistence

/// The rewrite child writes the snapshot in pieces: together they are the
/// whole snapshot, and a refused piece stops it.
final class ChunkedSnapshotTests: CommandTestCase {
    override func setUp() {
        super.setUp()
        for i in 0..<200 {
            run("SET", "s\(i)", String(repeating: "v", count: i))
            run("RPUSH", "l\(i % 7)", "e\(i)")
            run("HSET", "h\(i % 5)", "f\(i)", "\(i)")
        }
        run("PEXPIRE", "s3", "100000")
        run("SELECT", "4")
        run("ZADD", "z", "1.5", "m")
    }

    func testPiecesMakeTheWholeSnapshot() {
        let whole = AOFRewriter.snapshot(engine.keyspace)
        for chunkSize in [1, 100, 4096, whole.count, whole.count + 1] {
            var pieces: [[UInt8]] = []
            XCTAssertTrue(AOFRewriter.snapshot(engine.keyspace, chunkSize: chunkSize) { pieces.append($0); return true })
            XCTAssertEqual(Array(pieces.joined()), whole, "chunk size \(chunkSize)")
            XCTAssertTrue(pieces.dropLast().allSatisfy { $0.count >= chunkSize }, "only the last piece is short")
        }
    }

    func testARefusedPieceStopsTheSnapshot() {
        var calls = 0
        XCTAssertFalse(AOFRewriter.snapshot(engine.keyspace, chunkSize: 100) { _ in
            calls += 1
            return calls < 3
        })
        XCTAssertEqual(calls, 3)
    }
}
