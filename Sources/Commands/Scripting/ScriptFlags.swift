import SwirlBytes

/// What a script declares in its `#!lua flags=…` line (Redis's scripts_flags_def).
/// A script without a shebang runs in compatibility mode: it may write, and
/// what it runs is checked command by command.
struct ScriptFlags: OptionSet {
    let rawValue: UInt8
    static let noWrites = ScriptFlags(rawValue: 1 << 0)
    static let allowOOM = ScriptFlags(rawValue: 1 << 1)
    static let allowStale = ScriptFlags(rawValue: 1 << 2)
    static let noCluster = ScriptFlags(rawValue: 1 << 3)
    static let allowCrossSlot = ScriptFlags(rawValue: 1 << 4)
    /// No shebang: Redis's SCRIPT_FLAG_EVAL_COMPAT_MODE.
    static let compatibility = ScriptFlags(rawValue: 1 << 7)

    static let names: [(String, ScriptFlags)] = [
        ("no-writes", .noWrites), ("allow-oom", .allowOOM), ("allow-stale", .allowStale),
        ("no-cluster", .noCluster), ("allow-cross-slot-keys", .allowCrossSlot),
    ]

    /// The flags of `body` and the length of its shebang line (without its
    /// newline, which stays so line numbers do not move), or Redis's error text.
    static func parse(_ body: Bytes) -> Result<(flags: ScriptFlags, shebangLength: Int), ShebangError> {
        let bytes = body.array
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "#"), bytes[1] == UInt8(ascii: "!") else {
            return .success((.compatibility, 0))
        }
        // Redis looks for the newline with strchr: a NUL ends the search.
        guard let end = bytes.firstIndex(where: { $0 == 0x0a || $0 == 0 }), bytes[end] == 0x0a else {
            return .failure(ShebangError("ERR Invalid script shebang"))
        }
        guard let parts = ArgumentSplitter.split(Array(bytes[..<end])), !parts.isEmpty else {
            return .failure(ShebangError("ERR Invalid engine in script shebang"))
        }
        guard parts[0] == Array("#!lua".utf8) else {
            return .failure(ShebangError("ERR Unexpected engine in script shebang: " + text(parts[0])))
        }
        var flags: ScriptFlags = []
        for part in parts.dropFirst() {
            guard part.starts(with: Array("flags=".utf8)) else {
                return .failure(ShebangError("ERR Unknown lua shebang option: " + text(part)))
            }
            let list = Array(part.dropFirst(6))
            // sdssplitlen of an empty string gives no flag at all.
            guard !list.isEmpty else { continue }
            for name in list.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                guard let flag = names.first(where: { Array($0.0.utf8) == Array(name) }) else {
                    return .failure(ShebangError("ERR Unexpected flag in script shebang: " + text(Array(name))))
                }
                flags.insert(flag.1)
            }
        }
        return .success((flags, end))
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

struct ShebangError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Redis's sdssplitargs, which splits the shebang line: words separated by
/// spaces, "double quotes" with escapes, 'single quotes'; nil when a quote is
/// not closed or a closing quote is followed by a non-space.
enum ArgumentSplitter {
    static func split(_ line: [UInt8]) -> [[UInt8]]? {
        var words: [[UInt8]] = []
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0d).contains(byte) }
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while true {
            while index < line.count && isSpace(line[index]) { index += 1 }
            guard index < line.count else { return words }
            var word: [UInt8] = []
            var inDouble = false, inSingle = false
            while index < line.count || inDouble || inSingle {
                guard index < line.count else { return nil }  // unterminated quotes
                let byte = line[index]
                if inDouble {
                    if byte == UInt8(ascii: "\\") && index + 3 < line.count && line[index + 1] == UInt8(ascii: "x"),
                       let high = hex(line[index + 2]), let low = hex(line[index + 3]) {
                        word.append(high << 4 | low)
                        index += 3
                    } else if byte == UInt8(ascii: "\\") && index + 1 < line.count {
                        index += 1
                        let escaped: [UInt8: UInt8] = [UInt8(ascii: "n"): 0x0a, UInt8(ascii: "r"): 0x0d,
                                                       UInt8(ascii: "t"): 0x09, UInt8(ascii: "b"): 0x08, UInt8(ascii: "a"): 0x07]
                        word.append(escaped[line[index]] ?? line[index])
                    } else if byte == UInt8(ascii: "\"") {
                        if index + 1 < line.count && !isSpace(line[index + 1]) { return nil }
                        inDouble = false
                        index += 1
                        break
                    } else {
                        word.append(byte)
                    }
                } else if inSingle {
                    if byte == UInt8(ascii: "\\") && index + 1 < line.count && line[index + 1] == UInt8(ascii: "'") {
                        index += 1
                        word.append(UInt8(ascii: "'"))
                    } else if byte == UInt8(ascii: "'") {
                        if index + 1 < line.count && !isSpace(line[index + 1]) { return nil }
                        inSingle = false
                        index += 1
                        break
                    } else {
                        word.append(byte)
                    }
                } else {
                    if isSpace(byte) { break }
                    if byte == UInt8(ascii: "\"") { inDouble = true } else if byte == UInt8(ascii: "'") { inSingle = true } else { word.append(byte) }
                }
                index += 1
            }
            words.append(word)
        }
    }
}
