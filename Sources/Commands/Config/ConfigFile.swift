#if canImport(Glibc)
import Glibc
#endif
import RESP
import SwirlBytes

/// redis.conf syntax: one directive per line, arguments split like inline
/// commands, `#` comments. Command-line `--name value` pairs become lines too.
public enum ConfigFile {
    public struct Failure: Error {
        public let line: Int
        public let text: String
        public let reason: String

        /// Redis's start-up message for a bad configuration.
        public var report: String {
            "\n*** FATAL CONFIG FILE ERROR (Redis \(ServerInfo.redisVersion)) ***\n"
                + "Reading the configuration file, at line \(line)\n>>> '\(text)'\n\(reason)\n"
        }
    }

    /// Applies the text of a configuration to `config`.
    public static func apply(_ text: String, to config: Config) throws(Failure) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let words = InlineSplitter.split(Array(line.utf8)), !words.isEmpty else {
                throw Failure(line: lineNumber, text: line, reason: "Unbalanced quotes in configuration line")
            }
            let name = String(decoding: words[0], as: UTF8.self).lowercased()
            let values = words.dropFirst().map { String(decoding: $0, as: UTF8.self) }
            guard let parameter = Config.parameter(named: name), !values.isEmpty || parameter.name == "save" else {
                throw Failure(line: lineNumber, text: line, reason: "Bad directive or wrong number of arguments")
            }
            let isList = parameter.name == "bind" || parameter.name == "save" || parameter.name == "client-output-buffer-limit"
                || parameter.name == "oom-score-adj-values"
            guard isList || values.count == 1 else {
                throw Failure(line: lineNumber, text: line, reason: "wrong number of arguments")
            }
            if let reason = config.set(parameter.name, values.joined(separator: " ")) {
                throw Failure(line: lineNumber, text: line, reason: reason)
            }
        }
    }

    /// Turns `--port 7000 --save ""` into configuration lines, as redis-server does.
    public static func lines(fromArguments arguments: [String]) -> String {
        var lines: [String] = []
        var current: [String] = []
        for argument in arguments {
            if argument.hasPrefix("--") && argument.count > 2 {
                if !current.isEmpty { lines.append(current.joined(separator: " ")) }
                current = [String(argument.dropFirst(2))]
            } else {
                current.append(quote(argument))
            }
        }
        if !current.isEmpty { lines.append(current.joined(separator: " ")) }
        return lines.joined(separator: "\n")
    }

    /// Quotes a value so `InlineSplitter` gives it back unchanged.
    static func quote(_ value: String) -> String {
        var quoted = "\""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): quoted += "\\\""
            case UInt8(ascii: "\\"): quoted += "\\\\"
            case 0x0a: quoted += "\\n"
            case 0x0d: quoted += "\\r"
            case 0x20...0x7e: quoted.unicodeScalars.append(Unicode.Scalar(byte))
            default: quoted += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
            }
        }
        return quoted + "\""
    }

    /// CONFIG REWRITE: the file's lines with changed directives replaced and
    /// new ones appended; returns a reason on failure.
    public static func rewrite(path: String, config: Config) -> String? {
        let original = (try? readFile(path)) ?? ""
        var seen = Set<String>()
        var output: [String] = []
        for line in original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            let name = trimmed.split(separator: " ").first.map { $0.lowercased() } ?? ""
            if !trimmed.hasPrefix("#"), let parameter = Config.parameter(named: name) {
                if seen.insert(parameter.name).inserted {
                    output.append("\(parameter.name) \(quote(config.displayValue(parameter.name)))")
                }
            } else {
                output.append(line)
            }
        }
        for parameter in Config.parameters where !seen.contains(parameter.name)
            && config.displayValue(parameter.name) != parameter.defaultValue {
            output.append("\(parameter.name) \(quote(config.displayValue(parameter.name)))")
        }
        var text = output.joined(separator: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        guard let file = fopen(path, "w") else { return String(cString: strerror(errno)) }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { return String(cString: strerror(errno)) }
        return nil
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

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
