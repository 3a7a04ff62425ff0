#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

/// Redis's HyperLogLog, byte for byte (hyperloglog.c at 7.0.15): a string
/// value of a 16-byte header — `HYLL`, the encoding (0 dense, 1 sparse), three
/// zero bytes, the cached cardinality as a little-endian UInt64 whose top bit
/// set means "stale" — then 16,384 registers of 6 bits (dense, 12,288 bytes)
/// or run-length opcodes (sparse, HyperLogLogSparse.swift). Elements are
/// hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the
/// register, the run of zeros above them (plus one) is its candidate value.
/// PFCOUNT is Ertl's improved estimator, as Redis 7.0 computes it, so a value
/// moved between Swirl and Redis counts the same in both.
enum HyperLogLog {
    static let precision = 14
    static let registerCount = 1 << precision          // 16384
    static let hashBits = 64 - precision               // Redis's HLL_Q: 50
    static let registerMax: UInt8 = 63
    static let headerSize = 16
    static let denseSize = headerSize + (registerCount * 6 + 7) / 8   // 12304
    static let dense: UInt8 = 0
    static let sparse: UInt8 = 1
    static let seed: UInt64 = 0xadc83b19

    /// `hll-sparse-max-bytes`, cached by `Engine.applyConfig`.
    nonisolated(unsafe) static var sparseMaxBytes = 3000

    static let notValid = "WRONGTYPE Key is not a valid HyperLogLog string value."
    static let corrupted = "INVALIDOBJ Corrupted HLL object detected"

