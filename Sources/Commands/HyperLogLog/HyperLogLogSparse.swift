extension HyperLogLog {
    /// The sparse encoding: after the header, opcodes that cover the 16,384
    /// registers in order. ZERO `00xxxxxx` is 1–64 zero registers, XZERO
    /// `01xxxxxx yyyyyyyy` 1–16,384 zero registers, VAL `1vvvvvxx` 1–4
    /// registers of value 1–32. A register above 32, or growth past
    /// `hll-sparse-max-bytes`, turns the value dense.
    enum Sparse {
        static let xzeroMaxLength = 16384
        static let zeroMaxLength = 64
        static let valMaxValue: UInt8 = 32
        static let valMaxLength = 4

        @inline(__always) static func isZero(_ op: UInt8) -> Bool { op & 0xc0 == 0 }
        @inline(__always) static func isXZero(_ op: UInt8) -> Bool { op & 0xc0 == 0x40 }
        @inline(__always) static func isVal(_ op: UInt8) -> Bool { op & 0x80 != 0 }
        @inline(__always) static func zeroLength(_ op: UInt8) -> Int { Int(op & 0x3f) + 1 }
        @inline(__always) static func xzeroLength(_ op: UInt8, _ next: UInt8) -> Int { (Int(op & 0x3f) << 8 | Int(next)) + 1 }
        @inline(__always) static func valValue(_ op: UInt8) -> UInt8 { ((op >> 2) & 0x1f) + 1 }
        @inline(__always) static func valLength(_ op: UInt8) -> Int { Int(op & 3) + 1 }
        @inline(__always) static func val(_ value: UInt8, _ length: Int) -> UInt8 {
            (value - 1) << 2 | UInt8(length - 1) | 0x80
        }

        static func appendXZero(_ length: Int, to bytes: inout [UInt8]) {
            bytes.append(UInt8((length - 1) >> 8) | 0x40)
            bytes.append(UInt8(truncatingIfNeeded: length - 1))
        }

        /// The byte at `index`, or 0 past the end: an XZERO cut after its first
        /// byte reads Redis's sds terminator as its second.
        @inline(__always)
        static func byte(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt8 {
            index < raw.count ? raw[index] : 0
        }

        /// Calls `body(first register, run length, value)` for each opcode (value 0
        /// for ZERO and XZERO runs) until it returns false.
        @inline(__always)
        static func forEachRun(_ raw: UnsafeRawBufferPointer, _ body: (Int, Int, UInt8) -> Bool) {
            var p = headerSize, index = 0
            while p < raw.count {
                let op = raw[p]
                let length: Int, value: UInt8
                if isZero(op) {
                    length = zeroLength(op); value = 0; p += 1
                } else if isXZero(op) {
                    length = xzeroLength(op, byte(raw, p + 1)); value = 0; p += 2
                } else {
                    length = valLength(op); value = valValue(op); p += 1
                }
                guard body(index, length, value) else { return }
                index += length
            }
        }

        /// Redis's hllSparseRegHisto; nil unless the runs cover exactly every register.
        static func histogram(_ raw: UnsafeRawBufferPointer) -> [Int]? {
            var histogram = [Int](repeating: 0, count: 64)
            var covered = 0
            forEachRun(raw) { _, length, value in
                histogram[Int(value)] += length
                covered += length
                return true
            }
            return covered == registerCount ? histogram : nil
        }

        /// Redis's hllMerge for a sparse value: `registers[i] = max(registers[i], value)`;
        /// false for a corrupt body (a run past the last register, or not covering all).
        static func merge(_ raw: UnsafeRawBufferPointer, into registers: inout [UInt8]) -> Bool {
            var covered = 0
            forEachRun(raw) { first, length, value in
                // A value run past the last register is corrupt even right after the last one
                // (the installed Redis 7.0.15 carries the CVE-2025-32023 fix, which says so).
                guard value == 0 || first + length <= registerCount else {
                    covered = -1
                    return false
                }
                covered = first + length
                if value > 0 {
                    for index in first..<(first + length) where value > registers[index] { registers[index] = value }
                }
                return true
            }
            return covered == registerCount
        }

        /// Redis's hllSparseToDense: the same header (cached cardinality too)
        /// and registers in the dense encoding; false, leaving `bytes` alone,
        /// for a corrupt body. A dense value is left as it is.
        static func toDense(_ bytes: inout [UInt8]) -> Bool {
            guard bytes[4] == sparse else { return true }
            var denseBytes = [UInt8](repeating: 0, count: denseSize)
            for index in 0..<headerSize { denseBytes[index] = bytes[index] }
            denseBytes[4] = dense
            var covered = 0
            bytes.withUnsafeBytes { raw in
                denseBytes.withUnsafeMutableBytes { out in
                    forEachRun(raw) { first, length, value in
                        guard value == 0 || first + length <= registerCount else {
                            covered = -1
                            return false
                        }
                        covered = first + length
                        if value > 0 {
                            for index in first..<(first + length) { setDenseRegister(out, index, value) }
                        }
                        return true
                    }
                }
            }
            guard covered == registerCount else { return false }
            bytes = denseBytes
            return true
        }
    }
}
