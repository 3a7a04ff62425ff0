import XCTest
@testable import Persistence
import Keyspace
import SwirlBytes

/// The RDB writer: its pieces (CRC-64, LZF, listpack, intset) and round trips
/// of every type in every encoding through the reader.
final class RDBWriterTests: XCTestCase {
    func testCRC64IsRedisJonesPolynomial() {
        XCTAssertEqual(CRC64.update(0, Array("123456789".utf8)), 0xe9c6_d914_c4b8_d9ca)
        // Any split gives the same result as one pass.
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC64.update(0, data)
        for cut in [0, 1, 7, 8, 9, 500, 999] {
            XCTAssertEqual(CRC64.update(CRC64.update(0, data[..<cut]), data[cut...]), whole, "cut at \(cut)")
        }
    }

    func testLZFRoundTrips() throws {
        var random = SystemRandomNumberGenerator()
        let texts: [[UInt8]] = [
            Array(String(repeating: "abc", count: 200).utf8),
            Array(String(repeating: "x", count: 10_000).utf8),
            Array((0..<5000).map { "key:\($0 % 97) " }.joined().utf8),
            (0..<3000).map { _ in UInt8.random(in: 0...3, using: &random) },
        ]
        for text in texts {
            let compressed = try XCTUnwrap(text.withUnsafeBytes { LZF.compress($0, limit: text.count - 4) })
            XCTAssertLessThan(compressed.count, text.count)
            XCTAssertEqual(try LZF.decompress(compressed, length: text.count), text)
        }
        let noise = (0..<300).map { _ in UInt8.random(in: 0...255, using: &random) }
        XCTAssertNil(noise.withUnsafeBytes { LZF.compress($0, limit: noise.count - 4) }, "incompressible data is stored as is")
    }

    func testListpackBuilderEncodingsReadBack() throws {
        let elements: [Bytes] = ["0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767", "8388607",
                                 "-8388608", "2147483647", "-2147483648", "2147483648", "9223372036854775807",
                                 "-9223372036854775808", "9223372036854775808", "007", "-0", "+1", "", "a",
                                 Bytes(String(repeating: "y", count: 63)), Bytes(String(repeating: "y", count: 64)),
                                 Bytes(String(repeating: "z", count: 4095)), Bytes(String(repeating: "z", count: 4096)),
                                 Bytes(String(repeating: "w", count: 20_000))]
        var builder = ListpackBuilder()
        for element in elements { builder.append(element) }
        let blob = builder.finish()
        XCTAssertEqual(Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16, blob.count)
        XCTAssertEqual(Int(blob[4]), elements.count)
        XCTAssertEqual(try Listpack.elements(blob), elements)
        XCTAssertEqual(blob[6...7], [0, 1], "0 as a 7-bit integer and its back-length")
    }

    func testIntsetWidths() throws {
        for values: [Int64] in [[1, 2, 300], [-70000, 5], [Int64.min, 0, Int64.max]] {
            XCTAssertEqual(try RDBReader.intsetMembers(IntsetEncoder.encode(values)), values.map { SetValue.bytes($0) })
        }
        XCTAssertEqual(IntsetEncoder.encode([1, 2])[0], 2)
        XCTAssertEqual(IntsetEncoder.encode([1, 40000])[0], 4)
        XCTAssertEqual(IntsetEncoder.encode([1, 1 << 40])[0], 8)
    }

    // MARK: - Round trips

