import XCTest
@testable import RESP
import SwirlBytes

final class CommandEncoderTests: XCTestCase {
    func testEncodesAMultibulkFrame() {
        var out: [UInt8] = []
        CommandEncoder.append([bytes("SET"), bytes("key"), bytes("")], to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$0\r\n\r\n")
    }

    func testAppendsAfterExistingBytes() {
        var out = bytes("prefix")
        CommandEncoder.append([bytes("PING")], to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "prefix*1\r\n$4\r\nPING\r\n")
    }

    func testEncodesAnEmptyCommand() {
        var out: [UInt8] = []
        CommandEncoder.append([[UInt8]](), to: &out)
        XCTAssertEqual(out, bytes("*0\r\n"))
    }

    func testRoundTripsThroughTheDecoderWithBinaryArguments() throws {
        let commands: [[[UInt8]]] = [
            [bytes("SET"), Array(0...255), bytes("")],
            [bytes("ECHO"), bytes("a\r\nb"), [UInt8](repeating: 0x2a, count: 70_000)],
            [bytes("PING")],
        ]
        var stream: [UInt8] = []
        for command in commands { CommandEncoder.append(command, to: &stream) }
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        let decoded = try decode([stream], decoder: &decoder).get()
        XCTAssertEqual(decoded, commands.map { $0.map { Bytes($0) } })
        XCTAssertEqual(decoder.endOfLastCommand, stream.count)
    }

    func testEncodesArraySlices() {
        var out: [UInt8] = []
        let source = bytes("xxGETyy")
        CommandEncoder.append([source[2..<5]], to: &out)
        XCTAssertEqual(out, bytes("*1\r\n$3\r\nGET\r\n"))
    }

    /// The `[Bytes]` path assembles frames in a 1 KB scratch: frames larger than it, arguments
    /// just under and over the direct-copy threshold, and many short arguments must all round-trip.
    func testBytesFramesLargerThanTheScratchMatchTheArrayForm() {
        let commands: [[[UInt8]]] = [
            (0..<200).map { Array("field\($0)".utf8) },
            [bytes("SET"), [UInt8](repeating: 0x61, count: 256), [UInt8](repeating: 0x62, count: 257)],
            [bytes("SET"), [UInt8](repeating: 0x63, count: 1020), bytes("")],
            [bytes("MSET")] + (0..<10).map { [UInt8](repeating: UInt8(0x30 + $0), count: 250) },
        ]
        for command in commands {
            var fromArrays: [UInt8] = [], fromBytes: [UInt8] = bytes("prefix")
            CommandEncoder.append(command, to: &fromArrays)
            CommandEncoder.append(command.map { Bytes($0) }, to: &fromBytes)
            XCTAssertEqual(Array(fromBytes.dropFirst(6)), fromArrays, "\(command.count) arguments")
        }
    }
}
