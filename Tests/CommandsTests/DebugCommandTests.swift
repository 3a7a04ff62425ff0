import XCTest
@testable import Commands
import Keyspace
import Persistence
import RESP
import SwirlBytes

/// DEBUG's subcommands (the deterministic replies are also compared with
/// redis-server in Tests/CompatTests/scripts/debug.redis).
final class DebugCommandTests: CommandTestCase {
    func testUnknownSubcommandsAndWrongCountsShareOneError() {
        XCTAssertEqual(run("DEBUG", "nosuch"),
                       error("ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP."))
        XCTAssertEqual(run("DEBUG", "Object"),
                       error("ERR unknown subcommand or wrong number of arguments for 'Object'. Try DEBUG HELP."))
        XCTAssertTrue(run("DEBUG", "JMAP").hasPrefix("-ERR unknown subcommand"), "Redis 7.0 has no JMAP")
        XCTAssertEqual(run("DEBUG"), error("ERR wrong number of arguments for 'debug' command"))
    }

    func testErrorRepliesTheTextAsGivenAndLogWritesAWarning() {
        var logged: [String] = []
        engine.hooks.logWarning = { logged.append($0) }
        XCTAssertEqual(run("DEBUG", "ERROR", "my error"), "-my error\r\n")
        XCTAssertEqual(run("DEBUG", "ERROR", "-CODE x"), "--CODE x\r\n")
        XCTAssertEqual(run("DEBUG", "LOG", "hello there"), ok)
        XCTAssertEqual(logged, ["DEBUG LOG: hello there"])
    }

    func testEnableDebugCommandIsCheckedBeforeRunningAndIsImmutable() {
        let refusal = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"
        XCTAssertEqual(Config().displayValue("enable-debug-command"), "no", "Redis 7.0's default")
        XCTAssertEqual(run("CONFIG", "GET", "enable-debug-command"), "*2\r\n" + bulk("enable-debug-command") + bulk("yes"))
        XCTAssertTrue(run("CONFIG", "SET", "enable-debug-command", "no").contains("can't set immutable config"))
        engine.config.set("enable-debug-command", "no")
        XCTAssertEqual(run("DEBUG", "SLEEP", "0"), refusal, "even for a local client")
        run("MULTI")
        XCTAssertEqual(run("DEBUG", "SLEEP", "0"), refusal, "refused while queueing, as Redis")
        XCTAssertTrue(run("EXEC").hasPrefix("-EXECABORT"))
        XCTAssertEqual(run("DEBUG", "NOSUCH", "a", "b"), refusal, "before the subcommand is looked at")
        XCTAssertEqual(run("DEBUG"), error("ERR wrong number of arguments for 'debug' command"), "after arity")
        engine.config.set("enable-debug-command", "local")
        client.isLocal = false
        XCTAssertEqual(run("DEBUG", "SLEEP", "0"), refusal)
        client.isLocal = true
        XCTAssertEqual(run("DEBUG", "SLEEP", "0"), ok)
        XCTAssertEqual(engine.config.set("enable-debug-command", "maybe"),
                       "argument(s) must be one of the following: no, yes, local")
    }

    func testErrorKeepsTheBytesGivenNULsIncluded() {
        client.args = [Bytes("DEBUG"), Bytes("ERROR"), Bytes([0x61, 0xff, 0x00, 0x62, 0x0a, 0x63])]
        engine.execute(client)
        XCTAssertEqual(client.reply.take(), [0x2d, 0x61, 0xff, 0x00, 0x62, 0x20, 0x63, 0x0d, 0x0a])
    }

    func testPopulateNamesPadsAndKeepsExistingKeysWithoutPropagating() {
        engine.propagating = true
        run("SET", "key:1", "mine")
        engine.aofBuffer.removeAll()
        XCTAssertEqual(run("DEBUG", "POPULATE", "3"), ok)
        XCTAssertEqual(run("MGET", "key:0", "key:1", "key:2"), "*3\r\n" + bulk("value:0") + bulk("mine") + bulk("value:2"))
        XCTAssertEqual(run("DEBUG", "POPULATE", "2", "p", "3"), ok)
        XCTAssertEqual(run("GET", "p:1"), bulk("val"))
        run("DEBUG", "POPULATE", "1", "q", "10")
        XCTAssertEqual(run("GET", "q:0"), bulk("value:0\0\0\0"))
        run("DEBUG", "POPULATE", "1", String(repeating: "x", count: 200))
        XCTAssertEqual(run("DBSIZE"), int(7))
        XCTAssertEqual(run("EXISTS", String(repeating: "x", count: 127)), int(1), "cut to 127 bytes, as Redis's buffer")
        XCTAssertEqual(run("DEBUG", "POPULATE", "-1"), error("ERR value is out of range, must be positive"))
        XCTAssertEqual(run("DEBUG", "POPULATE", "1", "s", "x"), error("ERR value is out of range, must be positive"))
        XCTAssertTrue(run("DEBUG", "POPULATE", "1", "s", "1", "x").hasPrefix("-ERR unknown subcommand"))
        XCTAssertTrue(engine.aofBuffer.isEmpty, "POPULATE is not a change the AOF sees, as in Redis")
    }