    /// Every type in each encoding Redis 7.0 writes for it.
    static func sampleKeyspace() -> Keyspace {
        let keyspace = Keyspace(databaseCount: 16)
        let db = keyspace[0]
        db.set("int", .string("12345"))
        db.set("negative", .string("-7"))
        db.set("big-int", .string("123456789012"))
        db.set("short", .string("hello"))
        db.set("empty", .string(""))
        db.set("long", .string(Bytes(String(repeating: "abcdefgh", count: 100))))
        db.set("binary", .string(Bytes((0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) })))
        db.set("small-list", .list(ListValue(["a", "1", "-300", Bytes(String(repeating: "q", count: 70))])))
        db.set("big-list", .list(ListValue((0..<5000).map { Bytes("element-\($0)") })))
        db.set("huge-elements", .list(ListValue((0..<5).map { Bytes(String(repeating: "\($0)", count: 9000)) })))
        db.set("intset", .set(SetValue(["1", "5", "-40000", "9"])))
        db.set("small-set", .set(SetValue(["a", "b", "7"])))
        db.set("big-set", .set(SetValue((0..<600).map { Bytes("m\($0)") })))
        db.set("big-intset", .set(SetValue((0..<600).map { Bytes("\($0)") })))
        let small = SortedSetValue()
        for (member, score) in [("a", 1.5), ("b", -2.0), ("c", Double.infinity), ("d", 3.0), ("e", 1e300)] {
            small.insert(Bytes(member), score)
        }
        db.set("small-zset", .sortedSet(small))
        let big = SortedSetValue()
        for index in 0..<300 { big.insert(Bytes("member-\(index)"), Double(index) / 3) }
        big.insert("minus-inf", -.infinity)
        db.set("big-zset", .sortedSet(big))
        let hash = HashValue()
        for (field, value) in [("f", "v"), ("n", "42"), ("g", "")] { hash.set(Bytes(field), Bytes(value)) }
        db.set("small-hash", .hash(hash))
        let bigHash = HashValue()
        for index in 0..<200 { bigHash.set(Bytes("field\(index)"), Bytes("value\(index)")) }
        bigHash.set("long", Bytes(String(repeating: "v", count: 100)))
        db.set("big-hash", .hash(bigHash))
        db.set("expiring", .string("soon"))
        db.setExpire("expiring", at: 4_102_444_800_000)
        keyspace[3].set("in-db-3", .string("x"))
        db.set("stream", .stream(sampleStream()))
        return keyspace
    }

    /// A value as text, unordered collections sorted.
    static func describe(_ value: RedisValue) -> String {
        switch value {
        case .string(let bytes): return "string:\(bytes.array)"
        case .list(let list): return "list:" + list.map { "\($0.array)" }.joined(separator: ",")
        case .set(let set): return "set:" + set.allMembers.map(\.description).sorted().joined(separator: ",")
        case .sortedSet(let zset): return "zset:" + zset.entries.map { "\($0.member)=\($0.score)" }.joined(separator: ",")
        case .hash(let hash):
            var pairs: [String] = []
            hash.forEach { pairs.append("\($0)=\($1.array)") }
            return "hash:" + pairs.sorted().joined(separator: ",")
        case .stream(let stream):
            var parts: [String] = []
            stream.forEach(from: .zero, to: .max) { entry in
                parts.append("\(entry.id.ms)-\(entry.id.seq):" + entry.pairs.map(\.description).joined(separator: " "))
                return true
            }
            parts.append("len=\(stream.length) last=\(stream.lastID.ms)-\(stream.lastID.seq)")
            parts.append("first=\(stream.firstID.ms)-\(stream.firstID.seq) maxdel=\(stream.maxDeletedID.ms)-\(stream.maxDeletedID.seq)")
            parts.append("added=\(stream.entriesAdded)")
            for group in stream.sortedGroups {
                var pel: [String] = []
                group.pending.forEach { id, entry in
                    pel.append("\(id.ms)-\(id.seq)@\(entry.consumer.name)/\(entry.deliveryTime)/\(entry.deliveryCount)")
                    return true
                }
                let consumers = group.sortedConsumers.map { "\($0.name)/\($0.seenTime)/\($0.pending.count)" }
                parts.append("group \(group.name) \(group.lastID.ms)-\(group.lastID.seq) read=\(group.entriesRead) pel=\(pel) consumers=\(consumers)")
            }
            return "stream:" + parts.joined(separator: ";")
        }
    }

    /// A stream with shared and own fields, a seq that goes down as ms goes
    /// up (a negative delta), more entries than one node, a deletion, and a
    /// group whose pending entries belong to two consumers.
    static func sampleStream() -> StreamValue {
        let stream = StreamValue()
        for index in 0..<250 {
            let id = StreamID(ms: 1_000 + UInt64(index / 3), seq: UInt64(index % 3) + (index / 3 % 2 == 0 ? 5 : 0))
            let pairs: [Bytes] = index % 5 == 0 ? ["other", Bytes("\(index)"), "x", "-12"] : ["f", Bytes("v\(index)"), "n", Bytes("\(index * 1000)")]
            stream.append(id, pairs[...], nodeMaxBytes: 4096, nodeMaxEntries: 100)
            stream.lastID = id
            stream.entriesAdded += 1
        }
        _ = stream.delete(StreamID(ms: 1_010, seq: 5))
        stream.maxDeletedID = StreamID(ms: 1_010, seq: 5)
        stream.firstID = StreamID(ms: 1_000, seq: 5)
        let group = StreamGroup(name: "g", lastID: StreamID(ms: 1_002, seq: 5), entriesRead: 9)
        stream.groups["g"] = group
        let alice = group.createConsumer("alice", now: 1_700_000_000_000)!
        let bob = group.createConsumer("bob", now: 1_700_000_000_500)!
        for (id, consumer) in [(StreamID(ms: 1_000, seq: 5), alice), (StreamID(ms: 1_001, seq: 0), bob), (StreamID(ms: 1_002, seq: 5), alice)] {
            let pending = StreamPending(consumer: consumer, deliveryTime: 1_700_000_000_123, deliveryCount: 2)
            _ = group.pending.insert(id, pending)
            _ = consumer.pending.insert(id, pending)
        }
        stream.groups["empty"] = StreamGroup(name: "empty", lastID: .zero, entriesRead: -1)
        return stream
    }

    static func contents(_ keyspace: Keyspace) -> [String] {
        var lines: [String] = []
        for db in keyspace.databases {
            db.forEachKey { key, slot in
                lines.append("\(db.id) \(key) \(slot.hasExpiry ? slot.expireAt : -1) \(describe(slot.value))")
            }
        }
        return lines.sorted()
    }

    private func load(_ bytes: [UInt8]) throws -> (Keyspace, RDBReader) {
        let keyspace = Keyspace(databaseCount: 16)
        var reader = RDBReader(bytes)
        try reader.read { entry in
            keyspace[entry.db].set(entry.key, entry.value)
            if let when = entry.expireAt { keyspace[entry.db].setExpire(entry.key, at: when) }
        }
        return (keyspace, reader)
    }

    private let aux = RDBWriter.auxFields(version: "7.0.15", creationTime: 1_700_000_000, usedMemory: 1 << 20, aofBase: false)

    func testEveryTypeAndEncodingRoundTrips() throws {
        let original = Self.sampleKeyspace()
        for options in [RDBWriter.Options(), RDBWriter.Options(compression: false, checksum: false)] {
            let file = RDBWriter.file(original, options: options, aux: aux, now: 1_700_000_000_000)
            let (loaded, reader) = try load(file)
            XCTAssertEqual(Self.contents(loaded), Self.contents(original))
            XCTAssertEqual(reader.position, file.count)
            XCTAssertEqual(reader.aux.map(\.0), ["redis-ver", "redis-bits", "ctime", "used-mem", "aof-base"])
            XCTAssertEqual(reader.aux[2].1, "1700000000")
            if !options.checksum { XCTAssertEqual(Array(file.suffix(8)), [UInt8](repeating: 0, count: 8)) }
        }
    }

    func testCompressionShrinksRepetitiveStrings() {
        let keyspace = Keyspace(databaseCount: 1)
        keyspace[0].set("k", .string(Bytes(String(repeating: "0123456789", count: 1000))))
        let compressed = RDBWriter.file(keyspace, aux: [], now: 0)
        let plain = RDBWriter.file(keyspace, options: RDBWriter.Options(compression: false), aux: [], now: 0)
        XCTAssertLessThan(compressed.count, 500)
        XCTAssertGreaterThan(plain.count, 10_000)
    }

    func testEncodingsMatchRedisChoices() {
        let keyspace = Self.sampleKeyspace()
        func type(_ key: Bytes) -> UInt8 { RDBWriter.typeByte(keyspace[0].peek(key)!) }
        XCTAssertEqual(type("intset"), RDBFormat.setIntset)
        XCTAssertEqual(type("small-set"), RDBFormat.set, "Redis 7.0 has no listpack sets")
        XCTAssertEqual(type("big-intset"), RDBFormat.set)
        XCTAssertEqual(type("small-zset"), RDBFormat.zsetListpack)
        XCTAssertEqual(type("big-zset"), RDBFormat.zsetBinary)
        XCTAssertEqual(type("small-hash"), RDBFormat.hashListpack)
        XCTAssertEqual(type("big-hash"), RDBFormat.hash)
        XCTAssertEqual(type("big-list"), RDBFormat.listQuicklist2)
    }

    func testListpackScoresReadBackExactly() throws {
        for score in [0.1, 1.0 / 3, -2.5, 1e300, -1e-300, Double.leastNonzeroMagnitude, 9_007_199_254_740_994, -0.0, 0, 42, -7,
                      Double.infinity, -Double.infinity, Double.greatestFiniteMagnitude] {
            let text = RDBWriter.scoreText(score)
            let back = try RDBReader.score(text)
            XCTAssertEqual(back, score, "\(text)")
            XCTAssertEqual(back.sign, score.sign, "\(text)")
        }
        XCTAssertEqual(RDBWriter.scoreText(3), "3", "an integer, stored by the listpack as a number")
        XCTAssertEqual(RDBWriter.scoreText(-0.0), "-0.0")
    }

    func testAStringIsWrittenAsRedisWritesIt() {
        func encoded(_ value: Bytes) -> [UInt8] {
            var writer = RDBWriter()
            writer.writeString(value)
            return writer.buffer
        }
        XCTAssertEqual(encoded("12"), [0xC0, 12])
        XCTAssertEqual(encoded("-129"), [0xC1, 0x7F, 0xFF])
        XCTAssertEqual(encoded("70000"), [0xC2, 0x70, 0x11, 0x01, 0x00])
        XCTAssertEqual(encoded("2147483648"), [10] + Array("2147483648".utf8), "beyond 32 bits: verbatim")
        XCTAssertEqual(encoded("012"), [3] + Array("012".utf8))
        XCTAssertEqual(encoded(Bytes(String(repeating: "a", count: 20))), [20] + [UInt8](repeating: 97, count: 20))
        XCTAssertEqual(encoded(Bytes(String(repeating: "a", count: 21))).first, 0xC3)
    }

    func testAccessStampsAreWrittenPerPolicy() throws {
        let keyspace = Keyspace(databaseCount: 1)
        keyspace[0].set("k", .string("v"))
        let now: Int64 = 1_700_000_000_000
        keyspace[0].setAccess("k", AccessClock.stamp(idleSeconds: 30, milliseconds: now))
        var idle: Int? = nil
        var reader = RDBReader(RDBWriter.file(keyspace, options: RDBWriter.Options(access: .idle), aux: [], now: now))
        try reader.read { idle = $0.idleSeconds }
        XCTAssertEqual(idle, 30)
        keyspace[0].setAccess("k", AccessClock.stamp(frequency: 77, milliseconds: now))
        var frequency: UInt8? = nil
        reader = RDBReader(RDBWriter.file(keyspace, options: RDBWriter.Options(access: .frequency(decayMinutes: 1)), aux: [], now: now))
        try reader.read { frequency = $0.frequency }
        XCTAssertEqual(frequency, 77)
    }

    func testACorruptChecksumIsRefused() throws {
        var file = RDBWriter.file(Self.sampleKeyspace(), aux: aux, now: 0)
        let hello = Array("hello".utf8)
        let at = try XCTUnwrap((0..<(file.count - 5)).first { Array(file[$0..<($0 + 5)]) == hello })
        file[at] ^= 0x01  // "iello": the structure holds, the checksum does not
        XCTAssertThrowsError(try load(file)) { error in
            XCTAssertTrue("\(error)".hasPrefix("Wrong RDB checksum"), "\(error)")
        }
        var unchecked = RDBReader(file)
        XCTAssertNoThrow(try unchecked.readAll(verifyChecksum: false), "a check that is off is not made")
    }

    func testIntsetsLoadInTheIntsetForm() throws {
        XCTAssertEqual(SetValue(sortedIntegers: [1, 5, 9])?.form, .intset)
        XCTAssertNil(SetValue(sortedIntegers: [5, 1]), "not ascending")
        XCTAssertNil(SetValue(sortedIntegers: [1, 1]), "a duplicate")
        // An intset blob out of order loads through the member-by-member path; a duplicate is corrupt.
        func file(_ blob: [UInt8]) -> [UInt8] {
            Array("REDIS0009".utf8) + [0xFE, 0, RDBFormat.setIntset, 1, 115, UInt8(blob.count)] + blob + [0xFF] + [UInt8](repeating: 0, count: 8)
        }
        let unordered: [UInt8] = [2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0]
        let (loaded, _) = try load(file(unordered))
        XCTAssertEqual(Self.contents(loaded), ["0 s -1 set:1,5"])
        XCTAssertThrowsError(try load(file([2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0])))
    }

    func testZipmapHashesLoad() throws {
        // Two pairs: "a" -> "1" (1 free byte), "bc" -> "" ; then the end.
        let zipmap: [UInt8] = [2, 1, 97, 1, 1, 49, 0, 2, 98, 99, 0, 0, 0xFF]
        let bytes = Array("REDIS0003".utf8) + [0xFE, 0, 9, 1, 104, UInt8(zipmap.count)] + zipmap + [0xFF]
        let (loaded, _) = try load(bytes)
        XCTAssertEqual(Self.contents(loaded), ["0 h -1 hash:a=[49],bc=[]"])
    }
}

extension RDBReader {
    /// Reads every entry, keeping none (a test of the file's form).
    mutating func readAll(verifyChecksum: Bool) throws {
        try read(verifyChecksum: verifyChecksum) { _ in }
    }
}
