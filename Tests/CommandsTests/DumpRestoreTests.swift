import XCTest
@testable import Commands
import Keyspace
import Persistence
import RESP
import SwirlBytes

/// DUMP and RESTORE: round trips of every type, Redis's option and error
/// order, the propagated forms, and corrupt payloads (which must never crash).
final class DumpRestoreTests: PropagationTestCase {
    /// DUMP's bulk reply as bytes.
    private func dump(_ key: String) -> Bytes? {
        client.args = ["DUMP", Bytes(key)]
        engine.execute(client)
        let reply = client.reply.take()
        guard reply.first == UInt8(ascii: "$"), let end = reply.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
        guard let length = Int(String(decoding: reply[1..<end], as: UTF8.self)), length >= 0 else { return nil }
        return Bytes(Array(reply[(end + 2)..<(end + 2 + length)]))
    }

    private func restore(_ key: String, _ ttl: String, _ payload: Bytes, _ options: String...) -> String {
        run(args: ["RESTORE", Bytes(key), Bytes(ttl), payload] + options.map { Bytes($0) }, on: client)
    }

    private func populate() {
        run("SET", "s", "hello")
        run("SET", "n", "-42")
        run("SET", "long", String(repeating: "xyz", count: 100))
        run("RPUSH", "l", "a", "b", "3")
        run("SADD", "iset", "1", "2", "30000")
        run("SADD", "set", "a", "b")
        run("ZADD", "z", "1.5", "a", "-inf", "b")
        run("HSET", "h", "f", "v", "g", "w")
        for index in 0..<200 {
            run("ZADD", "bigz", "\(index)", "m\(index)")
            run("HSET", "bigh", "f\(index)", "v\(index)")
            run("SADD", "bigset", "m\(index)")
            run("XADD", "bigst", "\(index / 2 + 1)-\(index % 2)", index % 3 == 0 ? "g" : "f", "\(index)")
        }
        run("XADD", "st", "1-1", "a", "1")
        run("XADD", "st", "1-2", "a", "2", "b", "3")
        run("XADD", "st", "2-0", "a", "4")
        run("XGROUP", "CREATE", "st", "g", "0")
        run("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "st", ">")
        run("XDEL", "st", "1-2")
    }

    func testEveryTypeRoundTrips() {
        populate()
        let keys = ["s", "n", "long", "l", "iset", "set", "z", "h", "bigz", "bigh", "bigset", "st", "bigst"]
        let before = keys.map { ValueDigestProbe.value(engine, $0) }
        let payloads = keys.map { dump($0)! }
        run("FLUSHALL")
        for (key, payload) in zip(keys, payloads) { XCTAssertEqual(restore(key, "0", payload), "+OK\r\n", key) }
        XCTAssertEqual(keys.map { ValueDigestProbe.value(engine, $0) }, before)
        XCTAssertNil(dump("missing"))
        XCTAssertEqual(run("DUMP", "missing"), "$-1\r\n")
    }

    func testRedisPayloadsRestore() {
        // DUMP of RPUSH l a b c and of ZADD z 1 a 2 b from redis-server 7.0.15.
        let list: [UInt8] = [0x12, 0x01, 0x02, 0x10, 0x10, 0, 0, 0, 0x03, 0, 0x81, 0x61, 0x02, 0x81, 0x62, 0x02, 0x81, 0x63, 0x02,
                             0xff, 0x0a, 0x00, 0xc8, 0x18, 0xb9, 0x0c, 0x95, 0x33, 0x52, 0x9e]
        XCTAssertEqual(restore("l", "0", Bytes(list)), "+OK\r\n")
        XCTAssertEqual(run("LRANGE", "l", "0", "-1"), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        XCTAssertEqual(dump("l")?.array, list, "the same bytes back")
    }

    func testOptionsAndErrorsInRedisOrder() {
        run("SET", "k", "v")
        let payload = dump("k")!
        XCTAssertEqual(restore("k", "0", payload, "BOGUS"), "-ERR syntax error\r\n")
        XCTAssertEqual(restore("k", "0", payload), "-BUSYKEY Target key name already exists.\r\n")
        XCTAssertEqual(restore("k", "-1", payload, "REPLACE"), "-ERR Invalid TTL value, must be >= 0\r\n")
        XCTAssertEqual(restore("k", "x", payload, "REPLACE"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(restore("new", "0", payload, "IDLETIME", "-1"), "-ERR Invalid IDLETIME value, must be >= 0\r\n")
        XCTAssertEqual(restore("new", "0", payload, "FREQ", "256"), "-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n")
        XCTAssertEqual(restore("new", "0", payload, "FREQ", "1", "IDLETIME", "1"), "-ERR syntax error\r\n")
        XCTAssertEqual(restore("new", "0", payload, "IDLETIME"), "-ERR syntax error\r\n")
        XCTAssertEqual(restore("new", "0", "short"), "-ERR DUMP payload version or checksum are wrong\r\n")
        var newer = payload.array
        newer[newer.count - 10] = 11
        XCTAssertEqual(restore("new", "0", Bytes(newer)), "-ERR DUMP payload version or checksum are wrong\r\n")
        XCTAssertEqual(restore("new", "0", Bytes(withChecksum([0x07, 0x01, 0x61]))), "-ERR Bad data format\r\n")
        XCTAssertEqual(restore("new", "0", Bytes(withChecksum([0x02, 0x00]))), "-ERR Bad data format\r\n", "an empty set")
        XCTAssertEqual(restore("new", "0", payload, "IDLETIME", "100"), "+OK\r\n")
        XCTAssertEqual(run("OBJECT", "IDLETIME", "new"), ":100\r\n")
    }

    func testPropagatedForms() {
        run("SET", "k", "v")
        let payload = dump("k")!
        _ = logged()
        XCTAssertEqual(restore("a", "0", payload), "+OK\r\n")
        XCTAssertEqual(logged(includingSelect: false).first?.prefix(3), ["RESTORE", "a", "0"])
        XCTAssertEqual(restore("b", "100000", payload), "+OK\r\n")
        let relative = logged(includingSelect: false)
        XCTAssertEqual(relative.first?.last, "ABSTTL", "a relative TTL is logged as absolute")
        XCTAssertGreaterThan(Int64(relative.first![2])!, engine.keyspace.now)
        // A TTL already past: nothing is created; with REPLACE the old key goes as a DEL.
        XCTAssertEqual(restore("c", "1", payload, "ABSTTL"), "+OK\r\n")
        XCTAssertEqual(run("EXISTS", "c"), ":0\r\n")
        XCTAssertEqual(logged(), [])
        XCTAssertEqual(restore("a", "1", payload, "ABSTTL", "REPLACE"), "+OK\r\n")
        XCTAssertEqual(run("EXISTS", "a"), ":0\r\n")
        XCTAssertEqual(logged(includingSelect: false), [["DEL", "a"]])
        // A TTL near Int64.max wraps when added to now, as in Redis: already past.
        XCTAssertEqual(restore("d", "9223372036854775807", payload), "+OK\r\n")
        XCTAssertEqual(run("EXISTS", "d"), ":0\r\n")
    }

    func testCorruptPayloadsNeverCrash() {
        populate()
        for key in ["l", "iset", "z", "h", "bigz", "long", "set"] {
            let body = Array(dump(key)!.array.dropLast(10))
            for cut in 0..<body.count {
                let reply = restore("x", "0", Bytes(withChecksum(Array(body[0..<cut]))), "REPLACE")
                XCTAssertTrue(reply == "-ERR Bad data format\r\n" || reply == "+OK\r\n", "\(key) cut at \(cut): \(reply)")
            }
            for position in 0..<min(body.count, 300) {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var mutated = body
                    mutated[position] ^= flip
                    let reply = restore("x", "0", Bytes(withChecksum(mutated)), "REPLACE")
                    XCTAssertTrue(reply == "-ERR Bad data format\r\n" || reply == "+OK\r\n", "\(key) byte \(position): \(reply)")
                }
            }
        }
    }

    func testChecksumValidationCanBeSkipped() {
        run("SET", "k", "v")
        var payload = dump("k")!.array
        for index in (payload.count - 8)..<payload.count { payload[index] = 0 }
        XCTAssertEqual(restore("x", "0", Bytes(payload)), "-ERR DUMP payload version or checksum are wrong\r\n")
        XCTAssertEqual(run("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"), "+OK\r\n")
        XCTAssertEqual(restore("x", "0", Bytes(payload)), "+OK\r\n")
        XCTAssertEqual(run("GET", "x"), "$1\r\nv\r\n")
        XCTAssertEqual(run("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"), "+OK\r\n")
    }

    /// A payload body with a valid version and checksum.
    private func withChecksum(_ body: [UInt8]) -> [UInt8] {
        let head = body + [10, 0]
        let crc = CRC64.update(0, head)
        return head + (0..<8).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt64($0))) }
    }
}

