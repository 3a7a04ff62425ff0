import XCTest
@testable import Persistence

/// The Redis 7 multi-part AOF manifest: its lines, round trip, and the
/// refusals of Redis's aofLoadManifestFromFile (aof.c).
final class AOFManifestTests: XCTestCase {
    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let manifest = try AOFManifest.parse(text)
            XCTFail("parsed \(manifest.entries) instead of failing", file: file, line: line)
            return nil
        } catch {
            return error.message
        }
    }

    func testParsesWhatRedisWrites() throws {
        let text = """
        file appendonly.aof.3.base.aof seq 3 type b
        file appendonly.aof.2.incr.aof seq 2 type h
        file appendonly.aof.5.incr.aof seq 5 type i
        file appendonly.aof.6.incr.aof seq 6 type i

        """
        let manifest = try AOFManifest.parse(text)
        XCTAssertEqual(manifest.entries.count, 4)
        XCTAssertEqual(manifest.base, .init(name: "appendonly.aof.3.base.aof", sequence: 3, type: .base))
        XCTAssertEqual(manifest.incrementals.map(\.sequence), [5, 6])
        XCTAssertEqual(manifest.loadOrder.map(\.name),
                       ["appendonly.aof.3.base.aof", "appendonly.aof.5.incr.aof", "appendonly.aof.6.incr.aof"],
                       "base first, history files never loaded")
    }

    func testSerializedFormRoundTrips() throws {
        let manifest = AOFManifest(entries: [
            .init(name: "appendonly.aof.1.base.aof", sequence: 1, type: .base),
            .init(name: "appendonly.aof.1.incr.aof", sequence: 1, type: .incremental),
            .init(name: "appendonly.aof.2.incr.aof", sequence: 2, type: .incremental),
        ])
        XCTAssertEqual(manifest.serialized(), """
        file appendonly.aof.1.base.aof seq 1 type b
        file appendonly.aof.1.incr.aof seq 1 type i
        file appendonly.aof.2.incr.aof seq 2 type i

        """)
        XCTAssertEqual(try AOFManifest.parse(manifest.serialized()), manifest)
    }

    /// Redis writes a name that needs quoting with sdscatrepr, and reads it back with sdssplitargs.
    func testNamesWithSpacesAreQuotedAndRoundTrip() throws {
        let manifest = AOFManifest(entries: [.init(name: "my file.aof.1.incr.aof", sequence: 1, type: .incremental)])
        XCTAssertEqual(manifest.serialized(), "file \"my file.aof.1.incr.aof\" seq 1 type i\n")
        XCTAssertEqual(try AOFManifest.parse(manifest.serialized()), manifest)
    }

    func testQuotedNamesAreRead() throws {
        let manifest = try AOFManifest.parse("file \"odd name.aof\" seq 1 type i\n")
        XCTAssertEqual(manifest.incrementals.first?.name, "odd name.aof")
    }

    func testFreshManifestHasOneIncrementalFile() {
        let manifest = AOFManifest.fresh(baseName: "appendonly.aof")
        XCTAssertEqual(manifest.entries, [.init(name: "appendonly.aof.1.incr.aof", sequence: 1, type: .incremental)])
        XCTAssertNil(manifest.base)
    }

    func testCommentsAndUnknownKeysAreIgnored() throws {
        let manifest = try AOFManifest.parse("# written by a future version\nfile a.aof seq 1 type i startoffset 10 endoffset 20\n")
        XCTAssertEqual(manifest.entries, [.init(name: "a.aof", sequence: 1, type: .incremental)])
    }

    /// Keys are compared with strcasecmp.
    func testKeysAreCaseInsensitive() throws {
        let manifest = try AOFManifest.parse("FILE a.aof SEQ 1 TYPE i\n")
        XCTAssertEqual(manifest.entries, [.init(name: "a.aof", sequence: 1, type: .incremental)])
    }

    /// Redis trims " \t\r\n" from every line, so a manifest saved with CRLF loads the same.
    func testCRLFLineEndsAreAccepted() throws {
        let manifest = try AOFManifest.parse("file a.aof seq 1 type b\r\nfile b.aof seq 1 type i\r\n")
        XCTAssertEqual(manifest.entries, [.init(name: "a.aof", sequence: 1, type: .base),
                                          .init(name: "b.aof", sequence: 1, type: .incremental)])
    }

    func testMalformedLinesAreInvalidFormat() {
        let invalid = "Invalid AOF manifest file format"
        XCTAssertEqual(parseError("file a.aof seq 1\n"), invalid, "missing type")
        XCTAssertEqual(parseError("file a.aof type i\n"), invalid, "missing seq")
        XCTAssertEqual(parseError("seq 1 type i\n"), invalid, "missing file")
        XCTAssertEqual(parseError("file a.aof seq 1 type\n"), invalid, "odd word count")
        XCTAssertEqual(parseError("file \"a.aof seq 1 type i\n"), invalid, "unbalanced quotes")
        XCTAssertEqual(parseError("file a.aof seq x type i\n"), invalid, "seq not a number")
        XCTAssertEqual(parseError("file a.aof seq 0 type i\n"), invalid, "seq 0 counts as missing")
    }

    func testDuplicateBaseIsRefused() {
        XCTAssertEqual(parseError("file a.aof seq 1 type b\nfile b.aof seq 2 type b\n"), "Found duplicate base file information")
    }

    func testFileNamesMustNotBePaths() {
        XCTAssertEqual(parseError("file ../a.aof seq 1 type i\n"), "File can't be a path, just a filename")
        XCTAssertEqual(parseError("file dir/a.aof seq 1 type i\n"), "File can't be a path, just a filename")
    }

    func testUnknownFileTypeIsRefused() {
        XCTAssertEqual(parseError("file a.aof seq 1 type x\n"), "Unknown AOF file type")
    }

    func testIncrementalSequencesMustIncrease() {
        XCTAssertEqual(parseError("file a.2.aof seq 2 type i\nfile a.1.aof seq 1 type i\n"), "Found a non-monotonic sequence number")
        XCTAssertEqual(parseError("file a.1.aof seq 1 type i\nfile b.1.aof seq 1 type i\n"), "Found a non-monotonic sequence number")
    }

    func testEmptyManifestIsRefused() {
        XCTAssertEqual(parseError(""), "Found an empty AOF manifest")
    }

    func testBlankLineIsRefused() {
        XCTAssertEqual(parseError("file a.aof seq 1 type i\n\nfile b.aof seq 2 type i\n"), "Invalid AOF manifest file format")
    }
}
