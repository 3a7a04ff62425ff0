import Keyspace
import RESP

/// What the rest of the server reads from the configuration: typed views of
/// the values, for the parameters Swirl honours.
extension Config {
    /// A number parameter's value; an unsigned one past Int.max (`maxmemory 18446744073709551615`) reads as Int.max.
    private func integer(_ name: String) -> Int {
        let text = values[name] ?? ""
        return Int(text) ?? UInt64(text).map { Int(clamping: $0) } ?? 0
    }
    private func flag(_ name: String) -> Bool { values[name] == "yes" }

    public var port: Int { integer("port") }
    /// Milliseconds a script runs before other clients get BUSY (alias lua-time-limit).
    public var busyReplyThreshold: Int { integer("busy-reply-threshold") }
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
    /// Seconds a client may stay idle (`timeout`); 0: forever.
    public var idleTimeout: Int { integer("timeout") }
    /// `tcp-keepalive` seconds; 0: off.
    public var tcpKeepAlive: Int { integer("tcp-keepalive") }
    /// `tcp-backlog`: the listen queue's length.
    public var tcpBacklog: Int32 { Int32(clamping: integer("tcp-backlog")) }
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
    /// `maxmemory-clients` as set: bytes, or a percentage of `maxmemory` (`10%`).
    public var maxmemoryClients: String { values["maxmemory-clients"] ?? "0" }
    public var maxmemorySamples: Int { integer("maxmemory-samples") }
    public var maxmemoryEvictionTenacity: Int { integer("maxmemory-eviction-tenacity") }
    public var zsetMaxListpackEntries: Int { integer("zset-max-listpack-entries") }
    public var zsetMaxListpackValue: Int { integer("zset-max-listpack-value") }
    /// `save`: (seconds, changes) pairs, in order.
    public var savePoints: [(seconds: Int64, changes: Int64)] {
        let numbers = (values["save"] ?? "").split(separator: " ").compactMap { Int64($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
    }
    public var dbFileName: String { values["dbfilename"] ?? "dump.rdb" }
    public var stopWritesOnBgsaveError: Bool { flag("stop-writes-on-bgsave-error") }
    public var rdbCompression: Bool { flag("rdbcompression") }
    public var rdbChecksum: Bool { flag("rdbchecksum") }
    public var aofUseRDBPreamble: Bool { flag("aof-use-rdb-preamble") }
    public var hllSparseMaxBytes: Int { integer("hll-sparse-max-bytes") }
    public var streamNodeMaxBytes: Int { integer("stream-node-max-bytes") }
    public var streamNodeMaxEntries: Int { integer("stream-node-max-entries") }
    /// The output limit of one client class (`normal`, `slave`, `pubsub`).
    public func outputBufferLimit(_ clientClass: String) -> OutputBufferLimit {
        OutputBufferLimits.limit(of: clientClass, in: values["client-output-buffer-limit"] ?? "")
    }

    /// `1gb`, `512mb`, `64k` …, refusing an overflow (DEBUG's sizes).
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
}
