import XCTest
@testable import Commands
import SwirlBytes
import RESP

/// The conversions between Lua values and RESP replies, both ways (Redis
/// 7.0.15's script_lua.c rules), checked through EVAL against replies taken
/// from a redis-server 7.0.15.
final class ScriptingConversionTests: CommandTestCase {
    private func eval(_ script: String, _ args: String...) -> String {
        run(args: [Bytes("EVAL"), Bytes(script)] + (args.isEmpty ? [Bytes("0")] : args.map { Bytes($0) }), on: client)
    }

    // MARK: Lua to RESP

    func testScalars() {
        XCTAssertEqual(eval("return 'hi'"), bulk("hi"))
        XCTAssertEqual(eval("return 3.99"), int(3), "numbers are truncated")
        XCTAssertEqual(eval("return -3.99"), int(-3))
        XCTAssertEqual(eval("return 1e30"), int(Int64.min), "out of range is C's INT64_MIN")
        XCTAssertEqual(eval("return 0/0"), int(Int64.min))
        XCTAssertEqual(eval("return true"), int(1))
        XCTAssertEqual(eval("return false"), null)
        XCTAssertEqual(eval("return nil"), null)
        XCTAssertEqual(eval("return function() end"), null)
    }

    func testArraysStopAtTheFirstNil() {
        XCTAssertEqual(eval("return {1, 'a', {2, false}, true, 3.7, nil, 5}"),
                       "*5\r\n:1\r\n$1\r\na\r\n*2\r\n:2\r\n$-1\r\n:1\r\n:3\r\n")
        XCTAssertEqual(eval("return {}"), "*0\r\n")
    }

    func testSpecialTables() {
        XCTAssertEqual(eval("return {err='My err'}"), error("My err"))
        XCTAssertEqual(eval("return {err='a\\nb'}"), error("a b"), "CR and LF become spaces")
        XCTAssertEqual(eval("return {ok='fine'}"), "+fine\r\n")
        XCTAssertEqual(eval("return {double=3.5}"), bulk("3.5"))
        XCTAssertEqual(eval("return {map={a=1}}"), "*2\r\n$1\r\na\r\n:1\r\n")
        XCTAssertEqual(eval("return {set={a=true}}"), "*1\r\n$1\r\na\r\n")
        XCTAssertEqual(eval("return {big_number='123'}"), bulk("123"))
        XCTAssertEqual(eval("return {verbatim_string={format='txt', string='hi'}}"), bulk("hi"))
    }

    func testRESP3Caller() {
        run("HELLO", "3")
        XCTAssertEqual(eval("return {1, true, false}"), "*3\r\n:1\r\n:1\r\n_\r\n", "a RESP2 script's booleans")
        XCTAssertEqual(eval("redis.setresp(3); return {true, false}"), "*2\r\n#t\r\n#f\r\n")
        XCTAssertEqual(eval("return {double=3.5}"), ",3.5\r\n")
        XCTAssertEqual(eval("return {map={a=1}}"), "%1\r\n$1\r\na\r\n:1\r\n")
        XCTAssertEqual(eval("return {set={a=true}}"), "~1\r\n$1\r\na\r\n")
        XCTAssertEqual(eval("return {big_number='123'}"), "(123\r\n")
        XCTAssertEqual(eval("return {verbatim_string={format='txt', string='hi'}}"), "=6\r\ntxt:hi\r\n")
        XCTAssertEqual(eval("return nil"), "_\r\n")
    }

    func testDeepTablesStopAtTheStackLimit() {
        let reply = eval("local t = {}; for i=1,10000 do t = {t} end; return t")
        XCTAssertTrue(reply.hasSuffix("-ERR reached lua stack limit\r\n"))
    }

    // MARK: RESP to Lua

    func testCommandRepliesAsLuaValues() {
        run("SET", "s", "x")
        XCTAssertEqual(eval("return type(redis.call('get', 'nokey'))"), bulk("boolean"), "null bulk is false")
        XCTAssertEqual(eval("return redis.call('get', 's')"), bulk("x"))
        XCTAssertEqual(eval("return redis.call('strlen', 's') + 1"), int(2))
        XCTAssertEqual(eval("return redis.call('ping')['ok']"), bulk("PONG"))
        XCTAssertEqual(eval("return redis.pcall('incr', 's')['err']"), bulk("ERR value is not an integer or out of range"))
        XCTAssertEqual(eval("return redis.call('mget', 's', 'nokey')"), "*2\r\n$1\r\nx\r\n$-1\r\n")
    }

    func testRESP3RepliesAsLuaValues() {
        run("HSET", "h", "a", "1")
        run("ZADD", "z", "1.5", "m")
        XCTAssertEqual(eval("redis.setresp(3); return redis.call('hgetall', 'h')['map']['a']"), bulk("1"))
        XCTAssertEqual(eval("redis.setresp(3); return redis.call('zscore', 'z', 'm')['double'] * 2"), int(3))
        XCTAssertEqual(eval("redis.setresp(3); return redis.call('smembers', 'nos')['set'] ~= nil"), int(1))
        XCTAssertEqual(eval("redis.setresp(3); return type(redis.call('get', 'nokey'))"), bulk("nil"))
        XCTAssertEqual(eval("redis.setresp(3); return redis.call('exists', 'h') == 1"), int(1))
    }

    func testNumbersAsArgumentsKeepTheirPrecision() {
        XCTAssertEqual(eval("redis.call('set', 'n', 0.1); return redis.call('get', 'n')"), bulk("0.10000000000000001"), "%.17g")
        XCTAssertEqual(eval("redis.call('set', 'n', 10); return redis.call('get', 'n')"), bulk("10"))
    }
}
