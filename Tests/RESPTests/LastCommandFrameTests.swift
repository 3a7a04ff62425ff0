import XCTest
@testable import RESP
import SwirlBytes

/// `lastCommandFrame` gives the AOF the bytes a command arrived as, only when they are
/// exactly what `CommandEncoder` would write for its arguments.
final class LastCommandFrameTests: XCTestCase {
    private func frames(_ input: String, split: Int? = nil) throws -> [[UInt8]?] {
        var decoder = RequestDecoder()
        var result: [[UInt8]?] = []
        var args: [Bytes] = []
        let bytes = Array(input.utf8)
        let pieces = split.map { [Array(bytes[..<$0]), Array(bytes[$0...])] } ?? [bytes]
        for piece in pieces {
            decoder.append(contentsOf: piece)
            while try decoder.next(into: &args) {
                var frame: [UInt8]? = nil
                if let range = decoder.lastCommandFrame {
                    frame = []
                    decoder.copyFrames(range, into: &frame!)
                }
                if let frame {
                    var encoded: [UInt8] = []
                    CommandEncoder.append(args, to: &encoded)
                    XCTAssertEqual(frame, encoded)
                }
                result.append(frame)
            }
        }
        return result
    }

    func testCanonicalFramesAreHandedOverAsReceived() throws {
        let input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*0\r\n*1\r\n$4\r\nPING\r\n"
        XCTAssertEqual(try frames(input), [Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n".utf8), Array("*1\r\n$4\r\nPING\r\n".utf8)])
        // Split anywhere: a frame whose start was compacted away before it completed
        // comes back nil (the AOF encodes it then), any other equals its encoding (checked in `frames`).
        XCTAssertEqual(try frames(input, split: 2).compactMap { $0 }.count, 2)
        for split in 1..<input.utf8.count {
            XCTAssertEqual(try frames(input, split: split).count, 2, "split at \(split)")
        }
    }

    func testInlineAndNonCRLFFramesAreNot() throws {
        XCTAssertEqual(try frames("SET k v\r\n"), [nil])
        XCTAssertEqual(try frames("*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n"), [nil, Array("*1\r\n$4\r\nPING\r\n".utf8)])
        XCTAssertEqual(try frames("*1\rx$4\r\nPING\r\n"), [nil])
        XCTAssertEqual(try frames("*1\r\n$4\rxPING\r\n"), [nil])
    }
}

/// A buffer a large request grew is given back once consumed, and what follows
/// decodes and hands over its frames as before.
final class IdleBufferReleaseTests: XCTestCase {
    func testALargeRequestsBufferIsFreedOnceConsumedAndTheStreamGoesOn() throws {
        var decoder = RequestDecoder()
        var args: [Bytes] = []
        let big = [UInt8](repeating: 0x76, count: 600_000)
        decoder.append(contentsOf: Array("*2\r\n$3\r\nSET\r\n$600000\r\n".utf8))
        XCTAssertFalse(decoder.releaseIfIdle(above: 256 * 1024), "nothing to give back mid-frame")
        decoder.append(contentsOf: big + Array("\r\n".utf8))
        XCTAssertFalse(decoder.releaseIfIdle(above: 256 * 1024), "not consumed yet")
        XCTAssertTrue(try decoder.next(into: &args))
        XCTAssertEqual(args.last?.count, 600_000)
        XCTAssertGreaterThan(decoder.allocatedBytes, 600_000)
        XCTAssertTrue(decoder.releaseIfIdle(above: 256 * 1024))
        XCTAssertLessThan(decoder.allocatedBytes, 1024)
        decoder.append(contentsOf: Array("*1\r\n$4\r\nPING\r\n".utf8))
        XCTAssertTrue(try decoder.next(into: &args))
        XCTAssertEqual(args, [Bytes("PING")])
        var frame: [UInt8] = []
        decoder.copyFrames(try XCTUnwrap(decoder.lastCommandFrame), into: &frame)
        XCTAssertEqual(frame, Array("*1\r\n$4\r\nPING\r\n".utf8))
        XCTAssertFalse(decoder.releaseIfIdle(above: 256 * 1024), "a small buffer is kept")
    }
}
