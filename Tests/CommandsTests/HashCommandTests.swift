import XCTest
@testable import Commands
import SwirlBytes

/// HSET, HMSET, HSETNX, HGET, HMGET, HGETALL, HKEYS, HVALS, HDEL, HEXISTS,
/// HLEN, HSTRLEN, HINCRBY, HINCRBYFLOAT.
final class HashCommandTests: CommandTestCase {
    func testHSetCountsOnlyNewFields() {
        XCTAssertEqual(run("HSET", "h", "a", "1", "b", "2"), int(2))
        XCTAssertEqual(run("HSET", "h", "a", "3", "c", "4"), int(1))
        XCTAssertEqual(run("HMSET", "h", "x", "1"), ok)
        XCTAssertEqual(run("HGET", "h", "a"), bulk("3"))
        XCTAssertEqual(run("HLEN", "h"), int(4))
    }

    func testHSetArity() {
        XCTAssertEqual(run("HSET", "h", "a"), error("ERR wrong number of arguments for 'hset' command"))
        XCTAssertEqual(run("HSET", "h", "a", "1", "b"), error("ERR wrong number of arguments for 'hset' command"))
        XCTAssertEqual(run("HMSET", "h", "x"), error("ERR wrong number of arguments for 'hmset' command"))
        XCTAssertEqual(run("EXISTS", "h"), int(0))
    }

    func testReadingMissingFieldsAndKeys() {
        run("HSET", "h", "a", "1")
        XCTAssertEqual(run("HGET", "h", "nope"), null)
        XCTAssertEqual(run("HGET", "nope", "a"), null)
        XCTAssertEqual(run("HMGET", "h", "a", "nope"), "*2\r\n\(bulk("1"))$-1\r\n")
        XCTAssertEqual(run("HMGET", "nope", "a", "b"), "*2\r\n$-1\r\n$-1\r\n")
        XCTAssertEqual(run("HEXISTS", "h", "a"), int(1))
        XCTAssertEqual(run("HEXISTS", "h", "zz"), int(0))
        XCTAssertEqual(run("HEXISTS", "nope", "a"), int(0))
        XCTAssertEqual(run("HLEN", "nope"), int(0))
        XCTAssertEqual(run("HSTRLEN", "h", "a"), int(1))
        XCTAssertEqual(run("HSTRLEN", "h", "zz"), int(0))
        XCTAssertEqual(run("HSTRLEN", "nope", "zz"), int(0))
    }

    func testWholeHashRepliesInInsertionOrder() {
        run("HSET", "h", "a", "1", "b", "2")
        run("HSET", "h", "a", "3", "c", "4")
        run("HSET", "h", "x", "1")
        XCTAssertEqual(run("HGETALL", "h"),
                       "*8\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n$1\r\nx\r\n$1\r\n1\r\n")
        XCTAssertEqual(run("HKEYS", "h"), "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nx\r\n")
        XCTAssertEqual(run("HVALS", "h"), "*4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n1\r\n")
        XCTAssertEqual(run("HGETALL", "nope"), "*0\r\n")
        XCTAssertEqual(run("HKEYS", "nope"), "*0\r\n")
        XCTAssertEqual(run("HVALS", "nope"), "*0\r\n")
    }

