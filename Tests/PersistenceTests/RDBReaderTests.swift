import XCTest
import Keyspace
@testable import Persistence
import Keyspace
import SwirlBytes

/// The RDB reader on a base file redis-server 7.0.15 wrote (BGREWRITEAOF with
/// aof-use-rdb-preamble yes) and on hand-built compact encodings.
final class RDBReaderTests: XCTestCase {
    /// SET s1 hello; SET n1 12345; SET big <300 x> (LZF); HSET h a 1 b 2 (listpack);
    /// SET e v EX 1000; SELECT 3; SET d3 x — as redis-server 7.0.15 wrote it.
    static let redisBase: [UInt8] = [
        0x52, 0x45, 0x44, 0x49, 0x53, 0x30, 0x30, 0x31, 0x30, 0xfa, 0x09, 0x72, 0x65, 0x64, 0x69, 0x73,
        0x2d, 0x76, 0x65, 0x72, 0x06, 0x37, 0x2e, 0x30, 0x2e, 0x31, 0x35, 0xfa, 0x0a, 0x72, 0x65, 0x64,
        0x69, 0x73, 0x2d, 0x62, 0x69, 0x74, 0x73, 0xc0, 0x40, 0xfa, 0x05, 0x63, 0x74, 0x69, 0x6d, 0x65,
        0xc2, 0xdf, 0xfc, 0x06, 0x6b, 0xfa, 0x08, 0x75, 0x73, 0x65, 0x64, 0x2d, 0x6d, 0x65, 0x6d, 0xc2,
        0x88, 0x1d, 0x0f, 0x00, 0xfa, 0x08, 0x61, 0x6f, 0x66, 0x2d, 0x62, 0x61, 0x73, 0x65, 0xc0, 0x01,
        0xfe, 0x00, 0xfb, 0x05, 0x01, 0x10, 0x01, 0x68, 0x11, 0x11, 0x00, 0x00, 0x00, 0x04, 0x00, 0x81,
        0x61, 0x02, 0x01, 0x01, 0x81, 0x62, 0x02, 0x02, 0x01, 0xff, 0x00, 0x02, 0x6e, 0x31, 0xc1, 0x39,
        0x30, 0xfc, 0x05, 0x0c, 0x5b, 0x13, 0xa2, 0x01, 0x00, 0x00, 0x00, 0x01, 0x65, 0x01, 0x76, 0x00,
        0x03, 0x62, 0x69, 0x67, 0xc3, 0x0c, 0x41, 0x2c, 0x01, 0x78, 0x78, 0xe0, 0xff, 0x00, 0xe0, 0x17,
        0x00, 0x01, 0x78, 0x78, 0x00, 0x02, 0x73, 0x31, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xfe, 0x03,
        0xfb, 0x01, 0x00, 0x00, 0x02, 0x64, 0x33, 0x01, 0x78, 0xff, 0x91, 0xb9, 0xba, 0xde, 0x4a, 0x82,
        0x0b, 0x14,
    ]

    private func entries(_ bytes: [UInt8]) throws -> [RDBReader.Entry] {
        var reader = RDBReader(bytes)
        var all: [RDBReader.Entry] = []
        try reader.read { all.append($0) }
        return all
    }

    private func string(_ value: RedisValue) -> String? {
        if case .string(let bytes) = value { return bytes.description }
        return nil
    }

    /// A file's end: EOF and a zero checksum (not checked).
    private let end: [UInt8] = [0xFF] + [UInt8](repeating: 0, count: 8)

