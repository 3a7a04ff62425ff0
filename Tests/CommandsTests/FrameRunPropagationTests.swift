import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// A pipelined batch is logged as the frames it arrived in, copied in runs
/// (Propagation.swift): the AOF stream must be exactly what logging each
/// command on its own would give, in the same order, whatever interleaves.
final class FrameRunPropagationTests: PropagationTestCase {
    /// A connection's decoder, as the server's `Connection` holds it.
    private final class DecoderSource: ReceivedFrames {
        var decoder = RequestDecoder()
        var copies = 0
        func copyFrames(_ frames: Range<Int>, into buffer: inout [UInt8]) {
            copies += 1
            decoder.copyFrames(frames, into: &buffer)
        }
    }

    private var source: DecoderSource!

    override func setUp() {
        super.setUp()
        source = DecoderSource()
    }

    /// Runs every command of `input` as one input batch; `during` sees each reply.
    private func runBatch(_ input: String, during: (String) -> Void = { _ in }) {
        source.decoder.append(contentsOf: Array(input.utf8))
        engine.beginInput(from: source)
        while (try? source.decoder.next(into: &client.args)) == true {
            engine.execute(client, receivedAs: source.decoder.lastCommandFrame)
            XCTAssertLessThanOrEqual(client.aofWaitOffset, engine.aofOffset)
            during(String(decoding: client.reply.take(), as: UTF8.self))
        }
        engine.endInput()
    }

    private func frame(_ words: String...) -> String {
        var encoded: [UInt8] = []
        CommandEncoder.append(words.map { Bytes($0) }, to: &encoded)
        return String(decoding: encoded, as: UTF8.self)
    }

    private var stream: String { String(decoding: engine.aofBuffer, as: UTF8.self) }

    func testAPipelineOfWritesIsLoggedAsReceived() {
        let writes = frame("SET", "a", "1") + frame("INCR", "n") + frame("RPUSH", "l", "x", "y") + frame("HSET", "h", "f", "v")
        runBatch(writes)
        XCTAssertEqual(source.copies, 1, "one copy for the whole run")
        XCTAssertEqual(stream, frame("SELECT", "0") + writes)
        XCTAssertEqual(engine.aofOffset, engine.aofBuffer.count)
    }

    func testReadsFailuresAndRewrittenCommandsKeepTheirPlace() {
        let before = Keyspace.clockMilliseconds()
        runBatch(frame("SET", "a", "1") + frame("GET", "a") + frame("INCR", "a") + frame("LPUSH", "a", "x")
                 + "SET b 2\r\n" + frame("SET", "c", "3", "EX", "100") + frame("DEL", "a") + frame("DEL", "a"))
        let commands = logged()
        XCTAssertEqual(commands.count, 6)
        XCTAssertEqual(Array(commands.prefix(4)), [["SELECT", "0"], ["SET", "a", "1"], ["INCR", "a"], ["SET", "b", "2"]])
        XCTAssertEqual(Array(commands[4].prefix(4)), ["SET", "c", "3", "PXAT"])
        XCTAssertLessThan(abs((Int64(commands[4][4]) ?? 0) - before - 100_000), 2_000)
        XCTAssertEqual(commands[5...].map { $0 }, [["DEL", "a"]], "the failed LPUSH and the second DEL change nothing")
    }

    func testDatabaseSwitchesAndTransactionsInsideABatch() {
        runBatch(frame("SET", "a", "1") + frame("SELECT", "2") + frame("SET", "b", "1") + frame("MULTI")
                 + frame("SET", "c", "1") + frame("INCR", "c") + frame("EXEC") + frame("SELECT", "0") + frame("SET", "d", "1"))
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SET", "a", "1"], ["SELECT", "2"], ["SET", "b", "1"], ["MULTI"],
                                  ["SET", "c", "1"], ["INCR", "c"], ["EXEC"], ["SELECT", "0"], ["SET", "d", "1"]])
    }

    func testExpiredKeysDeletedByALookupAreLoggedBeforeTheCommand() {
        run("SET", "gone", "v", "PX", "1")
        _ = logged()
        usleep(5_000)
        runBatch(frame("SET", "x", "1") + frame("APPEND", "gone", "w") + frame("SET", "y", "1"))
        XCTAssertEqual(logged(), [["SET", "x", "1"], ["DEL", "gone"], ["APPEND", "gone", "w"], ["SET", "y", "1"]])
    }

    func testReadingTheBufferMidBatchIncludesThePendingRun() {
        var seen: [Int] = []
        runBatch(frame("SET", "a", "1") + frame("SET", "b", "2")) { _ in
            seen.append(self.engine.aofBuffer.count)
            XCTAssertEqual(self.engine.aofOffset, self.engine.aofBuffer.count)
        }
        XCTAssertEqual(seen, [frame("SELECT", "0").utf8.count + frame("SET", "a", "1").utf8.count,
                              frame("SELECT", "0").utf8.count + 2 * frame("SET", "a", "1").utf8.count])
    }

    func testFramesSurviveALargeValueStartingInTheSameRead() {
        // The first frame is past the decoder's compaction threshold (4 KB) when the big
        // value's header is read: its bytes must stay until the batch ends.
        let first = frame("SET", "a", String(repeating: "x", count: 5_000))
        let big = frame("SET", "big", String(repeating: "y", count: 100_000))
        let bytes = Array((first + big).utf8)
        let cut = first.utf8.count + 20_000
        runBatch(String(decoding: bytes[..<cut], as: UTF8.self))
        XCTAssertEqual(stream, frame("SELECT", "0") + first)
        engine.aofBuffer.removeAll()
        runBatch(String(decoding: bytes[cut...], as: UTF8.self))
        XCTAssertEqual(stream, big)
    }
}
