import SwirlBytes

/// The counting and searching under BITCOUNT, BITPOS and BITOP, a 64-bit word
/// at a time (Redis's redisPopcount, redisBitpos and BITOP's fast path).
/// Bit 0 of a bitmap is the most significant bit of its first byte.
enum BitScan {
    /// The number of set bits in `bytes`.
    static func popcount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var total = 0
        var index = 0
        let count = bytes.count
        // Four independent sums keep the popcounts from waiting on one another.
        var a = 0, b = 0, c = 0, d = 0
        while index + 32 <= count {
            a &+= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).nonzeroBitCount
            b &+= bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self).nonzeroBitCount
            c &+= bytes.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self).nonzeroBitCount
            d &+= bytes.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self).nonzeroBitCount
            index += 32
        }
        total = a &+ b &+ c &+ d
        while index + 8 <= count {
            total &+= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).nonzeroBitCount
            index += 8
        }
        while index < count {
            total &+= bytes[index].nonzeroBitCount
            index += 1
        }
        return total
    }

    /// The position of the first bit equal to `bit` (0 or 1) in `bytes`. When
    /// there is none: -1 when looking for a 1, and `count * 8` when looking for
    /// a 0 (the string is taken as padded with zeros on the right), as Redis.
    static func firstBit(_ bit: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        let skipWord: UInt64 = bit == 1 ? 0 : ~0
        let skipByte: UInt8 = bit == 1 ? 0 : 0xff
        var index = 0
        while index + 8 <= count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) == skipWord {
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte != skipByte {
                let lead = bit == 1 ? byte.leadingZeroBitCount : (~byte).leadingZeroBitCount
                return index * 8 + lead
            }
            index += 1
        }
        return bit == 1 ? -1 : count * 8
    }

    enum Operation { case and, or, xor, not }

    /// BITOP over `sources` (a missing key is an empty string): the result is as
    /// long as the longest, shorter ones read as zero-padded.
    static func combine(_ operation: Operation, _ sources: [Bytes?], length: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: length)
        result.withUnsafeMutableBytes { out in
            if let first = sources[0] {
                first.withUnsafeBytes { out.copyMemory(from: $0) }
            }
            if operation == .not {
                apply(out, out.count) { ~$0 } byte: { ~$0 }
                return
            }
            for source in sources.dropFirst() {
                guard let source else {
                    // An absent key is all zeros: AND clears everything, OR and XOR change nothing.
                    if operation == .and { out.initializeMemory(as: UInt8.self, repeating: 0) }
                    continue
                }
                source.withUnsafeBytes { input in
                    let n = input.count
                    switch operation {
                    case .and:
                        merge(out, input, n, { $0 & $1 }, { $0 & $1 })
                        // Past this source's end it reads as zeros.
                        if n < out.count {
                            UnsafeMutableRawBufferPointer(rebasing: out[n...]).initializeMemory(as: UInt8.self, repeating: 0)
                        }
                    case .or: merge(out, input, n, { $0 | $1 }, { $0 | $1 })
                    case .xor: merge(out, input, n, { $0 ^ $1 }, { $0 ^ $1 })
                    case .not: break
                    }
                }
            }
        }
        return result
    }

    /// `out[i] = word(out[i])` over the first `count` bytes, eight at a time.
    @inline(__always)
    private static func apply(_ out: UnsafeMutableRawBufferPointer, _ count: Int,
                              word: (UInt64) -> UInt64, byte: (UInt8) -> UInt8) {
        var index = 0
        while index + 8 <= count {
            let value = out.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            out.storeBytes(of: word(value), toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            out[index] = byte(out[index])
            index += 1
        }
    }

    /// `out[i] = op(out[i], input[i])` over the first `count` bytes, eight at a time.
    @inline(__always)
    private static func merge(_ out: UnsafeMutableRawBufferPointer, _ input: UnsafeRawBufferPointer, _ count: Int,
                              _ word: (UInt64, UInt64) -> UInt64, _ byte: (UInt8, UInt8) -> UInt8) {
        var index = 0
        while index + 8 <= count {
            let a = out.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let b = input.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            out.storeBytes(of: word(a, b), toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            out[index] = byte(out[index], input[index])
            index += 1
        }
    }
}
