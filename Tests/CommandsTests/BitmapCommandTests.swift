import XCTest
@testable import Commands
import Keyspace
import SwirlBytes

/// SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and BITFIELD in process; the
/// differential script (Tests/CompatTests/scripts/bitmaps.redis) compares
/// every reply with redis-server.
final class BitmapCommandTests: CommandTestCase {
    func testSetbitGrowsTheStringAndReturnsTheOldBit() {
        XCTAssertEqual(run("SETBIT", "b", "7", "1"), int(0))
        XCTAssertEqual(run("GET", "b"), "$1\r\n\u{01}\r\n")
        XCTAssertEqual(run("SETBIT", "b", "7", "0"), int(1))
        XCTAssertEqual(run("SETBIT", "b", "100", "1"), int(0))
        XCTAssertEqual(run("STRLEN", "b"), int(13))
        XCTAssertEqual(run("GETBIT", "b", "100"), int(1))
        XCTAssertEqual(run("GETBIT", "b", "101"), int(0))
        XCTAssertEqual(run("GETBIT", "b", "100000"), int(0))
        XCTAssertEqual(run("OBJECT", "ENCODING", "b"), "$3\r\nraw\r\n")
    }

    func testOffsetAndBitErrors() {
        let offsetError = error("ERR bit offset is not an integer or out of range")
        XCTAssertEqual(run("SETBIT", "b", "-1", "1"), offsetError)
        XCTAssertEqual(run("SETBIT", "b", "4294967296", "1"), offsetError)
        XCTAssertEqual(run("GETBIT", "b", "9223372036854775807"), offsetError)
        XCTAssertEqual(run("SETBIT", "b", "1", "2"), error("ERR bit is not an integer or out of range"))
        XCTAssertEqual(run("SETBIT", "b", "-1", "2"), offsetError, "the offset is checked first")
        run("RPUSH", "l", "a")
        XCTAssertEqual(run("SETBIT", "l", "1", "1"), wrongType)
        XCTAssertEqual(run("GETBIT", "l", "x"), offsetError)
        run("CONFIG", "SET", "proto-max-bulk-len", "1mb")
        XCTAssertEqual(run("SETBIT", "b", "8388608", "1"), offsetError)
        XCTAssertEqual(run("SETBIT", "b", "8388607", "1"), int(0))
        XCTAssertEqual(run("STRLEN", "b"), int(1024 * 1024))
    }

    func testBitsLiveInTheStringBytes() {
        run("SET", "n", "12")
        XCTAssertEqual(run("GETBIT", "n", "2"), int(1))  // '1' is 0x31
        run("SETBIT", "n", "7", "0")
        XCTAssertEqual(run("GET", "n"), bulk("02"))
        run("APPEND", "n", "3")
        XCTAssertEqual(run("BITCOUNT", "n"), int(2 + 3 + 4))
    }

    func testSetbitOnALongValueChangesItInPlace() {
        run("SETBIT", "big", "799999", "1")
        guard case .string(let before)? = engine.keyspace[0].peek("big") else { return XCTFail("no string") }
        let address = before.withUnsafeBytes { $0.baseAddress }
        _ = consume before
        for offset in stride(from: 0, to: 800_000, by: 7919) { run("SETBIT", "big", String(offset), "1") }
        guard case .string(let after)? = engine.keyspace[0].peek("big") else { return XCTFail("no string") }
        XCTAssertEqual(after.withUnsafeBytes { $0.baseAddress }, address, "no copy of the value")
    }

    func testBitcountRanges() {
        run("SET", "s", "foobar")
        XCTAssertEqual(run("BITCOUNT", "s"), int(26))
        XCTAssertEqual(run("BITCOUNT", "s", "1", "1"), int(6))
        XCTAssertEqual(run("BITCOUNT", "s", "-2", "-1"), int(7))
        XCTAssertEqual(run("BITCOUNT", "s", "5", "30", "BIT"), int(17))
        XCTAssertEqual(run("BITCOUNT", "s", "-1", "-5", "NOPE"), int(0), "empty before the unit is read")
        XCTAssertEqual(run("BITCOUNT", "s", "0", "0", "NOPE"), syntaxError)
        XCTAssertEqual(run("BITCOUNT", "s", "0"), syntaxError)
        XCTAssertEqual(run("BITCOUNT", "missing", "0"), int(0))
    }

