import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// SLOWLOG's entries and MONITOR's lines. The exact lines were checked
/// against redis-server 7.0 (see Tests/Integration/test_monitor.py).
final class SlowLogAndMonitorTests: CommandTestCase {
    private func logEverything() { run("CONFIG", "SET", "slowlog-log-slower-than", "0") }

    func testEntriesAreBoundedRedactedAndNewestFirst() {
        logEverything()
        run("SLOWLOG", "RESET")
        run("AUTH", "secret")
        run("SET", "big", String(repeating: "x", count: 130))
        run(args: [Bytes("RPUSH"), Bytes("l")] + (0..<40).map { Bytes(String($0)) }, on: client)
        let entries = engine.slowlog.entries.reversed().map { $0.args.map(\.description) }
        XCTAssertEqual(entries[0].count, 32)
        XCTAssertEqual(entries[0].last, "... (11 more arguments)")
        XCTAssertEqual(entries[1][2], String(repeating: "x", count: 128) + "... (2 more bytes)")
        XCTAssertEqual(entries[2], ["AUTH", "(redacted)"])
        XCTAssertEqual(entries[3], ["SLOWLOG", "RESET"], "RESET clears, then logs itself")
        XCTAssertEqual(run("SLOWLOG", "LEN"), int(4))
    }

    func testThresholdLengthAndSkippedCommands() {
        run("CONFIG", "SET", "slowlog-log-slower-than", "-1")
        run("SLOWLOG", "RESET")
        run("SET", "a", "b")
        XCTAssertEqual(run("SLOWLOG", "LEN"), int(0), "a negative threshold logs nothing")
        logEverything()
        run("MULTI")
        run("SET", "a", "1")
        run("EXEC")
        XCTAssertEqual(engine.slowlog.entries.map { $0.args[0].description }, ["CONFIG", "MULTI", "SET"],
                       "EXEC is skip_slowlog; the commands it ran are logged")
        run("CONFIG", "SET", "slowlog-max-len", "2")
        run("PING")
        XCTAssertEqual(run("SLOWLOG", "LEN"), int(2), "trimmed when the next entry arrives")
    }

    func testGetArguments() {
        XCTAssertEqual(run("SLOWLOG", "GET", "-2"), error("ERR count should be greater than or equal to -1"))
        XCTAssertEqual(run("SLOWLOG", "GET", "x"), error("ERR count should be greater than or equal to -1"))
        XCTAssertEqual(run("SLOWLOG", "GET", "1", "2"),
                       error("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."))
        logEverything()
        run("SLOWLOG", "RESET")
        run("SET", "k", "v")
        let reply = run("SLOWLOG", "GET", "1")
        XCTAssertTrue(reply.hasPrefix("*1\r\n*6\r\n:"), reply)
        XCTAssertTrue(reply.contains("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), reply)
    }

    func testMonitorSeesCommandsAfterTheyRanWithQuotedArguments() {
        let monitor = engine.makeClient()
        XCTAssertEqual(run(args: ["MONITOR"], on: monitor), ok)
        XCTAssertEqual(run(args: ["MONITOR"], on: monitor), "", "a second MONITOR answers nothing")
        client.address = "127.0.0.1:5000"
        run(args: [Bytes("SET"), Bytes([0x61, 0x22, 0x5c, 0x0a]), Bytes([0x01, 0xff, 0x09, 0x20])], on: client)
        run("SELECT", "3")
        run("NOSUCH")
        run("GET")
        run("CONFIG", "GET", "x")
        run("HELLO", "3", "AUTH", "u", "p", "SETNAME", "n")
        run("MULTI")
        run("INCR", "n")
        run("EXEC")
        let lines = String(decoding: monitor.reply.take(), as: UTF8.self)
            .split(separator: "\r\n").map { String($0.split(separator: " ", maxSplits: 1)[1]) }
        XCTAssertEqual(lines, [
            #"[0 127.0.0.1:5000] "SET" "a\"\\\n" "\x01\xff\t ""#,
            #"[3 127.0.0.1:5000] "SELECT" "3""#,
            #"[3 127.0.0.1:5000] "HELLO" "3" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n""#,
            #"[3 127.0.0.1:5000] "MULTI""#,
            #"[3 127.0.0.1:5000] "INCR" "n""#,
            #"[3 127.0.0.1:5000] "EXEC""#,
        ])
        XCTAssertEqual(engine.takeClientsWithOutput().map(\.id), [monitor.id])
    }

    func testMonitorMayNotTouchKeysAndIsForgottenOnDisconnect() {
        let monitor = engine.connect()
        run(args: ["MONITOR"], on: monitor)
        XCTAssertEqual(run(args: ["GET", "a"], on: monitor), error("ERR Replica can't interact with the keyspace"))
        XCTAssertTrue(run(args: ["PING"], on: monitor).hasPrefix("+PONG\r\n+"), "PONG, then its own monitor line")
        XCTAssertTrue(run(args: ["CLIENT", "INFO"], on: monitor).contains(" flags=O "))
        engine.disconnect(monitor)
        XCTAssertTrue(engine.monitors.isEmpty)
        run("MULTI")
        run("MONITOR")
        XCTAssertEqual(run("EXEC"), "*1\r\n" + error("ERR MONITOR isn't allowed for DENY BLOCKING client"))
    }

    func testAMonitorThatQuitsDoesNotSeeItsOwnQuit() {
        let quitting = engine.makeClient(), watching = engine.makeClient()
        run(args: ["MONITOR"], on: quitting)
        run(args: ["MONITOR"], on: watching)
        quitting.address = "127.0.0.1:1111"
        XCTAssertEqual(run(args: ["QUIT"], on: quitting), ok, "+OK and nothing after it, as Redis")
        XCTAssertTrue(quitting.closeAfterReply)
        run("PING")
        XCTAssertEqual(run(args: ["PING"], on: watching).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                        .map { $0.components(separatedBy: "] ").last! },
                       [#""QUIT""#, #""PING""#, "+PONG", #""PING""#],
                       "the other monitor sees the QUIT")
        XCTAssertEqual(quitting.reply.take(), [], "nothing more for the one that quit")
    }
}
