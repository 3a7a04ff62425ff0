import XCTest
@testable import RESP
import SwirlBytes

/// One input of each frame kind the decoder accepts, with the commands Redis reads from it.
/// Shared with RequestDecoderSplitTests, which replays each at every split point.
let frameSamples: [(name: String, input: String, commands: [[String]])] = [
    ("multibulk", "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", [["SET", "key", "value"]]),
    ("multibulk with empty bulk", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", [["ECHO", ""]]),
    ("multibulk with CRLF inside a bulk", "*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", [["ECHO", "a\r\nb"]]),
    ("inline", "PING\r\n", [["PING"]]),
    ("inline with bare LF", "PING\n", [["PING"]]),
    ("inline with extra spaces", "  SET   k    v  \r\n", [["SET", "k", "v"]]),
    ("inline double quotes and hex escape", "SET \"a\\x41b\" \"x y\"\r\n", [["SET", "aAb", "x y"]]),
    ("inline single quotes", "SET k 'it\\'s'\r\n", [["SET", "k", "it's"]]),
    ("inline empty quoted argument", "ECHO \"\"\r\n", [["ECHO", ""]]),
    ("empty lines are skipped", "\r\n\n\r\nPING\r\n", [["PING"]]),
    ("*0 is skipped", "*0\r\n*1\r\n$4\r\nPING\r\n", [["PING"]]),
    ("*-1 is skipped", "*-1\r\n*1\r\n$4\r\nPING\r\n", [["PING"]]),
    ("mixed multibulk and inline", "*1\r\n$4\r\nPING\r\nECHO hi\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
     [["PING"], ["ECHO", "hi"], ["GET", "k"]]),
]

final class RequestDecoderFrameTests: XCTestCase {
    func testEveryFrameKindDecodesWhole() {
        for sample in frameSamples {
            XCTAssertEqual(decodeWhole(sample.input), sample.commands, sample.name)
        }
    }

    func testBinaryBulkKeepsEveryByte() throws {
        let payload: [UInt8] = Array(0...255)
        var frame = bytes("*2\r\n$4\r\nECHO\r\n$256\r\n")
        frame += payload + bytes("\r\n")
        let commands = try decode(frame).get()
        XCTAssertEqual(commands, [[Bytes("ECHO"), Bytes(payload)]])
    }

    func testIncompleteFrameWaitsForMoreBytes() throws {
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes("*2\r\n$3\r\nGET\r\n$1\r\n"))
        XCTAssertNil(try decoder.next())
        XCTAssertNil(try decoder.next(), "asking again without new bytes still returns nil")
        decoder.append(contentsOf: bytes("k\r\n"))
        XCTAssertEqual(try decoder.next().map { words([$0]) }, [["GET", "k"]])
        XCTAssertNil(try decoder.next())
    }

    func testInlineWithoutNewlineWaits() throws {
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes("PING"))
        XCTAssertNil(try decoder.next())
        decoder.append(contentsOf: bytes("\r\n"))
        XCTAssertEqual(try decoder.next(), [Bytes("PING")])
    }

    func testManyPipelinedCommandsInOneAppend() throws {
        var input: [UInt8] = []
        var expected: [[String]] = []
        for index in 0..<1000 {
            if index % 3 == 0 {
                input += bytes("SET key:\(index) \"v \(index)\"\r\n")
                expected.append(["SET", "key:\(index)", "v \(index)"])
            } else {
                let value = String(repeating: "x", count: index % 50)
                input += bytes("*3\r\n$3\r\nSET\r\n$\("key:\(index)".utf8.count)\r\nkey:\(index)\r\n$\(value.utf8.count)\r\n\(value)\r\n")
                expected.append(["SET", "key:\(index)", value])
            }
        }
        let commands = try decode(input).get()
        XCTAssertEqual(words(commands), expected)
    }

    func testBufferedCountTracksUnconsumedBytes() throws {
        var decoder = RequestDecoder()
        decoder.append(contentsOf: bytes("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI"))
        XCTAssertEqual(decoder.bufferedCount, 24)
        _ = try decoder.next()
        XCTAssertEqual(decoder.bufferedCount, 10)
        XCTAssertNil(try decoder.next())
        decoder.append(contentsOf: bytes("NG\r\n"))
        _ = try decoder.next()
        XCTAssertEqual(decoder.bufferedCount, 0)
    }

    func testTenMegabyteBulkInSixtyFourKilobyteChunks() throws {
        let size = 10 * 1024 * 1024
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        var stream = bytes("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$\(size)\r\n")
        stream += payload
        let setEnd = stream.count + 2
        stream += bytes("\r\n*1\r\n$4\r\nPING\r\n")

        var decoder = RequestDecoder()
        var commands: [[Bytes]] = []
        var offset = 0
        let chunk = 64 * 1024
        while offset < stream.count {
            let end = min(offset + chunk, stream.count)
            decoder.append(contentsOf: stream[offset..<end])
            while let command = try decoder.next() { commands.append(command) }
            if end < setEnd { XCTAssertTrue(commands.isEmpty, "SET returned before its last byte") }
            offset = end
        }
        XCTAssertEqual(commands.count, 2)
        XCTAssertEqual(commands[0].count, 3)
        XCTAssertEqual(commands[0][1], Bytes("big"))
        XCTAssertEqual(commands[0][2].count, size)
        XCTAssertTrue(commands[0][2] == Bytes(payload), "payload bytes differ")
        XCTAssertEqual(commands[1], [Bytes("PING")])
        XCTAssertEqual(decoder.endOfLastCommand, stream.count)
    }
}
