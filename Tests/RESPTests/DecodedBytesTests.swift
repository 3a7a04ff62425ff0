import XCTest
@testable import RESP
import SwirlBytes

/// The `Bytes` RESP makes (decoded arguments, decimals) and takes (the encoder)
/// are the same values as those built from the same bytes; SwirlBytesTests
/// checks `Bytes` itself, every way it is built.
final class DecodedBytesTests: XCTestCase {
    /// `count` bytes covering 0x00 and 0xff, different at every position.
    private func sample(_ count: Int, salt: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(salt)) ^ ($0 % 5 == 0 ? 0xff : 0x00) }
    }

    private func isInline(_ value: Bytes) -> Bool {
        if case .inline = value.storageForHashing { return true }
        return false
    }

    /// The decoder copies each bulk straight out of its buffer: what it yields must be
    /// the very value a handler or a test builds from the same bytes.
    func testDecodedArgumentsEqualTheSameBytesBuiltFromAnArray() throws {
        for length in [0, 22, 23, 24, 100] {
            let payload = sample(length)
            var frame = bytes("*2\r\n$4\r\nECHO\r\n$\(length)\r\n")
            frame += payload + bytes("\r\n")
            let commands = try decode(frame).get()
            XCTAssertEqual(commands.count, 1)
            let argument = commands[0][1]
            XCTAssertEqual(argument, Bytes(payload), "\(length) bytes")
            XCTAssertEqual(argument.hashValue, Bytes(payload).hashValue, "\(length) bytes")
            XCTAssertTrue(Set([Bytes(payload)]).contains(argument), "\(length) bytes")
            XCTAssertEqual(Array(argument), payload, "decoded \(length) bytes")
            XCTAssertEqual(isInline(argument), length <= Bytes.inlineCapacity, "decoded \(length) bytes")
            XCTAssertEqual(commands[0][0], "ECHO")
        }
    }

    func testDecodedTwentyThreeByteArgumentSplitAcrossAppends() throws {
        let payload = sample(23)
        let frame = bytes("*1\r\n$23\r\n") + payload + bytes("\r\n")
        for cut in 0...frame.count {
            let commands = try decode(Array(frame[..<cut]), Array(frame[cut...])).get()
            XCTAssertEqual(commands, [[Bytes(payload)]], "cut at \(cut)")
        }
    }

    func testInlineCommandArgumentsAreBytesToo() throws {
        let word = "abcdefghijklmnopqrstuvw"  // 23 bytes
        let commands = try decode(bytes("SET \(word) \(word)x\r\n")).get()
        XCTAssertEqual(commands, [["SET", Bytes(word), Bytes(word + "x")]])
        XCTAssertTrue(isInline(commands[0][1]))
        XCTAssertFalse(isInline(commands[0][2]))
    }

    func testEncodingBytesMatchesEncodingArrays() {
        for length in [0, 23, 24, 300] {
            let arrays: [[UInt8]] = [bytes("SET"), sample(length), sample(length, salt: 7)]
            var fromArrays: [UInt8] = [], fromBytes: [UInt8] = []
            CommandEncoder.append(arrays, to: &fromArrays)
            CommandEncoder.append(arrays.map { Bytes($0) }, to: &fromBytes)
            XCTAssertEqual(fromBytes, fromArrays, "\(length)-byte arguments")
        }
    }

    func testDecimalsAreInlineAndEqualToTheirText() {
        for value: Int64 in [0, 7, -7, 1_000_000, Int64.max, Int64.min] {
            let decimal = ByteNumbers.decimal(value)
            XCTAssertEqual(decimal, Bytes(String(value)), "\(value)")
            XCTAssertTrue(isInline(decimal), "\(value)")
        }
    }
}
