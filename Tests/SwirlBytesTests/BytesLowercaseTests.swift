import XCTest
import SwirlBytes

/// `asciiLowercased` (command names, option words): a word at a time for inline
/// strings, so it is checked against the plain per-byte rule for every byte value
/// at every position of both forms.
final class BytesLowercaseTests: XCTestCase {
    private func reference(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }
    }

    func testEveryByteValueAtEveryPositionOfEveryLength() {
        for length in [1, 2, 7, 8, 9, 15, 16, 17, 22, 23, 24, 40] {
            for position in 0..<length {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "Q"), count: length)
                    bytes[position] = UInt8(value)
                    let lowered = Bytes(bytes).asciiLowercased
                    XCTAssertEqual(Array(lowered), reference(bytes), "length \(length), byte \(value) at \(position)")
                    XCTAssertEqual(lowered.count, length)
                }
            }
        }
    }

    func testMixedCaseCommandNamesAndTheirNeighbours() {
        for word in ["GET", "gEt", "ZRANGEBYSCORE", "client|list", "@[`{", "AZaz", ""] {
            XCTAssertEqual(Bytes(word).asciiLowercased, Bytes(Array(word.utf8).map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }))
        }
        // The bytes next to the letters stay as they are: '@' (0x40), '[' (0x5b), and high bytes.
        XCTAssertEqual(Array(Bytes([0x40, 0x5b, 0xc1, 0xda, 0x80 | 0x41]).asciiLowercased), [0x40, 0x5b, 0xc1, 0xda, 0xc1])
    }
}
