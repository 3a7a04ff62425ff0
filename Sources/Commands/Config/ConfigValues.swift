#if canImport(Glibc)
import Glibc
#endif
import RESP
import SwirlBytes

/// Reading a parameter's words into the form CONFIG GET shows, with Redis
/// 7.0's checks and error texts for each kind (config.c's set functions).
extension Config {
    /// The shown form of `words` for a parameter, or Redis's reason for refusing them.
    /// `current` is the value now (client-output-buffer-limit merges into it).
    static func parse(_ words: [String], for parameter: Parameter, current: String) -> Result<String, ConfigError> {
        // A one-word parameter reads `words[0]` below: its callers give exactly one.
        if !parameter.kind.takesSeveralWords && words.count != 1 { return .failure(ConfigError("wrong number of arguments")) }
        switch parameter.kind {
        case .bool:
            switch words[0].lowercased() {
            case "yes" where parameter.name == "activedefrag":
                // Redis's words when it is built without its own jemalloc (as Debian's is).
                return .failure(ConfigError("Active defragmentation cannot be enabled: it requires a Redis server compiled "
                                            + "with a modified Jemalloc like the one shipped by default with the Redis source distribution"))
            case "yes": return .success("yes")
            case "no": return .success("no")
            default: return .failure(ConfigError("argument must be 'yes' or 'no'"))
            }
        case .integer(let range):
            guard let number = ByteNumbers.parseInt64(Array(words[0].utf8)) else {
                return .failure(ConfigError("argument couldn't be parsed into an integer"))
            }
            return bounded(number, range)
        case .octal(let range):
            // strtoll in base 8, the whole text read; bounds compared unsigned and printed in octal.
            guard let number = strtoll(words[0], radix: 8, overflowFails: true) else {
                return .failure(ConfigError("argument couldn't be parsed as an octal number"))
            }
            guard number >= 0, range.contains(number) else {
                return .failure(ConfigError("argument must be between \(String(range.lowerBound, radix: 8)) and "
                                            + "\(String(range.upperBound, radix: 8)) inclusive"))
            }
            return .success(String(number, radix: 8))
        case .oomScoreAdjValues:
            guard words.count == 3 else { return .failure(ConfigError("wrong number of arguments")) }
            let values = words.map { strtoll($0) }
            guard values.allSatisfy({ $0.map { (-2000...2000).contains($0) } ?? false }) else {
                return .failure(ConfigError("Invalid oom-score-adj-values, elements must be between -2000 and 2000."))
            }
            return .success(values.map { String($0!) }.joined(separator: " "))
        case .memory(let range):
            guard let bytes = memtoull(words[0]) else { return .failure(ConfigError("argument must be a memory value")) }
            // Redis stores the unsigned result in a long long: past 2^63 it is negative, so out of range.
            return bounded(Int64(bitPattern: bytes), range)
        case .unsignedMemory:
            guard let bytes = memtoull(words[0]) else { return .failure(ConfigError("argument must be a memory value")) }
            return .success(String(bytes))
        case .memoryOrPercent:
            return memoryOrPercent(words[0])
        case .choice(let options):
            let lowered = words.count == 1 ? words[0].lowercased() : ""
            guard words.count == 1, options.contains(lowered) else { return .failure(oneOfError(options)) }
            // Two names of one value show as the first (Redis's configEnumGetName).
            return .success(synonyms[parameter.name]?[lowered] ?? lowered)
        case .flags(let options):
            return flags(words, options)
        case .string, .optionalString, .directory:
            guard words.count == 1 else { return .failure(ConfigError("wrong number of arguments")) }
            if let reason = invalidText(words[0], for: parameter.name) { return .failure(ConfigError(reason)) }
            return .success(words[0])
        case .save:
            return SaveParameters.parse(words).map { $0.description }
        case .outputBufferLimits:
            switch OutputBufferLimits.parse(words) {
            case .failure(let error): return .failure(error)
            case .success(let classes): return .success(OutputBufferLimits.merge(current, classes))
            }
        case .percentiles:
            return percentiles(words)
        case .keyspaceEvents:
            guard words.count == 1 else { return .failure(ConfigError("wrong number of arguments")) }
            guard let classes = NotifyClasses(parsing: words[0]) else { return .failure(ConfigError(NotifyClasses.invalidCharacter)) }
            return .success(classes.description)
        case .bind:
            guard words.count <= 16 else { return .failure(ConfigError("Too many bind addresses specified.")) }
            return .success(words == [""] ? "" : words.joined(separator: " "))
        case .replicaOf:
            guard words.count == 2 else { return .failure(ConfigError("wrong number of arguments")) }
            if words[0].lowercased() == "no" && words[1].lowercased() == "one" { return .success("") }
            guard let port = strtoll(words[1]), (0...65535).contains(port) else {
                return .failure(ConfigError("Invalid master port"))
            }
            return .success("\(words[0]) \(port)")
        }
    }

    /// Enum names Redis keeps as the same value, shown under the first.
    static let synonyms: [String: [String: String]] = ["oom-score-adj": ["relative": "yes"]]

    private static func bounded(_ number: Int64, _ range: ClosedRange<Int64>) -> Result<String, ConfigError> {
        guard range.contains(number) else {
            return .failure(ConfigError("argument must be between \(range.lowerBound) and \(range.upperBound) inclusive"))
        }
        return .success(String(number))
    }

    static func oneOfError(_ options: [String]) -> ConfigError {
        ConfigError("argument(s) must be one of the following: \(options.joined(separator: ", "))")
    }

