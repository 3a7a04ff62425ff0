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

    public var isUnlimited: Bool { hard == 0 && soft == 0 }

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

    /// One class's numbers as Redis keeps them: the limits unsigned, the seconds a C int.
    struct Setting: Equatable {
        var hard: UInt64
        var soft: UInt64
        var seconds: Int32
    }

    /// The class a name denotes (`replica` is `slave`); nil for an unknown one
    /// and for `master`, which Redis refuses here too.
    static func className(_ word: String) -> String? {
        switch word.lowercased() {
        case "normal": return "normal"
        case "slave", "replica": return "slave"
        case "pubsub": return "pubsub"
        default: return nil
        }
    }

    /// Parses `<class> <hard> <soft> <seconds> ...`, refusing the whole text
    /// when any part is wrong (Redis's texts). No words change nothing.
    static func parse(_ words: [String]) -> Result<[String: Setting], ConfigError> {
        guard words.count % 4 == 0 else {
            return .failure(ConfigError("Wrong number of arguments in buffer limit configuration."))
        }
        var parsed: [String: Setting] = [:]
        for start in stride(from: 0, to: words.count, by: 4) {
            guard let name = className(words[start]) else {
                return .failure(ConfigError("Invalid client class specified in buffer limit configuration."))
            }
            // Redis reads the seconds with strtoll into an int, then refuses a negative one.
            let seconds = Config.strtoll(words[start + 3]).map { Int32(truncatingIfNeeded: $0) }
            guard let hard = Config.memtoull(words[start + 1]), let soft = Config.memtoull(words[start + 2]),
                  let seconds, seconds >= 0 else {
                return .failure(ConfigError("Error in hard, soft or soft_seconds setting in buffer limit configuration."))
            }
            parsed[name] = Setting(hard: hard, soft: soft, seconds: seconds)
        }
        return .success(parsed)
    }

    /// The settings of a CONFIG GET text (always well formed: this file wrote it).
    static func settings(_ text: String) -> [String: Setting] {
        let words = text.split(separator: " ").map(String.init)
        guard case .success(let all) = parse(words) else { return [:] }
        return all
    }

    /// `current` (a CONFIG GET text) with the classes in `changes` replaced.
    static func merge(_ current: String, _ changes: [String: Setting]) -> String {
        var all = settings(current)
        for (name, setting) in changes { all[name] = setting }
        return classes.map { name in
            let setting = all[name] ?? Setting(hard: 0, soft: 0, seconds: 0)
            return "\(name) \(setting.hard) \(setting.soft) \(setting.seconds)"
        }.joined(separator: " ")
    }

    /// The limit of one class in a CONFIG GET text (a limit past 2^63 is as good as none).
    static func limit(of name: String, in text: String) -> OutputBufferLimit {
        guard let setting = settings(text)[name] else { return .none }
        func clamped(_ value: UInt64) -> Int64 { Int64(clamping: value) }
        return OutputBufferLimit(hard: clamped(setting.hard), soft: clamped(setting.soft), softSeconds: Int64(setting.seconds))
    }
}
