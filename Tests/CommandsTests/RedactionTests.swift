import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// Secrets in SLOWLOG and MONITOR: redacted where Redis 7.0 redacts them and
/// nowhere else. Every expectation here is what redis-server 7.0.15 showed
/// for the same commands (Tests/Integration/test_protection.py compares the
/// two servers over real connections).
final class RedactionTests: CommandTestCase {
    private let cases: [(command: [String], logged: [String])] = [
        (["AUTH", "a"], ["AUTH", "(redacted)"]),
        (["AUTH", "a", "b"], ["AUTH", "(redacted)", "(redacted)"]),
        (["AUTH", "a", "b", "c"], ["AUTH", "a", "b", "c"]),  // a syntax error before AUTH reads anything
        (["HELLO", "3", "AUTH", "u", "p"], ["HELLO", "3", "AUTH", "(redacted)", "(redacted)"]),
        (["HELLO", "x", "AUTH", "u", "p"], ["HELLO", "x", "AUTH", "u", "p"]),
        (["HELLO", "2", "FOO", "AUTH", "u", "p"], ["HELLO", "2", "FOO", "AUTH", "u", "p"]),
        (["HELLO", "2", "AUTH", "u"], ["HELLO", "2", "AUTH", "u"]),
        (["HELLO", "2", "SETNAME", "a b", "AUTH", "u", "p"], ["HELLO", "2", "SETNAME", "a b", "AUTH", "u", "p"]),
        (["HELLO", "2", "AUTH", "default", "", "SETNAME", "ok"], ["HELLO", "2", "AUTH", "(redacted)", "(redacted)", "SETNAME", "ok"]),
        (["CONFIG", "SET", "a", "b", "c"], ["CONFIG", "SET", "a", "b", "c"]),
        (["CONFIG", "SET", "nosuch", "1", "requirepass", "x"], ["CONFIG", "SET", "nosuch", "1", "requirepass", "(redacted)"]),
        (["CONFIG", "SET", "masterauth", "secret"], ["CONFIG", "SET", "masterauth", "(redacted)"]),
        (["CONFIG", "SET", "masteruser", "u1", "masterauth", "s2"], ["CONFIG", "SET", "masteruser", "(redacted)", "masterauth", "(redacted)"]),
        (["CONFIG", "SET", "requirepass", "pw", "timeout", "-1"], ["CONFIG", "SET", "requirepass", "(redacted)", "timeout", "-1"]),
        (["CONFIG", "SET", "REQUIREPASS", "pw"], ["CONFIG", "SET", "REQUIREPASS", "(redacted)"]),
        (["AUTH", "pw"], ["AUTH", "(redacted)"]),
        (["CONFIG", "SET", "requirepass", ""], ["CONFIG", "SET", "requirepass", "(redacted)"]),
    ]

    func testSlowLogShowsWhatRedisShows() {
        run("CONFIG", "SET", "slowlog-log-slower-than", "0")
        run("SLOWLOG", "RESET")
        for (command, _) in cases { run(args: command.map { Bytes($0) }, on: client) }
        let logged = engine.slowlog.entries.dropFirst().map { $0.args.map(\.description) }
        XCTAssertEqual(logged, cases.map(\.logged))
        XCTAssertTrue(run("SLOWLOG", "GET", "1").contains("$10\r\n(redacted)\r\n"), "SLOWLOG GET replies the redacted form")
    }

    func testMonitorShowsWhatRedisShows() {
        let monitor = engine.makeClient()
        run(args: ["MONITOR"], on: monitor)
        client.address = "127.0.0.1:5000"
        // CONFIG is admin: never shown. AUTH inside a transaction is redacted when EXEC runs it.
        for (command, _) in cases where command[0] != "CONFIG" { run(args: command.map { Bytes($0) }, on: client) }
        run("MULTI")
        run("AUTH", "inmulti")
        run("EXEC")
        let lines: [String] = String(decoding: monitor.reply.take(), as: UTF8.self).components(separatedBy: "\r\n")
            .filter { !$0.isEmpty }.map { $0.components(separatedBy: "] ").dropFirst().joined(separator: "] ") }
        var expected: [String] = []
        for (command, logged) in cases where command[0] != "CONFIG" {
            expected.append(logged.map { "\"" + $0 + "\"" }.joined(separator: " "))
        }
        expected += [#""MULTI""#, #""AUTH" "(redacted)""#, #""EXEC""#]
        XCTAssertEqual(lines, expected)
    }

    func testRedactionLastsOneCommand() {
        run("CONFIG", "SET", "slowlog-log-slower-than", "0")
        run("AUTH", "secret")
        run("ECHO", "plain")
        XCTAssertEqual(engine.slowlog.entries.last?.args, ["ECHO", "plain"])
        XCTAssertNil(client.loggedArgs)
    }

    func testConfigSetRefusesOddArgumentsAsRedis() {
        XCTAssertEqual(run("CONFIG", "SET", "a", "b", "c"), syntaxError)
        XCTAssertEqual(run("CONFIG", "GET", "master*"), "*4\r\n" + bulk("masterauth") + bulk("") + bulk("masteruser") + bulk(""))
    }
}
