import XCTest
@testable import Commands
import SwirlBytes

/// SET and its options, and the older SETNX / SETEX / PSETEX / GETSET.
final class SetCommandTests: CommandTestCase {
    func testSetAndGet() {
        XCTAssertEqual(run("SET", "k", "v"), ok)
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(run("GET", "missing"), null)
        XCTAssertEqual(run("set", "k", ""), ok, "command names are case-insensitive")
        XCTAssertEqual(run("GET", "k"), "$0\r\n\r\n")
    }

    func testSetIsBinarySafe() {
        let value: [UInt8] = [0, 13, 10, 255]
        XCTAssertEqual(run(args: [Bytes("SET"), Bytes([0, 1]), Bytes(value)], on: client), ok)
        client.args = [Bytes("GET"), Bytes([0, 1])]
        engine.execute(client)
        XCTAssertEqual(client.reply.take(), Array("$4\r\n".utf8) + value + [13, 10])
    }

    func testSetReplacesAnyType() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("SET", "h", "now a string"), ok)
        XCTAssertEqual(run("TYPE", "h"), "+string\r\n")
    }

    func testNXAndXX() {
        XCTAssertEqual(run("SET", "k", "v", "XX"), null)
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        XCTAssertEqual(run("SET", "k", "v1", "NX"), ok)
        XCTAssertEqual(run("SET", "k", "v2", "NX"), null)
        XCTAssertEqual(run("SET", "k", "v3", "xx"), ok)
        XCTAssertEqual(run("GET", "k"), bulk("v3"))
    }

    func testGetOptionReturnsTheOldValue() {
        XCTAssertEqual(run("SET", "k", "v", "GET"), null)
        XCTAssertEqual(run("SET", "k", "v2", "GET"), bulk("v"))
        XCTAssertEqual(run("SET", "k", "v3", "NX", "GET"), bulk("v2"), "NX refused: still replies the old value")
        XCTAssertEqual(run("GET", "k"), bulk("v2"))
        XCTAssertEqual(run("SET", "k", "v4", "XX", "GET"), bulk("v2"))
        XCTAssertEqual(run("SET", "nope", "x", "XX", "GET"), null)
        XCTAssertEqual(run("EXISTS", "nope"), int(0))
    }

    func testGetOptionOnAHashIsWrongTypeAndChangesNothing() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("SET", "h", "v", "GET"), wrongType)
        XCTAssertEqual(run("TYPE", "h"), "+hash\r\n")
    }

    func testExpiryOptionsSetATTL() {
        XCTAssertEqual(run("SET", "ex", "v", "EX", "100"), ok)
        XCTAssertEqual(run("TTL", "ex"), int(100))
        XCTAssertEqual(run("SET", "px", "v", "PX", "100000"), ok)
        XCTAssertEqual(run("TTL", "px"), int(100))
        let at = nowMilliseconds() / 1000 + 200
        XCTAssertEqual(run("SET", "exat", "v", "EXAT", "\(at)"), ok)
        XCTAssertEqual(run("EXPIRETIME", "exat"), int(at))
        XCTAssertEqual(run("SET", "pxat", "v", "PXAT", "\(at * 1000 + 5)"), ok)
        XCTAssertEqual(run("PEXPIRETIME", "pxat"), int(at * 1000 + 5))
    }

    func testTheSameExpiryOptionTwiceKeepsTheLast() {
        XCTAssertEqual(run("SET", "k", "v", "EX", "10", "EX", "20"), ok)
        XCTAssertEqual(run("TTL", "k"), int(20))
    }

    func testPlainSetClearsTheTTLAndKeepTTLKeepsIt() {
        run("SET", "k", "v", "EX", "100")
        XCTAssertEqual(run("SET", "k", "v2", "KEEPTTL"), ok)
        XCTAssertEqual(run("TTL", "k"), int(100))
        XCTAssertEqual(run("SET", "k", "v3"), ok)
        XCTAssertEqual(run("TTL", "k"), int(-1))
    }

    func testExpiryInThePastStillReplies() {
        XCTAssertEqual(run("SET", "k", "v", "EXAT", "1"), ok)
        XCTAssertEqual(run("GET", "k"), null)
        XCTAssertEqual(run("SET", "k", "v", "PXAT", "1"), ok)
        XCTAssertEqual(run("EXISTS", "k"), int(0))
    }

    func testSyntaxErrors() {
        for args in [["EX", "10", "PX", "100"], ["NX", "XX"], ["XX", "NX"], ["KEEPTTL", "EX", "10"], ["EX", "10", "KEEPTTL"],
                     ["foo"], ["EX"], ["PERSIST"], ["GET", "GET", "EXAT"]] {
            XCTAssertEqual(run(args: (["SET", "k", "v"] + args).map { Bytes($0) }, on: client), syntaxError,
                           args.joined(separator: " "))
        }
        XCTAssertEqual(run("EXISTS", "k"), int(0))
    }

    func testInvalidExpireTimes() {
        let invalid = error("ERR invalid expire time in 'set' command")
        XCTAssertEqual(run("SET", "k", "v", "EX", "0"), invalid)
        XCTAssertEqual(run("SET", "k", "v", "EX", "-1"), invalid)
        XCTAssertEqual(run("SET", "k", "v", "PX", "0"), invalid)
        XCTAssertEqual(run("SET", "k", "v", "EXAT", "0"), invalid)
        XCTAssertEqual(run("SET", "k", "v", "EX", "9223372036854775807"), invalid)
        XCTAssertEqual(run("SET", "k", "v", "EX", "9223372036854775"), invalid, "overflows once now is added")
        XCTAssertEqual(run("SET", "k", "v", "PX", "9223372036854775807"), invalid)
        XCTAssertEqual(run("SET", "k", "v", "EX", "abc"), notInteger)
        XCTAssertEqual(run("SET", "k", "v", "EX", "1.5"), notInteger)
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        XCTAssertEqual(run("SET", "k", "v", "PXAT", "9223372036854775807"), ok, "an absolute maximum is fine")
    }

    func testInvalidExpireIsReportedBeforeGet() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("SET", "h", "v", "GET", "EX", "0"), error("ERR invalid expire time in 'set' command"))
    }

    func testSetNX() {
        XCTAssertEqual(run("SETNX", "k", "v"), int(1))
        XCTAssertEqual(run("SETNX", "k", "w"), int(0))
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(run("SETNX", "k"), error("ERR wrong number of arguments for 'setnx' command"))
    }

    func testSetEXAndPSetEX() {
        XCTAssertEqual(run("SETEX", "k", "100", "v"), ok)
        XCTAssertEqual(run("TTL", "k"), int(100))
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(run("PSETEX", "p", "100000", "v"), ok)
        XCTAssertEqual(run("TTL", "p"), int(100))
        XCTAssertEqual(run("SETEX", "k", "0", "v"), error("ERR invalid expire time in 'setex' command"))
        XCTAssertEqual(run("PSETEX", "k", "-5", "v"), error("ERR invalid expire time in 'psetex' command"))
        XCTAssertEqual(run("SETEX", "k", "x", "v"), notInteger)
    }

    func testGetSet() {
        XCTAssertEqual(run("GETSET", "k", "a"), null)
        XCTAssertEqual(run("GETSET", "k", "b"), bulk("a"))
        XCTAssertEqual(run("GET", "k"), bulk("b"))
        run("EXPIRE", "k", "100")
        run("GETSET", "k", "c")
        XCTAssertEqual(run("TTL", "k"), int(-1), "GETSET drops the TTL")
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GETSET", "h", "x"), wrongType)
    }
}
