/// Splits an inline command line into arguments with the quoting rules of
/// Redis's `sdssplitargs`: "double quotes" with `\xHH` and `\n`-style escapes,
/// 'single quotes' with `\'`, and a closing quote that must end the argument.
public enum InlineSplitter {
    public static func split<C: Collection>(_ line: C) -> [[UInt8]]? where C.Element == UInt8 {
        let bytes = Array(line)
        var args: [[UInt8]] = []
        var i = 0
        let n = bytes.count
        while true {
            while i < n && isSpace(bytes[i]) { i += 1 }
            if i >= n { return args }
            var current: [UInt8] = []
            var inDouble = false, inSingle = false, done = false
            while !done {
                if inDouble {
                    guard i < n else { return nil }
                    let c = bytes[i]
                    if c == UInt8(ascii: "\\") && i + 3 < n && bytes[i + 1] == UInt8(ascii: "x"),
                       let hi = hexValue(bytes[i + 2]), let lo = hexValue(bytes[i + 3]) {
                        current.append(hi << 4 | lo)
                        i += 3
                    } else if c == UInt8(ascii: "\\") && i + 1 < n {
                        i += 1
                        current.append(unescape(bytes[i]))
                    } else if c == UInt8(ascii: "\"") {
                        if i + 1 < n && !isSpace(bytes[i + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else if inSingle {
                    guard i < n else { return nil }
                    let c = bytes[i]
                    if c == UInt8(ascii: "\\") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "'") {
                        i += 1
                        current.append(UInt8(ascii: "'"))
                    } else if c == UInt8(ascii: "'") {
                        if i + 1 < n && !isSpace(bytes[i + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else {
                    if i >= n { break }
                    switch bytes[i] {
                    case 0x20, 0x0a, 0x0d, 0x09, 0x00: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: current.append(bytes[i])
                    }
                }
                if i < n { i += 1 }
            }
            args.append(current)
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func unescape(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "n"): return 0x0a
        case UInt8(ascii: "r"): return 0x0d
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "a"): return 0x07
        default: return c
        }
    }
}
