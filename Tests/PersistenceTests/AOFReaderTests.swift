import XCTest
import Keyspace
@testable import Persistence
import RESP
import SwirlBytes

/// Reading an AOF directory without an engine: what reaches the sink, and the
/// refusals with file name and offset (the replay itself: CommandsTests/AOFReplayTests).
final class AOFReaderTests: XCTestCase {
    /// Records what the reader hands on, in one log for all files; every name is a command but NOSUCH….
    private final class RecordingSink: CommandSink {
        let log: Log
        init(_ log: Log) {
            self.log = log
            log.events.append("<file>")
        }
        func isCommand(_ name: Bytes) -> Bool { !name.asciiLowercased.starts(with: Bytes("nosuch")) }
        func apply(_ command: [Bytes]) { log.events.append(command.map(\.description).joined(separator: " ")) }
    }

    private final class Log { var events: [String] = [] }

    private let directory = NSTemporaryDirectory() + "swirl-aof-\(UUID().uuidString)"
    private let log = Log()

    // The directory's files go through FileIO, the module's own file helpers.
    override func setUp() {
        super.setUp()
        XCTAssertNoThrow(try FileIO.makeDirectory(directory))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
        super.tearDown()
    }

    private func write(_ name: String, _ bytes: [UInt8]) {
        XCTAssertNoThrow(try FileIO.writeAtomically(bytes, to: directory + "/" + name, directory: directory))
    }

    private func frame(_ words: String...) -> [UInt8] {
        var out: [UInt8] = []
        CommandEncoder.append(words.map { Bytes($0) }, to: &out)
        return out
    }

    private func size(of name: String) -> Int { FileIO.size(directory + "/" + name) }

    private func incremental(_ names: String...) -> AOFManifest {
        AOFManifest(entries: names.enumerated().map { .init(name: $0.element, sequence: $0.offset + 1, type: .incremental) })
    }

    private func read(_ manifest: AOFManifest, loadTruncated: Bool = true) throws -> AOFReader.Result {
        try AOFReader(directory: directory, loadTruncated: loadTruncated) { _, _ in }
            .read(manifest, into: Keyspace()) { RecordingSink(log) }
    }

    private func loadFailure(_ manifest: AOFManifest, loadTruncated: Bool = true,
                             file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try read(manifest, loadTruncated: loadTruncated)
            XCTFail("loading succeeded", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    // MARK: - What the sink gets

    func testFilesInOrderAndTransactionsOnlyOnceComplete() throws {
        write("a.1.base.aof", frame("SET", "k", "base"))
        write("a.1.incr.aof", frame("MULTI") + frame("SET", "a", "1") + frame("INCR", "a") + frame("EXEC"))
        write("a.2.incr.aof", frame("SET", "b", "2") + frame("MULTI") + frame("SET", "lost", "1"))
        let manifest = AOFManifest(entries: [
            .init(name: "a.1.base.aof", sequence: 1, type: .base),
            .init(name: "a.1.incr.aof", sequence: 1, type: .incremental),
            .init(name: "a.2.incr.aof", sequence: 2, type: .incremental),
        ])
        let result = try read(manifest)
        XCTAssertEqual(log.events, ["<file>", "SET k base", "<file>", "SET a 1", "INCR a", "<file>", "SET b 2"],
                       "a sink per file, no MULTI or EXEC, nothing of the open transaction")
        XCTAssertEqual(result.commands, 4)
        XCTAssertEqual(result.truncatedFiles, ["a.2.incr.aof"])
    }

    // MARK: - Refusals

    func testTruncatedTailFailsWhenAOFLoadTruncatedIsOff() {
        let complete = frame("SET", "a", "1")
        write("a.1.incr.aof", complete + frame("SET", "b", "2").prefix(8))
        let message = loadFailure(incremental("a.1.incr.aof"), loadTruncated: false)
        XCTAssertTrue(message.contains("a.1.incr.aof"), message)
        XCTAssertTrue(message.contains("\(complete.count)"), message)
        XCTAssertEqual(size(of: "a.1.incr.aof"), complete.count + 8, "the file is left alone")
    }

    func testTruncatedFileThatIsNotTheLastFails() {
        write("a.1.incr.aof", frame("SET", "a", "1") + frame("SET", "b", "2").prefix(8))
        write("a.2.incr.aof", frame("SET", "c", "3"))
        let message = loadFailure(incremental("a.1.incr.aof", "a.2.incr.aof"))
        XCTAssertTrue(message.contains("a.1.incr.aof"), message)
    }

    func testCorruptMiddleFailsWithFileNameAndOffset() {
        let good = frame("SET", "a", "1") + frame("SET", "b", "2")
        write("a.1.incr.aof", good + Array("*2\r\n$3\r\nGET\r\n!oops\r\n".utf8) + frame("SET", "c", "3"))
        let message = loadFailure(incremental("a.1.incr.aof"))
        XCTAssertTrue(message.contains("a.1.incr.aof"), message)
        XCTAssertTrue(message.contains("offset \(good.count)"), message)
        XCTAssertEqual(size(of: "a.1.incr.aof"), good.count + 20 + frame("SET", "c", "3").count, "a corrupt file is not truncated")
    }

    func testInlineTextIsCorruption() {
        write("a.1.incr.aof", frame("SET", "a", "1") + Array("SET b 2\r\n".utf8))
        let message = loadFailure(incremental("a.1.incr.aof"))
        XCTAssertTrue(message.contains("a.1.incr.aof"), message)
    }

    func testUnknownCommandFails() {
        write("a.1.incr.aof", frame("SET", "a", "1") + frame("NOSUCHCOMMAND", "x"))
        let message = loadFailure(incremental("a.1.incr.aof"))
        XCTAssertTrue(message.contains("Unknown command 'NOSUCHCOMMAND'"), message)
        XCTAssertTrue(message.contains("a.1.incr.aof"), message)
    }

    func testMissingBaseFileFails() {
        let manifest = AOFManifest(entries: [.init(name: "gone.base.aof", sequence: 1, type: .base)])
        XCTAssertEqual(loadFailure(manifest), "Unable to obtain the AOF file gone.base.aof length. stat: No such file or directory")
    }

    /// Redis refuses a manifest that names any missing file, the last incremental
    /// one too (Swirl once started without it, with less data).
    func testMissingLastIncrementalFileFails() {
        write("a.1.incr.aof", frame("SET", "a", "1"))
        let manifest = incremental("a.1.incr.aof", "a.2.incr.aof")
        XCTAssertEqual(loadFailure(manifest), "Unable to obtain the AOF file a.2.incr.aof length. stat: No such file or directory")
    }

    func testRDBPreambleIsRefused() {
        write("a.1.base.rdb", Array("REDIS0010".utf8) + [0xfa, 0x00])
        let manifest = AOFManifest(entries: [.init(name: "a.1.base.rdb", sequence: 1, type: .base)])
        XCTAssertTrue(loadFailure(manifest).contains("a.1.base.rdb"))
    }
}
