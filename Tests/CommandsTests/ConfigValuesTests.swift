import XCTest
@testable import Commands

/// Each kind of parameter reads, checks and shows its value as Redis 7.0.15
/// does (the texts were taken from a real redis-server; the differential test
/// in Tests/CompatTests/scripts/config.redis plays them against one).
final class ConfigValuesTests: XCTestCase {
    let config = Config()

    func set(_ name: String, _ value: String) -> String {
        config.set(name, value) ?? config.displayValue(name)
    }

    func testMemtoullAsRedis() {
        XCTAssertEqual(Config.memtoull("1gb"), 1 << 30)
        XCTAssertEqual(Config.memtoull("1G"), 1_000_000_000)
        XCTAssertEqual(Config.memtoull("64Kb"), 65536)
        XCTAssertEqual(Config.memtoull("7b"), 7)
        XCTAssertEqual(Config.memtoull(""), 0, "no digits read as 0")
        XCTAssertEqual(Config.memtoull("mb"), 0)
        XCTAssertEqual(Config.memtoull("99999999999999999999"), .max, "saturates")
        XCTAssertEqual(Config.memtoull("17179869184gb"), 0, "the unit's product wraps")
        XCTAssertNil(Config.memtoull("-1"))
        XCTAssertNil(Config.memtoull("+1"))
        XCTAssertNil(Config.memtoull("1 mb"))
        XCTAssertNil(Config.memtoull("1tb"))
    }

    func testStrtollAsC() {
        XCTAssertEqual(Config.strtoll(" +12"), 12)
        XCTAssertEqual(Config.strtoll("-3"), -3)
        XCTAssertEqual(Config.strtoll(""), 0)
        XCTAssertNil(Config.strtoll(" "))
        XCTAssertNil(Config.strtoll("12a"))
        XCTAssertNil(Config.strtoll("-"))
        XCTAssertEqual(Config.strtoll("99999999999999999999"), .max)
        XCTAssertEqual(Config.strtoll("-99999999999999999999"), .min)
    }

    func testNumbersAndTheirBounds() {
        XCTAssertEqual(set("maxclients", "0"), "argument must be between 1 and 4294967295 inclusive")
        XCTAssertEqual(set("maxclients", "1x"), "argument couldn't be parsed into an integer")
        XCTAssertEqual(set("list-max-listpack-size", "-5"), "-5")
        XCTAssertEqual(set("slowlog-log-slower-than", "-2"), "argument must be between -1 and 9223372036854775807 inclusive")
        XCTAssertEqual(set("proto-max-bulk-len", "1k"), "argument must be between 1048576 and 9223372036854775807 inclusive")
        XCTAssertEqual(set("proto-max-bulk-len", "20gb"), "21474836480")
        XCTAssertEqual(set("proto-max-bulk-len", "99999999999999999999"),
                       "argument must be between 1048576 and 9223372036854775807 inclusive", "past 2^63 reads negative")
        XCTAssertEqual(set("hash-max-listpack-value", "1kb"), "1024")
        XCTAssertEqual(set("maxmemory", "99999999999999999999"), "18446744073709551615")
        XCTAssertEqual(set("maxmemory", "-1"), "argument must be a memory value")
        XCTAssertEqual(set("hz", "1000"), "500")
        XCTAssertEqual(set("hz", "0"), "1")
    }

    func testMemoryOrPercent() {
        XCTAssertEqual(set("maxmemory-clients", "5%"), "5%")
        XCTAssertEqual(set("maxmemory-clients", "0%"), "0")
        XCTAssertEqual(set("maxmemory-clients", "101%"), "percentage argument must be less or equal to 100")
        XCTAssertEqual(set("maxmemory-clients", "-5%"), "argument must be a memory or percent value")
        XCTAssertEqual(set("maxmemory-clients", "18446744073709551566"), "50%", "Redis keeps a percentage negative")
        XCTAssertEqual(set("maxmemory-clients", "1mb"), "1048576")
    }

