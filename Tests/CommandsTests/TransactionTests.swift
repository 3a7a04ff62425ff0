import XCTest
@testable import Commands
import SwirlBytes
import Keyspace
import RESP

/// MULTI, EXEC, DISCARD: queueing, the errors that doom a transaction, the
/// errors that do not, and what CLIENT LIST and the statistics show.
/// Replies were checked against Redis 7.0.15. WATCH is in WatchTests,
/// the AOF form in TransactionPropagationTests.
final class TransactionTests: CommandTestCase {
    let queued = "+QUEUED\r\n"
    let execAbort = "-EXECABORT Transaction discarded because of previous errors.\r\n"

    func testQueuedCommandsRunOnlyAtExecInOrder() {
        let other = engine.makeClient()
        expect([
            (["MULTI"], ok),
            (["SET", "a", "1"], queued),
            (["INCR", "a"], queued),
            (["GET", "a"], queued),
        ])
        XCTAssertEqual(run(args: [Bytes("GET"), Bytes("a")], on: other), null, "nothing runs before EXEC")
        XCTAssertEqual(run("EXEC"), "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n")
        XCTAssertEqual(run("EXEC"), error("ERR EXEC without MULTI"), "EXEC ends the transaction")
    }

    func testEmptyTransactionRepliesAnEmptyArray() {
        expect([(["MULTI"], ok), (["EXEC"], "*0\r\n")])
    }

    func testExecAndDiscardWithoutMulti() {
        expect([
            (["EXEC"], error("ERR EXEC without MULTI")),
            (["DISCARD"], error("ERR DISCARD without MULTI")),
        ])
    }

    func testNestedMultiIsAnErrorThatDoesNotDoomTheTransaction() {
        expect([
            (["MULTI"], ok),
            (["MULTI"], error("ERR MULTI calls can not be nested")),
            (["SET", "k", "1"], queued),
            (["EXEC"], "*1\r\n+OK\r\n"),
        ])
    }

    func testWatchInsideMultiIsRefusedWithoutDoomingTheTransaction() {
        expect([
            (["MULTI"], ok),
            (["SET", "k", "2"], queued),
            (["WATCH", "k"], error("ERR WATCH inside MULTI is not allowed")),
            (["EXEC"], "*1\r\n+OK\r\n"),
        ])
    }

    func testDiscardDropsTheQueue() {
        expect([
            (["MULTI"], ok),
            (["SET", "k", "1"], queued),
            (["DISCARD"], ok),
            (["GET", "k"], null),
            (["EXEC"], error("ERR EXEC without MULTI")),
        ])
    }

    // MARK: - Errors while queueing doom the transaction

    func testUnknownCommandWhileQueueingAbortsExec() {
        expect([
            (["MULTI"], ok),
            (["SET", "b", "1"], queued),
            (["FOO"], error("ERR unknown command 'FOO', with args beginning with: ")),
            (["GET"], error("ERR wrong number of arguments for 'get' command")),
            (["EXEC"], execAbort),
            (["EXISTS", "b"], int(0)),
        ])
    }

    func testWrongArityOfTransactionCommandsInsideMultiDoomsIt() {
        for command in [["DISCARD", "x"], ["MULTI", "x"], ["WATCH"]] {
            let name = command[0].lowercased()
            expect([
                (["MULTI"], ok),
                (command, error("ERR wrong number of arguments for '\(name)' command")),
                (["EXEC"], execAbort),
            ])
        }
    }

    func testUnknownSubcommandWhileQueueingAbortsExec() {
        expect([
            (["MULTI"], ok),
            (["CONFIG", "FOO"], error("ERR unknown subcommand 'FOO'. Try CONFIG HELP.")),
            (["EXEC"], execAbort),
        ])
    }

    func testNoMultiCommandIsRefusedAndDoomsTheTransaction() {
        expect([
            (["MULTI"], ok),
            (["SHUTDOWN", "NOSAVE"], error("ERR Command not allowed inside a transaction")),
            (["PING"], queued),
            (["EXEC"], execAbort),
        ])
        XCTAssertEqual(engine.commandStat("shutdown")?.rejectedCalls, 1)
    }

    func testExecWithArgumentsDiscardsTheTransaction() {
        let abort = error("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command")
        expect([
            (["SET", "k", "2"], ok),
            (["MULTI"], ok),
            (["SET", "k", "3"], queued),
            (["EXEC", "x"], abort),
            (["EXEC"], error("ERR EXEC without MULTI")),
            (["GET", "k"], bulk("2")),
            // Outside MULTI too (Redis's rejectCommand answers for EXEC this way).
            (["EXEC", "x"], abort),
        ])
    }

    // MARK: - Errors while running do not

