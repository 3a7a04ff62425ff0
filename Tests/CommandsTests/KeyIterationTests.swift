import XCTest
@testable import Commands
import SwirlBytes

/// KEYS, SCAN and RANDOMKEY.
final class KeyIterationTests: CommandTestCase {
    /// Runs SCAN to completion with `options`; returns every key returned (with repeats) and the call count.
    private func scanAll(_ options: [String]) -> (keys: [String], calls: Int) {
        var keys: [String] = []
        var cursor = "0"
        var calls = 0
        repeat {
            let reply = run(args: (["SCAN", cursor] + options).map { Bytes($0) }, on: client)
            var reader = ReplyReader(Array(reply.utf8))
            guard let (next, elements) = reader.readScan() else {
                XCTFail("malformed SCAN reply \(reply.debugDescription)")
                break
            }
            keys += elements
            cursor = next
            calls += 1
        } while cursor != "0" && calls < 100_000
        return (keys, calls)
    }

    func testKeys() {
        run("MSET", "a1", "1", "a2", "2", "b1", "3")
        run("HSET", "ha", "f", "v")
        XCTAssertEqual(Set(bulkArray(run("KEYS", "*")) ?? []), ["a1", "a2", "b1", "ha"])
        XCTAssertEqual(Set(bulkArray(run("KEYS", "a?")) ?? []), ["a1", "a2"])
        XCTAssertEqual(Set(bulkArray(run("KEYS", "[ab]1")) ?? []), ["a1", "b1"])
        XCTAssertEqual(run("KEYS", "nope*"), "*0\r\n")
    }

    /// Redis 7.0's KEYS checks keyIsExpired: an expired key is hidden but not deleted
    /// (DBSIZE still counts it), unlike SCAN, which deletes what it skips.
    func testKeysHidesExpiredKeysWithoutDeletingThem() {
        run("SET", "live", "v")
        run("SET", "dead", "v", "PX", "100000")
        engine.keyspace[0].setExpire(Bytes("dead"), at: nowMilliseconds() - 1_000)
        XCTAssertEqual(run("KEYS", "*"), "*1\r\n\(bulk("live"))")
        XCTAssertEqual(run("DBSIZE"), int(2))
        XCTAssertEqual(run("SCAN", "0"), "*2\r\n$1\r\n0\r\n*1\r\n\(bulk("live"))")
        XCTAssertEqual(run("DBSIZE"), int(1))
    }

    func testScanVisitsEveryKeyAcrossManyCalls() {
        for n in 0..<1_000 { run("SET", "key:\(n)", "v") }
        let (keys, calls) = scanAll([])
        XCTAssertGreaterThan(calls, 10, "default COUNT is 10")
        XCTAssertEqual(Set(keys).count, 1_000)
        XCTAssertEqual(keys.count, 1_000, "an unchanged keyspace returns each key once")
    }

    func testScanWithMatch() {
        for n in 0..<300 { run("SET", "user:\(n)", "v") }
        for n in 0..<300 { run("SET", "item:\(n)", "v") }
        let (keys, _) = scanAll(["MATCH", "user:1*", "COUNT", "25"])
        XCTAssertEqual(Set(keys), Set((0..<300).map { "user:\($0)" }.filter { $0.hasPrefix("user:1") }))
    }

    func testScanWithType() {
        for n in 0..<200 { run("SET", "s\(n)", "v") }
        for n in 0..<50 { run("HSET", "h\(n)", "f", "v") }
        let (hashes, _) = scanAll(["TYPE", "hash", "COUNT", "30"])
        XCTAssertEqual(Set(hashes), Set((0..<50).map { "h\($0)" }))
        let (upper, _) = scanAll(["TYPE", "HASH"])
        XCTAssertEqual(Set(upper).count, 50, "the type name is case-insensitive")
        let (strings, _) = scanAll(["TYPE", "string", "MATCH", "s1*"])
        XCTAssertEqual(Set(strings), Set((0..<200).map { "s\($0)" }.filter { $0.hasPrefix("s1") }))
        let (none, _) = scanAll(["TYPE", "nosuch"])
        XCTAssertTrue(none.isEmpty)
    }

