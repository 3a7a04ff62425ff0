import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// MEMORY's subcommands: what a key costs, the process overview.
final class MemoryCommandTests: CommandTestCase {
    private func usage(_ key: String, _ extra: String...) -> Int {
        Int(integerValue(run(args: (["MEMORY", "USAGE", key] + extra).map { Bytes($0) }, on: client)) ?? -1)
    }

    func testStringsCostTheirHeapBlockPastTheInlineLimit() {
        run("SET", "a", "x")
        run("SET", "b", String(repeating: "x", count: 23))
        run("SET", "c", String(repeating: "x", count: 24))
        run("SET", "d", String(repeating: "x", count: 1000))
        XCTAssertEqual(usage("a"), usage("b"), "up to 23 bytes live inline in the slot")
        XCTAssertGreaterThan(usage("c"), usage("b"))
        XCTAssertEqual(usage("d") - usage("a"), MemoryFootprint.heapBlock(32 + 1000), "array header + bytes, malloc-rounded")
        run("SET", "a-key-longer-than-twenty-three-bytes", "x")
        XCTAssertGreaterThan(usage("a-key-longer-than-twenty-three-bytes"), usage("a"), "a long key costs its block too")
        XCTAssertEqual(run("MEMORY", "USAGE", "nokey"), null)
    }

    func testAggregatesGrowWithTheirElementsAndSample() {
        run("RPUSH", "l", "a")
        let one = usage("l")
        for index in 0..<100 { run("RPUSH", "l", "element \(index)") }
        XCTAssertGreaterThan(usage("l"), one)
        // Five small elements first, then long ones: the default 5 samples miss the long ones.
        for _ in 0..<4 { run("RPUSH", "m", "s") }
        for _ in 0..<50 { run("RPUSH", "m", String(repeating: "L", count: 200)) }
        XCTAssertGreaterThan(usage("m", "SAMPLES", "0"), usage("m") + 5000)
        XCTAssertEqual(usage("m", "SAMPLES", "0"), usage("m", "SAMPLES", "1000"))
        run("HSET", "h", "f", "v")
        let small = usage("h")
        run("HSET", "h", "g", String(repeating: "v", count: 100))
        XCTAssertGreaterThan(usage("h"), small + 100)
        run("SADD", "s", "1", "2")
        let intset = usage("s")
        run("SADD", "s", String(repeating: "m", count: 80))
        XCTAssertGreaterThan(usage("s"), intset)
    }

    func testUsageArgumentErrors() {
        run("SET", "k", "v")
        XCTAssertEqual(run("MEMORY", "USAGE", "k", "SAMPLES"), syntaxError)
        XCTAssertEqual(run("MEMORY", "USAGE", "k", "SAMPLES", "-1"), syntaxError)
        XCTAssertEqual(run("MEMORY", "USAGE", "k", "SAMPLES", "x"), notInteger)
        XCTAssertEqual(run("MEMORY", "USAGE", "k", "bogus"), syntaxError)
        XCTAssertEqual(run("MEMORY", "nosuch"), error("ERR unknown subcommand 'nosuch'. Try MEMORY HELP."))
    }

    func testStatsFieldsInRedisOrder() {
        run("SET", "k", "v")
        run("SELECT", "2")
        run("SET", "k", "v")
        // Every bulk string that is not a number is a field name; the databases' own maps are left out.
        let lines = run("MEMORY", "STATS").components(separatedBy: "\r\n")
        let names = zip(lines, lines.dropFirst()).filter { $0.0.hasPrefix("$") && Double($0.1) == nil }.map(\.1)
            .filter { !$0.hasPrefix("overhead.hashtable.") }
        XCTAssertEqual(names, [
            "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog", "clients.slaves",
            "clients.normal", "cluster.links", "aof.buffer", "lua.caches", "functions.caches", "db.0", "db.2",
            "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes", "dataset.percentage",
            "peak.percentage", "allocator.allocated", "allocator.active", "allocator.resident",
            "allocator-fragmentation.ratio", "allocator-fragmentation.bytes", "allocator-rss.ratio",
            "allocator-rss.bytes", "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes",
        ])
        run("HELLO", "3")
        let resp3 = run("MEMORY", "STATS")
        XCTAssertTrue(resp3.hasPrefix("%29\r\n"), String(resp3.prefix(10)))
        XCTAssertTrue(resp3.contains(bulk("db.2") + "%3\r\n" + bulk("overhead.hashtable.main") + ":"))
        XCTAssertTrue(resp3.contains(bulk("keys.count") + ":2\r\n"))
        XCTAssertTrue(resp3.contains(bulk("dataset.percentage") + ","))
    }

    func testDoctorPurgeAndMallocStatsGoThroughTheServer() {
        engine.startupMemory = engine.hooks.usedMemory()
        XCTAssertTrue(run("MEMORY", "DOCTOR").contains("Hi Sam, this instance is empty"))
        var purged = 0
        engine.hooks.purgeMemory = { purged += 1 }
        engine.hooks.allocatorReport = { "<malloc version=\"1\"></malloc>" }
        XCTAssertEqual(run("MEMORY", "PURGE"), ok)
        XCTAssertEqual(purged, 1)
        XCTAssertEqual(run("MEMORY", "MALLOC-STATS"), bulk("<malloc version=\"1\"></malloc>"))
        XCTAssertTrue(run("MEMORY", "HELP").contains("USAGE <key> [SAMPLES <count>]"))
    }

    func testDoctorReportsAPeakFarAboveCurrentUse() {
        engine.startupMemory = 1 << 20
        engine.hooks.usedMemory = { 20 << 20 }
        engine.peakMemory = 100 << 20
        let report = run("MEMORY", "DOCTOR")
        XCTAssertTrue(report.contains("Peak memory"), report)
        engine.peakMemory = 0
        XCTAssertFalse(run("MEMORY", "DOCTOR").contains("Peak memory"))
    }
}
