/// Turning argument bytes into text for error messages and logs. In the bottom
/// module because the engine and Persistence (AOF load errors) both need it.
public enum Text {
    /// At most `limit` bytes of `bytes`, cut at a NUL as C's `%s` would, decoded leniently.
    public static func truncated<C: Collection>(_ bytes: C, _ limit: Int) -> String where C.Element == UInt8 {
        var slice = bytes.prefix(max(0, limit))
        if let nul = slice.firstIndex(of: 0) { slice = slice[..<nul] }
        return String(decoding: slice, as: UTF8.self)
    }

    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { String(decoding: Array(bytes), as: UTF8.self) }

    public static func equalsIgnoringCase(_ bytes: Bytes, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            for i in 0..<bytes.count {
                let b = bytes[i]
                let lower = b >= 0x41 && b <= 0x5a ? b | 0x20 : b
                let e = expected[i]
                let expectedLower = e >= 0x41 && e <= 0x5a ? e | 0x20 : e
                if lower != expectedLower { return false }
            }
            return true
        }
    }

    public static func lowercased<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
