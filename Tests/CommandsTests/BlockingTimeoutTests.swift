import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// Timeouts (parsing and expiry), CLIENT UNBLOCK and the statistics of blocked
/// commands, as Redis 7.0.15 answers and counts them.
final class BlockingTimeoutTests: BlockingTestCase {
    func testTimeoutParsing() {
        let notFloat = error("ERR timeout is not a float or out of range")
        let negative = error("ERR timeout is negative")
        for (text, reply) in [("abc", notFloat), ("", notFloat), (" 1", notFloat), ("1 ", notFloat), ("nan", notFloat),
                              ("1.5.5", notFloat), ("-1", negative), ("-0.01", negative), ("inf", negative),
                              ("-inf", negative), ("99999999999999999999", negative), ("1e400", negative)] {
            XCTAssertEqual(on(a, "BLPOP", "q", text), reply, text)
        }
        XCTAssertEqual(engine.blocking.count, 0)
        // Accepted: a tiny positive value is one millisecond, a tiny negative one rounds to forever.
        for text in ["0.0001", "1e-400", "+0.01", ".01", "0x0.1"] {
            on(a, "BLPOP", "q", text)
            XCTAssertTrue(a.isBlocked, text)
            XCTAssertNotEqual(a.blocked?.request.deadline, 0, text)
            engine.blocking.remove(a)
        }
        for text in ["0", "-0", "-0.0001", "9223372036854775"] {
            on(a, "BLPOP", "q", text)
            XCTAssertTrue(a.isBlocked, text)
            let deadline = a.blocked!.request.deadline
            XCTAssertTrue(deadline == 0 || deadline == Int64.max, "\(text): forever, in practice")
            engine.blocking.remove(a)
        }
    }

    func testAnExpiredTimeoutAnswersNullAndOthersKeepWaiting() {
        on(a, "BLPOP", "k", "0.01")
        on(b, "BLMOVE", "k", "d", "LEFT", "LEFT", "0.01")
        on(c, "BLPOP", "k", "0")
        XCTAssertEqual(infoField("clients_in_timeout_table"), "2")
        XCTAssertNotNil(engine.blocking.nextDeadline)
        usleep(30_000)
        engine.expireBlockedClients()
        XCTAssertEqual(output(of: a), "*-1\r\n")
        XCTAssertEqual(output(of: b), "*-1\r\n", "BLMOVE's timeout is a null array too, as in Redis")
        XCTAssertTrue(c.isBlocked)
        XCTAssertNil(engine.blocking.nextDeadline)
        XCTAssertEqual(infoField("clients_in_timeout_table"), "0")
        on(a, "HELLO", "3")
        on(a, "BLMPOP", "0.01", "1", "k", "LEFT")
        usleep(30_000)
        engine.expireBlockedClients()
        XCTAssertEqual(output(of: a), "_\r\n")
    }

    func testATimeoutNotYetDueLeavesTheClientBlocked() {
        on(a, "BLPOP", "k", "100")
        engine.expireBlockedClients()
        XCTAssertTrue(a.isBlocked)
        let deadline = engine.blocking.nextDeadline!
        XCTAssertGreaterThan(deadline, nowMilliseconds() + 90_000)
    }

    func testServedClientsLeaveTheTimeoutHeap() {
        // Many blockings with a timeout, each served: the heap keeps no more than about twice the live ones.
        for round in 0..<200 {
            on(a, "BLPOP", "k", "1000")
            run("RPUSH", "k", "\(round)")
            XCTAssertEqual(output(of: a), pair("k", "\(round)"))
        }
        XCTAssertNil(engine.blocking.nextDeadline)
        XCTAssertEqual(engine.blocking.timeoutCount, 0)
    }

    func testClientUnblock() {
        on(a, "BLPOP", "k", "0")
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "\(a.id)"), int(1))
        XCTAssertEqual(output(of: a), "*-1\r\n")
        on(a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "\(a.id)", "error"), int(1))
        XCTAssertEqual(output(of: a), error("UNBLOCKED client unblocked via CLIENT UNBLOCK"))
        XCTAssertFalse(a.isBlocked)
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "\(a.id)", "TIMEOUT"), int(0), "not blocked")
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "999"), int(0))
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "-1"), int(0))
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "x", "foo"), error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"))
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "x"), notInteger)
        XCTAssertEqual(run("CLIENT", "UNBLOCK", "1", "TIMEOUT", "x"),
                       error("ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP."))
        XCTAssertEqual(run("CLIENT", "UNBLOCK"), error("ERR wrong number of arguments for 'client|unblock' command"))
        // The unblocked client's own queue entry is gone: a push stays in the list.
        run("RPUSH", "k", "v")
        XCTAssertEqual(run("LLEN", "k"), int(1))
    }

    func testStatisticsCountTheCallWhenItBlocksAndFailuresWhenItEnds() {
        run("CONFIG", "RESETSTAT")
        on(a, "BLPOP", "k", "0")
        XCTAssertEqual(engine.commandStat("blpop")?.calls, 1, "counted when called, as Redis 7.0.15")
        let processed = engine.stats.commandsProcessed
        run("RPUSH", "k", "v")
        XCTAssertEqual(engine.commandStat("blpop")?.calls, 1, "not again when served")
        XCTAssertEqual(engine.stats.commandsProcessed, processed + 1, "only the RPUSH")
        on(a, "BLPOP", "k", "0")
        run("CLIENT", "UNBLOCK", "\(a.id)")
        XCTAssertEqual(engine.commandStat("blpop")?.failedCalls, 1, "an unblock counts as a failure, even as a timeout")
        on(a, "BLPOP", "k", "0.001")
        usleep(10_000)
        engine.expireBlockedClients()
        XCTAssertEqual(engine.commandStat("blpop")?.failedCalls, 1, "a real timeout does not")
        on(a, "BLPOP", "k", "0")
        run("CLIENT", "UNBLOCK", "\(a.id)", "ERROR")
        XCTAssertEqual(engine.commandStat("blpop")?.calls, 4)
        XCTAssertEqual(engine.commandStat("blpop")?.failedCalls, 2)
        XCTAssertEqual(engine.commandStat("client|unblock")?.failedCalls, 1, "its error reply went out while it ran")
        XCTAssertEqual(engine.stats.errors["UNBLOCKED"], 1)
    }
}