    func testBooleansChoicesAndFlags() {
        XCTAssertEqual(set("rdbcompression", "NO"), "no")
        XCTAssertEqual(set("rdbcompression", "1"), "argument must be 'yes' or 'no'")
        XCTAssertEqual(set("repl-diskless-load", "SWAPDB"), "swapdb")
        XCTAssertEqual(set("repl-diskless-load", "x"), "argument(s) must be one of the following: disabled, on-empty-db, swapdb")
        XCTAssertEqual(set("shutdown-on-sigterm", "now SAVE"), "save now")
        XCTAssertEqual(set("shutdown-on-sigterm", "nosave"), "nosave")
        XCTAssertEqual(set("shutdown-on-sigterm", "default"), "default")
        XCTAssertEqual(set("shutdown-on-sigterm", "save nosave"), "shutdown options SAVE and NOSAVE can't be used simultaneously")
        XCTAssertEqual(set("shutdown-on-sigterm", "save  now"),
                       "argument(s) must be one of the following: default, save, nosave, now, force", "two spaces make an empty word")
        XCTAssertEqual(set("activedefrag", "yes").prefix(46), "Active defragmentation cannot be enabled: it r")
    }

    func testTextsAndTheirChecks() {
        XCTAssertEqual(set("dbfilename", "a/b"), "dbfilename can't be a path, just a filename")
        XCTAssertEqual(set("dbfilename", "a\\b"), "dbfilename can't be a path, just a filename")
        XCTAssertEqual(set("cluster-announce-hostname", "a_b"), "Hostnames may only contain alphanumeric characters, hyphens or dots")
        XCTAssertEqual(set("cluster-announce-hostname", "node-1.example"), "node-1.example")
        XCTAssertEqual(Config.parse([""], for: Config.parameter(named: "appendfilename")!, current: ""),
                       .failure(ConfigError("appendfilename can't be empty")))
    }

