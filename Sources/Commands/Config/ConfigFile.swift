#if canImport(Glibc)
import Glibc
#endif
import RESP
import SwirlBytes

/// redis.conf syntax, read as Redis 7.0's loadServerConfigFromString: one
/// directive per line, arguments split like inline commands, `#` comments,
/// `include` (with globs) and `rename-command`. Command-line `--name value`
/// pairs become lines too.
public enum ConfigFile {
    public struct Failure: Error {
        public let line: Int
        public let text: String
        public let reason: String

        /// Redis's start-up message for a bad configuration.
        /// `line` -1: found once the whole file was read (no line is shown).
        public var report: String {
            "\n*** FATAL CONFIG FILE ERROR (Redis \(ServerInfo.redisVersion)) ***\n"
                + (line > 0 ? "Reading the configuration file, at line \(line)\n>>> '\(text)'\n" : "") + "\(reason)\n"
        }
    }

    /// Directives Redis 7.0 still reads and ignores (with their argument counts).
    static let deprecated: [String: ClosedRange<Int>] = [
        "list-max-ziplist-entries": 2...2, "list-max-ziplist-value": 2...2, "lua-replicate-commands": 2...2,
    ]

    /// Applies the text of a configuration to `config`. `changeDirectory`:
    /// `dir` moves the working directory at once, as Redis's does while it
    /// reads (so a later relative `include` is found there); the server's
    /// start-up sets it, a test leaves it off.
    public static func apply(_ text: String, to config: Config, changeDirectory: Bool = false) throws(Failure) {
        try apply(text, to: config, changeDirectory: changeDirectory, depth: 0)
    }

    /// How deep `include`s may nest: a file that includes itself would
    /// otherwise recurse until the stack runs out (Redis's does).
    static let maxIncludeDepth = 32