    func testProtocolSamplesInRESP3() {
        run("HELLO", "3")
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "bignum"), "(1234567999999999999999999999999999999\r\n")
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "map"), "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n")
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "attrib"),
                       "|1\r\n" + bulk("key-popularity") + "*2\r\n" + bulk("key:123") + ":90\r\n"
                       + bulk("Some real reply following the attribute"))
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "push"),
                       ">2\r\n" + bulk("server-cpu-usage") + ":42\r\n" + bulk("Some real reply following the push reply"))
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "double"), ",3.141\r\n")
        run("HELLO", "2")
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "push"), error("ERR RESP2 is not supported by this command"))
        XCTAssertEqual(run("DEBUG", "PROTOCOL", "map"), "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n")
    }

    func testSmallSubcommandsReadTheirArgumentsAsRedisDoes() {
        XCTAssertEqual(run("DEBUG", "SLEEP", "abc"), ok, "strtod: not a number sleeps 0 seconds")
        XCTAssertEqual(run("DEBUG", "SET-ACTIVE-EXPIRE", "abc"), ok)
        XCTAssertFalse(engine.activeExpireEnabled, "atoi(\"abc\") is 0")
        run("DEBUG", "SET-ACTIVE-EXPIRE", "7")
        XCTAssertTrue(engine.activeExpireEnabled)
        let thresholdError = error("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
        XCTAssertEqual(run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4gb"), thresholdError)
        XCTAssertEqual(run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"), thresholdError)
        XCTAssertEqual(run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "2mb"), ok)
        XCTAssertEqual(engine.debugState.quicklistPackedThreshold, 2 << 20)
        XCTAssertEqual(run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"), ok)
        XCTAssertEqual(engine.debugState.quicklistPackedThreshold, 1 << 30, "0 restores the default")
        let before = engine.replicationID
        XCTAssertEqual(run("DEBUG", "CHANGE-REPL-ID"), ok)
        XCTAssertNotEqual(engine.replicationID, before)
        XCTAssertEqual(run("DEBUG", "STRINGMATCH-TEST"), "+Apparently Redis did not crash: test passed\r\n")
        let help = run("DEBUG", "HELP")
        for name in ["DIGEST-VALUE <key>", "POPULATE <count>", "PROTOCOL <type>", "RELOAD [option ...]", "Prints this help."] {
            XCTAssertTrue(help.contains(name), name)
        }
    }

    func testListpackAndQuicklistCheckTheEncoding() {
        run("RPUSH", "l", "a")
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("DEBUG", "LISTPACK", "h"), "+Listpack structure printed on stdout\r\n")
        XCTAssertEqual(run("DEBUG", "LISTPACK", "l"), error("ERR Not a listpack encoded object."))
        XCTAssertEqual(run("DEBUG", "QUICKLIST", "l", "1"), "+Quicklist structure printed on stdout\r\n")
        XCTAssertEqual(run("DEBUG", "QUICKLIST", "h"), error("ERR Not a quicklist encoded object."))
        XCTAssertEqual(run("DEBUG", "QUICKLIST", "nokey"), error("ERR no such key"))
    }
}

/// DEBUG OBJECT, DIGEST and DIGEST-VALUE.
final class DebugInspectionTests: CommandTestCase {
    private func fields(_ reply: String) -> [String: String] {
        XCTAssertTrue(reply.hasPrefix("+Value at:0x"), reply)
        var result: [String: String] = [:]
        for word in reply.dropFirst().dropLast().split(separator: " ") {  // "\r\n" is one Character
            let parts = word.split(separator: ":", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    func testObjectReportsEncodingLengthsAndTheAccessClock() {
        run("SET", "s", "bar")
        run("SET", "n", "12345")
        run("SET", "shared", "7")
        run("SET", "long", String(repeating: "a", count: 100))
        run("RPUSH", "l", "a", "b", "c")
        run("SADD", "ints", "1", "2", "300")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "s"))["serializedlength"], "4", "1 length byte + 3")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "n"))["serializedlength"], "3", "16-bit integer form")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "n"))["encoding"], "int")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "long"))["serializedlength"], "102", "2 length bytes + 100")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "ints"))["serializedlength"], "8", "1 + 2 + 2 + 3")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "shared"))["refcount"], "2147483647")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "s"))["refcount"], "1")
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "s"))["at"], "0x0", "inline strings have no heap address")
        XCTAssertNotEqual(fields(run("DEBUG", "OBJECT", "long"))["at"], "0x0")
        let list = fields(run("DEBUG", "OBJECT", "l"))
        XCTAssertEqual(list["encoding"], "quicklist")
        XCTAssertEqual(list["ql_nodes"], "1")
        XCTAssertEqual(list["ql_avg_node"], "3.00")
        XCTAssertEqual(list["ql_compressed"], "0")
        XCTAssertEqual(Int(list["ql_uncompressed_size"] ?? ""), MemoryFootprint.valueBytes(engine.keyspace[0].peek("l")!))
        let clock = (engine.keyspace.now / 1000) & 0xFF_FFFF
        XCTAssertEqual(Int64(fields(run("DEBUG", "OBJECT", "s"))["lru"] ?? ""), clock)
        XCTAssertEqual(fields(run("DEBUG", "OBJECT", "s"))["lru_seconds_idle"], "0")
        XCTAssertEqual(run("DEBUG", "OBJECT", "nokey"), error("ERR no such key"))
    }

    func testObjectIdleTimeReadsTheWrappingClock() {
        XCTAssertEqual(DebugInspection.idleSeconds(lru: 100, clock: 142), 42)
        XCTAssertEqual(DebugInspection.idleSeconds(lru: 0xFF_FFF0, clock: 5), 20, "across the 24-bit wrap")
        run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        run("SET", "k", "v")
        XCTAssertEqual(Int(fields(run("DEBUG", "OBJECT", "k"))["lru"] ?? "")! & 0xFF, 5, "LFU: the counter starts at 5")
    }

    private func digest(_ commands: [[String]], config: [(String, String)] = []) -> String {
        let other = Engine(config: Self.testConfig())
        for (name, value) in config { other.config.set(name, value) }
        other.configChanged(config.map(\.0))
        let c = other.makeClient()
        for command in commands {
            c.args = command.map { Bytes($0) }
            other.execute(c)
        }
        c.args = ["DEBUG", "DIGEST"]
        other.execute(c)
        return String(decoding: c.reply.take().suffix(44), as: UTF8.self)
    }

    func testDigestIsZeroWhenEmptyAndIgnoresOrderAndForm() {
        XCTAssertEqual(run("DEBUG", "DIGEST"), "+" + String(repeating: "0", count: 40) + "\r\n")
        let a = digest([["SADD", "s", "1", "2", "3"], ["HSET", "h", "a", "1", "b", "2"], ["SET", "x", "y"]])
        let b = digest([["SET", "x", "y"], ["HSET", "h", "b", "2", "a", "1"], ["SADD", "s", "3", "2", "1"]],
                       config: [("set-max-intset-entries", "1"), ("hash-max-listpack-entries", "1")])
        XCTAssertEqual(a, b, "same data in another order and other internal forms")
        XCTAssertNotEqual(a, digest([["SADD", "s", "1", "2", "3"], ["HSET", "h", "a", "1", "b", "3"], ["SET", "x", "y"]]))
        XCTAssertNotEqual(digest([["RPUSH", "l", "a", "b"]]), digest([["RPUSH", "l", "b", "a"]]), "lists keep order")
        XCTAssertNotEqual(digest([["SET", "x", "y"]]), digest([["SET", "x", "y"], ["PEXPIREAT", "x", "99999999999999"]]))
        XCTAssertNotEqual(digest([["SET", "x", "y"]]), digest([["SELECT", "1"], ["SET", "x", "y"]]), "the database counts")
        XCTAssertNotEqual(digest([["SET", "ab", "c"]]), digest([["SET", "a", "bc"]]))
    }

    func testDigestValueComparesValuesNotKeys() {
        run("SADD", "a", "x", "y")
        run("SADD", "b", "y", "x")
        run("SADD", "c", "x")
        let reply = run("DEBUG", "DIGEST-VALUE", "a", "b", "c", "nokey")
        let digests = reply.split(separator: "\r\n").dropFirst().map { String($0.dropFirst()) }
        XCTAssertEqual(digests.count, 4)
        XCTAssertEqual(digests[0], digests[1])
        XCTAssertNotEqual(digests[0], digests[2])
        XCTAssertEqual(digests[3], String(repeating: "0", count: 40))
        XCTAssertEqual(run("DEBUG", "DIGEST-VALUE"), "*0\r\n")
    }

    func testSHA1MatchesTheStandardVectors() {
        func hex(_ text: String) -> String {
            var sha = SHA1()
            sha.update(Array(text.utf8))
            return SHA1.hex(sha.finish())
        }
        XCTAssertEqual(hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(hex(String(repeating: "a", count: 1000)), "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }
}
