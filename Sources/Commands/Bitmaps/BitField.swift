import RESP
import SwirlBytes

/// One BITFIELD type (`u8`, `i5` …): reading and writing it at a bit offset,
/// and Redis's overflow rules for SET and INCRBY. Values travel as Int64: an
/// unsigned field has at most 63 bits, so its value fits.
struct BitField {
    enum Overflow { case wrap, sat, fail }

    let signed: Bool
    let bits: Int

    /// Redis's getBitfieldTypeFromArgument: `i1`…`i64` or `u1`…`u63`. The width
    /// is read as a C string (up to a NUL), as Redis reads it.
    init?(parsing argument: Bytes) {
        guard let sign = argument.first, sign == UInt8(ascii: "i") || sign == UInt8(ascii: "u") else { return nil }
        let rest = argument.dropFirst()
        let digits = rest.prefix { $0 != 0 }
        guard let width = ByteNumbers.parseInt64(Array(digits)) else { return nil }
        signed = sign == UInt8(ascii: "i")
        guard width >= 1 && width <= (signed ? 64 : 63) else { return nil }
        bits = Int(width)
    }

    /// The field at bit `offset`; bytes past the end read as zeros.
    func read(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) -> Int64 {
        var value: UInt64 = 0
        var position = offset
        for _ in 0..<bits {
            let index = position >> 3
            let byte = index < UInt64(bytes.count) ? bytes[Int(index)] : 0
            value = (value << 1) | UInt64((byte >> (7 - UInt8(position & 7))) & 1)
            position += 1
        }
        // A signed field's top bit is its sign: extend it.
        if signed && bits < 64 && value & (1 << UInt64(bits - 1)) != 0 { value |= ~0 << UInt64(bits) }
        return Int64(bitPattern: value)
    }

    /// Writes the low `bits` bits of `value` at bit `offset` (inside `bytes`).
    func write(_ value: Int64, to bytes: UnsafeMutableRawBufferPointer, at offset: UInt64) {
        let pattern = UInt64(bitPattern: value)
        var position = offset
        for j in 0..<bits {
            let bit = UInt8(truncatingIfNeeded: pattern >> UInt64(bits - 1 - j)) & 1
            let index = Int(position >> 3)
            let shift = 7 - UInt8(position & 7)
            bytes[index] = (bytes[index] & ~(1 << shift)) | (bit << shift)
            position += 1
        }
    }

    /// SET's value as stored: nil when it does not fit and the overflow is FAIL.
    func assign(_ value: Int64, _ overflow: Overflow) -> Int64? {
        resolve(value, 0, overflow, sum: value)
    }

    /// INCRBY's result: nil when it overflows and the overflow is FAIL.
    func increment(_ value: Int64, by delta: Int64, _ overflow: Overflow) -> Int64? {
        resolve(value, delta, overflow, sum: value &+ delta)
    }

    private func resolve(_ value: Int64, _ delta: Int64, _ overflow: Overflow, sum: Int64) -> Int64? {
        let check = signed ? signedOverflow(value, delta) : unsignedOverflow(UInt64(bitPattern: value), delta)
        guard check.direction != 0 else { return sum }
        switch overflow {
        case .wrap: return wrapped(value, delta)
        case .sat: return check.saturated
        case .fail: return nil
        }
    }

    /// Redis's checkUnsignedBitfieldOverflow: 1 above the maximum, -1 below 0,
    /// with the saturated value. Its int64 comparisons are kept (a SET of a
    /// negative value is above the maximum as an unsigned number).
    private func unsignedOverflow(_ value: UInt64, _ delta: Int64) -> (direction: Int, saturated: Int64) {
        let max: UInt64 = (1 << UInt64(bits)) - 1
        let maxDelta = Int64(bitPattern: max &- value)
        let minDelta = Int64(bitPattern: 0 &- value)
        if value > max || (delta > 0 && delta > maxDelta) { return (1, Int64(bitPattern: max)) }
        if delta < 0 && delta < minDelta { return (-1, 0) }
        return (0, 0)
    }

    /// Redis's checkSignedBitfieldOverflow.
    private func signedOverflow(_ value: Int64, _ delta: Int64) -> (direction: Int, saturated: Int64) {
        let max: Int64 = bits == 64 ? Int64.max : (1 << Int64(bits - 1)) - 1
        let min = -max - 1
        // Only used once `value` is known in range, so these cannot mislead (Redis wraps them too).
        let maxDelta = Int64(bitPattern: UInt64(bitPattern: max) &- UInt64(bitPattern: value))
        let minDelta = min &- value
        if value > max || (bits != 64 && delta > maxDelta) || (value >= 0 && delta > 0 && delta > maxDelta) {
            return (1, max)
        }
        if value < min || (bits != 64 && delta < minDelta) || (value < 0 && delta < 0 && delta < minDelta) {
            return (-1, min)
        }
        return (0, 0)
    }

    /// WRAP: the sum modulo 2^bits, sign-extended for a signed field.
    private func wrapped(_ value: Int64, _ delta: Int64) -> Int64 {
        var sum = UInt64(bitPattern: value) &+ UInt64(bitPattern: delta)
        if bits < 64 {
            let high: UInt64 = ~0 << UInt64(bits)
            if signed && sum & (1 << UInt64(bits - 1)) != 0 { sum |= high } else { sum &= ~high }
        }
        return Int64(bitPattern: sum)
    }
}