/// A key's value as text, for comparing before and after.
enum ValueDigestProbe {
    static func value(_ engine: Engine, _ key: String) -> String {
        guard let value = engine.keyspace[0].peek(Bytes(key)) else { return "missing" }
        switch value {
        case .string(let bytes): return "string \(bytes)"
        case .list(let list): return "list \(list.map(\.description))"
        case .set(let set): return "set \(set.allMembers.map(\.description).sorted())"
        case .sortedSet(let zset): return "zset \(zset.entries.map { "\($0.member)=\($0.score)" })"
        case .hash(let hash):
            var pairs: [String] = []
            hash.forEach { pairs.append("\($0)=\($1)") }
            return "hash \(pairs.sorted())"
        case .stream(let stream):
            var entries: [String] = []
            stream.forEach(from: .zero, to: .max) { entry in
                entries.append("\(entry.id.ms)-\(entry.id.seq) \(entry.pairs.map(\.description))")
                return true
            }
            let groups = stream.sortedGroups.map { "\($0.name) \($0.lastID.ms)-\($0.lastID.seq) \($0.entriesRead) \($0.pending.count)" }
            return "stream \(entries) last \(stream.lastID.ms)-\(stream.lastID.seq) added \(stream.entriesAdded) groups \(groups)"
        }
    }
}