    func testSeveralWordParameters() {
        XCTAssertEqual(set("save", "100 10 +20 0"), "100 10 20 0")
        XCTAssertEqual(set("save", "100"), "Invalid save parameters")
        XCTAssertEqual(set("save", "0 1"), "Invalid save parameters")
        XCTAssertEqual(set("save", "100 "), "100 0", "strtoll reads an empty word as 0")
        XCTAssertEqual(set("save", ""), "")
        XCTAssertEqual(set("bind", Array(repeating: "1.2.3.4", count: 17).joined(separator: " ")), "Too many bind addresses specified.")
        XCTAssertEqual(set("latency-tracking-info-percentiles", "50.0 99.90 1e2"), "50 99.9 100")
        XCTAssertEqual(set("latency-tracking-info-percentiles", "101"), "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
        XCTAssertEqual(set("latency-tracking-info-percentiles", "x"), "Invalid latency-tracking-info-percentiles parameters")
        XCTAssertEqual(set("latency-tracking-info-percentiles", ""), "")
        XCTAssertEqual(set("client-output-buffer-limit", "replica 1gb 2mb 3 PUBSUB 0 0 0"),
                       "normal 0 0 0 slave 1073741824 2097152 3 pubsub 0 0 0")
        XCTAssertEqual(set("client-output-buffer-limit", "master 1 1 1"), "Invalid client class specified in buffer limit configuration.")
        XCTAssertEqual(set("client-output-buffer-limit", "normal 1 1 -1"),
                       "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        XCTAssertEqual(set("client-output-buffer-limit", "normal 1 1"), "Wrong number of arguments in buffer limit configuration.")
    }

    /// Kinds ready for the deployment parameters (`unixsocketperm`, `oom-score-adj-values`).
    func testOctalAndOOMScoreValues() {
        let octal = Config.Parameter(name: "unixsocketperm", kind: .octal(0...0o777), defaultValue: "0", mutable: false)
        XCTAssertEqual(Config.parse(["700"], for: octal, current: ""), .success("700"))
        XCTAssertEqual(Config.parse(["0755"], for: octal, current: ""), .success("755"))
        XCTAssertEqual(Config.parse(["1000"], for: octal, current: ""), .failure(ConfigError("argument must be between 0 and 777 inclusive")))
        XCTAssertEqual(Config.parse(["-1"], for: octal, current: ""), .failure(ConfigError("argument must be between 0 and 777 inclusive")))
        XCTAssertEqual(Config.parse(["8"], for: octal, current: ""), .failure(ConfigError("argument couldn't be parsed as an octal number")))
        XCTAssertEqual(Config.parse(["7777777777777777777777777"], for: octal, current: ""),
                       .failure(ConfigError("argument couldn't be parsed as an octal number")))
        let adjust = Config.Parameter(name: "oom-score-adj", kind: .choice(["no", "yes", "relative", "absolute"]),
                                      defaultValue: "no", mutable: true)
        XCTAssertEqual(Config.parse(["Relative"], for: adjust, current: ""), .success("yes"), "one value, shown by its first name")
        let oom = Config.Parameter(name: "oom-score-adj-values", kind: .oomScoreAdjValues, defaultValue: "0 200 800", mutable: true)
        XCTAssertEqual(Config.parse(["0", "+200", "-800"], for: oom, current: ""), .success("0 200 -800"))
        XCTAssertEqual(Config.parse(["0", "200"], for: oom, current: ""), .failure(ConfigError("wrong number of arguments")))
        XCTAssertEqual(Config.parse(["0", "200", "2001"], for: oom, current: ""),
                       .failure(ConfigError("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")))
    }

    func testReplicaofAndItsAlias() throws {
        let parameter = try XCTUnwrap(Config.parameter(named: "slaveof"))
        XCTAssertEqual(parameter.name, "replicaof")
        XCTAssertNil(config.set(parameter, words: ["10.0.0.1", "+6380"], fromFile: true))
        XCTAssertEqual(config["slaveof"], "10.0.0.1 6380")
        XCTAssertEqual(config.set(parameter, words: ["h", "70000"], fromFile: true), "Invalid master port")
        XCTAssertEqual(config.set(parameter, words: ["h"], fromFile: true), "wrong number of arguments")
        XCTAssertNil(config.set(parameter, words: ["NO", "one"], fromFile: true))
        XCTAssertEqual(config["replicaof"], "")
    }

    func testIgnoredSettingsAreTheNonDefaultOnes() {
        XCTAssertNil(config.ignoredSettingsWarning)
        config.set("rdbcompression", "yes")
        config.set("timeout", "0")
        XCTAssertEqual(config.ignoredSettings, [], "a stock config's defaults are no warning")
        config.set("repl-timeout", "30")
        config.set("maxmemory", "1mb")
        XCTAssertEqual(config.ignoredSettings, ["repl-timeout"])
        XCTAssertEqual(config.ignoredSettingsWarning,
                       "WARNING: accepted but not honoured by Swirl (see docs/CONFIG.md): repl-timeout")
    }
}


/// The tables themselves: each default reads back as itself under its own
/// kind (a default its own checks refuse would be a typo), names are unique.
final class ConfigTableTests: XCTestCase {
    func testEveryDefaultReadsBackAsItself() {
        // `replicaof`'s default is no master at all, which no words say (Redis's NULL).
        for parameter in Config.parameters where parameter.name != "replicaof" {
            let words = parameter.kind.takesSeveralWords
                ? (parameter.defaultValue.isEmpty ? [] : parameter.defaultValue.split(separator: " ").map(String.init))
                : [parameter.defaultValue]
            XCTAssertEqual(Config.parse(words, for: parameter, current: parameter.defaultValue), .success(parameter.defaultValue),
                           parameter.name)
        }
    }

    func testNamesAndAliasesAreUniqueAndLowerCase() {
        let names = Config.allNames.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertEqual(names.filter { $0 != $0.lowercased() }, [])
        XCTAssertEqual(Config.parameters.filter { $0.alias != nil }.count, 19, "Redis 7.0.15's aliases")
    }

    func testIdleTimeoutSparesMonitorsBlockedAndSubscribedClients() {
        let config = Config()
        config.set("timeout", "2")
        let engine = Engine(config: config)
        let client = engine.makeClient()
        let start = client.lastInteraction
        XCTAssertFalse(engine.idleTimedOut(client, nowMilliseconds: start + 2_000))
        XCTAssertTrue(engine.idleTimedOut(client, nowMilliseconds: start + 3_000))
        client.isMonitor = true
        XCTAssertFalse(engine.idleTimedOut(client, nowMilliseconds: start + 3_000))
        config.set("timeout", "0")
        client.isMonitor = false
        XCTAssertFalse(engine.idleTimedOut(client, nowMilliseconds: start + 1_000_000))
    }
}