    /// `maxmemory-clients`: a memory value first, then `<n>%` (Redis keeps a
    /// percentage as a negative number, so a byte count past 2^63 reads as one too).
    private static func memoryOrPercent(_ word: String) -> Result<String, ConfigError> {
        var value: Int64
        if let bytes = memtoull(word) {
            value = Int64(bitPattern: bytes)
        } else if word.utf8.count > 1, word.hasSuffix("%"),
                  let percent = ByteNumbers.parseInt64(Array(word.utf8.dropLast())), percent >= 0 {
            value = -percent
        } else {
            return .failure(ConfigError("argument must be a memory or percent value"))
        }
        if value < 0 {
            guard value >= -100 else { return .failure(ConfigError("percentage argument must be less or equal to 100")) }
            return .success("\(-value)%")
        }
        return .success(String(value))
    }

    /// Bit-flag words (`shutdown-on-sigint save now`), shown as Redis's configEnumGetName does.
    private static func flags(_ words: [String], _ options: [String]) -> Result<String, ConfigError> {
        // Each word's bit: the first option is 0 (`default`), then 1, 2, 4, 8.
        func bit(_ index: Int) -> Int { index == 0 ? 0 : 1 << (index - 1) }
        var value = 0
        for word in words {
            guard let index = options.firstIndex(of: word.lowercased()) else { return .failure(oneOfError(options)) }
            value |= bit(index)
        }
        guard !words.isEmpty else { return .failure(oneOfError(options)) }
        if value & 1 != 0 && value & 2 != 0 {
            return .failure(ConfigError("shutdown options SAVE and NOSAVE can't be used simultaneously"))
        }
        if let exact = options.indices.first(where: { bit($0) == value }) { return .success(options[exact]) }
        return .success(options.indices.filter { $0 > 0 && value & bit($0) != 0 }.map { options[$0] }.joined(separator: " "))
    }

    /// Redis's checks of text parameters (isValidDBfilename and friends).
    private static func invalidText(_ text: String, for name: String) -> String? {
        let isBaseName = !text.contains("/") && !text.contains("\\")
        switch name {
        case "dbfilename":
            return isBaseName ? nil : "dbfilename can't be a path, just a filename"
        case "appendfilename":
            return text.isEmpty ? "appendfilename can't be empty" : isBaseName ? nil : "appendfilename can't be a path, just a filename"
        case "appenddirname":
            return text.isEmpty ? "appenddirname can't be empty" : isBaseName ? nil : "appenddirname can't be a path, just a dirname"
        case "cluster-announce-hostname":
            if text.utf8.count >= 256 { return "Hostnames must be less than 256 characters" }
            let allowed = text.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
            return allowed ? nil : "Hostnames may only contain alphanumeric characters, hyphens or dots"
        default:
            return nil
        }
    }

    /// `latency-tracking-info-percentiles`: each word a double from 0 to 100,
    /// shown as `%f` with the trailing zeros cut, as Redis.
    private static func percentiles(_ words: [String]) -> Result<String, ConfigError> {
        if words == [""] { return .success("") }
        var shown: [String] = []
        for word in words {
            guard let value = ByteNumbers.parseDouble(Array(word.utf8)) else {
                return .failure(ConfigError("Invalid latency-tracking-info-percentiles parameters"))
            }
            guard (0...100).contains(value) else {
                return .failure(ConfigError("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"))
            }
            shown.append(trimmedDouble(value))
        }
        return .success(shown.joined(separator: " "))
    }

    /// `%f` without trailing zeros (Redis's trimDoubleString).
    static func trimmedDouble(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%f", $0) }
        var text = String(cBuffer: buffer)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Redis's memtoull: digits then an optional unit (`b`, `k`, `kb`, `m`,
    /// `mb`, `g`, `gb`, any case). Like Redis, the digits saturate at 2^64-1
    /// and the unit's product wraps; no sign is allowed, and no digits read as 0.
    static func memtoull(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        let digitCount = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        let unit = String(decoding: bytes[digitCount...], as: UTF8.self).lowercased()
        let multipliers: [String: UInt64] = ["": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1_000_000, "mb": 1 << 20,
                                             "g": 1_000_000_000, "gb": 1 << 30]
        guard let multiplier = multipliers[unit], digitCount < 128 else { return nil }
        var value: UInt64 = 0
        for digit in bytes[..<digitCount] {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            if overflow || carry { value = .max; break }
            value = sum
        }
        return value &* multiplier
    }

    /// C's strtoll (base 10 or 8) where Redis reads a number with it and checks only that
    /// nothing follows: leading spaces and a sign allowed, saturating on
    /// overflow, an empty text reads as 0; nil when anything follows the digits.
    /// `overflowFails`: where Redis also checks errno (ERANGE), an overflow is no number.
    static func strtoll(_ text: String, radix: Int = 10, overflowFails: Bool = false) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count, bytes[index] == 0x20 || (0x09...0x0d).contains(bytes[index]) { index += 1 }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let digitsStart = index
        var magnitude: UInt64 = 0
        var saturated = false
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] < UInt8(ascii: "0") + UInt8(radix) {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, carry) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            if overflow || carry { saturated = true } else { magnitude = sum }
            index += 1
        }
        // No digits: strtoll reads nothing and points at the start, so only an empty text passes.
        if index == digitsStart { return bytes.isEmpty ? 0 : nil }
        guard index == bytes.count else { return nil }
        if overflowFails && (saturated || magnitude > UInt64(Int64.max) + (negative ? 1 : 0)) { return nil }
        if negative {
            return saturated || magnitude > UInt64(Int64.max) + 1 ? .min : Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        return saturated || magnitude > UInt64(Int64.max) ? .max : Int64(magnitude)
    }
}

/// A reason a configuration value is refused.
struct ConfigError: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