    func testHGetAllIsAMapInRESP3() {
        run("HSET", "h", "f", "v")
        run("HELLO", "3")
        XCTAssertEqual(run("HGETALL", "h"), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n")
        XCTAssertEqual(run("HGETALL", "nope"), "%0\r\n")
        XCTAssertEqual(run("HGET", "h", "nope"), "_\r\n")
    }

    func testLargeHashStillReturnsEveryField() {
        for n in 0..<300 { run("HSET", "big", "field\(n)", "value\(n)") }
        XCTAssertEqual(run("HLEN", "big"), int(300))
        let keys = bulkArray(run("HKEYS", "big"))?.compactMap { $0 }
        XCTAssertEqual(Set(keys ?? []), Set((0..<300).map { "field\($0)" }))
        XCTAssertEqual(run("HGET", "big", "field299"), bulk("value299"))
    }

    func testHSetNX() {
        XCTAssertEqual(run("HSETNX", "h", "a", "1"), int(1))
        XCTAssertEqual(run("HSETNX", "h", "a", "2"), int(0))
        XCTAssertEqual(run("HGET", "h", "a"), bulk("1"))
    }

    func testHDelRemovesFieldsAndTheEmptyKey() {
        run("HSET", "h", "a", "1", "b", "2", "c", "3")
        XCTAssertEqual(run("HDEL", "h", "a", "zz", "b", "a"), int(2))
        XCTAssertEqual(run("HDEL", "h", "c"), int(1))
        XCTAssertEqual(run("EXISTS", "h"), int(0))
        XCTAssertEqual(run("HDEL", "h", "c"), int(0))
    }

    func testHIncrBy() {
        XCTAssertEqual(run("HINCRBY", "h", "n", "5"), int(5))
        XCTAssertEqual(run("HINCRBY", "h", "n", "-7"), int(-2))
        XCTAssertEqual(run("HINCRBY", "h", "n", "x"), notInteger)
        run("HSET", "h", "s", "abc")
        XCTAssertEqual(run("HINCRBY", "h", "s", "1"), error("ERR hash value is not an integer"))
        run("HSET", "h", "big", "9223372036854775807")
        XCTAssertEqual(run("HINCRBY", "h", "big", "1"), error("ERR increment or decrement would overflow"))
        XCTAssertEqual(run("HGET", "h", "big"), bulk("9223372036854775807"))
    }

    func testHIncrByFloat() {
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "f", "10.5"), bulk("10.5"))
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "f", "0.1"), bulk("10.6"))
        run("HSET", "h", "n", "-2")
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "n", "1.5"), bulk("-0.5"))
        run("HSET", "h", "e", "3.0e3")
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "e", "0"), bulk("3000"))
        XCTAssertEqual(run("HGET", "h", "e"), bulk("3000"))
    }

    func testHIncrByFloatErrors() {
        run("HSET", "h", "s", "abc", "f", "1")
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "s", "1"), error("ERR hash value is not a float"))
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "f", "abc"), error("ERR value is not a valid float"))
        XCTAssertEqual(run("HINCRBYFLOAT", "h", "f", "inf"), error("ERR value is NaN or Infinity"))
        XCTAssertEqual(run("HGET", "h", "f"), bulk("1"))
    }

    func testWrongTypeEverywhere() {
        run("SET", "str", "x")
        for command in [["HSET", "str", "a", "b"], ["HSETNX", "str", "a", "b"], ["HGET", "str", "a"], ["HMGET", "str", "a"],
                        ["HGETALL", "str"], ["HKEYS", "str"], ["HVALS", "str"], ["HDEL", "str", "a"], ["HEXISTS", "str", "a"],
                        ["HLEN", "str"], ["HSTRLEN", "str", "a"], ["HINCRBY", "str", "a", "1"],
                        ["HINCRBYFLOAT", "str", "a", "1"], ["HRANDFIELD", "str"], ["HSCAN", "str", "0"]] {
            XCTAssertEqual(run(args: command.map { Bytes($0) }, on: client), wrongType, command.joined(separator: " "))
        }
        XCTAssertEqual(run("GET", "str"), bulk("x"))
    }

    func testArgumentErrorsComeBeforeWrongType() {
        run("SET", "str", "x")
        XCTAssertEqual(run("HINCRBY", "str", "a", "x"), notInteger)
        XCTAssertEqual(run("HINCRBYFLOAT", "str", "a", "x"), error("ERR value is not a valid float"))
        XCTAssertEqual(run("HSCAN", "str", "x"), error("ERR invalid cursor"))
    }
}