    func testRuntimeErrorsAreRepliedInPlaceAndTheRestRuns() {
        run("SET", "s", "str")
        expect([
            (["MULTI"], ok),
            (["INCR", "s"], queued),
            (["SET", "t", "1"], queued),
            (["HSET", "s", "f", "v"], queued),
            (["PING", "a", "b"], queued),
            (["SET", "k", "v", "BADOPT"], queued),
        ])
        XCTAssertEqual(run("EXEC"), "*5\r\n" + notInteger + ok + wrongType
                       + error("ERR wrong number of arguments for 'ping' command") + syntaxError)
        XCTAssertEqual(run("GET", "t"), bulk("1"))
    }

    // MARK: - Connection commands inside MULTI

    func testSelectInsideTheTransactionMovesLaterCommands() {
        expect([
            (["MULTI"], ok),
            (["SELECT", "2"], queued),
            (["SET", "indb2", "yes"], queued),
            (["EXEC"], "*2\r\n+OK\r\n+OK\r\n"),
        ])
        XCTAssertEqual(client.dbIndex, 2, "the SELECT stays in effect after EXEC")
        XCTAssertEqual(run("GET", "indb2"), bulk("yes"))
    }

    func testResetInsideMultiDiscardsTheTransaction() {
        expect([
            (["MULTI"], ok),
            (["SET", "r", "1"], queued),
            (["RESET"], "+RESET\r\n"),
            (["EXEC"], error("ERR EXEC without MULTI")),
            (["GET", "r"], null),
        ])
    }

    func testQuitInsideMultiRunsAtOnce() {
        expect([(["MULTI"], ok), (["SET", "q", "1"], queued), (["QUIT"], ok)])
        XCTAssertTrue(client.closeAfterReply)
    }

    func testRESP3RepliesInsideExec() {
        run("HELLO", "3")
        run("HSET", "h", "f", "v")
        expect([(["MULTI"], ok), (["HGETALL", "h"], queued), (["GET", "nope"], queued)])
        XCTAssertEqual(run("EXEC"), "*2\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n")
    }

    // MARK: - Introspection

    func testClientListShowsTheQueue() {
        let registered = engine.connect()
        defer { engine.disconnect(registered) }
        func line() -> String { String(decoding: ClientCommands.describe(registered, now: 0), as: UTF8.self) }
        XCTAssertTrue(line().contains(" flags=N "), line())
        XCTAssertTrue(line().contains(" multi=-1 "), line())
        for command in [["MULTI"], ["SET", "k", "v"], ["GET", "k"]] {
            _ = run(args: command.map { Bytes($0) }, on: registered)
        }
        XCTAssertTrue(line().contains(" flags=x "), line())
        XCTAssertTrue(line().contains(" multi=2 "), line())
        XCTAssertTrue(line().contains(" multi-mem=49 "), "Redis 7.0.15 shows 49 for SET k v + GET k: \(line())")
        XCTAssertTrue(line().contains(" cmd=get "), "a queued command is the last command, as in Redis")
        _ = run(args: [Bytes("EXEC")], on: registered)
        XCTAssertTrue(line().contains(" flags=N "), line())
        XCTAssertTrue(line().contains(" multi=-1 "), line())
        XCTAssertTrue(line().contains(" multi-mem=0 "), line())
    }

    func testStatisticsCountExecutedCommandsAndRejections() {
        expect([
            (["MULTI"], ok), (["SET", "k", "v"], queued), (["EXEC"], "*1\r\n+OK\r\n"),
            (["MULTI"], ok), (["SET", "k", "v"], queued), (["FOO"], error("ERR unknown command 'FOO', with args beginning with: ")),
            (["EXEC"], execAbort),
        ])
        run("EXEC", "x")
        XCTAssertEqual(engine.commandStat("set")?.calls, 1, "a discarded SET never ran")
        XCTAssertEqual(engine.commandStat("multi")?.calls, 2)
        XCTAssertEqual(engine.commandStat("exec")?.calls, 2)
        XCTAssertEqual(engine.commandStat("exec")?.failedCalls, 1)
        XCTAssertEqual(engine.commandStat("exec")?.rejectedCalls, 1)
    }

    func testCommandInfoFlagsMatchRedis() {
        XCTAssertEqual(run("COMMAND", "INFO", "exec"),
                       "*1\r\n*10\r\n$4\r\nexec\r\n:1\r\n*4\r\n+noscript\r\n+loading\r\n+stale\r\n+skip_slowlog\r\n"
                       + ":0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n")
        XCTAssertEqual(run("COMMAND", "INFO", "multi"),
                       "*1\r\n*10\r\n$5\r\nmulti\r\n:1\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+allow_busy\r\n"
                       + ":0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n")
    }
}
