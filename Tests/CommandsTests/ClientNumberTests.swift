import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// Numbers from clients at the edges of Int64: each case here trapped (a
/// remote crash) before its fix. The expected replies are redis-server
/// 7.0.15's, checked side by side with `redis-cli`.
final class ClientNumberTests: CommandTestCase {
    let tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"

    func testSetrangePastInt64IsTooLong() {
        run("SET", "s", "hello")
        // Redis: "ERR string exceeds maximum allowed size (proto-max-bulk-len)" for both.
        XCTAssertEqual(run("SETRANGE", "s", "9223372036854775807", "x"), tooLong)
        XCTAssertEqual(run("SETRANGE", "s", "9223372036854775800", "abcdefgh"), tooLong)
        XCTAssertEqual(run("SETRANGE", "missing", "9223372036854775807", "x"), tooLong)
        XCTAssertEqual(run("EXISTS", "missing"), int(0))
        // Redis: an empty patch answers the length before any size check.
        XCTAssertEqual(run("SETRANGE", "s", "9223372036854775807", ""), int(5))
        XCTAssertEqual(run("SETRANGE", "missing", "9223372036854775807", ""), int(0))
        XCTAssertEqual(run("GET", "s"), bulk("hello"))
    }

    func testScanWithTheLargestCountVisitsEverything() {
        run("MSET", "a", "1", "b", "2", "c", "3")
        // Redis: cursor 0 and every key (its count * 10 wraps, then never runs out).
        for count in ["9223372036854775807", "922337203685477581"] {
            var reader = ReplyReader(Array(run("SCAN", "0", "COUNT", count).utf8))
            let scanned = reader.readScan()
            XCTAssertEqual(scanned?.cursor, "0", count)
            XCTAssertEqual(scanned?.elements.sorted(), ["a", "b", "c"], count)
        }
    }

    func testDatabaseIndexesBeyondACInt() {
        let range = error("ERR value is out of range, value must between -2147483648 and 2147483647")
        run("SET", "k", "v")
        // Redis: SELECT, MOVE and COPY … DB read a C int (getIntFromObjectOrReply).
        for (command, reply) in [(["SELECT", "2147483648"], range), (["SELECT", "-2147483649"], range),
                                 (["SELECT", "9223372036854775808"], notInteger), (["SELECT", "2147483647"], error("ERR DB index is out of range")),
                                 (["MOVE", "k", "2147483648"], range), (["COPY", "k", "c", "DB", "-2147483649"], range),
                                 (["SWAPDB", "2147483648", "0"], error("ERR invalid first DB index")),
                                 (["SWAPDB", "0", "-2147483649"], error("ERR invalid second DB index"))] {
            XCTAssertEqual(run(args: command.map { Bytes($0) }, on: client), reply, command.joined(separator: " "))
        }
    }

    func testExpiretimeAtTheLargestExpiry() {
        // Redis: PXAT 9223372036854775807 is accepted; EXPIRETIME rounds it to 9223372036854776.
        XCTAssertEqual(run("SET", "k", "v", "PXAT", "9223372036854775807"), ok)
        XCTAssertEqual(run("EXPIRETIME", "k"), int(9_223_372_036_854_776))
        XCTAssertEqual(run("PEXPIRETIME", "k"), int(Int64.max))
        XCTAssertEqual(run("SET", "k", "v", "PXAT", "9223372036854775499"), ok)
        XCTAssertEqual(run("EXPIRETIME", "k"), int(9_223_372_036_854_775))
        XCTAssertEqual(run("SET", "k", "v", "PXAT", "9223372036854775500"), ok)
        XCTAssertEqual(run("EXPIRETIME", "k"), int(9_223_372_036_854_776))
        XCTAssertEqual(run("PEXPIREAT", "k", "9223372036854775807"), int(1))
        XCTAssertEqual(run("EXPIRETIME", "k"), int(9_223_372_036_854_776))
        XCTAssertEqual(run("SET", "k", "v", "EXAT", "9223372036854775"), ok)
        XCTAssertEqual(run("EXPIRETIME", "k"), int(9_223_372_036_854_775))
        XCTAssertEqual(run("PEXPIRETIME", "k"), int(9_223_372_036_854_775_000))
        XCTAssertEqual(run("EXPIRE", "k", "9223372036854775807"), error("ERR invalid expire time in 'expire' command"))
        XCTAssertEqual(run("PEXPIRE", "k", "9223372036854775807"), error("ERR invalid expire time in 'pexpire' command"))
    }

