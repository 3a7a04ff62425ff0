import XCTest
@testable import SwirlFuzz
import Commands

/// The fuzzer's checked-in corpus, crash inputs included (named `crash-…`),
/// replayed through the entry point libFuzzer calls: each must run to its end
/// without a trap or a malformed reply.
final class CorpusReplayTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("corpus").path

    func testEveryCorpusInputRunsToTheEnd() throws {
        let files = CorpusReplay.files(in: [Self.corpus])
        XCTAssertGreaterThanOrEqual(files.count, 30, "the seed corpus is missing")
        for path in files {
            let input = try XCTUnwrap(CorpusReplay.contents(of: path), path)
            FuzzSession.run(input)
        }
    }

    func testDictionaryHasEveryCommandAndOption() {
        let engine = Engine()
        let words = Set(FuzzDictionary.words(engine).map { String(decoding: $0, as: UTF8.self) })
        for spec in engine.table.all {
            XCTAssertTrue(words.contains(spec.name), spec.fullName)
        }
        for word in ["WITHSCORES", "LIMIT", "KEEPTTL", "MINMATCHLEN", "9223372036854775808", "-9223372036854775809"] {
            XCTAssertTrue(words.contains(word), word)
        }
        XCTAssertTrue(FuzzDictionary.text(engine).contains("\"\\xfec\""), "the cron marker, escaped")
        // libFuzzer refuses the whole file for one empty entry (MIGRATE's `""` token once made one).
        XCTAssertFalse(FuzzDictionary.text(engine).split(separator: "\n").contains("\"\""), "no empty word")
    }

    func testRepliesAreValidated() {
        XCTAssertNoThrow(try ReplyValidator.validate(Array("+OK\r\n*2\r\n$1\r\na\r\n:1\r\n%1\r\n+a\r\n_\r\n|1\r\n+k\r\n+v\r\n#t\r\n:-9223372036854775808\r\n".utf8)))
        for broken in ["*2\r\n:1\r\n", "$3\r\nab\r\n", "+OK\n", ":1x\r\n", "#x\r\n", "?\r\n"] {
            XCTAssertThrowsError(try ReplyValidator.validate(Array(broken.utf8)), broken.debugDescription)
        }
    }

    func testBoundedCommandsAreSkipped() {
        XCTAssertTrue(FuzzBounds.skips(["DEBUG", "sleep", "1"]))
        XCTAssertTrue(FuzzBounds.skips(["debug", "POPULATE", "100000000"]))
        XCTAssertFalse(FuzzBounds.skips(["DEBUG", "POPULATE", "100"]))
        XCTAssertTrue(FuzzBounds.skips(["SRANDMEMBER", "s", "-9223372036854775807"]))
        XCTAssertFalse(FuzzBounds.skips(["SRANDMEMBER", "s", "9223372036854775807"]))
        XCTAssertTrue(FuzzBounds.skips(["CONFIG", "SET", "maxmemory", "1", "proto-max-bulk-len", "1gb"]))
        XCTAssertTrue(FuzzBounds.skips(["PFSELFTEST"]))
    }
}
