#if canImport(Glibc)
import Glibc
#endif
import RESP
import SwirlBytes

/// How Redis 7.0 prints geo numbers: distances with exactly four decimals
/// (fixedpoint_d2string), coordinates in its "human" long double form
/// (`%.17Lf` without trailing zeros), and `%f` in the range error.
enum GeoReplies {
    /// A distance as a bulk string with four decimals: the value times 10^4
    /// rounded half to even (C's llrint), then printed as an integer with a
    /// dot before its last four digits.
    static func distance(_ c: Client, _ value: Double) {
        c.reply.bulk(distanceText(value))
    }

    static func distanceText(_ value: Double) -> [UInt8] {
        if value == 0 { return Array("0.0000".utf8) }
        let scaled = (value * 10000.0).rounded(.toNearestOrEven)
        // llrint's answer out of range (and for NaN) on x86-64 is LLONG_MIN.
        let fixed = scaled >= -9_223_372_036_854_775_808.0 && scaled < 9_223_372_036_854_775_808.0
            ? Int64(scaled) : Int64.min
        var text: [UInt8] = []
        if fixed < 0 { text.append(UInt8(ascii: "-")) }
        let magnitude = fixed.magnitude
        ByteNumbers.appendDecimal(Int64(magnitude / 10000), to: &text)
        text.append(UInt8(ascii: "."))
        let fraction = magnitude % 10000
        var divisor: UInt64 = 1000
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8((fraction / divisor) % 10))
            divisor /= 10
        }
        return text
    }

    /// A coordinate as Redis's addReplyHumanLongDouble sends it: a bulk
    /// string in RESP2, a RESP3 double otherwise, in the long double form.
    static func coordinate(_ c: Client, _ value: Double) {
        let text = ByteNumbers.formatLongDouble(Float80(value))
        if c.reply.isRESP3 {
            c.reply.raw([UInt8(ascii: ",")])
            c.reply.raw(text)
            c.reply.raw([13, 10])
        } else {
            c.reply.bulk(text)
        }
    }

    /// C's `%f` (six decimals; `inf`, `-inf`), for the range error.
    static func fixed6(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        let length = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%f", $0) }
        let bytes = buffer[0..<Int(max(0, min(length, Int32(buffer.count - 1))))].map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether an argument equals `word` as C's strcasecmp sees it: the
    /// argument ends at its first NUL byte, as a C string does.
    static func isWord(_ argument: Bytes, _ word: StaticString) -> Bool {
        argument.withUnsafeBytes { raw -> Bool in
            let end = raw.firstIndex(of: 0) ?? raw.count
            guard end == word.utf8CodeUnitCount else { return false }
            let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            for index in 0..<end {
                let a = raw[index], b = expected[index]
                let lowerA = a >= 65 && a <= 90 ? a + 32 : a
                let lowerB = b >= 65 && b <= 90 ? b + 32 : b
                if lowerA != lowerB { return false }
            }
            return true
        }
    }
}

extension Client {
    /// The argument at `index` is `word` for Redis's strcasecmp (see GeoReplies.isWord).
    func geoWord(_ index: Int, is word: StaticString) -> Bool { GeoReplies.isWord(args[index], word) }
}