    func testScanStillVisitsEveryOriginalKeyWhileKeysAreAdded() {
        for n in 0..<200 { run("SET", "orig:\(n)", "v") }
        var added = 0
        var seen = Set<String>()
        var cursor = "0"
        var calls = 0
        repeat {
            var reader = ReplyReader(Array(run("SCAN", cursor, "COUNT", "5").utf8))
            guard let (next, elements) = reader.readScan() else { return XCTFail("malformed SCAN reply") }
            seen.formUnion(elements)
            cursor = next
            calls += 1
            for _ in 0..<20 where added < 2_000 {
                run("SET", "new:\(added)", "v")
                added += 1
            }
        } while cursor != "0" && calls < 100_000
        XCTAssertEqual(seen.filter { $0.hasPrefix("orig:") }.count, 200)
    }

    func testScanNeverReturnsExpiredKeys() {
        for n in 0..<20 { run("SET", "k\(n)", "v") }
        for n in 0..<10 { engine.keyspace[0].setExpire(Bytes("k\(n)"), at: nowMilliseconds() - 1) }
        let (keys, _) = scanAll(["COUNT", "100"])
        XCTAssertEqual(Set(keys), Set((10..<20).map { "k\($0)" }))
    }

    func testScanCursorParsing() {
        run("SET", "a", "1")
        XCTAssertEqual(run("SCAN", "x"), error("ERR invalid cursor"))
        XCTAssertEqual(run("SCAN", "18446744073709551616"), error("ERR invalid cursor"))
        XCTAssertTrue(run("SCAN", "-1").hasPrefix("*2\r\n$1\r\n0\r\n"), "strtoul wraps -1 to the last bucket's cursor")
        XCTAssertTrue(run("SCAN", "+0").hasPrefix("*2\r\n$1\r\n"), "strtoul accepts a plus sign")
    }

    func testScanOptionErrors() {
        XCTAssertEqual(run("SCAN", "0", "COUNT", "0"), syntaxError)
        XCTAssertEqual(run("SCAN", "0", "MATCH"), syntaxError)
        XCTAssertEqual(run("SCAN", "0", "FOO", "bar"), syntaxError)
        XCTAssertEqual(run("SCAN", "0", "COUNT", "x"), notInteger)
    }

    func testScanOfAnEmptyDatabase() {
        XCTAssertEqual(run("SCAN", "0"), "*2\r\n$1\r\n0\r\n*0\r\n")
    }

    func testRandomKey() {
        XCTAssertEqual(run("RANDOMKEY"), null)
        run("MSET", "a", "1", "b", "2", "c", "3")
        var seen = Set<String>()
        for _ in 0..<200 {
            guard let key = bulkArray("*1\r\n" + run("RANDOMKEY"))?.first ?? nil else { return XCTFail("null RANDOMKEY") }
            seen.insert(key)
        }
        XCTAssertEqual(seen, ["a", "b", "c"])
    }

    func testRandomKeySkipsExpiredKeys() {
        run("SET", "live", "v")
        for n in 0..<20 {
            run("SET", "dead\(n)", "v")
            engine.keyspace[0].setExpire(Bytes("dead\(n)"), at: nowMilliseconds() - 1)
        }
        for _ in 0..<20 { XCTAssertEqual(run("RANDOMKEY"), bulk("live")) }
    }

    func testRandomKeyOfOnlyExpiredKeysIsNull() {
        run("SET", "dead", "v")
        engine.keyspace[0].setExpire(Bytes("dead"), at: nowMilliseconds() - 1)
        XCTAssertEqual(run("RANDOMKEY"), null)
    }
}
