/// `client-output-buffer-limit`: per client class, the hard limit, the soft
/// limit and how long the soft one may be exceeded, as Redis defines them.
///
/// The parameter is kept in `Config` as its CONFIG GET text (all three
/// classes); CONFIG SET may name only some classes, which are merged into it.
public struct OutputBufferLimit: Equatable, Sendable {
    /// Bytes; 0 means no limit.
    public var hard: Int64
    public var soft: Int64
    public var softSeconds: Int64

    public static let none = OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0)

    /// Whether a client with `used` pending output bytes must be closed now.
    /// `softSince` is when it first went past the soft limit (0: it is under
    /// it), in milliseconds; like Redis's `checkClientOutputBufferLimits`, the
    /// soft limit only closes a client that stayed past it for `softSeconds`.
    public func exceeded(used: Int, softSince: inout Int64, now: Int64) -> Bool {
        let used = Int64(used)
        if hard > 0 && used >= hard { return true }
        guard soft > 0 && used >= soft else {
            softSince = 0
            return false
        }
        if softSince == 0 {
            softSince = now
            return false
        }
        return (now - softSince) / 1000 > softSeconds
    }
}

public enum OutputBufferLimits {
    /// The classes in the order CONFIG GET prints them.
    static let classes = ["normal", "slave", "pubsub"]
    public static let defaultValue = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"

    /// The class a name denotes (`replica` is `slave`); nil for an unknown one
    /// and for `master`, which Redis refuses here too.
    static func className(_ word: Substring) -> String? {
        switch word.lowercased() {
        case "normal": return "normal"
        case "slave", "replica": return "slave"
        case "pubsub": return "pubsub"
        default: return nil
        }
    }

    /// Parses `<class> <hard> <soft> <seconds> ...`, refusing the whole text
    /// when any part is wrong (Redis's texts). An empty text changes nothing.
    static func parse(_ text: String) -> Result<[String: OutputBufferLimit], ConfigError> {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count % 4 == 0 else {
            return .failure(ConfigError("Wrong number of arguments in buffer limit configuration."))
        }
        var parsed: [String: OutputBufferLimit] = [:]
        for start in stride(from: 0, to: words.count, by: 4) {
            guard let name = className(words[start]) else {
                return .failure(ConfigError("Invalid client class specified in buffer limit configuration."))
            }
            guard let hard = Config.memoryValue(String(words[start + 1])), hard >= 0,
                  let soft = Config.memoryValue(String(words[start + 2])), soft >= 0,
                  let seconds = Int64(words[start + 3]), seconds >= 0 else {
                return .failure(ConfigError("Error in hard, soft or soft_seconds setting in buffer limit configuration."))
            }
            parsed[name] = OutputBufferLimit(hard: hard, soft: soft, softSeconds: seconds)
        }
        return .success(parsed)
    }

    /// `current` (a CONFIG GET text) with the classes named in `update` replaced.
    static func merge(_ current: String, _ update: String) -> String? {
        guard case .success(var all) = parse(current), case .success(let changes) = parse(update) else { return nil }
        for (name, limit) in changes { all[name] = limit }
        return display(all)
    }

    static func display(_ limits: [String: OutputBufferLimit]) -> String {
        classes.map { name in
            let limit = limits[name] ?? .none
            return "\(name) \(limit.hard) \(limit.soft) \(limit.softSeconds)"
        }.joined(separator: " ")
    }

    /// The limit of one class in a CONFIG GET text.
    static func limit(of name: String, in text: String) -> OutputBufferLimit {
        guard case .success(let all) = parse(text) else { return .none }
        return all[name] ?? .none
    }
}

/// A reason a configuration value is refused.
struct ConfigError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
