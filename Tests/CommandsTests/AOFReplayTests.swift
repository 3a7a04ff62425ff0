import XCTest
@testable import Commands
@testable import Persistence
import RESP

/// Loading an AOF directory written into a temporary directory through the
/// engine (`Engine.loadAOF`); the reader's refusals are PersistenceTests/AOFReaderTests.
final class AOFReplayTests: CommandTestCase {
    private var directory: URL!
    private var warnings: [String] = []

    override func setUp() {
        super.setUp()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swirl-aof-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        warnings = []
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    // MARK: - Helpers

    private func frame(_ words: String...) -> [UInt8] {
        var out: [UInt8] = []
        CommandEncoder.append(words.map { Array($0.utf8) }, to: &out)
        return out
    }

    private func write(_ name: String, _ bytes: [UInt8]) {
        XCTAssertTrue(FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data(bytes)))
    }

    private func size(of name: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? -1
    }

    private func incremental(_ names: String...) -> AOFManifest {
        AOFManifest(entries: names.enumerated().map { .init(name: $0.element, sequence: $0.offset + 1, type: .incremental) })
    }

    private func load(_ manifest: AOFManifest) throws -> AOFReader.Result {
        try engine.loadAOF(manifest, directory: directory.path) { [unowned self] warning, message in
            if warning { self.warnings.append(message) }
        }
    }

    // MARK: - Replay

    func testReplaysCommandsIntoTheirDatabases() throws {
        write("a.1.incr.aof", frame("SELECT", "0") + frame("SET", "k", "v") + frame("HSET", "h", "f", "1")
              + frame("SELECT", "3") + frame("SET", "x", "in3") + frame("INCRBYFLOAT", "n", "1.5"))
        let result = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(result.commands, 6)
        XCTAssertTrue(result.truncatedFiles.isEmpty)
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(run("HGET", "h", "f"), bulk("1"))
        run("SELECT", "3")
        XCTAssertEqual(run("GET", "x"), bulk("in3"))
        XCTAssertEqual(run("GET", "n"), bulk("1.5"))
        XCTAssertFalse(engine.loading, "loading flag is cleared afterwards")
    }

    /// The file's commands were allowed when they first ran: with `requirepass`
    /// set, replay must not answer them NOAUTH (it once did, and a restart
    /// came up empty).
    func testReplayIgnoresRequirepass() throws {
        let config = Config()
        XCTAssertNil(config.set("requirepass", "secret"))
        let guarded = Engine(config: config)
        write("a.1.incr.aof", frame("SET", "k", "v") + frame("RPUSH", "l", "a", "b"))
        let result = try guarded.loadAOF(incremental("a.1.incr.aof"), directory: directory.path) { _, _ in }
        XCTAssertEqual(result.commands, 2)
        XCTAssertEqual(guarded.keyspace[0].count, 2)
    }

    func testBaseThenIncrementalsInOrder() throws {
        write("a.1.base.aof", frame("SET", "k", "base") + frame("SET", "only-base", "1"))
        write("a.1.incr.aof", frame("SET", "k", "incr1"))
        write("a.2.incr.aof", frame("APPEND", "k", "+incr2"))
        let manifest = AOFManifest(entries: [
            .init(name: "a.1.base.aof", sequence: 1, type: .base),
            .init(name: "a.1.incr.aof", sequence: 1, type: .incremental),
            .init(name: "a.2.incr.aof", sequence: 2, type: .incremental),
        ])
        let result = try load(manifest)
        XCTAssertEqual(result.commands, 4)
        XCTAssertEqual(run("GET", "k"), bulk("incr1+incr2"))
        XCTAssertEqual(run("GET", "only-base"), bulk("1"))
    }

    func testEachFileStartsInDatabaseZero() throws {
        write("a.1.incr.aof", frame("SELECT", "5") + frame("SET", "k", "five"))
        write("a.2.incr.aof", frame("SET", "k", "zero"))
        _ = try load(incremental("a.1.incr.aof", "a.2.incr.aof"))
        XCTAssertEqual(run("GET", "k"), bulk("zero"))
        run("SELECT", "5")
        XCTAssertEqual(run("GET", "k"), bulk("five"))
    }

