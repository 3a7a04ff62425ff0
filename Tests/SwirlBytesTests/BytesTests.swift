import XCTest
import SwirlBytes

/// `Bytes`, the byte string of keys, values and arguments: up to 23 bytes inline,
/// longer on the heap, and the same value whichever way it was built.
final class BytesTests: XCTestCase {
    /// Lengths on both sides of every word edge and of the inline/heap boundary.
    private let lengths = [0, 1, 2, 7, 8, 9, 15, 16, 17, 21, 22, 23, 24, 25, 31, 32, 64, 1_000]

    /// `count` bytes covering 0x00 and 0xff, different at every position.
    private func sample(_ count: Int, salt: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(salt)) ^ ($0 % 5 == 0 ? 0xff : 0x00) }
    }

    private func isInline(_ value: Bytes) -> Bool {
        if case .inline = value.storageForHashing { return true }
        return false
    }

    /// The same bytes built every way the code base builds them.
    private func constructions(of array: [UInt8]) -> [(String, Bytes)] {
        var appended = Bytes()
        appended.append(contentsOf: array)
        var halves = Bytes(Array(array.prefix(array.count / 2)))
        halves.append(contentsOf: array.dropFirst(array.count / 2))
        return [
            ("init([UInt8])", Bytes(array)),
            ("init(copying:)", array.withUnsafeBytes { Bytes(copying: $0) }),
            ("init(Sequence)", Bytes(array.lazy.map { $0 })),
            ("init(Slice)", Bytes(([0x41] + array)[1...])),
            ("append to empty", appended),
            ("append in two halves", halves),
            ("copy of array round trip", Bytes(Bytes(array).array)),
        ]
    }

    private func assertHolds(_ value: Bytes, _ array: [UInt8], _ message: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(value.count, array.count, "count: \(message)", file: file, line: line)
        XCTAssertEqual(value.isEmpty, array.isEmpty, "isEmpty: \(message)", file: file, line: line)
        XCTAssertEqual(value.startIndex, 0, message, file: file, line: line)
        XCTAssertEqual(value.endIndex, array.count, message, file: file, line: line)
        XCTAssertEqual(value.array, array, "array: \(message)", file: file, line: line)
        XCTAssertEqual(Array(value), array, "iteration: \(message)", file: file, line: line)
        XCTAssertEqual(value.indices.map { value[$0] }, array, "subscript: \(message)", file: file, line: line)
        XCTAssertEqual(value.reversed(), array.reversed(), "backwards: \(message)", file: file, line: line)
        value.withUnsafeBytes { raw in
            XCTAssertEqual(raw.count, array.count, "withUnsafeBytes count: \(message)", file: file, line: line)
            XCTAssertEqual(Array(raw), array, "withUnsafeBytes: \(message)", file: file, line: line)
        }
        let contiguous = value.withContiguousStorageIfAvailable { Array($0) }
        XCTAssertEqual(contiguous, array, "withContiguousStorageIfAvailable: \(message)", file: file, line: line)
        XCTAssertEqual(isInline(value), array.count <= Bytes.inlineCapacity,
                       "inline exactly up to \(Bytes.inlineCapacity) bytes: \(message)", file: file, line: line)
    }

    // MARK: - The inline/heap boundary

    func testInlineCapacityIsTwentyThreeBytes() {
        XCTAssertEqual(Bytes.inlineCapacity, 23)
        XCTAssertTrue(isInline(Bytes(sample(23))))
        XCTAssertFalse(isInline(Bytes(sample(24))))
    }

    func testEveryConstructionHoldsTheSameBytesAtEveryLength() {
        for length in lengths {
            let array = sample(length)
            for (how, value) in constructions(of: array) {
                assertHolds(value, array, "\(how), \(length) bytes")
            }
        }
    }

    func testEveryConstructionIsEqualAndHashesAlike() {
        for length in lengths {
            let array = sample(length)
            let reference = Bytes(array)
            for (how, value) in constructions(of: array) {
                XCTAssertEqual(value, reference, "\(how), \(length) bytes")
                XCTAssertEqual(value.hashValue, reference.hashValue, "\(how), \(length) bytes")
            }
        }
    }

    func testElementsAroundTheBoundaryAreReadFromTheRightWord() {
        for length in [22, 23, 24] {
            let array = (0..<length).map { UInt8($0 + 1) }
            let value = Bytes(array)
            for position in 0..<length { XCTAssertEqual(value[position], UInt8(position + 1), "\(length) bytes, [\(position)]") }
            XCTAssertEqual(value.first, 1)
            XCTAssertEqual(value.last, UInt8(length))
        }
    }

    func testUnequalValuesAroundTheBoundary() {
        for length in [1, 8, 16, 22, 23, 24, 25] {
            let array = sample(length)
            let value = Bytes(array)
            // One byte changed, at the first, a middle and the last position.
            for position in Set([0, length / 2, length - 1]) {
                var changed = array
                changed[position] ^= 0x01
                XCTAssertNotEqual(value, Bytes(changed), "\(length) bytes, byte \(position) changed")
            }
            // One byte shorter or longer, including by a zero byte (the inline padding is zero too).
            XCTAssertNotEqual(value, Bytes(Array(array.dropLast())), "\(length) vs \(length - 1) bytes")
            XCTAssertNotEqual(value, Bytes(array + [0]), "\(length) vs \(length + 1) bytes ending in NUL")
        }
        XCTAssertNotEqual(Bytes(), Bytes([0]))
        XCTAssertNotEqual(Bytes([UInt8](repeating: 0, count: 22)), Bytes([UInt8](repeating: 0, count: 23)))
        XCTAssertNotEqual(Bytes([UInt8](repeating: 0, count: 23)), Bytes([UInt8](repeating: 0, count: 24)))
    }

    func testHashingIsConsistentWithEqualityInSetsAndDictionaries() {
        var set = Set<Bytes>()
        var dictionary: [Bytes: Int] = [:]
        for length in lengths {
            for salt: UInt8 in [0, 1] {
                let array = sample(length, salt: salt)
                set.insert(Bytes(array))
                dictionary[Bytes(array)] = length * 2 + Int(salt)
            }
        }
        // Zero-length samples are equal whatever the salt.
        let distinct = lengths.count * 2 - 1
        XCTAssertEqual(set.count, distinct)
        XCTAssertEqual(dictionary.count, distinct)
        for length in lengths {
            for salt: UInt8 in [0, 1] {
                let array = sample(length, salt: salt)
                for (how, value) in constructions(of: array) {
                    XCTAssertTrue(set.contains(value), "\(how), \(length) bytes, salt \(salt)")
                    XCTAssertNotNil(dictionary[value], "\(how), \(length) bytes, salt \(salt)")
                    if length > 0 { XCTAssertEqual(dictionary[value], length * 2 + Int(salt), "\(how), \(length) bytes") }
                }
            }
        }
    }

    // MARK: - append(contentsOf:)

    func testAppendAcrossTheBoundary() {
        let cases: [(start: Int, added: Int)] = [
            (0, 0), (0, 23), (0, 24), (20, 3), (20, 4), (22, 1), (23, 0), (23, 1), (23, 30), (24, 0), (24, 1), (30, 100),
        ]
        for (start, added) in cases {
            let head = sample(start), tail = sample(added, salt: 99)
            var value = Bytes(head)
            value.append(contentsOf: tail)
            assertHolds(value, head + tail, "\(start) + \(added) bytes")
            XCTAssertEqual(value, Bytes(head + tail), "\(start) + \(added) bytes")
            XCTAssertEqual(value.hashValue, Bytes(head + tail).hashValue, "\(start) + \(added) bytes")
        }
    }

    func testAppendOneByteAtATimeFromEmptyToHeap() {
        var value = Bytes()
        var reference: [UInt8] = []
        for byte in sample(40) {
            value.append(contentsOf: [byte])
            reference.append(byte)
            assertHolds(value, reference, "\(reference.count) bytes")
            XCTAssertEqual(value, Bytes(reference))
        }
    }

    func testAppendAcceptsBytesAndSlices() {
        var value: Bytes = "0123456789"
        value.append(contentsOf: Bytes("abcdefghijklm"))       // 23: still inline
        XCTAssertTrue(isInline(value))
        value.append(contentsOf: Array("xyz".utf8)[1...])       // 25: heap
        XCTAssertEqual(value, Bytes("0123456789abcdefghijklmyz"))
        XCTAssertFalse(isInline(value))
    }

    func testAppendLeavesCopiesUnchanged() {
        for length in [5, 23, 30] {
            let array = sample(length)
            let original = Bytes(array)
            var copy = original
            copy.append(contentsOf: [1, 2, 3])
            assertHolds(original, array, "original of \(length) bytes")
            assertHolds(copy, array + [1, 2, 3], "copy of \(length) bytes")
            XCTAssertNotEqual(original, copy)

            // The heap path hands its array over while it grows: the copy taken before must not see it.
            var grown = original
            let snapshot = grown
            for _ in 0..<100 { grown.append(contentsOf: sample(7)) }
            assertHolds(snapshot, array, "snapshot of \(length) bytes")
            XCTAssertEqual(grown.count, length + 700)
        }
    }

    // MARK: - Strings

    func testStringLiteral() {
        let short: Bytes = "hello"
        XCTAssertEqual(short, Bytes("hello"))
        XCTAssertEqual(short, Bytes(Array("hello".utf8)))
        XCTAssertEqual(short.count, 5)
        XCTAssertEqual(short.description, "hello")
        XCTAssertEqual(short.debugDescription, "Bytes(\"hello\")")

        let exactlyInline: Bytes = "abcdefghijklmnopqrstuvw"
        let firstOnHeap: Bytes = "abcdefghijklmnopqrstuvwx"
        assertHolds(exactlyInline, Array("abcdefghijklmnopqrstuvw".utf8), "23-byte literal")
        assertHolds(firstOnHeap, Array("abcdefghijklmnopqrstuvwx".utf8), "24-byte literal")

        let multibyte: Bytes = "héllo ✓"
        XCTAssertEqual(multibyte.array, Array("héllo ✓".utf8), "UTF-8 bytes, not characters")
        XCTAssertEqual(multibyte.count, 10)
        XCTAssertEqual(multibyte.description, "héllo ✓")

        let binary: Bytes = "a\0b"
        XCTAssertEqual(binary.array, [0x61, 0x00, 0x62])

        let array: [Bytes] = ["SET", "key", "value"]
        XCTAssertEqual(array.map(\.array), [Array("SET".utf8), Array("key".utf8), Array("value".utf8)])
    }

    func testEmptyString() {
        let literal: Bytes = ""
        let constructions: [(String, Bytes)] = [
            ("literal", literal), ("init()", Bytes()), ("init(String)", Bytes("")), ("init([UInt8])", Bytes([UInt8]())),
            ("init(copying:)", Bytes(copying: UnsafeRawBufferPointer(start: nil, count: 0))),
            ("empty slice", Bytes(Array("abc".utf8)[1..<1])),
        ]
        for (how, value) in constructions {
            assertHolds(value, [], how)
            XCTAssertEqual(value, Bytes(), how)
            XCTAssertEqual(value.hashValue, Bytes().hashValue, how)
            XCTAssertNil(value.first, how)
            XCTAssertEqual(value.description, "", how)
        }
        var grown = Bytes()
        grown.append(contentsOf: [UInt8]())
        XCTAssertEqual(grown, literal)
    }
}
