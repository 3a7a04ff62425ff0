import Commands
import SwirlBytes

/// The libFuzzer dictionary (`-dict=`), generated from the command table so a
/// new command or option is fuzzed without anyone editing a word list: every
/// command and subcommand name, every token of every command's syntax, the
/// configuration parameters, and the numbers where arithmetic goes wrong.
public enum FuzzDictionary {
    /// Boundary numbers: zero and one, the edges of 32- and 64-bit integers
    /// (signed and not, and one past each), sizes near the 1 MB bulk limit
    /// the session sets, doubles Redis treats specially.
    static let numbers = [
        "0", "1", "-1", "2", "-2", "3", "10", "100", "-100", "1000", "65535", "65536",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9223372036854775", "9223372036854776", "-9223372036854775", "4611686018427387903", "4611686018427387904",
        "-4611686018427387904", "18446744073709551615", "18446744073709551616", "99999999999999999999",
        "1048576", "1048575", "1048577", "536870912", "536870911", "16777216",
        "0.001", "0.5", "-0.5", "1.5", "1e308", "-1e308", "1e-320", "5e-324", "inf", "-inf", "+inf", "nan",
        "1e400", "0x10", "(1", "(inf", "[a", "(a", "-", "+", "01", "-0",
    ]

    /// Framing pieces: RESP headers with boundary lengths, and the session's markers.
    static let framing = [
        "\r\n", "*1\r\n", "*2\r\n", "*3\r\n", "*4\r\n", "$0\r\n\r\n", "$1\r\n", "$-1\r\n", "*-1\r\n", "*0\r\n",
        "$2147483648\r\n", "*2147483648\r\n", "$9223372036854775807\r\n", "*9223372036854775807\r\n",
        "$1048576\r\n", "$1048577\r\n", "\u{FE}0", "\u{FE}1", "\u{FE}2", "\u{FE}3", "\u{FE}c", "\u{FE}x",
    ]

    /// Lua for EVAL: the redis.* API, the conversions, the sandbox's edges, a loop the busy bound stops.
    static let lua = [
        "return redis.call('set', KEYS[1], ARGV[1])", "return redis.pcall('incr', KEYS[1])", "redis.call(",
        "redis.pcall(", "redis.setresp(3)", "redis.set_repl(redis.REPL_NONE)", "return {err='x'}", "return {ok='x'}",
        "return {double=1.5}", "return {map={a=1}}", "return {set={a=true}}", "return {1,2,nil,3}",
        "while true do end", "local t = {} for i=1,1000 do t = {t} end return t", "#!lua flags=no-writes\n",
        "return cjson.decode(ARGV[1])", "return redis.sha1hex(ARGV[1])", "x = 1", "error({})", "return KEYS",
        "e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
    ]

    /// The words, each once, in a stable order.
    public static func words(_ engine: Engine) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        var words: [[UInt8]] = []
        func add(_ word: [UInt8]) {
            // libFuzzer refuses an empty entry (MIGRATE's `""` key is one token): the whole file then fails.
            if !word.isEmpty && seen.insert(word).inserted { words.append(word) }
        }
        lua.forEach { add(Array($0.utf8)) }
        for spec in engine.table.all {
            add(Array(spec.name.utf8))
            tokens(of: spec.arguments).forEach { add(Array($0.utf8)) }
        }
        for parameter in Config.parameters { add(Array(parameter.name.utf8)) }
        // BITFIELD types and offsets, and an HLL's magic (a value that passes the header check).
        for word in ["string", "list", "set", "zset", "hash", "yes", "no", "local", "*", "a*", "[", "\\",
                     "u1", "u8", "u63", "i1", "i8", "i64", "#1", "#0", "HYLL\u{01}"] {
            add(Array(word.utf8))
        }
        numbers.forEach { add(Array($0.utf8)) }
        // The framing strings hold 0xFE as a raw byte, not its UTF-8 form.
        framing.forEach { add($0.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }) }
        return words
    }

    /// Every token (`NX`, `WITHSCORES`, `LIMIT` …) in an argument tree.
    static func tokens(of arguments: [ArgumentDoc]) -> [String] {
        arguments.flatMap { argument -> [String] in
            var found = argument.token.map { [$0] } ?? []
            found += tokens(of: argument.arguments)
            return found
        }
    }

    /// The dictionary file: one `"word"` a line, bytes outside printable ASCII escaped.
    public static func text(_ engine: Engine) -> String {
        words(engine).map { word -> String in
            var line = "\""
            for byte in word {
                if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    line.append(Character(Unicode.Scalar(byte)))
                } else {
                    let hex = String(byte, radix: 16)
                    line += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                }
            }
            return line + "\""
        }.joined(separator: "\n") + "\n"
    }
}
