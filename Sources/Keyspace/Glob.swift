import SwirlBytes

/// Redis's glob matching (KEYS, SCAN MATCH, CONFIG GET, pub/sub patterns):
/// `*`, `?`, `[abc]`, `[^a-z]`, and `\` escapes, on bytes.
public enum Glob {
    public static func matches(_ pattern: Bytes, _ string: Bytes, caseInsensitive: Bool = false) -> Bool {
        matches(pattern.array, string.array, caseInsensitive: caseInsensitive)
    }

    public static func matches(_ pattern: [UInt8], _ string: [UInt8], caseInsensitive: Bool = false) -> Bool {
        var budget = 1_000_000  // bounds pathological patterns such as many stars
        return match(pattern[...], string[...], caseInsensitive, &budget)
    }

    private static func lower(_ c: UInt8) -> UInt8 {
        (c >= 0x41 && c <= 0x5a) ? c + 32 : c
    }

    private static func match(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>, _ nocase: Bool,
                              _ budget: inout Int) -> Bool {
        var p = p, s = s
        budget -= 1
        if budget < 0 { return false }
        while !s.isEmpty, let c = p.first {  // an empty string matches only an empty pattern, as in Redis
            switch c {
            case UInt8(ascii: "*"):
                while p.count > 1 && p[p.startIndex + 1] == UInt8(ascii: "*") { p = p.dropFirst() }
                if p.count == 1 { return true }
                while true {
                    if match(p.dropFirst(), s, nocase, &budget) { return true }
                    if s.isEmpty || budget < 0 { return false }
                    s = s.dropFirst()
                }
            case UInt8(ascii: "?"):
                guard !s.isEmpty else { return false }
                s = s.dropFirst()
            case UInt8(ascii: "["):
                guard let sc = s.first else { return false }
                p = p.dropFirst()
                let negate = p.first == UInt8(ascii: "^")
                if negate { p = p.dropFirst() }
                var matched = false
                while true {
                    guard let pc = p.first else { break }  // unterminated class: Redis treats the end as ']'
                    if pc == UInt8(ascii: "\\") && p.count >= 2 {
                        p = p.dropFirst()
                        if p.first! == sc { matched = true }
                    } else if pc == UInt8(ascii: "]") {
                        break
                    } else if p.count >= 3 && p[p.startIndex + 1] == UInt8(ascii: "-") {
                        var start = pc, end = p[p.startIndex + 2]
                        if start > end { swap(&start, &end) }
                        let x = nocase ? lower(sc) : sc
                        let (a, b) = nocase ? (lower(start), lower(end)) : (start, end)
                        if x >= a && x <= b { matched = true }
                        p = p.dropFirst(2)
                    } else {
                        if nocase ? lower(pc) == lower(sc) : pc == sc { matched = true }
                    }
                    p = p.dropFirst()
                }
                if negate { matched.toggle() }
                guard matched else { return false }
                s = s.dropFirst()
                if p.isEmpty { return s.isEmpty }  // class ran to the pattern's end
            case UInt8(ascii: "\\") where p.count >= 2:
                p = p.dropFirst()
                guard let sc = s.first, nocase ? lower(sc) == lower(p.first!) : sc == p.first! else { return false }
                s = s.dropFirst()
            default:
                guard let sc = s.first, nocase ? lower(sc) == lower(c) : sc == c else { return false }
                s = s.dropFirst()
            }
            p = p.dropFirst()
            if s.isEmpty {
                while p.first == UInt8(ascii: "*") { p = p.dropFirst() }
                break
            }
        }
        return p.isEmpty && s.isEmpty
    }
}
