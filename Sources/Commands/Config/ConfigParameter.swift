extension Config {
    /// How a parameter's value is read, checked and shown: Redis 7.0's config
    /// types (config.c), one case per way of parsing.
    public enum Kind: Sendable {
        /// `yes` or `no`, any case.
        case bool
        /// A decimal integer (Redis's string2ll rules) within the range.
        case integer(ClosedRange<Int64>)
        /// A byte count with an optional unit (`1gb`, `64mb`, `100k`: Redis's memtoull), within the range.
        case memory(ClosedRange<Int64>)
        /// An octal number within the range (Redis's OCTAL_CONFIG: `unixsocketperm 700`).
        case octal(ClosedRange<Int64>)
        /// `oom-score-adj-values`: three numbers from -2000 to 2000.
        case oomScoreAdjValues
        /// A byte count from 0 to 2^64-1 (`maxmemory`, an unsigned long long in Redis).
        case unsignedMemory
        /// One of the names, any case; shown lower case.
        case choice([String])
        /// Several of the names at once (Redis's MULTI_ARG enums of bit flags: `shutdown-on-sigint`).
        case flags([String])
        /// Any text; empty is allowed and written back by CONFIG REWRITE (`logfile ""`).
        case string
        /// Any text; empty means unset (Redis's EMPTY_STRING_IS_NULL): CONFIG REWRITE leaves it out.
        case optionalString
        /// `save`: pairs of seconds and changes (SaveParameters in ConfigValues.swift).
        case save
        /// `client-output-buffer-limit`: classes set are merged into the current value (OutputBufferLimits.swift).
        case outputBufferLimits
        /// `latency-tracking-info-percentiles`: numbers from 0 to 100.
        case percentiles
        /// A memory value, or a percentage of `maxmemory` (`10%`): `maxmemory-clients`.
        case memoryOrPercent
        /// `notify-keyspace-events`: class letters, shown in Redis's normal form (KeyspaceEvents.swift).
        case keyspaceEvents
        /// `bind`: up to 16 addresses.
        case bind
        /// `replicaof`: `<host> <port>` or `no one`.
        case replicaOf
        /// `dir`: the working directory (changed at once, shown absolute).
        case directory

        var isKeyspaceEvents: Bool {
            if case .keyspaceEvents = self { return true }
            return false
        }

        /// Redis's MULTI_ARG_CONFIG: the value is several words (a config file
        /// line's arguments; CONFIG SET's value split at each space).
        var takesSeveralWords: Bool {
            switch self {
            case .save, .outputBufferLimits, .percentiles, .bind, .replicaOf, .flags, .oomScoreAdjValues: return true
            default: return false
            }
        }
    }

    /// One configuration parameter: its one definition, read by the config
    /// file, the command line, CONFIG GET/SET/REWRITE, INFO and docs/CONFIG.md.
    public struct Parameter: Sendable {
        public let name: String
        public let kind: Kind
        /// Redis 7.0.15's default, in the form CONFIG GET shows it.
        public let defaultValue: String
        public let mutable: Bool
        /// Protected parameters (`dir`, `dbfilename`) can be set at runtime only as
        /// `enable-protected-configs` allows (Redis's PROTECTED_CONFIG).
        public var protected = false
        /// Sensitive values are redacted from SLOWLOG and MONITOR by CONFIG SET (Redis's SENSITIVE_CONFIG).
        public var sensitive = false
        /// Hidden parameters (Redis's HIDDEN_CONFIG, testing aids) answer CONFIG GET
        /// by their exact name only, never a pattern.
        public var hidden = false
        /// The old name Redis still accepts (`slave-read-only`, `hash-max-ziplist-entries`):
        /// a config entry of its own for CONFIG GET/SET, written back under `name`.
        public var alias: String? = nil
        /// Whether Swirl does what the parameter asks. One that is not is still
        /// accepted, checked and shown as Redis does, listed in docs/CONFIG.md,
        /// and named in a warning at start-up when set to other than its default.
        public var honoured = true
        /// Why it is not honoured, or what differs (docs/CONFIG.md).
        public var note = ""
    }
}

/// Shorthands the parameter tables (ConfigTable+*.swift) are written in: one
/// line per parameter, with Redis's names for the bounds.
extension Config {
    static let intMax = Int64(Int32.max)
    static let intMin = Int64(Int32.min)
    static let uintMax = Int64(UInt32.max)
    static let longMax = Int64.max
}

extension Config.Parameter {
    /// A parameter not honoured (yet): `note` says why.
    func ignored(_ note: String) -> Self {
        var copy = self
        copy.honoured = false
        copy.note = note
        return copy
    }

    /// A parameter honoured, with a remark for docs/CONFIG.md.
    func noting(_ note: String) -> Self {
        var copy = self
        copy.note = note
        return copy
    }

    static func yesNo(_ name: String, _ on: Bool, immutable: Bool = false, alias: String? = nil, hidden: Bool = false) -> Self {
        Self(name: name, kind: .bool, defaultValue: on ? "yes" : "no", mutable: !immutable, hidden: hidden, alias: alias)
    }

    static func number(_ name: String, _ value: Int64, _ range: ClosedRange<Int64>, immutable: Bool = false,
                       alias: String? = nil, hidden: Bool = false) -> Self {
        Self(name: name, kind: .integer(range), defaultValue: String(value), mutable: !immutable, hidden: hidden, alias: alias)
    }

    static func bytes(_ name: String, _ value: Int64, _ range: ClosedRange<Int64>, immutable: Bool = false) -> Self {
        Self(name: name, kind: .memory(range), defaultValue: String(value), mutable: !immutable)
    }

    static func oneOf(_ name: String, _ value: String, _ options: [String], immutable: Bool = false) -> Self {
        Self(name: name, kind: .choice(options), defaultValue: value, mutable: !immutable)
    }

    /// A text parameter; `unsetWhenEmpty` is Redis's EMPTY_STRING_IS_NULL.
    static func text(_ name: String, _ value: String = "", unsetWhenEmpty: Bool = true, immutable: Bool = false,
                     alias: String? = nil, sensitive: Bool = false) -> Self {
        Self(name: name, kind: unsetWhenEmpty ? .optionalString : .string, defaultValue: value, mutable: !immutable,
             sensitive: sensitive, alias: alias)
    }
}