    func testPopcountMatchesABitByBitCount() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 31, 32, 33, 100, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = bytes.reduce(0) { $0 + $1.nonzeroBitCount }
            XCTAssertEqual(bytes.withUnsafeBytes { BitScan.popcount($0) }, expected)
            for bit in 0...1 {
                var first = bytes.count * 8
                for index in 0..<(bytes.count * 8) where Int(bytes[index / 8] >> (7 - index % 8)) & 1 == bit {
                    first = index
                    break
                }
                if bit == 1 && first == bytes.count * 8 { first = -1 }
                XCTAssertEqual(bytes.withUnsafeBytes { BitScan.firstBit(bit, in: $0) }, first)
            }
        }
    }

    func testBitposRangesAndTheExplicitEnd() {
        run("SET", "p", "\u{7f}\u{7f}")  // bits 0 and 8 are clear
        XCTAssertEqual(run("BITPOS", "p", "0"), int(0))
        XCTAssertEqual(run("BITPOS", "p", "0", "1"), int(8))
        XCTAssertEqual(run("BITPOS", "p", "0", "0", "15", "BIT"), int(0))
        XCTAssertEqual(run("BITPOS", "p", "0", "1", "7", "BIT"), int(-1), "no 0 in an explicit range")
        run("BITFIELD", "ones", "SET", "u16", "0", "65535")
        XCTAssertEqual(run("BITPOS", "ones", "0"), int(16), "without an end, the zero padding counts")
        XCTAssertEqual(run("BITPOS", "ones", "0", "0"), int(16))
        XCTAssertEqual(run("BITPOS", "ones", "0", "0", "-1"), int(-1))
        XCTAssertEqual(run("BITPOS", "p", "0", "9", "BIT"), notInteger, "BIT needs an end before it")
        XCTAssertEqual(run("BITPOS", "p", "2"), error("ERR The bit argument must be 1 or 0."))
        XCTAssertEqual(run("BITPOS", "missing", "1"), int(-1))
        XCTAssertEqual(run("BITPOS", "missing", "0"), int(0))
    }

    func testBitopOperationsAndDestination() {
        run("SET", "a", "\u{0f}\u{70}")
        run("SET", "b", "\u{7f}")
        XCTAssertEqual(run("BITOP", "AND", "d", "a", "b"), int(2))
        XCTAssertEqual(run("GET", "d"), "$2\r\n\u{0f}\u{00}\r\n")
        XCTAssertEqual(run("BITOP", "OR", "d", "a", "b"), int(2))
        XCTAssertEqual(run("GET", "d"), "$2\r\n\u{7f}\u{70}\r\n")
        XCTAssertEqual(run("BITOP", "XOR", "d", "a", "b", "nokey"), int(2))
        XCTAssertEqual(run("GET", "d"), "$2\r\n\u{70}\u{70}\r\n")
        XCTAssertEqual(run("BITOP", "NOT", "d", "a", "b"), error("ERR BITOP NOT must be called with a single source key."))
        XCTAssertEqual(run("BITOP", "NAND", "d", "a"), syntaxError)
        XCTAssertEqual(run("BITOP", "AND", "d", "x", "y"), int(0))
        XCTAssertEqual(run("EXISTS", "d"), int(0), "an empty result deletes the destination")
    }

    func testBitopWordPathsAgreeWithBytes() {
        var generator = SystemRandomNumberGenerator()
        let a = (0..<77).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let b = (0..<40).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let sources: [Bytes?] = [Bytes(a), Bytes(b)]
        func byteAt(_ x: [UInt8], _ i: Int) -> UInt8 { i < x.count ? x[i] : 0 }
        XCTAssertEqual(BitScan.combine(.and, sources, length: 77), (0..<77).map { byteAt(a, $0) & byteAt(b, $0) })
        XCTAssertEqual(BitScan.combine(.or, sources, length: 77), (0..<77).map { byteAt(a, $0) | byteAt(b, $0) })
        XCTAssertEqual(BitScan.combine(.xor, sources, length: 77), (0..<77).map { byteAt(a, $0) ^ byteAt(b, $0) })
        XCTAssertEqual(BitScan.combine(.not, [Bytes(a)], length: 77), a.map { ~$0 })
    }

    func testBitfieldOperationsAndOverflow() {
        XCTAssertEqual(run("BITFIELD", "f", "SET", "u8", "0", "255", "GET", "u4", "0", "GET", "i8", "0"), "*3\r\n:0\r\n:15\r\n:-1\r\n")
        XCTAssertEqual(run("BITFIELD", "f", "INCRBY", "u8", "0", "10"), "*1\r\n:9\r\n", "WRAP by default")
        XCTAssertEqual(run("BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "INCRBY", "i8", "#1", "-300"),
                       "*2\r\n:255\r\n:-128\r\n")
        XCTAssertEqual(run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "GET", "u8", "0"), "*2\r\n$-1\r\n:255\r\n")
        XCTAssertTrue(run("BITFIELD", "f", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1")
            .hasSuffix("\r\n:-9223372036854775808\r\n"))
        XCTAssertEqual(run("BITFIELD", "f", "GET", "u64", "0"),
                       error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."))
        XCTAssertEqual(run("BITFIELD", "f", "OVERFLOW", "X"), error("ERR Invalid OVERFLOW type specified"))
        XCTAssertEqual(run("BITFIELD_RO", "f", "SET", "u8", "0", "1"), error("ERR BITFIELD_RO only supports the GET subcommand"))
        XCTAssertEqual(run("BITFIELD", "f", "GET", "u8", "#2305843009213693952"), "*1\r\n:128\r\n", "the # product wraps as in C")
    }

    func testBitfieldFieldArithmetic() {
        let u8 = BitField(parsing: "u8")!, i4 = BitField(parsing: "i4")!, u63 = BitField(parsing: "u63")!
        XCTAssertEqual(u8.assign(-1, .sat), 255)
        XCTAssertEqual(u8.assign(-1, .wrap), 255)
        XCTAssertNil(u8.assign(256, .fail))
        XCTAssertEqual(i4.increment(7, by: 1, .wrap), -8)
        XCTAssertEqual(i4.increment(-8, by: -1, .sat), -8)
        XCTAssertEqual(u63.increment(Int64.max, by: 1, .wrap), 0)
        XCTAssertEqual(u63.increment(0, by: Int64.min, .sat), 0)
        XCTAssertNil(BitField(parsing: "u64"))
        XCTAssertNil(BitField(parsing: "i0"))
        XCTAssertEqual(BitField(parsing: "i64")?.bits, 64)
    }

    func testOnlyChangesAreSignalledAndPropagated() {
        engine.propagating = true
        run("SETBIT", "b", "3", "1")
        run("SETBIT", "b", "3", "1")
        run("BITFIELD", "b", "SET", "u8", "0", "16")
        run("BITFIELD", "nb", "OVERFLOW", "FAIL", "SET", "u2", "0", "9")
        XCTAssertEqual(run("EXISTS", "nb"), int(1), "created, as Redis does, though nothing was written")
        run("BITFIELD", "b", "INCRBY", "u8", "0", "1")
        let log = String(decoding: engine.aofBuffer, as: UTF8.self)
        XCTAssertEqual(log.components(separatedBy: "setbit").count + log.components(separatedBy: "SETBIT").count - 2, 1)
        XCTAssertEqual(log.components(separatedBy: "BITFIELD").count - 1, 1, "only the BITFIELD that changed a byte")
        XCTAssertFalse(log.contains("nb"))
    }
}