    private static func apply(_ text: String, to config: Config, changeDirectory: Bool, depth: Int) throws(Failure) {
        var lineNumber = 0
        // Split on the bytes: "\r\n" is one Character to Swift, so a CRLF file would stay one line.
        for rawLine in text.utf8.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func failure(_ reason: String) -> Failure { Failure(line: lineNumber, text: line, reason: reason) }
            guard let split = InlineSplitter.split(Array(line.utf8)) else {
                throw failure("Unbalanced quotes in configuration line")
            }
            if split.isEmpty { continue }
            let words = split.map { String(decoding: $0, as: UTF8.self) }
            let name = words[0].lowercased()
            let arguments = Array(words.dropFirst())
            if let parameter = Config.parameter(named: name) {
                if let reason = set(parameter, arguments, in: config, changeDirectory: changeDirectory) { throw failure(reason) }
                continue
            }
            if let counts = deprecated[name], counts.contains(words.count) { continue }
            switch (name, words.count) {
            case ("include", 2):
                guard depth < maxIncludeDepth else { throw failure("Too many nested includes (does a file include itself?)") }
                try include(arguments[0], into: config, changeDirectory: changeDirectory, depth: depth + 1)
            case ("rename-command", 3):
                if let reason = rename(arguments[0], to: arguments[1], in: config) { throw failure(reason) }
            default:
                throw failure("Bad directive or wrong number of arguments")
            }
        }
        if let reason = sanityCheck(config) { throw Failure(line: -1, text: "", reason: reason) }
    }

    /// One parameter line. A one-word parameter takes exactly one argument; a
    /// several-word one given a single non-empty argument splits it (so
    /// `--save "900 1"` works).
    private static func set(_ parameter: Config.Parameter, _ arguments: [String], in config: Config,
                            changeDirectory: Bool) -> String? {
        var words = arguments
        if !parameter.kind.takesSeveralWords {
            guard arguments.count == 1 else { return "wrong number of arguments" }
        } else if arguments.count == 1 && !arguments[0].isEmpty {
            guard let split = InlineSplitter.split(Array(arguments[0].utf8)) else { return "Unbalanced quotes in configuration line" }
            words = split.map { String(decoding: $0, as: UTF8.self) }
        }
        if case .directory = parameter.kind, changeDirectory, chdir(words[0]) != 0 {
            return String(cString: strerror(errno))
        }
        return config.set(parameter, words: words, fromFile: true)
    }

    /// `include <path>`: the file's lines, read where the directive is. A
    /// pattern (`*`, `?`, `[`) includes every file it matches, in order, and
    /// none when nothing matches (an empty conf.d); a plain path must exist.
    private static func include(_ path: String, into config: Config, changeDirectory: Bool, depth: Int) throws(Failure) {
        var paths = [path]
        if path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
            paths = matches(of: path)
        }
        for file in paths {
            try apply(readFile(file), to: config, changeDirectory: changeDirectory, depth: depth)
        }
    }

    /// The files a glob pattern names, sorted (glob(3)).
    static func matches(of pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// `rename-command <name> <new-name>`, or `""` to remove the command: checked
    /// against the commands as earlier renames left them, as Redis's table is.
    private static func rename(_ name: String, to newName: String, in config: Config) -> String? {
        var names = Set(CommandFamilies.all().map { $0.name.lowercased() })
        for (from, to) in config.commandRenames {
            names.remove(from.lowercased())
            if !to.isEmpty { names.insert(to.lowercased()) }
        }
        guard names.contains(name.lowercased()) else { return "No such command in rename-command" }
        names.remove(name.lowercased())
        if !newName.isEmpty && names.contains(newName.lowercased()) { return "Target command name already exists" }
        config.commandRenames.append((name, newName))
        return nil
    }

    /// Redis's checks once the whole configuration is read.
    private static func sanityCheck(_ config: Config) -> String? {
        if config["cluster-enabled"] == "yes" && !(config["replicaof"] ?? "").isEmpty {
            return "replicaof directive not allowed in cluster mode"
        }
        return nil
    }

    /// Turns `--port 7000 --save ""` into configuration lines, as redis-server does.
    public static func lines(fromArguments arguments: [String]) -> String {
        var lines: [String] = []
        var current: [String] = []
        for argument in arguments {
            if argument.hasPrefix("--") && argument.count > 2 {
                // As redis-server: `--save` right before another option is `save ""`.
                if current.count == 1 && current[0].lowercased() == "save" { current.append("\"\"") }
                if !current.isEmpty { lines.append(current.joined(separator: " ")) }
                current = [String(argument.dropFirst(2))]
            } else {
                current.append(quote(argument))
            }
        }
        if !current.isEmpty { lines.append(current.joined(separator: " ")) }
        return lines.joined(separator: "\n")
    }

    /// Quotes a value as Redis's sdscatrepr does, so `InlineSplitter` gives it back unchanged.
    static func quote(_ value: String) -> String {
        var quoted = "\""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): quoted += "\\\""
            case UInt8(ascii: "\\"): quoted += "\\\\"
            case 0x0a: quoted += "\\n"
            case 0x0d: quoted += "\\r"
            case 0x09: quoted += "\\t"
            case 0x07: quoted += "\\a"
            case 0x08: quoted += "\\b"
            case 0x20...0x7e: quoted.unicodeScalars.append(Unicode.Scalar(byte))
            default: quoted += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
            }
        }
        return quoted + "\""
    }

    public static func readFile(_ path: String) throws(Failure) -> String {
        guard let file = fopen(path, "r") else {
            throw Failure(line: 0, text: path, reason: "Fatal error, can't open config file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ConfigFile {
    /// A line without the spaces, tabs and line ends around it (Redis's sdstrim).
    static func trimmed(_ line: Substring.UTF8View) -> String {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a }
        var slice = line[...]
        while let first = slice.first, isBlank(first) { slice = slice.dropFirst() }
        while let last = slice.last, isBlank(last) { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
