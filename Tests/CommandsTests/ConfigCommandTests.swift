import XCTest
@testable import Commands
import SwirlBytes

/// CONFIG SET of several parameters and CONFIG GET of several patterns, as
/// Redis 7.0 does them (replies checked against redis-server 7.0.15; the
/// byte-for-byte comparison is in Tests/CompatTests/scripts/server.redis).
final class ConfigCommandTests: CommandTestCase {
    func testChecksEveryNameFirstAndNamesTheArgumentAsTyped() {
        XCTAssertEqual(run("CONFIG", "SET", "hz", "10", "maxmemory"), syntaxError)
        XCTAssertEqual(run("CONFIG", "SET", "hz", "10", "DAEMONIZE", "yes"),
                       error("ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config"))
        XCTAssertEqual(run("CONFIG", "SET", "HZ", "11", "Hz", "12", "nosuch", "1"),
                       error("ERR CONFIG SET failed (possibly related to argument 'Hz') - duplicate parameter"))
        XCTAssertEqual(run("CONFIG", "SET", "nosuch", "1", "daemonize", "yes"),
                       error("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"))
        XCTAssertEqual(engine.config["hz"], "10", "nothing was set")
    }

    func testARefusedValuePutsBackTheOnesSetBeforeIt() {
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory", "10000001", "hz", "20", "loglevel", "bad"),
                       error("ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"))
        XCTAssertEqual(engine.config["maxmemory"], "0")
        XCTAssertEqual(engine.config["hz"], "10")
    }

    func testAnAliasIsAParameterOfItsOwn() {
        XCTAssertEqual(run("CONFIG", "SET", "hash-max-ziplist-entries", "100", "hash-max-listpack-entries", "200"), ok)
        XCTAssertEqual(engine.config["hash-max-listpack-entries"], "200", "the later one wins")
        XCTAssertEqual(run("CONFIG", "SET", "HASH-MAX-ZIPLIST-ENTRIES", "x"),
                       error("ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument couldn't be parsed into an integer"))
    }

    func testAFailedApplyPutsEveryValueBackAndAppliesThemAgain() {
        var applied: [(String, String?)] = []
        var warnings: [String] = []
        engine.hooks.logWarning = { warnings.append($0) }
        engine.applyParameter = { [unowned engine] name in
            applied.append((name, engine!.config[name]))
            return name == "port" && engine!.config.port == 7777 ? "Unable to listen on this port. Check server logs." : nil
        }
        XCTAssertEqual(run("CONFIG", "SET", "hz", "20", "port", "7777", "maxmemory", "5"),
                       error("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."))
        XCTAssertEqual(engine.config["hz"], "10")
        XCTAssertEqual(engine.config["port"], "6379")
        XCTAssertEqual(engine.config["maxmemory"], "0")
        XCTAssertEqual(applied.map(\.0), ["hz", "port", "hz", "port", "maxmemory"], "the new values, then the old ones again")
        XCTAssertEqual(applied.last?.1, "0")
        XCTAssertEqual(warnings, ["Failed applying new configuration. Possibly related to new port setting. Restoring previous settings."])
        applied = []
        XCTAssertEqual(run("CONFIG", "SET", "hz", "10", "port", "6379"), ok)
        XCTAssertTrue(applied.isEmpty, "a value that did not change is not applied")
    }

    func testGetMatchesAliasesHidesHiddenParametersAndDoesNotRepeat() {
        XCTAssertEqual(run("CONFIG", "GET", "hash-max-ziplist-entri*"), "*2\r\n" + bulk("hash-max-ziplist-entries") + bulk("512"))
        let both = bulkArray(run("CONFIG", "GET", "hash-max-*-entries")) ?? []
        XCTAssertEqual(Set(both.compactMap { $0 }.filter { $0.hasPrefix("hash") }),
                       ["hash-max-listpack-entries", "hash-max-ziplist-entries"])
        XCTAssertEqual(run("CONFIG", "GET", "rdb-key-save-del*"), "*0\r\n")
        XCTAssertEqual(run("CONFIG", "GET", "RDB-key-save-delay"), "*2\r\n" + bulk("RDB-key-save-delay") + bulk("0"))
        XCTAssertEqual(run("CONFIG", "GET", "MAXmemory", "maxmemory", "maxmem*ory"), "*2\r\n" + bulk("MAXmemory") + bulk("0"))
        XCTAssertEqual(run("CONFIG", "GET", "hz", "hash-max-ziplist-entries", "hash-max-listpack-entries").count,
                       ("*6\r\n" + bulk("hz") + bulk("10") + bulk("hash-max-ziplist-entries") + bulk("512")
                        + bulk("hash-max-listpack-entries") + bulk("512")).count)
    }

    func testSettingAParameterSwirlIgnoresIsLogged() {
        var warnings: [String] = []
        engine.hooks.logWarning = { warnings.append($0) }
        XCTAssertEqual(run("CONFIG", "SET", "repl-timeout", "30", "hz", "20", "rdbcompression", "yes"), "+OK\r\n")
        XCTAssertEqual(warnings, ["WARNING: accepted but not honoured by Swirl (see docs/CONFIG.md): repl-timeout"])
        warnings = []
        XCTAssertEqual(run("CONFIG", "SET", "repl-timeout", "60"), "+OK\r\n")
        XCTAssertEqual(warnings, [], "back at its default: nothing to say")
    }

    func testRewriteForcingAllNeedsAConfigFile() {
        XCTAssertEqual(run("DEBUG", "CONFIG-REWRITE-FORCE-ALL"), "-ERR CONFIG-REWRITE-FORCE-ALL failed: Bad address\r\n")
        XCTAssertEqual(run("CONFIG", "REWRITE"), "-ERR The server is running without a config file\r\n")
    }
}