    /// Redis's isHLLObjectOrReply, past the type check: the header's magic and
    /// encoding, and a dense value's exact length. A sparse body is checked
    /// only when it is read.
    static func isValid(_ bytes: Bytes) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard raw.count >= headerSize, raw[0] == UInt8(ascii: "H"), raw[1] == UInt8(ascii: "Y"),
                  raw[2] == UInt8(ascii: "L"), raw[3] == UInt8(ascii: "L"), raw[4] <= sparse else { return false }
            return raw[4] == sparse || raw.count == denseSize
        }
    }

    /// A new, empty HLL: sparse, one XZERO covering every register, a valid cached 0.
    static func makeEmpty() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: headerSize)
        bytes[0] = UInt8(ascii: "H"); bytes[1] = UInt8(ascii: "Y"); bytes[2] = UInt8(ascii: "L"); bytes[3] = UInt8(ascii: "L")
        bytes[4] = sparse
        var left = registerCount
        while left > 0 {
            let run = min(left, Sparse.xzeroMaxLength)
            Sparse.appendXZero(run, to: &bytes)
            left -= run
        }
        return bytes
    }

    // MARK: - The cached cardinality

    static func invalidateCache(_ bytes: inout [UInt8]) { bytes[15] |= 0x80 }

    /// The cached cardinality, nil when stale.
    static func cachedCardinality(_ raw: UnsafeRawBufferPointer) -> UInt64? {
        guard raw[15] & 0x80 == 0 else { return nil }
        var value: UInt64 = 0
        for index in (8..<16).reversed() { value = value << 8 | UInt64(raw[index]) }
        return value
    }

    static func storeCardinality(_ value: UInt64, in raw: UnsafeMutableRawBufferPointer) {
        for index in 0..<8 { raw[8 + index] = UInt8(truncatingIfNeeded: value >> UInt64(index * 8)) }
    }

    // MARK: - Hashing

    /// Austin Appleby's MurmurHash64A, reading 8-byte blocks little-endian as
    /// Redis's endian-neutral version does.
    static func murmurHash64A(_ data: UnsafeRawBufferPointer, seed: UInt64 = seed) -> UInt64 {
        let m: UInt64 = 0xc6a4a7935bd1e995
        let r: UInt64 = 47
        let length = data.count
        var h = seed ^ (UInt64(truncatingIfNeeded: length) &* m)
        let blocks = length - (length & 7)
        var index = 0
        while index < blocks {
            var k = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            k &*= m
            k ^= k >> r
            k &*= m
            h ^= k
            h &*= m
            index += 8
        }
        let tail = length & 7
        if tail > 0 {
            for shift in (0..<tail).reversed() { h ^= UInt64(data[blocks + shift]) << UInt64(shift * 8) }
            h &*= m
        }
        h ^= h >> r
        h &*= m
        h ^= h >> r
        return h
    }

    /// Redis's hllPatLen: the register an element falls in and the length of
    /// the `000…1` pattern above the index bits (1 … 51).
    static func pattern(of element: UnsafeRawBufferPointer) -> (register: Int, count: UInt8) {
        var hash = murmurHash64A(element)
        let register = Int(hash & UInt64(registerCount - 1))
        hash >>= UInt64(precision)
        hash |= 1 << UInt64(hashBits)  // the run ends by bit 50 at the latest
        return (register, UInt8(hash.trailingZeroBitCount + 1))
    }

    // MARK: - Dense registers (6 bits each, least significant bits first)

    /// Register `index` of a dense value (`base` = where the registers start).
    @inline(__always)
    static func denseRegister(_ raw: UnsafeRawBufferPointer, _ index: Int, base: Int = headerSize) -> UInt8 {
        let byte = base + index * 6 / 8
        let shift = (index * 6) & 7
        let low = raw[byte] >> UInt8(shift)
        // The last register lies in the last byte; Redis reads the sds terminator (0) past it.
        let high = byte + 1 < raw.count ? raw[byte + 1] << UInt8(8 - shift) : 0
        return (low | high) & registerMax
    }

    @inline(__always)
    static func setDenseRegister(_ raw: UnsafeMutableRawBufferPointer, _ index: Int, _ value: UInt8) {
        let byte = headerSize + index * 6 / 8
        let shift = (index * 6) & 7
        raw[byte] = (raw[byte] & ~(registerMax << UInt8(shift))) | (value << UInt8(shift))
        if byte + 1 < raw.count {
            let rest = UInt8(8 - shift)
            raw[byte + 1] = (raw[byte + 1] & ~(registerMax >> rest)) | (value >> rest)
        }
    }

    /// Raises register `index` to `count`; true when it changed.
    static func denseSet(_ raw: UnsafeMutableRawBufferPointer, _ index: Int, _ count: UInt8) -> Bool {
        guard count > denseRegister(UnsafeRawBufferPointer(raw), index) else { return false }
        setDenseRegister(raw, index, count)
        return true
    }

    // MARK: - Counting

    /// How many registers hold each value (0 … 63), from a dense value: four
    /// registers per three bytes.
    static func denseHistogram(_ raw: UnsafeRawBufferPointer) -> [Int] {
        var histogram = [Int](repeating: 0, count: 64)
        var byte = headerSize
        for _ in 0..<(registerCount / 4) {
            let b0 = raw[byte], b1 = raw[byte + 1], b2 = raw[byte + 2]
            histogram[Int(b0 & 63)] += 1
            histogram[Int((b0 >> 6 | b1 << 2) & 63)] += 1
            histogram[Int((b1 >> 4 | b2 << 4) & 63)] += 1
            histogram[Int(b2 >> 2)] += 1
            byte += 3
        }
        return histogram
    }

    /// `registers[i] = max(registers[i], register i)` over a dense value, four
    /// registers per three bytes (PFCOUNT of several keys, PFMERGE).
    static func mergeDense(_ raw: UnsafeRawBufferPointer, into registers: inout [UInt8]) {
        registers.withUnsafeMutableBufferPointer { out in
            var byte = headerSize, index = 0
            while index < registerCount {
                let b0 = raw[byte], b1 = raw[byte + 1], b2 = raw[byte + 2]
                out[index] = max(out[index], b0 & 63)
                out[index + 1] = max(out[index + 1], (b0 >> 6 | b1 << 2) & 63)
                out[index + 2] = max(out[index + 2], (b1 >> 4 | b2 << 4) & 63)
                out[index + 3] = max(out[index + 3], b2 >> 2)
                byte += 3
                index += 4
            }
        }
    }

    /// The histogram of a value of either encoding; nil for a sparse body that
    /// does not cover exactly every register.
    static func histogram(_ raw: UnsafeRawBufferPointer) -> [Int]? {
        raw[4] == dense ? denseHistogram(raw) : Sparse.histogram(raw)
    }

    /// Registers given one per byte (PFCOUNT of several keys).
    static func histogram(registers: [UInt8]) -> [Int] {
        var histogram = [Int](repeating: 0, count: 64)
        histogram.withUnsafeMutableBufferPointer { counts in
            for value in registers { counts[Int(value & 63)] += 1 }
        }
        return histogram
    }

    /// Ertl's improved estimator ("New cardinality estimation algorithms for
    /// HyperLogLog sketches", arXiv:1702.01284) with Redis's operation order,
    /// so the doubles — and the estimate — are the same as Redis's.
    static func estimate(_ histogram: [Int]) -> UInt64 {
        let m = Double(registerCount)
        var z = m * tau((m - Double(histogram[hashBits + 1])) / m)
        for j in stride(from: hashBits, through: 1, by: -1) {
            z += Double(histogram[j])
            z *= 0.5
        }
        z += m * sigma(Double(histogram[0]) / m)
        let estimate = 0.721347520444481703680 * m * m / z
        // llroundl: half away from zero; out of range (z = 0 gives infinity), x86's
        // conversion yields LLONG_MIN, which Redis then replies as a negative number.
        guard estimate.isFinite, estimate < 9.2233720368547758e18 else { return 1 << 63 }
        return UInt64(estimate.rounded(.toNearestOrAwayFromZero))
    }

    private static func sigma(_ x: Double) -> Double {
        if x == 1 { return .infinity }
        var x = x, y = 1.0, z = x, previous = 0.0
        repeat {
            x *= x
            previous = z
            z += x * y
            y += y
        } while previous != z
        return z
    }

    private static func tau(_ x: Double) -> Double {
        if x == 0 || x == 1 { return 0 }
        var x = x, y = 1.0, z = 1 - x, previous = 0.0
        repeat {
            x = x.squareRoot()
            previous = z
            y *= 0.5
            z -= pow(1 - x, 2) * y  // glibc's pow, the one Redis calls
        } while previous != z
        return z / 3
    }
}
