import XCTest
@testable import RESP
import SwirlBytes

/// Malformed input gets Redis's `Protocol error:` texts (networking.c), and the
/// length limits apply where Redis applies them.
final class RequestDecoderErrorTests: XCTestCase {
    func testInvalidMultibulkLength() {
        for header in ["*abc", "*", "*+1", "*01", "*1x", "* 1", "*3000000000", "*99999999999999999999"] {
            XCTAssertEqual(decodeError(bytes(header + "\r\n")), "invalid multibulk length", header)
        }
    }

    func testMultibulkCountUpToIntMaxIsAccepted() throws {
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes("*2147483647\r\n$4\r\nPING\r\n"))
        XCTAssertNil(try decoder.next(), "waits for the remaining arguments")
    }

    func testNegativeMultibulkCountsAreSkippedLikeEmptyOnes() {
        XCTAssertEqual(decodeWhole("*-2\r\n*-1\r\n*0\r\nPING\r\n"), [["PING"]])
    }

    func testInvalidBulkLength() {
        for header in ["$abc", "$-1", "$-5", "$", "$+3", "$03", "$3 ", "$99999999999999999999"] {
            XCTAssertEqual(decodeError(bytes("*1\r\n" + header + "\r\n")), "invalid bulk length", header)
        }
    }

    /// A frame already whole in the buffer goes through the one-pass decoding,
    /// which leaves odd headers to the general path: the errors are the same.
    func testInvalidHeadersOfCompleteFramesGetTheSameErrors() {
        XCTAssertEqual(decodeError(bytes("*1\r\n$03\r\nabc\r\n")), "invalid bulk length")
        XCTAssertEqual(decodeError(bytes("*01\r\n$1\r\na\r\n")), "invalid multibulk length")
        XCTAssertEqual(decodeError(bytes("*2\r\n$1\r\na\r\n$-1\r\n")), "invalid bulk length")
        XCTAssertEqual(decodeError(bytes("*1\r\n$1\r\na\r\n*1\r\n$3000000000\r\n")), "invalid bulk length")
        XCTAssertEqual(decodeError(bytes("*1\r\n$2\r\nab\r\n"), limits: .init(maxBulkLength: 1)), "invalid bulk length")
        // Not canonical, yet accepted as Redis accepts it: it skips the byte after each CR,
        // and the two bytes after a bulk's data, whatever they are.
        XCTAssertEqual(decodeWhole("*2\rx$3\rxGET\r\n$0\r\nzz"), [["GET", ""]])
    }

    func testBulkHeaderMustStartWithDollar() {
        XCTAssertEqual(decodeError(bytes("*1\r\nx\r\n")), "expected '$', got 'x'")
        XCTAssertEqual(decodeError(bytes("*2\r\n$3\r\nGET\r\n:1\r\n")), "expected '$', got ':'")
    }

    func testUnbalancedQuotes() {
        for line in ["SET \"abc", "SET 'abc", "SET \"abc\"def", "SET 'abc'def", "\"", "ECHO \"a\\\""] {
            XCTAssertEqual(decodeError(bytes(line + "\r\n")), "unbalanced quotes in request", line)
        }
    }

    func testInlineRequestBeyondSixtyFourKilobytesWithoutNewline() throws {
        var decoder = RequestDecoder()
        decoder.append(contentsOf: [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024))
        XCTAssertNil(try decoder.next(), "exactly 64 KB is still allowed to wait for its newline")
        decoder.append(contentsOf: bytes("a"))
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual((error as? ProtocolError)?.message, "too big inline request")
        }
    }

    func testInlineLimitFollowsConfiguredMaximum() {
        let limits = RequestDecoder.Limits(maxInlineLength: 10)
        XCTAssertEqual(decodeError(bytes("ECHO 1234567"), limits: limits), "too big inline request")
        switch decode(bytes("ECHO 12345\r\n"), limits: limits) {
        case .success(let commands): XCTAssertEqual(words(commands), [["ECHO", "12345"]])
        case .failure(let error): XCTFail(error.message)
        }
    }

    func testMultibulkCountLineTooLong() {
        let header = "*" + String(repeating: "1", count: 70_000)
        XCTAssertEqual(decodeError(bytes(header)), "too big mbulk count string")
    }

    func testBulkCountLineTooLong() {
        let header = "*1\r\n$" + String(repeating: "1", count: 70_000)
        XCTAssertEqual(decodeError(bytes(header)), "too big bulk count string")
    }

    func testBulkLengthLimit() throws {
        let limits = RequestDecoder.Limits(maxBulkLength: 5)
        XCTAssertEqual(decodeError(bytes("*1\r\n$6\r\n"), limits: limits), "invalid bulk length")
        let decoded = try decode(bytes("*1\r\n$5\r\nhello\r\n"), limits: limits).get()
        XCTAssertEqual(words(decoded), [["hello"]])
    }

    /// With proto-max-bulk-len at its maximum (CONFIG SET allows up to LONG_MAX), a
    /// length near Int.max overflowed `length + 2`, a trap (redis-server 7.0.15 aborts
    /// on it: its buffer reservation fails). Now the client just waits for the bytes.
    func testBulkLengthNearIntMaxWaitsForItsBytes() throws {
        var decoder = RequestDecoder(limits: .init(maxBulkLength: Int.max))
        decoder.append(contentsOf: bytes("*1\r\n$9223372036854775807\r\n"))
        XCTAssertNil(try decoder.next())
        decoder.append(contentsOf: bytes("abc"))
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedCount, 3)
    }

    func testReplyTextCarriesRedisPrefix() {
        XCTAssertEqual(ProtocolError("invalid bulk length").reply, "ERR Protocol error: invalid bulk length")
    }

    // MARK: - AOF mode

    func testInlineRefusedWhenDisallowed() throws {
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        decoder.append(contentsOf: bytes("*1\r\n$4\r\nPING\r\nPING\r\n"))
        XCTAssertEqual(try decoder.next(), [Bytes("PING")])
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertTrue((error as? ProtocolError)?.message.hasPrefix("expected '*'") ?? false, "\(error)")
        }
        XCTAssertEqual(decoder.endOfLastCommand, 14)
    }

    func testEmptyLineRefusedWhenInlineIsDisallowed() {
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        decoder.append(contentsOf: bytes("\r\n"))
        XCTAssertThrowsError(try decoder.next())
    }

    // MARK: - endOfLastCommand

    func testEndOfLastCommandIsJustPastEachReturnedCommand() throws {
        let frames = ["*1\r\n$4\r\nPING\r\n", "ECHO hello\r\n", "\r\n\r\nPING\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"]
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes(frames.joined() + "*2\r\n$3\r\nGET"))
        XCTAssertEqual(decoder.endOfLastCommand, 0)
        var end = 0
        for frame in frames {
            XCTAssertNotNil(try decoder.next())
            end += frame.utf8.count
            XCTAssertEqual(decoder.endOfLastCommand, end, frame.debugDescription)
        }
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.endOfLastCommand, end, "a partial frame does not move the offset")
    }

    func testEndOfLastCommandCountsFromTheStreamStartAcrossManyAppends() throws {
        var decoder = RequestDecoder()
        var streamLength = 0
        for index in 0..<2_000 {
            let value = String(repeating: "z", count: index % 300)
            let frame = bytes("*2\r\n$4\r\nECHO\r\n$\(value.utf8.count)\r\n\(value)\r\n")
            let cut = index % frame.count
            decoder.append(contentsOf: frame[..<cut])
            if cut > 0 { XCTAssertNil(try decoder.next()) }
            decoder.append(contentsOf: frame[cut...])
            XCTAssertEqual(try decoder.next()?.last?.count, value.utf8.count)
            streamLength += frame.count
            XCTAssertEqual(decoder.endOfLastCommand, streamLength, "frame \(index)")
        }
    }
}
