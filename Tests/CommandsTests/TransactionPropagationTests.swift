import XCTest
@testable import Commands
import SwirlBytes
@testable import Persistence
import RESP

/// What EXEC appends to the AOF: Redis 7.0's form (one propagated command as
/// is, several wrapped in MULTI … EXEC, SELECT before the MULTI), checked
/// against the incremental file of a redis-server 7.0.15; and that a file cut
/// anywhere inside the block loads without half a transaction.
final class TransactionPropagationTests: PropagationTestCase {

    private func transaction(_ commands: [String]...) {
        run("MULTI")
        for command in commands { _ = run(args: command.map { Bytes($0) }, on: client) }
        run("EXEC")
    }

    func testOneWriteIsLoggedAsIs() {
        transaction(["SET", "one", "1"], ["GET", "one"])
        XCTAssertEqual(logged(), [["SELECT", "0"], ["SET", "one", "1"]])
    }

    func testSeveralWritesAreWrappedInMultiExec() {
        run("SET", "marker", "0")
        _ = logged()
        transaction(["SET", "two", "1"], ["INCR", "two"])
        XCTAssertEqual(logged(), [["MULTI"], ["SET", "two", "1"], ["INCR", "two"], ["EXEC"]])
    }

    func testReadOnlyOrAbortedTransactionsLogNothing() {
        transaction(["GET", "one"])
        XCTAssertEqual(logged(), [])
        run("WATCH", "k")
        run("SET", "k", "1")
        _ = logged()
        transaction(["SET", "a", "1"], ["SET", "b", "2"])
        XCTAssertEqual(logged(), [], "a WATCH abort runs nothing")
        run("MULTI")
        run("SET", "a", "1")
        run("FOO")
        run("EXEC")
        XCTAssertEqual(logged(), [], "an EXECABORT runs nothing")
    }

    func testFailedCommandsAreNotLogged() {
        run("SET", "s", "text")
        _ = logged()
        transaction(["INCR", "s"], ["SET", "t", "1"], ["HSET", "s", "f", "v"])
        XCTAssertEqual(logged(), [["SET", "t", "1"]])
    }

    func testSelectGoesBeforeMultiAndInsideTheBlock() {
        run("SET", "marker", "0")
        _ = logged()
        transaction(["SELECT", "3"], ["SET", "d3", "x"], ["SELECT", "4"], ["SET", "d4", "y"], ["SELECT", "0"])
        run("SET", "marker", "4")
        XCTAssertEqual(logged(), [["SELECT", "3"], ["MULTI"], ["SET", "d3", "x"], ["SELECT", "4"], ["SET", "d4", "y"],
                                  ["EXEC"], ["SELECT", "0"], ["SET", "marker", "4"]])
    }

    func testRewrittenFormsAndLazyExpiryDeletesAreInsideTheBlock() {
        run("SET", "gone", "1", "PX", "20")
        usleep(40_000)
        _ = logged()
        transaction(["GET", "gone"], ["SET", "e", "1", "EX", "100"])
        let commands = logged()
        XCTAssertEqual(commands.count, 4, "\(commands)")
        XCTAssertEqual(commands.first, ["MULTI"])
        XCTAssertEqual(commands.dropFirst().first, ["DEL", "gone"])
        XCTAssertEqual(commands.dropFirst(2).first?.prefix(4), ["SET", "e", "1", "PXAT"])
        XCTAssertEqual(commands.last, ["EXEC"])
    }

    /// `appendfsync always` holds a reply until the AOF is durable up to the
    /// client's `aofWaitOffset`: after EXEC it must cover the whole block.
    func testExecWaitsForTheWholeBlock() {
        transaction(["SET", "a", "1"], ["SET", "b", "2"])
        XCTAssertEqual(client.aofWaitOffset, engine.aofOffset)
        XCTAssertEqual(Array(engine.aofBuffer.suffix(14)), Array("*1\r\n$4\r\nEXEC\r\n".utf8))
    }

    /// The stream a transaction produced, cut at every byte inside its block,
    /// loads as the state before the transaction (the loader reverts an
    /// unterminated MULTI), and whole it loads as the state after.
    func testACutInsideTheBlockLoadsNothingOfTheTransaction() throws {
        run("SET", "before", "1")
        let start = engine.aofBuffer.count
        transaction(["SET", "a", "1"], ["INCR", "before"], ["HSET", "h", "f", "v"])
        let stream = engine.aofBuffer
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swirl-tx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = AOFManifest(entries: [.init(name: "t.1.incr.aof", sequence: 1, type: .incremental)])
        for cut in start...stream.count {
            let loaded = Engine()
            _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("t.1.incr.aof").path,
                                               contents: Data(stream.prefix(cut)))
            _ = try loaded.loadAOF(manifest, directory: directory.path) { _, _ in }
            let reader = loaded.makeClient()
            reader.args = ["MGET", "before", "a"].map { Bytes($0) }
            loaded.execute(reader)
            let state = String(decoding: reader.reply.take(), as: UTF8.self)
            let whole = cut == stream.count
            XCTAssertEqual(state, whole ? "*2\r\n\(bulk("2"))\(bulk("1"))" : "*2\r\n\(bulk("1"))$-1\r\n", "cut at \(cut)")
        }
    }
}
