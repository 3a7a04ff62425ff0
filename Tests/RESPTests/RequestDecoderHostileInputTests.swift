import XCTest
@testable import RESP
import SwirlBytes

/// Input a hostile client sends: frames too large for a client that has not
/// authenticated (Redis's fix for CVE-2021-32675), NUL bytes in lines (Redis
/// searches them as C strings), and bytes echoed back in protocol errors.
final class RequestDecoderHostileInputTests: XCTestCase {
    private func unauthenticatedError(_ input: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        var decoder = RequestDecoder()
        decoder.unauthenticated = true
        switch decode([bytes(input)], decoder: &decoder) {
        case .success(let commands):
            XCTFail("expected a protocol error, decoded \(words(commands))", file: file, line: line)
            return nil
        case .failure(let error): return error.message
        }
    }

    private func unauthenticatedDecode(_ input: String) throws -> [[String]] {
        var decoder = RequestDecoder()
        decoder.unauthenticated = true
        return words(try decode([bytes(input)], decoder: &decoder).get())
    }

    func testUnauthenticatedClientsGetAtMostTenArguments() throws {
        XCTAssertEqual(unauthenticatedError("*11\r\n"), "unauthenticated multibulk length", "refused at the header")
        let ten = "*10\r\n" + String(repeating: "$1\r\na\r\n", count: 10)
        XCTAssertEqual(try unauthenticatedDecode(ten), [Array(repeating: "a", count: 10)])
        XCTAssertEqual(unauthenticatedError("*-5\r\n*11\r\n"), "unauthenticated multibulk length", "negative counts are skipped first")
        XCTAssertEqual(unauthenticatedError("*3000000000\r\n"), "invalid multibulk length", "the invalid check comes first")
        // A whole frame in the buffer is checked too (it would otherwise take the one-pass path).
        let eleven = "*11\r\n" + String(repeating: "$1\r\na\r\n", count: 11)
        XCTAssertEqual(unauthenticatedError(eleven), "unauthenticated multibulk length")
    }

    func testUnauthenticatedClientsGetBulksOfAtMostSixteenKilobytes() throws {
        XCTAssertEqual(unauthenticatedError("*2\r\n$4\r\nECHO\r\n$16385\r\n"), "unauthenticated bulk length")
        XCTAssertEqual(unauthenticatedError("*2\r\n$4\r\nECHO\r\n$52428800\r\n"), "unauthenticated bulk length",
                       "refused at the header, before any of the 50 MB is buffered")
        XCTAssertEqual(unauthenticatedError("*2\r\n$4\r\nECHO\r\n$-1\r\n"), "invalid bulk length")
        let largest = String(repeating: "x", count: 16384)
        XCTAssertEqual(try unauthenticatedDecode("*2\r\n$4\r\nECHO\r\n$16384\r\n\(largest)\r\n"), [["ECHO", largest]])
    }

    func testLimitsFollowTheFlagBetweenCommands() throws {
        var decoder = RequestDecoder()
        decoder.unauthenticated = true
        let eleven = "*11\r\n" + String(repeating: "$1\r\na\r\n", count: 11)
        decoder.append(contentsOf: bytes("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n" + eleven))
        XCTAssertEqual(try decoder.next(), ["AUTH", "pw"])
        decoder.unauthenticated = false  // what the connection does once AUTH succeeded
        XCTAssertEqual(try decoder.next()?.count, 11)
        XCTAssertEqual(words(try decode(bytes("*2\r\n$4\r\nECHO\r\n$20000\r\n" + String(repeating: "y", count: 20000) + "\r\n")).get()).first?[1].count,
                       20000, "authenticated clients have the usual limits")
    }

    // MARK: - NUL

    func testInlineLineWithNULWaitsUntilTooBig() throws {
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes("PING\0\r\nPING\r\n"))
        XCTAssertNil(try decoder.next(), "Redis's strchr stops at the NUL: no end of line yet")
        decoder.append(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024 - 13))
        XCTAssertNil(try decoder.next(), "64 KB buffered: still waiting")
        decoder.append(contentsOf: bytes("x"))
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual((error as? ProtocolError)?.message, "too big inline request")
        }
        var other = RequestDecoder()
        other.append(contentsOf: bytes("\0PING\r\n"))
        XCTAssertNil(try other.next())
    }

    func testHeaderLinesWithNULWaitUntilTooBig() {
        let filler = [UInt8](repeating: UInt8(ascii: "y"), count: 70_000)
        XCTAssertEqual(decodeError(bytes("*1\0\r\n$4\r\nPING\r\n") + filler), "too big mbulk count string")
        XCTAssertEqual(decodeError(bytes("*1\r\n$4\0\r\nPING\r\n") + filler), "too big bulk count string")
        switch decode(bytes("*1\r\n$4\0\r\nPING\r\n")) {
        case .success(let commands): XCTAssertEqual(commands, [], "waits for more")
        case .failure(let error): XCTFail(error.message)
        }
    }

    func testNULInsideBulksAndAfterALineIsData() throws {
        XCTAssertEqual(try decode(bytes("*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n")).get(), [["ECHO", Bytes([0x61, 0, 0x62])]])
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes("PING\r\n\0"))
        XCTAssertEqual(try decoder.next(), ["PING"], "the NUL after the newline does not hide it")
    }

    func testTheAOFReadsHeadersAsBytes() {
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        decoder.append(contentsOf: bytes("*1\0\r\n"))
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual((error as? ProtocolError)?.message, "invalid multibulk length")
        }
    }

    // MARK: - Echoed bytes

    func testUnexpectedMarkerIsEchoedAsTheByteSent() {
        switch decode(bytes("*1\r\n") + [0xff] + bytes("3\r\n")) {
        case .success: XCTFail("decoded")
        case .failure(let error):
            XCTAssertEqual(error.reply.bytes, bytes("ERR Protocol error: expected '$', got '") + [0xff] + bytes("'"))
        }
    }
}
