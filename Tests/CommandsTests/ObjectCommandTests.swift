import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// OBJECT's subcommands (the replies are also compared with redis-server in
/// Tests/CompatTests/scripts/introspection.redis).
final class ObjectCommandTests: CommandTestCase {
    func testEncodingsAndSharedIntegers() {
        run("SET", "n", "9999")
        run("SET", "m", "10000")
        run("RPUSH", "l", "a")
        XCTAssertEqual(run("OBJECT", "ENCODING", "n"), bulk("int"))
        XCTAssertEqual(run("OBJECT", "ENCODING", "l"), bulk("quicklist"))
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "n"), int(2_147_483_647))
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "m"), int(1))
        run("CONFIG", "SET", "maxmemory", "100mb")
        run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "n"), int(1), "LRU with a limit: no shared integers")
        XCTAssertEqual(run("OBJECT", "ENCODING", "missing"), null)
    }

    /// Redis's string encoding follows how the value was written, not only what it holds.
    func testStringEncodingFollowsTheWritingCommand() {
        run("SET", "a", "12")
        run("APPEND", "a", "3")
        XCTAssertEqual(run("OBJECT", "ENCODING", "a"), bulk("raw"), "APPEND grows a raw string")
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "a"), int(1), "not the shared 123")
        run("RENAME", "a", "b")
        run("COPY", "b", "c")
        XCTAssertEqual(run("OBJECT", "ENCODING", "b"), bulk("raw"), "RENAME keeps the object")
        XCTAssertEqual(run("OBJECT", "ENCODING", "c"), bulk("raw"), "COPY keeps the encoding")
        run("INCR", "c")
        XCTAssertEqual(run("OBJECT", "ENCODING", "c"), bulk("int"))
        run("APPEND", "fresh", "5")
        XCTAssertEqual(run("OBJECT", "ENCODING", "fresh"), bulk("int"), "APPEND creating the key encodes it")
        run("SETRANGE", "r", "0", "7")
        XCTAssertEqual(run("OBJECT", "ENCODING", "r"), bulk("raw"))
        run("INCRBYFLOAT", "f", "12")
        XCTAssertEqual(run("OBJECT", "ENCODING", "f"), bulk("embstr"), "INCRBYFLOAT never stores an int")
        run("SET", "f", "12")
        XCTAssertEqual(run("OBJECT", "ENCODING", "f"), bulk("int"), "SET encodes by content again")
        run("SET", "n", "7")
        run("COPY", "n", "m")
        XCTAssertEqual(run("OBJECT", "ENCODING", "m"), bulk("int"))
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "n"), int(2_147_483_647))
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "m"), int(1), "COPY's copy is not the shared integer")
    }

    func testIdleTimeAndFrequencyFollowThePolicy() {
        run("SET", "k", "v")
        XCTAssertEqual(run("OBJECT", "IDLETIME", "k"), int(0))
        XCTAssertTrue(run("OBJECT", "FREQ", "k").hasPrefix("-ERR An LFU maxmemory policy is not selected"))
        run("CONFIG", "SET", "maxmemory-policy", "volatile-lfu")
        run("SET", "f", "v")
        XCTAssertEqual(run("OBJECT", "FREQ", "f"), int(5), "a new key starts at 5")
        XCTAssertTrue(run("OBJECT", "IDLETIME", "f").hasPrefix("-ERR An LFU maxmemory policy is selected"))
    }

    /// SET touches the key it overwrites as Redis's does (checked against redis-server
    /// 7.0 with lfu-log-factor 0): once, or twice with GET (a read and a write lookup).
    func testSetCountsAsAnAccessOfTheKeyItOverwrites() {
        run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        run("CONFIG", "SET", "lfu-log-factor", "0")
        var frequencies: [String] = []
        for command in [["SET", "k", "v"], ["SET", "k", "w"], ["SET", "k", "x", "GET"], ["SET", "k", "y", "NX"], ["SET", "k", "z", "XX"]] {
            _ = run(args: command.map { Bytes($0) }, on: client)
            frequencies.append(run("OBJECT", "FREQ", "k"))
        }
        XCTAssertEqual(frequencies, [int(5), int(6), int(8), int(9), int(10)])
    }

    func testTypeAndObjectAreNotAccesses() {
        // Under LFU with lfu-log-factor 0 every access bumps the counter: a visible trace.
        run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        run("CONFIG", "SET", "lfu-log-factor", "0")
        run("SET", "k", "v")
        run("TYPE", "k")
        run("OBJECT", "ENCODING", "k")
        XCTAssertEqual(run("OBJECT", "FREQ", "k"), int(5))
        run("GET", "k")
        run("EXISTS", "k")
        XCTAssertEqual(run("OBJECT", "FREQ", "k"), int(6), "GET is an access; TYPE, OBJECT, EXISTS are not")
    }

    /// Redis's objectCommandLookup counts keyspace hits and misses (redis-server
    /// 7.0.15: OBJECT ENCODING of a key and of a missing one give hits 1, misses 1).
    func testCountsKeyspaceHitsAndMisses() {
        run("SET", "k", "v")
        engine.keyspace.stats = KeyspaceStats()
        run("OBJECT", "ENCODING", "k")
        run("OBJECT", "FREQ", "k")
        run("OBJECT", "REFCOUNT", "nosuch")
        XCTAssertEqual(engine.keyspace.stats.keyspaceHits, 2)
        XCTAssertEqual(engine.keyspace.stats.keyspaceMisses, 1)
    }
}

/// ROLE and LOLWUT.
final class ServerSmallCommandTests: CommandTestCase {
    func testRoleIsAMasterWithoutReplicas() {
        XCTAssertEqual(run("ROLE"), "*3\r\n" + bulk("master") + int(0) + "*0\r\n")
    }

    func testLolwutDrawsASpiralOfTheRequestedWidth() {
        let reply = run("LOLWUT", "VERSION", "5", "20", "2")
        let lines = reply.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[1].unicodeScalars.count, 20, "20 Braille characters per row")
        XCTAssertEqual(lines[1..<11].count, 10, "half as many rows as columns")
        XCTAssertTrue(lines[1..<11].joined().unicodeScalars.contains { $0.value > 0x2800 }, "some dots are set")
        XCTAssertTrue(reply.hasSuffix("Redis ver. 7.0.15\n\r\n"))
        XCTAssertEqual(run("LOLWUT", "VERSION", "x"), notInteger)
        XCTAssertEqual(run("LOLWUT", "wide"), notInteger)
    }

    func testBrailleCanvasSetsUnicodeDotBits() {
        var canvas = BrailleCanvas(width: 2, height: 4)
        canvas.set(x: 0, y: 0)
        canvas.set(x: 1, y: 3)
        canvas.set(x: 9, y: 9)  // outside: ignored
        XCTAssertEqual(String(decoding: canvas.render(), as: UTF8.self), "\u{2881}\n")
    }
}