    func testReadsEveryKeyOfARedisBaseFile() throws {
        let all = try entries(Self.redisBase)
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key.description, $0) })
        XCTAssertEqual(Set(byKey.keys), ["s1", "n1", "big", "h", "e", "d3"])
        XCTAssertEqual(string(byKey["s1"]!.value), "hello")
        XCTAssertEqual(string(byKey["n1"]!.value), "12345", "an int-encoded string comes back as its decimal text")
        XCTAssertEqual(string(byKey["big"]!.value), String(repeating: "x", count: 300), "LZF-compressed")
        guard case .hash(let hash) = byKey["h"]!.value else { return XCTFail("h is not a hash") }
        var pairs: [String] = []
        hash.forEach { pairs.append("\($0)=\($1)") }
        XCTAssertEqual(pairs, ["a=1", "b=2"], "listpack order is kept")
        XCTAssertNotNil(byKey["e"]!.expireAt)
        XCTAssertNil(byKey["s1"]!.expireAt)
        XCTAssertEqual(byKey["d3"]!.db, 3)
        XCTAssertEqual(byKey["s1"]!.db, 0)
    }

    func testATruncatedFileFails() {
        for cut in [9, 40, 100, Self.redisBase.count - 9] {
            XCTAssertThrowsError(try entries(Array(Self.redisBase.prefix(cut))), "cut at \(cut)")
        }
    }

    func testRefusesOtherFilesAndLaterVersions() {
        XCTAssertThrowsError(try entries(Array("*1\r\n$4\r\nPING\r\n".utf8)))
        XCTAssertThrowsError(try entries(Array("REDIS0011".utf8) + end))
    }

    func testUnsupportedTypesAreNamed() {
        // Type 7 (module data) after SELECTDB 0: not loaded.
        let bytes = Array("REDIS0010".utf8) + [0xFE, 0x00, 7, 0x01, UInt8(ascii: "x"), 0x00]
        XCTAssertThrowsError(try entries(bytes)) { error in
            XCTAssertTrue("\(error)".contains("module"), "\(error)")
        }
    }

    func testAnEmptyStreamWithItsCounters() throws {
        // Type 19: no nodes, length 0, last ID 5-0, first ID 0-0, max deleted 4-0, 3 added, one
        // group "g" at 5-0 with 3 read, an empty PEL and no consumers.
        let bytes = Array("REDIS0010".utf8) + [0xFE, 0x00, 19, 0x01, UInt8(ascii: "s"),
                                                0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x04, 0x00, 0x03,
                                                0x01, 0x01, UInt8(ascii: "g"), 0x05, 0x00, 0x03, 0x00, 0x00] + end
        var reader = RDBReader(bytes)
        var loaded: StreamValue?
        try reader.read { entry in
            if case .stream(let stream) = entry.value { loaded = stream }
        }
        let stream = try XCTUnwrap(loaded)
        XCTAssertEqual(stream.length, 0)
        XCTAssertEqual(stream.lastID, StreamID(ms: 5, seq: 0))
        XCTAssertEqual(stream.maxDeletedID, StreamID(ms: 4, seq: 0))
        XCTAssertEqual(stream.entriesAdded, 3)
        XCTAssertEqual(stream.groups["g"]?.entriesRead, 3)
        XCTAssertEqual(stream.groups["g"]?.lastID, StreamID(ms: 5, seq: 0))
    }

    func testQuicklistOfListpacksAndPlainNodes() throws {
        // A list in Redis 7.0's form (type 18): a packed node holding a listpack of
        // "a" and 7, then a plain node holding one element.
        let listpack: [UInt8] = [12, 0, 0, 0, 2, 0, 0x81, UInt8(ascii: "a"), 2, 7, 1, 0xFF]
        var bytes = Array("REDIS0010".utf8) + [0xFE, 0x00, 18, 0x01, UInt8(ascii: "l"), 0x02]
        bytes += [0x02, UInt8(listpack.count)] + listpack
        bytes += [0x01, 0x03] + Array("big".utf8) + end
        let loaded = try entries(bytes)
        guard case .list(let elements)? = loaded.first?.value else { return XCTFail("\(loaded)") }
        XCTAssertEqual(elements.map(\.description), ["a", "7", "big"])
    }

    func testListpackEncodings() throws {
        // 7-bit uint 5; 6-bit string "ab"; 13-bit int -3; 16-bit int 1000; 12-bit string of 70 bytes; end.
        var body: [UInt8] = [0x05, 0x01]
        body += [0x82, UInt8(ascii: "a"), UInt8(ascii: "b"), 0x03]
        body += [0xDF, 0xFD, 0x02]           // 13-bit: 0x1FFD = 8189 -> -3
        body += [0xF1, 0xE8, 0x03, 0x03]     // int16 1000
        let long = [UInt8](repeating: UInt8(ascii: "z"), count: 70)
        body += [0xE0, 70] + long + [72]     // 12-bit length 70, back-length 72
        let blob = [0, 0, 0, 0, 5, 0] + body + [0xFF]
        let elements = try Listpack.elements(blob)
        XCTAssertEqual(elements.map(\.description), ["5", "ab", "-3", "1000", String(repeating: "z", count: 70)])
    }

    func testZiplistEncodings() throws {
        // prevlen 0, str "ab"; prevlen, int16 -2; prevlen, immediate 7; prevlen, int8 100; end.
        var body: [UInt8] = [0x00, 0x02, UInt8(ascii: "a"), UInt8(ascii: "b")]
        body += [0x04, 0xC0, 0xFE, 0xFF]
        body += [0x04, 0xF8]
        body += [0x02, 0xFE, 100]
        let blob = [UInt8](repeating: 0, count: 10) + body + [0xFF]
        XCTAssertEqual(try Ziplist.elements(blob).map(\.description), ["ab", "-2", "7", "100"])
    }

    func testSortedSetEncodings() throws {
        func text(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
        var bytes = Array("REDIS0010".utf8) + [0xFE, 0x00]
        // Type 3: scores as text, 254 meaning +inf.
        bytes += [3] + text("old") + [2] + text("a") + text("1.5") + text("b") + [254]
        // Type 5: scores as little-endian binary doubles.
        bytes += [5] + text("bin") + [1] + text("m") + withUnsafeBytes(of: (2.25).bitPattern.littleEndian, Array.init)
        // Type 12: a ziplist of member, score: "a", immediate 2.
        let ziplist: [UInt8] = [UInt8](repeating: 0, count: 10) + [0x00, 0x01, UInt8(ascii: "a"), 0x03, 0xF3, 0xFF]
        bytes += [12] + text("zl") + [UInt8(ziplist.count)] + ziplist
        bytes += end
        let byKey = Dictionary(uniqueKeysWithValues: try entries(bytes).map { ($0.key.description, $0.value) })
        func scores(_ key: String) -> [String] {
            guard case .sortedSet(let zset)? = byKey[key] else { return [] }
            return zset.entries.map { "\($0.member)=\($0.score)" }
        }
        XCTAssertEqual(scores("old"), ["a=1.5", "b=inf"])
        XCTAssertEqual(scores("bin"), ["m=2.25"])
        XCTAssertEqual(scores("zl"), ["a=2.0"])
        // A NaN score (253 in the text form) is refused.
        let nan = Array("REDIS0010".utf8) + [0xFE, 0x00, 3] + text("n") + [1] + text("a") + [253] + end
        XCTAssertThrowsError(try entries(nan))
    }

    func testLZFLiteralsAndBackReferences() throws {
        // "abcabcabc": 3 literals, then a back reference of length 6 at distance 3.
        let compressed: [UInt8] = [0x02, UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "c"), 0x80, 0x02]
        XCTAssertEqual(try LZF.decompress(compressed, length: 9), Array("abcabcabc".utf8))
        XCTAssertThrowsError(try LZF.decompress(compressed, length: 10))
        XCTAssertThrowsError(try LZF.decompress([0x80, 0x05], length: 3), "a reference before any output")
    }
}
