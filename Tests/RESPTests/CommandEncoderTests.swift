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
}
