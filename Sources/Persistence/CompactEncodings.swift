import RESP
import SwirlBytes

/// LZF, the compression RDB uses for long strings.
enum LZF {
    /// Decompresses into exactly `length` bytes; every read and write is checked
    /// against the input and the output's size, so corrupt data is an error.
    static func decompress(_ input: [UInt8], length: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let written = output.withUnsafeMutableBufferPointer { out -> Int? in
            input.withUnsafeBufferPointer { input -> Int? in
                var index = 0, produced = 0
                while index < input.count {
                    let control = Int(input[index])
                    index += 1
                    if control < 32 {  // a run of control + 1 literal bytes
                        let run = control + 1
                        guard index + run <= input.count, produced + run <= length else { return nil }
                        for offset in 0..<run { out[produced + offset] = input[index + offset] }
                        index += run
                        produced += run
                    } else {  // a back reference
                        var count = control >> 5
                        if count == 7 {
                            guard index < input.count else { return nil }
                            count += Int(input[index])
                            index += 1
                        }
                        guard index < input.count else { return nil }
                        let distance = ((control & 0x1F) << 8) + Int(input[index]) + 1
                        index += 1
                        let total = count + 2
                        guard distance <= produced, produced + total <= length else { return nil }
                        // Byte by byte: a reference may overlap what it produces (a run).
                        for offset in 0..<total { out[produced + offset] = out[produced + offset - distance] }
                        produced += total
                    }
                }
                return produced
            }
        }
        guard let written else { throw RDBReader.Failure("corrupt LZF data") }
        guard written == length else { throw RDBReader.Failure("LZF data of the wrong length") }
        return output
    }
}

/// What listpacks and ziplists share: bounds checks and little-endian signed integers.
enum CompactBlob {
    static func need(_ count: Int, at index: Int, in blob: [UInt8], _ kind: String) throws {
        if index + count > blob.count { throw RDBReader.Failure("a truncated \(kind)") }
    }

    /// `count` bytes of `blob` from `start`, copied once.
    static func slice(_ blob: [UInt8], _ start: Int, _ count: Int) -> Bytes {
        blob.withUnsafeBytes { Bytes(copying: UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    /// The `count`-byte little-endian two's-complement integer at `start`, sign-extended.
    static func signedLittleEndian(_ blob: [UInt8], _ start: Int, _ count: Int) -> Int64 {
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(blob[start + i]) << (8 * UInt64(i)) }
        let shift = UInt64(64 - 8 * count)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }
}

/// Listpack, the compact encoding of small hashes (and later lists, sets, sorted sets) in RDB 10.
enum Listpack {
    static func elements(_ blob: [UInt8]) throws -> [Bytes] {
        guard blob.count >= 7 else { throw RDBReader.Failure("a listpack too short") }
        var index = 6  // total bytes (4) and element count (2)
        var elements: [Bytes] = []
        func need(_ n: Int) throws { try CompactBlob.need(n, at: index, in: blob, "listpack") }
        func int(_ start: Int, _ count: Int) -> Int64 { CompactBlob.signedLittleEndian(blob, start, count) }
        while true {
            try need(1)
            let first = blob[index]
            if first == 0xFF { break }
            let start = index
            if first & 0x80 == 0 {                       // 7-bit unsigned integer
                elements.append(ByteNumbers.decimal(Int64(first & 0x7F)))
                index += 1
            } else if first & 0xC0 == 0x80 {            // string, 6-bit length
                let count = Int(first & 0x3F)
                try need(1 + count)
                elements.append(CompactBlob.slice(blob, index + 1, count))
                index += 1 + count
            } else if first & 0xE0 == 0xC0 {            // 13-bit signed integer
                try need(2)
                let raw = Int(first & 0x1F) << 8 | Int(blob[index + 1])
                elements.append(ByteNumbers.decimal(Int64(raw >= 4096 ? raw - 8192 : raw)))
                index += 2
            } else if first & 0xF0 == 0xE0 {            // string, 12-bit length
                try need(2)
                let count = Int(first & 0x0F) << 8 | Int(blob[index + 1])
                try need(2 + count)
                elements.append(CompactBlob.slice(blob, index + 2, count))
                index += 2 + count
            } else {
                switch first {
                case 0xF0:                                // string, 32-bit length
                    try need(5)
                    let count = Int(int(index + 1, 4) & 0xFFFF_FFFF)
                    try need(5 + count)
                    elements.append(CompactBlob.slice(blob, index + 5, count))
                    index += 5 + count
                case 0xF1, 0xF2, 0xF3, 0xF4:              // 16, 24, 32, 64-bit integers
                    let width = [2, 3, 4, 8][Int(first - 0xF1)]
                    try need(1 + width)
                    elements.append(ByteNumbers.decimal(int(index + 1, width)))
                    index += 1 + width
                default:
                    throw RDBReader.Failure("an unknown listpack encoding \(first)")
                }
            }
            // The back-length: 1 to 5 bytes describing the entry's size.
            let entrySize = index - start
            index += entrySize < 128 ? 1 : entrySize < 16383 ? 2 : entrySize < 2_097_151 ? 3 : entrySize < 268_435_455 ? 4 : 5
        }
        return elements
    }
}

/// Ziplist, the compact encoding of small hashes in RDB files before version 10.
enum Ziplist {
    static func elements(_ blob: [UInt8]) throws -> [Bytes] {
        guard blob.count >= 11 else { throw RDBReader.Failure("a ziplist too short") }
        var index = 10  // zlbytes (4), zltail (4), zllen (2)
        var elements: [Bytes] = []
        func need(_ n: Int) throws { try CompactBlob.need(n, at: index, in: blob, "ziplist") }
        func int(_ start: Int, _ count: Int) -> Int64 { CompactBlob.signedLittleEndian(blob, start, count) }
        while true {
            try need(1)
            if blob[index] == 0xFF { break }
            index += blob[index] == 0xFE ? 5 : 1  // previous entry's length
            try need(1)
            let encoding = blob[index]
            switch encoding >> 6 {
            case 0:
                let count = Int(encoding & 0x3F)
                try need(1 + count)
                elements.append(CompactBlob.slice(blob, index + 1, count))
                index += 1 + count
            case 1:
                try need(2)
                let count = Int(encoding & 0x3F) << 8 | Int(blob[index + 1])
                try need(2 + count)
                elements.append(CompactBlob.slice(blob, index + 2, count))
                index += 2 + count
            case 2:
                try need(5)
                let count = Int(blob[index + 1]) << 24 | Int(blob[index + 2]) << 16 | Int(blob[index + 3]) << 8 | Int(blob[index + 4])
                try need(5 + count)
                elements.append(CompactBlob.slice(blob, index + 5, count))
                index += 5 + count
            default:
                let width: Int
                switch encoding {
                case 0xC0: width = 2
                case 0xD0: width = 4
                case 0xE0: width = 8
                case 0xF0: width = 3
                case 0xFE: width = 1
                default:
                    guard encoding >= 0xF1 && encoding <= 0xFD else { throw RDBReader.Failure("an unknown ziplist encoding") }
                    elements.append(ByteNumbers.decimal(Int64(encoding & 0x0F) - 1))  // 4-bit immediate 0…12
                    index += 1
                    continue
                }
                try need(1 + width)
                elements.append(ByteNumbers.decimal(int(index + 1, width)))
                index += 1 + width
            }
        }
        return elements
    }
}
