#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

/// Number parsing and printing with Redis's rules, on bytes (never via `String`).
///
/// Redis is strict where Swift's parsers are lenient: no leading `+`, no spaces,
/// no leading zeros, and overflow is an error rather than a wrap.
public enum ByteNumbers {
    /// Parses a signed 64-bit decimal the way Redis's `string2ll` does:
    /// no `+`, no spaces, no leading zeros, no `-0`, overflow is an error.
    @inlinable
    public static func parseInt64<C: Collection>(_ bytes: C) -> Int64? where C.Element == UInt8 {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parseInt64(UnsafeRawBufferPointer($0)) }) {
            return parsed
        }
        return Array(bytes).withUnsafeBytes { parseInt64($0) }
    }

    /// The rules over raw memory: every other form ends here.
    @inlinable
    public static func parseInt64(_ raw: UnsafeRawBufferPointer) -> Int64? {
        let count = raw.count
        guard count > 0 && count <= 20 else { return nil }
        var index = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < count else { return nil }
        let lead = raw[index]
        if lead == UInt8(ascii: "0") { return (count == 1) ? 0 : nil }  // no leading zeros, no "-0"
        guard lead >= UInt8(ascii: "1") && lead <= UInt8(ascii: "9") else { return nil }
        var value: UInt64 = 0
        while index < count {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            value = sum
            index += 1
        }
        if negative {
            if value > UInt64(Int64.max) + 1 { return nil }
            return value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value)
        }
        return value > UInt64(Int64.max) ? nil : Int64(value)
    }

    @inlinable
    public static func parseInt64(_ bytes: Bytes) -> Int64? {
        bytes.withUnsafeBytes { parseInt64($0) }
    }

    @inlinable
    public static func parseInt<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        parseInt64(bytes).map { Int($0) }
    }

    /// Parses a double the way Redis's `string2d` does: `strtod` over the whole
    /// input, no leading space, `nan` refused, `inf`/`-inf` accepted.
    public static func parseDouble<C: Collection>(_ bytes: C) -> Double? where C.Element == UInt8 {
        // A canonical integer of up to 15 digits is exact as a double: strtod
        // would give the same value (and "-0", not canonical, still goes to strtod).
        if bytes.count <= 15, let integer = parseInt64(bytes) { return Double(integer) }
        guard let text = cString(bytes, maxLength: Int.max) else { return nil }
        return text.withUnsafeBufferPointer { buffer -> Double? in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, UnsafePointer(end) == buffer.baseAddress! + (buffer.count - 1) else { return nil }
            // Like Redis: an underflow to a denormal is fine, to zero or infinity it is not.
            if value.isNaN || (errno == ERANGE && (value.isInfinite || value == 0)) { return nil }
            return value
        }
    }

    /// `parseDouble` for `Bytes`, the common case, without generic iteration
    /// across modules: plain decimal digits (leading zeros and a sign allowed,
    /// at most 15 digits) are exact as a double and read directly, as strtod
    /// would read them (`-0` gives -0.0); anything else goes through strtod.
    public static func parseDouble(_ bytes: Bytes) -> Double? {
        bytes.withUnsafeBytes { raw -> Double? in
            if let plain = plainDigits(raw) { return plain }
            return parseDouble(raw)
        }
    }

    private static func plainDigits(_ raw: UnsafeRawBufferPointer) -> Double? {
        guard !raw.isEmpty, raw.count <= 16 else { return nil }
        var index = 0
        var negative = false
        if raw[0] == UInt8(ascii: "-") || raw[0] == UInt8(ascii: "+") {
            negative = raw[0] == UInt8(ascii: "-")
            index = 1
        }
        let digits = raw.count - index
        guard digits > 0, digits <= 15 else { return nil }
        var value: Int64 = 0
        while index < raw.count {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -Double(value) : Double(value)
    }

    /// Parses a long double the way Redis's `string2ld` does (INCRBYFLOAT, HINCRBYFLOAT).
    public static func parseLongDouble<C: Collection>(_ bytes: C) -> Float80? where C.Element == UInt8 {
        // Redis's string2ld copies into a 5 KB buffer: longer text is refused.
        guard let text = cString(bytes, maxLength: 5 * 1024 - 1) else { return nil }
        return text.withUnsafeBufferPointer { buffer -> Float80? in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let value = strtold(buffer.baseAddress!, &end)
            guard let end, UnsafePointer(end) == buffer.baseAddress! + (buffer.count - 1) else { return nil }
            if value.isNaN || (errno == ERANGE && (value.isInfinite || value == 0)) { return nil }
            return value
        }
    }

    /// A NUL-terminated copy for the C parsers, refusing what Redis refuses before
    /// parsing: empty input, leading whitespace, embedded NUL, and text over `maxLength`.
    private static func cString<C: Collection>(_ bytes: C, maxLength: Int) -> [CChar]? where C.Element == UInt8 {
        guard let first = bytes.first, bytes.count <= maxLength else { return nil }
        if isSpace(first) { return nil }
        var text = [CChar]()
        text.reserveCapacity(bytes.count + 1)
        for byte in bytes {
            if byte == 0 { return nil }
            text.append(CChar(bitPattern: byte))
        }
        text.append(0)
        return text
    }

    @inlinable
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0d)
    }

    /// Appends the decimal form of `value`.
    @inlinable
    public static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while magnitude > 0 {
                scratch[23 - count] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            // Through a rebased buffer: appending the slice itself would copy byte by byte.
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }

    /// The decimal form as a string value (inline: no allocation).
    public static func decimal(_ value: Int64) -> Bytes {
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch: at most 20 are used
        var start = 24
        return withUnsafeMutableBytes(of: &digits) { scratch -> Bytes in
            repeat {
                start -= 1
                scratch[start] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
            return Bytes(copying: UnsafeRawBufferPointer(rebasing: scratch[start...]))
        }
    }

    /// Redis's `%.17g` double form, with `inf`/`-inf` spelled as Redis spells them.
    public static func formatDouble(_ value: Double) -> [UInt8] {
        if value.isInfinite { return value > 0 ? Array("inf".utf8) : Array("-inf".utf8) }
        // Integers below 2^53 print as %.17g prints them, without vsnprintf
        // (sorted-set scores are often whole numbers); -0 keeps its sign below.
        if value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero), value != 0 || value.sign == .plus {
            var text: [UInt8] = []
            text.reserveCapacity(17)
            appendDecimal(Int64(value), to: &text)
            return text
        }
        return printf("%.17g", value, capacity: 32)
    }

    /// Redis's human-friendly long double form (INCRBYFLOAT): `%.17Lf` without
    /// trailing zeros, or the shortest exponent-free form that round-trips.
    public static func formatLongDouble(_ value: Float80) -> [UInt8] {
        if value.isInfinite { return value > 0 ? Array("inf".utf8) : Array("-inf".utf8) }
        var text = printf("%.17Lf", value)
        if text.contains(UInt8(ascii: ".")) {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.last == UInt8(ascii: ".") { text.removeLast() }
        }
        if text == Array("-0".utf8) { text = [UInt8(ascii: "0")] }
        return text
    }

    /// `capacity` holds the longest text the format can give (a %.17g double
    /// fits in 32 bytes; %.17Lf of a huge long double needs about 5 KB).
    private static func printf(_ format: String, _ value: any CVarArg, capacity: Int = 5200) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: capacity)
        let length = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return buffer[0..<Int(min(length, Int32(buffer.count - 1)))].map { UInt8(bitPattern: $0) }
    }
}
