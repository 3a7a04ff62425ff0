import Keyspace
import RESP
import SwirlBytes

/// Every configuration parameter, defined once: the config file, the command
/// line, CONFIG GET/SET and INFO all read this table.
public final class Config {
    public enum Kind: Sendable {
        case bool
        case integer(ClosedRange<Int64>)
        case memory(ClosedRange<Int64>)
        case choice([String])
        case string
        case save
        /// `client-output-buffer-limit`: classes set are merged into the current value (OutputBufferLimits.swift).
        case outputBufferLimits
        /// Space-separated numbers from 0 to 100.
        case percentiles
        /// A memory value, or a percentage of `maxmemory` (`10%`): `maxmemory-clients`.
        case memoryOrPercent
        /// `notify-keyspace-events`: class letters, shown in Redis's normal form (KeyspaceEvents.swift).
        case keyspaceEvents
    }

    public struct Parameter: Sendable {
        public let name: String
        public let kind: Kind
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
    }

    public static let parameters: [Parameter] = [
        // bind and port change the listeners when set at runtime (Server.changeListeners).
        Parameter(name: "bind", kind: .string, defaultValue: "127.0.0.1 -::1", mutable: true),
        Parameter(name: "port", kind: .integer(0...65535), defaultValue: "6379", mutable: true),
        Parameter(name: "dir", kind: .string, defaultValue: ".", mutable: true, protected: true),
        Parameter(name: "databases", kind: .integer(1...Int64(Int32.max)), defaultValue: "16", mutable: false),
        Parameter(name: "appendonly", kind: .bool, defaultValue: "yes", mutable: true),
        Parameter(name: "appendfsync", kind: .choice(["everysec", "always", "no"]), defaultValue: "everysec", mutable: true),
        Parameter(name: "appenddirname", kind: .string, defaultValue: "appendonlydir", mutable: false),
        Parameter(name: "appendfilename", kind: .string, defaultValue: "appendonly.aof", mutable: false),
        Parameter(name: "aof-load-truncated", kind: .bool, defaultValue: "yes", mutable: true),
        Parameter(name: "aof-use-rdb-preamble", kind: .bool, defaultValue: "no", mutable: true),
        Parameter(name: "aof-timestamp-enabled", kind: .bool, defaultValue: "no", mutable: true),
        Parameter(name: "auto-aof-rewrite-percentage", kind: .integer(0...Int64(Int32.max)), defaultValue: "100", mutable: true),
        Parameter(name: "auto-aof-rewrite-min-size", kind: .memory(0...Int64.max), defaultValue: "67108864", mutable: true),
        Parameter(name: "rdb-key-save-delay", kind: .integer(Int64(Int32.min)...Int64(Int32.max)), defaultValue: "0", mutable: true, hidden: true),
        Parameter(name: "save", kind: .save, defaultValue: "", mutable: true),
        Parameter(name: "dbfilename", kind: .string, defaultValue: "dump.rdb", mutable: true, protected: true),
        Parameter(name: "maxclients", kind: .integer(1...Int64(UInt32.max)), defaultValue: "10000", mutable: true),
        Parameter(name: "hz", kind: .integer(0...Int64(Int32.max)), defaultValue: "10", mutable: true),
        Parameter(name: "loglevel", kind: .choice(["debug", "verbose", "notice", "warning"]), defaultValue: "notice", mutable: true),
        Parameter(name: "logfile", kind: .string, defaultValue: "", mutable: false),
        Parameter(name: "daemonize", kind: .bool, defaultValue: "no", mutable: false),
        Parameter(name: "protected-mode", kind: .bool, defaultValue: "yes", mutable: true),
        Parameter(name: "timeout", kind: .integer(0...Int64(Int32.max)), defaultValue: "0", mutable: true),
        Parameter(name: "tcp-keepalive", kind: .integer(0...Int64(Int32.max)), defaultValue: "300", mutable: true),
        Parameter(name: "tcp-backlog", kind: .integer(0...Int64(Int32.max)), defaultValue: "511", mutable: false),
        Parameter(name: "maxmemory", kind: .memory(0...Int64.max), defaultValue: "0", mutable: true),
        Parameter(name: "latency-monitor-threshold", kind: .integer(0...Int64.max), defaultValue: "0", mutable: true),
        Parameter(name: "latency-tracking", kind: .bool, defaultValue: "yes", mutable: true),
        Parameter(name: "latency-tracking-info-percentiles", kind: .percentiles, defaultValue: "50 99 99.9", mutable: true),
        Parameter(name: "lfu-log-factor", kind: .integer(0...Int64(Int32.max)), defaultValue: "10", mutable: true),
        Parameter(name: "lfu-decay-time", kind: .integer(0...Int64(Int32.max)), defaultValue: "1", mutable: true),
        // Accepted and shown, not honoured: Swirl evicts no clients (a warning says so; docs/ARCHITECTURE.md).
        Parameter(name: "maxmemory-clients", kind: .memoryOrPercent, defaultValue: "0", mutable: true),
        Parameter(name: "maxmemory-samples", kind: .integer(1...64), defaultValue: "5", mutable: true),
        Parameter(name: "maxmemory-eviction-tenacity", kind: .integer(0...100), defaultValue: "10", mutable: true),
        Parameter(name: "lazyfree-lazy-eviction", kind: .bool, defaultValue: "no", mutable: true),
        Parameter(name: "replica-ignore-maxmemory", kind: .bool, defaultValue: "yes", mutable: true),
        Parameter(name: "maxmemory-policy", kind: .choice(["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]), defaultValue: "noeviction", mutable: true),
        Parameter(name: "proto-max-bulk-len", kind: .memory(1024 * 1024...Int64.max), defaultValue: "536870912", mutable: true),
        Parameter(name: "client-output-buffer-limit", kind: .outputBufferLimits, defaultValue: OutputBufferLimits.defaultValue, mutable: true),
        Parameter(name: "client-query-buffer-limit", kind: .memory(1024 * 1024...Int64.max), defaultValue: "1073741824", mutable: true),
        Parameter(name: "hash-max-listpack-entries", kind: .integer(0...Int64.max), defaultValue: "128", mutable: true),
        Parameter(name: "hash-max-listpack-value", kind: .integer(0...Int64.max), defaultValue: "64", mutable: true),
        Parameter(name: "set-max-intset-entries", kind: .integer(0...Int64.max), defaultValue: "512", mutable: true),
        Parameter(name: "zset-max-listpack-entries", kind: .integer(0...Int64.max), defaultValue: "128", mutable: true),
        Parameter(name: "zset-max-listpack-value", kind: .integer(0...Int64.max), defaultValue: "64", mutable: true),
        Parameter(name: "requirepass", kind: .string, defaultValue: "", mutable: true, sensitive: true),
        // Kept for replication (not implemented): accepted, shown, redacted as in Redis.
        Parameter(name: "masterauth", kind: .string, defaultValue: "", mutable: true, sensitive: true),
        Parameter(name: "masteruser", kind: .string, defaultValue: "", mutable: true, sensitive: true),
        Parameter(name: "pidfile", kind: .string, defaultValue: "", mutable: false),
        Parameter(name: "supervised", kind: .choice(["upstart", "systemd", "auto", "no"]), defaultValue: "no", mutable: false),
        Parameter(name: "always-show-logo", kind: .bool, defaultValue: "no", mutable: false),
        Parameter(name: "lazyfree-lazy-expire", kind: .bool, defaultValue: "no", mutable: true),
        Parameter(name: "lazyfree-lazy-user-del", kind: .bool, defaultValue: "no", mutable: true),
        Parameter(name: "lazyfree-lazy-user-flush", kind: .bool, defaultValue: "no", mutable: true),
        Parameter(name: "slowlog-log-slower-than", kind: .integer(-1...Int64.max), defaultValue: "10000", mutable: true),
        // `local`: only clients on 127.0.0.1 or ::1 (allowsProtectedAction). MODULE is not implemented.
        Parameter(name: "enable-debug-command", kind: .choice(["no", "yes", "local"]), defaultValue: "no", mutable: false),
        Parameter(name: "enable-protected-configs", kind: .choice(["no", "yes", "local"]), defaultValue: "no", mutable: false),
        Parameter(name: "enable-module-command", kind: .choice(["no", "yes", "local"]), defaultValue: "no", mutable: false),
        Parameter(name: "notify-keyspace-events", kind: .keyspaceEvents, defaultValue: "", mutable: true),
        Parameter(name: "busy-reply-threshold", kind: .integer(0...Int64.max), defaultValue: "5000", mutable: true),
        Parameter(name: "slowlog-max-len", kind: .integer(0...Int64(Int32.max)), defaultValue: "128", mutable: true),
    ]

    private static let aliases: [String: String] = [
        "hash-max-ziplist-entries": "hash-max-listpack-entries",
        "hash-max-ziplist-value": "hash-max-listpack-value",
        "zset-max-ziplist-entries": "zset-max-listpack-entries",
        "zset-max-ziplist-value": "zset-max-listpack-value",
        "slave-ignore-maxmemory": "replica-ignore-maxmemory",
        "lua-time-limit": "busy-reply-threshold",
    ]

    private var values: [String: String] = [:]
    /// `notify-keyspace-events` as set.
    public private(set) var keyspaceEventClasses: NotifyClasses = []

    public init() {
        for parameter in Self.parameters { values[parameter.name] = parameter.defaultValue }
    }

    public static func parameter(named name: String) -> Parameter? {
        let canonical = aliases[name] ?? name
        return parameters.first { $0.name == canonical }
    }

    /// Every name CONFIG GET patterns match, aliases beside their parameter:
    /// in Redis an alias is a config entry of its own.
    static let allNames: [(name: String, parameter: Parameter)] = parameters.flatMap { parameter in
        [(parameter.name, parameter)] + aliases.filter { $0.value == parameter.name }.keys.sorted().map { ($0, parameter) }
    }

    public subscript(name: String) -> String? { values[Self.aliases[name] ?? name] }

    /// Sets a parameter from text; returns Redis's reason on a bad value.
    @discardableResult
    public func set(_ name: String, _ value: String) -> String? {
        guard let parameter = Self.parameter(named: name) else { return "Bad directive or wrong number of arguments" }
        switch Self.normalize(value, parameter.kind) {
        case .failure(let reason): return reason
        case .success(let normalized):
            if case .keyspaceEvents = parameter.kind {
                // Kept parsed: the shown form drops `n` next to `A`, but the class stays on (as in Redis).
                keyspaceEventClasses = NotifyClasses(parsing: value) ?? []
            }
            if case .outputBufferLimits = parameter.kind {
                values[parameter.name] = OutputBufferLimits.merge(values[parameter.name] ?? "", normalized)
                return nil
            }
            // Redis clamps hz into 1…500 when it is set.
            values[parameter.name] = parameter.name == "hz" ? String(min(500, max(1, Int(normalized)!))) : normalized
        }
        return nil
    }

    /// The value as CONFIG GET prints it.
    public func displayValue(_ name: String) -> String { values[Self.aliases[name] ?? name] ?? "" }

    /// Puts back a value `self[name]` gave, as stored (a failed CONFIG SET's rollback).
    func restore(_ name: String, _ stored: String) {
        values[name] = stored
        if case .keyspaceEvents = Self.parameter(named: name)?.kind {
            keyspaceEventClasses = NotifyClasses(parsing: stored) ?? []
        }
    }

    enum Normalized { case success(String), failure(String) }

    static func normalize(_ value: String, _ kind: Kind) -> Normalized {
        switch kind {
        case .bool:
            switch value.lowercased() {
            case "yes": return .success("yes")
            case "no": return .success("no")
            default: return .failure("argument must be 'yes' or 'no'")
            }
        case .integer(let range):
            guard let number = ByteNumbers.parseInt64(Array(value.utf8)) else { return .failure("argument couldn't be parsed into an integer") }
            guard range.contains(number) else {
                return .failure("argument must be between \(range.lowerBound) and \(range.upperBound) inclusive")
            }
            return .success(String(number))
        case .memory(let range):
            guard let number = memoryValue(value) else { return .failure("argument must be a memory value") }
            guard range.contains(number) else {
                return .failure("argument must be between \(range.lowerBound) and \(range.upperBound) inclusive")
            }
            return .success(String(number))
        case .choice(let options):
            let lowered = value.lowercased()
            guard options.contains(lowered) else {
                return .failure("argument(s) must be one of the following: \(options.joined(separator: ", "))")
            }
            return .success(lowered)
        case .string:
            return .success(value)
        case .save:
            let words = value.split(separator: " ")
            guard words.count % 2 == 0, words.allSatisfy({ Int64($0) != nil && Int64($0)! >= 0 }) else {
                return .failure("Invalid save parameters")
            }
            return .success(words.joined(separator: " "))
        case .percentiles:
            let words = value.split(separator: " ")
            guard words.allSatisfy({ Double($0).map { (0...100).contains($0) } ?? false }) else {
                return .failure("latency-tracking-info-percentiles should be between 0.0 and 100.0")
            }
            return .success(words.joined(separator: " "))
        case .memoryOrPercent:
            if value.hasSuffix("%") {
                guard let percent = ByteNumbers.parseInt64(Array(value.dropLast().utf8)), percent >= 0 else {
                    return .failure("argument must be a memory or percent value")
                }
                return percent <= 100 ? .success("\(percent)%") : .failure("percentage argument must be less or equal to 100")
            }
            guard let number = memoryValue(value) else { return .failure("argument must be a memory or percent value") }
            return .success(String(number))
        case .keyspaceEvents:
            guard let classes = NotifyClasses(parsing: value) else { return .failure(NotifyClasses.invalidCharacter) }
            return .success(classes.description)
        case .outputBufferLimits:
            switch OutputBufferLimits.parse(value) {
            case .failure(let error): return .failure(error.reason)
            case .success: return .success(value)
            }
        }
    }

    /// `1gb`, `512mb`, `64k` …: Redis's memtoull.
    static func memoryValue(_ text: String) -> Int64? {
        let lowered = text.lowercased()
        let units: [(String, Int64)] = [("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10),
                                        ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1)]
        for (suffix, multiplier) in units where lowered.hasSuffix(suffix) {
            guard let number = ByteNumbers.parseInt64(Array(lowered.dropLast(suffix.count).utf8)), number >= 0 else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
            return overflow ? nil : product
        }
        return ByteNumbers.parseInt64(Array(lowered.utf8))
    }

    // MARK: - Typed views

    private func integer(_ name: String) -> Int { Int(values[name] ?? "") ?? 0 }
    private func flag(_ name: String) -> Bool { values[name] == "yes" }

    public var port: Int { integer("port") }
    /// `protected-mode yes`: connections from other than the loopback are refused while no password is set.
    public var protectedMode: Bool { flag("protected-mode") }
    /// Redis's allowProtectedAction: `enable-debug-command`, `enable-protected-configs`,
    /// `enable-module-command` set to `yes`, or to `local` for a local client.
    public func allowsProtectedAction(_ name: String, localClient: Bool) -> Bool {
        switch values[name] {
        case "yes": return true
        case "local": return localClient
        default: return false
        }
    }
    public var requiresPassword: Bool { !(values["requirepass"] ?? "").isEmpty }
    public var bind: [String] { (values["bind"] ?? "").split(separator: " ").map(String.init) }
    public var dir: String { values["dir"] ?? "." }
    public var databases: Int { integer("databases") }
    public var appendOnly: Bool { flag("appendonly") }
    public var appendFsync: String { values["appendfsync"] ?? "everysec" }
    public var appendDirName: String { values["appenddirname"] ?? "appendonlydir" }
    public var appendFileName: String { values["appendfilename"] ?? "appendonly.aof" }
    public var aofLoadTruncated: Bool { flag("aof-load-truncated") }
    public var autoAOFRewritePercentage: Int { integer("auto-aof-rewrite-percentage") }
    public var autoAOFRewriteMinSize: Int { integer("auto-aof-rewrite-min-size") }
    /// Microseconds the rewrite child waits after each key (a testing aid, as in Redis).
    public var rdbKeySaveDelay: Int { integer("rdb-key-save-delay") }
    public var maxClients: Int { integer("maxclients") }
    /// Redis clamps hz to 1…500 when it uses it.
    public var hz: Int { min(500, max(1, integer("hz"))) }
    public var logLevel: String { values["loglevel"] ?? "notice" }
    public var logFile: String { values["logfile"] ?? "" }
    public var protoMaxBulkLen: Int { integer("proto-max-bulk-len") }
    public var clientQueryBufferLimit: Int { integer("client-query-buffer-limit") }
    public var hashMaxListpackEntries: Int { integer("hash-max-listpack-entries") }
    public var hashMaxListpackValue: Int { integer("hash-max-listpack-value") }
    public var setMaxIntsetEntries: Int { integer("set-max-intset-entries") }
    public var latencyTracking: Bool { flag("latency-tracking") }
    public var latencyPercentiles: [Double] {
        (values["latency-tracking-info-percentiles"] ?? "").split(separator: " ").compactMap { Double($0) }
    }
    /// Milliseconds a script runs before other clients get BUSY (alias lua-time-limit).
    public var busyReplyThreshold: Int { integer("busy-reply-threshold") }
    public var latencyMonitorThreshold: Int64 { Int64(integer("latency-monitor-threshold")) }
    /// What keys' access fields record, from `maxmemory-policy`.
    public var accessTracking: AccessTracking {
        guard (values["maxmemory-policy"] ?? "").hasSuffix("lfu") else { return .recency }
        return .frequency(logFactor: integer("lfu-log-factor"), decayMinutes: integer("lfu-decay-time"))
    }
    /// An LRU/LFU policy with a memory limit: Redis then gives each key its own
    /// integer objects (no shared integers), so each can carry its own clock.
    public var evictsByAccess: Bool {
        let policy = values["maxmemory-policy"] ?? ""
        return integer("maxmemory") > 0 && (policy.hasSuffix("lru") || policy.hasSuffix("lfu"))
    }
    public var maxmemory: Int { integer("maxmemory") }
    public var maxmemoryPolicy: String { values["maxmemory-policy"] ?? "noeviction" }
    /// The start-up and CONFIG SET warning for `maxmemory-clients`, nil while it is 0.
    public var clientEvictionWarning: String? {
        let value = values["maxmemory-clients"] ?? "0"
        guard value != "0" && value != "0%" else { return nil }
        return "WARNING: maxmemory-clients is set to \(value), but Swirl does not evict clients: the setting is accepted and NOT honoured."
    }
    public var maxmemorySamples: Int { integer("maxmemory-samples") }
    public var maxmemoryEvictionTenacity: Int { integer("maxmemory-eviction-tenacity") }
    public var zsetMaxListpackEntries: Int { integer("zset-max-listpack-entries") }
    public var zsetMaxListpackValue: Int { integer("zset-max-listpack-value") }
    /// The output limit of one client class (`normal`, `slave`, `pubsub`).
    public func outputBufferLimit(_ clientClass: String) -> OutputBufferLimit {
        OutputBufferLimits.limit(of: clientClass, in: values["client-output-buffer-limit"] ?? "")
    }
}