    func testRoundedSecondsMatchesRedisFormula() {
        for milliseconds: Int64 in [0, 1, 499, 500, 1499, 1500, -1, -499, -500, -501, -1400, -1500, -1600, 1_000_000_007] {
            XCTAssertEqual(ExpireCommands.roundedSeconds(milliseconds), (milliseconds + 500) / 1000, "\(milliseconds)")
        }
        XCTAssertEqual(ExpireCommands.roundedSeconds(Int64.max), 9_223_372_036_854_776)
        XCTAssertEqual(ExpireCommands.roundedSeconds(Int64.max - 307), 9_223_372_036_854_776)
        XCTAssertEqual(ExpireCommands.roundedSeconds(Int64.max - 308), 9_223_372_036_854_775)
    }

    /// HRANDFIELD with a huge negative count gathered 2^62 positions in an array
    /// first: a trap at once. Now, as Redis, the reply is built one pick at a time,
    /// and stops when the client is being closed (Redis's CLIENT_CLOSE_ASAP, here
    /// set by hand as its output limit would set it).
    func testRandomPicksWithHugeNegativeCountsStream() {
        run("HSET", "h", "a", "1")
        run("SADD", "s", "a")
        run("ZADD", "z", "1", "a")
        client.closeASAP = true
        // A client being closed is sent nothing more (its pending output is dropped,
        // as Redis's CLIENT_CLOSE_ASAP): what matters is that each command returns.
        XCTAssertEqual(run("HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"), "")
        XCTAssertEqual(run("HRANDFIELD", "h", "-9223372036854775807"), "")
        XCTAssertEqual(run("SRANDMEMBER", "s", "-9223372036854775807"), "")
        XCTAssertEqual(run("ZRANDMEMBER", "z", "-4611686018427387903", "WITHSCORES"), "")
        client.closeASAP = false
        // Redis: 2^62 (and -2^62) with WITHVALUES is out of range, Int64.min for any count.
        XCTAssertEqual(run("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"), error("ERR value is out of range"))
        XCTAssertEqual(run("HRANDFIELD", "h", "-9223372036854775808"),
                       error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        let reply = run("HRANDFIELD", "h", "-100000", "WITHVALUES")
        XCTAssertTrue(reply.hasPrefix("*200000\r\n$1\r\na\r\n$1\r\n1\r\n"))
        XCTAssertEqual(reply.utf8.count, "*200000\r\n".utf8.count + 100_000 * 14)
    }
}

/// The same for commands that wait (a deadline past Int64 wrapped negative and
/// fired at once, where Redis's timer never reaches it) or name other clients.
final class ClientNumberBlockingTests: BlockingTestCase {
    func testClientListIdsAreAnyInteger() {
        // Redis: 0 and negative ids match nothing; only a non-integer is refused.
        XCTAssertEqual(on(a, "CLIENT", "LIST", "ID", "0"), bulk(""))
        XCTAssertEqual(on(a, "CLIENT", "LIST", "ID", "-9223372036854775808", "-1"), bulk(""))
        XCTAssertEqual(on(a, "CLIENT", "LIST", "ID", "1", "9223372036854775808"), error("ERR Invalid client ID"))
        XCTAssertTrue(on(a, "CLIENT", "LIST", "ID", "-1", String(a.id)).contains("id=\(a.id) "))
    }

    func testWaitWithAHugeTimeoutWaits() {
        // Redis: `WAIT 1 9223372036854775807` blocks (its deadline wraps past the timer's reach).
        XCTAssertEqual(on(a, "WAIT", "1", "9223372036854775807"), "")
        XCTAssertEqual(a.blocked?.request.deadline, Int64.max)
        engine.expireBlockedClients()
        XCTAssertTrue(a.isBlocked)
        XCTAssertEqual(run("CLIENT", "UNBLOCK", String(a.id)), int(1))
        XCTAssertEqual(output(of: a), int(0))
    }
}