    func testPastExpiriesAreStoredWhileLoadingAndApplyAfterwards() throws {
        write("a.1.incr.aof", frame("SET", "k", "v") + frame("PEXPIREAT", "k", "1") + frame("SET", "live", "v"))
        _ = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(engine.keyspace[0].volatileCount, 1, "the expiry is loaded, not turned into a delete")
        XCTAssertEqual(run("GET", "k"), null)
        XCTAssertEqual(run("DBSIZE"), int(1))
    }

    func testEmptyFileLoadsNothing() throws {
        write("a.1.incr.aof", [])
        let result = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(result.commands, 0)
        XCTAssertEqual(run("DBSIZE"), int(0))
    }

    // MARK: - MULTI/EXEC

    func testTransactionsAreReplayed() throws {
        write("a.1.incr.aof", frame("MULTI") + frame("SET", "a", "1") + frame("INCR", "a") + frame("EXEC") + frame("SET", "b", "2"))
        _ = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(run("MGET", "a", "b"), "*2\r\n\(bulk("2"))\(bulk("2"))")
    }

    func testUnterminatedTransactionAtTheEndIsDroppedAndCutOff() throws {
        let complete = frame("SET", "before", "1") + frame("MULTI") + frame("SET", "a", "1") + frame("EXEC")
        let tail = frame("MULTI") + frame("SET", "lost", "1") + frame("INCR", "lost")
        write("a.1.incr.aof", complete + tail)
        let result = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(run("EXISTS", "lost"), int(0))
        XCTAssertEqual(run("MGET", "before", "a"), "*2\r\n\(bulk("1"))\(bulk("1"))")
        XCTAssertEqual(result.truncatedFiles, ["a.1.incr.aof"])
        XCTAssertEqual(size(of: "a.1.incr.aof"), complete.count, "the file ends before the unterminated MULTI")
    }

    func testUnterminatedTransactionWithATruncatedCommand() throws {
        let complete = frame("SET", "before", "1")
        let cut = frame("MULTI") + frame("SET", "lost", "1") + Array(frame("SET", "half", "value").prefix(12))
        write("a.1.incr.aof", complete + cut)
        _ = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(run("DBSIZE"), int(1))
        XCTAssertEqual(size(of: "a.1.incr.aof"), complete.count)
    }

    // MARK: - Truncated tail

    func testTruncatedTailIsCutBackToTheLastFullCommand() throws {
        let complete = frame("SET", "a", "1") + frame("SET", "b", "2")
        let partial = Array(frame("SET", "c", "a longer value").dropLast(7))
        write("a.1.incr.aof", complete + partial)
        let result = try load(incremental("a.1.incr.aof"))
        XCTAssertEqual(result.commands, 2)
        XCTAssertEqual(result.truncatedFiles, ["a.1.incr.aof"])
        XCTAssertEqual(size(of: "a.1.incr.aof"), complete.count)
        XCTAssertEqual(run("MGET", "a", "b", "c"), "*3\r\n\(bulk("1"))\(bulk("2"))$-1\r\n")
        XCTAssertFalse(warnings.isEmpty, "the truncation is logged as a warning")
        XCTAssertTrue(warnings.contains { $0.contains("a.1.incr.aof") })
        // The cut file now loads cleanly.
        let again = try load(incremental("a.1.incr.aof"))
        XCTAssertTrue(again.truncatedFiles.isEmpty)
    }

    /// Including cuts that fall just after a complete line of the last command (`*3\r\n`, `$3\r\n` …).
    func testTruncationAtEveryByteOfTheLastCommand() throws {
        let complete = frame("SET", "a", "1")
        let last = frame("SET", "b", "2")
        for cut in 1..<last.count {
            engine = Engine()
            client = engine.makeClient()
            write("a.1.incr.aof", complete + last.prefix(cut))
            let result = try load(incremental("a.1.incr.aof"))
            XCTAssertEqual(result.commands, 1, "cut at \(cut)")
            XCTAssertEqual(result.truncatedFiles, ["a.1.incr.aof"], "cut at \(cut)")
            XCTAssertEqual(size(of: "a.1.incr.aof"), complete.count, "cut at \(cut)")
            XCTAssertEqual(run("DBSIZE"), int(1), "cut at \(cut)")
        }
    }
}
