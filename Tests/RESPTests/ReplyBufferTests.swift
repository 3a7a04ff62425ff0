import XCTest
@testable import RESP

/// Each reply kind in both protocols, compared with the bytes Redis 7.0 sends.
final class ReplyBufferTests: XCTestCase {
    private func encoded(_ version: Int, _ build: (inout ReplyBuffer) -> Void) -> String {
        var reply = ReplyBuffer(protocolVersion: version)
        build(&reply)
        return String(decoding: reply.bytes, as: UTF8.self)
    }

    private func both(_ build: (inout ReplyBuffer) -> Void) -> (resp2: String, resp3: String) {
        (encoded(2, build), encoded(3, build))
    }

    func testScalarsAreTheSameInBothProtocols() {
        let cases: [(String, (inout ReplyBuffer) -> Void)] = [
            ("+OK\r\n", { $0.ok() }),
            ("+PONG\r\n", { $0.simple("PONG") }),
            (":0\r\n", { $0.integer(0) }),
            (":-42\r\n", { $0.integer(-42) }),
            (":9223372036854775807\r\n", { $0.integer(Int64.max) }),
            (":-9223372036854775808\r\n", { $0.integer(Int64.min) }),
            ("$5\r\nhello\r\n", { $0.bulk("hello") }),
            ("$0\r\n\r\n", { $0.bulk([UInt8]()) }),
            ("$4\r\na\r\nb\r\n", { $0.bulk(Array("a\r\nb".utf8)) }),
            ("*3\r\n", { $0.array(3) }),
            ("*0\r\n", { $0.array(0) }),
        ]
        for (expected, build) in cases {
            let (resp2, resp3) = both(build)
            XCTAssertEqual(resp2, expected)
            XCTAssertEqual(resp3, expected)
        }
    }

    func testNullBulk() {
        XCTAssertEqual(both { $0.null() }.resp2, "$-1\r\n")
        XCTAssertEqual(both { $0.null() }.resp3, "_\r\n")
    }

    func testNullArray() {
        XCTAssertEqual(both { $0.nullArray() }.resp2, "*-1\r\n")
        XCTAssertEqual(both { $0.nullArray() }.resp3, "_\r\n")
    }

    func testMapIsAFlatArrayInRESP2() {
        let build: (inout ReplyBuffer) -> Void = { reply in
            reply.map(2)
            reply.bulk("a"); reply.integer(1)
            reply.bulk("b"); reply.integer(2)
        }
        XCTAssertEqual(both(build).resp2, "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n")
        XCTAssertEqual(both(build).resp3, "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n")
        XCTAssertEqual(both { $0.map(0) }.resp2, "*0\r\n")
        XCTAssertEqual(both { $0.map(0) }.resp3, "%0\r\n")
    }

    func testSetIsAnArrayInRESP2() {
        XCTAssertEqual(both { $0.set(3) }.resp2, "*3\r\n")
        XCTAssertEqual(both { $0.set(3) }.resp3, "~3\r\n")
    }

    func testPushIsAnArrayInRESP2() {
        XCTAssertEqual(both { $0.push(3) }.resp2, "*3\r\n")
        XCTAssertEqual(both { $0.push(3) }.resp3, ">3\r\n")
    }

    func testDoubleIsABulkStringInRESP2() {
        XCTAssertEqual(both { $0.double(1.5) }.resp2, "$3\r\n1.5\r\n")
        XCTAssertEqual(both { $0.double(1.5) }.resp3, ",1.5\r\n")
        XCTAssertEqual(both { $0.double(0.1) }.resp2, "$19\r\n0.10000000000000001\r\n")
        XCTAssertEqual(both { $0.double(0.1) }.resp3, ",0.10000000000000001\r\n")
        XCTAssertEqual(both { $0.double(3) }.resp3, ",3\r\n")
        XCTAssertEqual(both { $0.double(.infinity) }.resp2, "$3\r\ninf\r\n")
        XCTAssertEqual(both { $0.double(.infinity) }.resp3, ",inf\r\n")
        XCTAssertEqual(both { $0.double(-.infinity) }.resp3, ",-inf\r\n")
    }

    func testBooleanIsAnIntegerInRESP2() {
        XCTAssertEqual(both { $0.boolean(true) }.resp2, ":1\r\n")
        XCTAssertEqual(both { $0.boolean(false) }.resp2, ":0\r\n")
        XCTAssertEqual(both { $0.boolean(true) }.resp3, "#t\r\n")
        XCTAssertEqual(both { $0.boolean(false) }.resp3, "#f\r\n")
    }

    func testVerbatimIsABulkStringInRESP2() {
        let text = Array("a=1\nb=2\n".utf8)
        XCTAssertEqual(both { $0.verbatim(text) }.resp2, "$8\r\na=1\nb=2\n\r\n")
        XCTAssertEqual(both { $0.verbatim(text) }.resp3, "=12\r\ntxt:a=1\nb=2\n\r\n")
    }

    func testErrorKeepsItsCodeAndTurnsNewlinesIntoSpaces() {
        XCTAssertEqual(both { $0.error("ERR syntax error") }.resp2, "-ERR syntax error\r\n")
        XCTAssertEqual(both { $0.error("ERR bad\r\nthing\nhere") }.resp3, "-ERR bad  thing here\r\n")
        XCTAssertEqual(both { $0.error("WRONGTYPE x") }.resp2, "-WRONGTYPE x\r\n")
    }

    func testRawBytesAreAppendedUnchanged() {
        XCTAssertEqual(both { $0.raw(Array("*0\r\n".utf8)) }.resp3, "*0\r\n")
    }

    func testRepliesAccumulateInOrder() {
        let text = encoded(2) { reply in
            reply.ok()
            reply.integer(7)
            reply.null()
        }
        XCTAssertEqual(text, "+OK\r\n:7\r\n$-1\r\n")
    }

    func testTakeReturnsPendingBytesAndEmptiesTheBuffer() {
        var reply = ReplyBuffer()
        reply.ok()
        XCTAssertEqual(reply.count, 5)
        XCTAssertFalse(reply.isEmpty)
        XCTAssertEqual(reply.take(), Array("+OK\r\n".utf8))
        XCTAssertTrue(reply.isEmpty)
        reply.integer(1)
        XCTAssertEqual(reply.bytes, Array(":1\r\n".utf8))
    }

    func testProtocolVersionDecidesTheShape() {
        var reply = ReplyBuffer()
        XCTAssertFalse(reply.isRESP3)
        reply.protocolVersion = 3
        XCTAssertTrue(reply.isRESP3)
        reply.null()
        XCTAssertEqual(reply.bytes, Array("_\r\n".utf8))
    }

    func testBigNumbersAndAttributes() {
        var resp2 = ReplyBuffer()
        resp2.bigNumber("12345678901234567890")
        XCTAssertEqual(resp2.bytes, Array("$20\r\n12345678901234567890\r\n".utf8))
        var resp3 = ReplyBuffer(protocolVersion: 3)
        resp3.bigNumber("-1")
        resp3.attribute(2)
        XCTAssertEqual(resp3.bytes, Array("(-1\r\n|2\r\n".utf8))
    }
}
