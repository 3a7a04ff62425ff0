#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// Versions Swirl reports. `redis_version` is the Redis release whose
/// behaviour Swirl follows, so clients that check it enable the right features.
public enum ServerInfo {
    public static let redisVersion = "7.0.15"
    public static let swirlVersion = "0.1.0"
}

/// INFO [section ...]: Redis's sections and field names.
enum InfoCommand {
    static func spec() -> CommandSpec {
        CommandSpec("info", arity: -1, flags: [.loading, .stale], group: "server",
                    summary: "Returns information and statistics about the server.", complexity: "O(1)", handler: info)
    }

    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                                  "modules", "errorstats", "cluster", "keyspace"]

    static func info(_ c: Client) {
        var wanted: [String] = []
        let requested = c.args.dropFirst().map(Text.lowercased)
        if requested.isEmpty || requested.contains("default") { wanted = defaultSections }
        if requested.contains("all") || requested.contains("everything") {
            wanted = defaultSections + ["commandstats"]
        }
        for name in requested where !["default", "all", "everything"].contains(name) && !wanted.contains(name) {
            wanted.append(name)
        }
        var text = ""
        for name in wanted {
            guard let fields = section(c, name) else { continue }
            if !text.isEmpty { text += "\r\n" }
            text += "# \(title(name))\r\n"
            for (key, value) in fields { text += "\(key):\(value)\r\n" }
        }
        c.reply.verbatim(Array(text.utf8))
    }

    private static func title(_ name: String) -> String {
        switch name {
        case "cpu": return "CPU"
        case "commandstats": return "Commandstats"
        case "errorstats": return "Errorstats"
        default: return name.prefix(1).uppercased() + name.dropFirst()
        }
    }

    static func section(_ c: Client, _ name: String) -> [(String, String)]? {
        let server = c.server
        let now = server.keyspace.now
        switch name {
        case "server":
            let uptime = (now - server.stats.startTime) / 1000
            return [
                ("redis_version", ServerInfo.redisVersion), ("swirl_version", ServerInfo.swirlVersion),
                ("redis_git_sha1", "00000000"), ("redis_git_dirty", "0"), ("redis_build_id", "0"),
                ("redis_mode", "standalone"), ("os", "Linux"), ("arch_bits", "64"),
                ("monotonic_clock", "POSIX clock_gettime"), ("multiplexing_api", "epoll"),
                ("process_id", "\(getpid())"), ("process_supervised", "no"), ("run_id", server.runID),
                ("tcp_port", "\(server.hooks.tcpPort())"), ("server_time_usec", "\(Keyspace.clockMicroseconds())"),
                ("uptime_in_seconds", "\(uptime)"), ("uptime_in_days", "\(uptime / 86400)"),
                ("hz", "\(server.config.hz)"), ("configured_hz", "\(server.config.hz)"),
                ("executable", server.executablePath), ("config_file", server.configFilePath ?? ""),
            ]
        case "clients":
            return [
                ("connected_clients", "\(server.clients.count)"), ("cluster_connections", "0"),
                ("maxclients", "\(server.config.maxClients)"),
                ("client_recent_max_input_buffer", "0"), ("client_recent_max_output_buffer", "0"),
                ("blocked_clients", "\(server.blocking.count)"), ("tracking_clients", "0"),
                ("clients_in_timeout_table", "\(server.blocking.timeoutCount)"),
            ]
        case "memory":
            let used = server.hooks.usedMemory(), rss = MemoryStats.residentBytes()
            return [
                ("used_memory", "\(used)"), ("used_memory_human", MemoryStats.human(used)),
                ("used_memory_rss", "\(rss)"), ("used_memory_rss_human", MemoryStats.human(rss)),
                ("used_memory_peak", "\(max(used, server.peakMemory))"),
                ("maxmemory", server.config.displayValue("maxmemory")),
                ("maxmemory_policy", server.config.displayValue("maxmemory-policy")),
                ("mem_fragmentation_ratio", used > 0 ? String(format2(Double(rss) / Double(used))) : "0"),
                ("mem_allocator", "libc"),
            ]
        case "persistence":
            return [
                ("loading", server.loading ? "1" : "0"), ("async_loading", "0"),
                ("rdb_changes_since_last_save", "\(server.dirty)"), ("rdb_bgsave_in_progress", "0"),
                ("rdb_last_save_time", "\(server.stats.lastSave)"), ("rdb_last_bgsave_status", "ok"),
                ("aof_enabled", server.config.appendOnly ? "1" : "0"),
            ] + server.hooks.aofInfo()
        case "stats":
            var hits = 0, misses = 0
            (hits, misses) = (server.keyspace.stats.keyspaceHits, server.keyspace.stats.keyspaceMisses)
            return [
                ("total_connections_received", "\(server.stats.connectionsReceived)"),
                ("total_commands_processed", "\(server.stats.commandsProcessed)"),
                ("instantaneous_ops_per_sec", "0"),
                ("total_net_input_bytes", "\(server.stats.netInputBytes)"),
                ("total_net_output_bytes", "\(server.stats.netOutputBytes)"),
                ("rejected_connections", "\(server.stats.rejectedConnections)"),
                ("expired_keys", "\(server.keyspace.stats.expiredKeys)"), ("evicted_keys", "0"),
                ("keyspace_hits", "\(hits)"), ("keyspace_misses", "\(misses)"),
                ("pubsub_channels", "\(server.pubsub.channelCount)"), ("pubsub_patterns", "\(server.pubsub.patternCount)"),
                ("pubsubshard_channels", "\(server.pubsub.shardChannelCount)"),
                ("total_error_replies", "\(server.stats.totalErrorReplies)"),
            ]
        case "replication":
            return [("role", "master"), ("connected_slaves", "0"), ("master_repl_offset", "0")]
        case "cpu":
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            func seconds(_ t: timeval) -> String { format6(Double(t.tv_sec) + Double(t.tv_usec) / 1e6) }
            return [("used_cpu_sys", seconds(usage.ru_stime)), ("used_cpu_user", seconds(usage.ru_utime))]
        case "modules":
            return []
        case "cluster":
            return [("cluster_enabled", "0")]
        case "errorstats":
            return server.stats.errors.sorted { $0.key < $1.key }.map { ("errorstat_\($0.key)", "count=\($0.value)") }
        case "commandstats":
            let used = server.table.all.filter { server.stats.commands[$0.id].calls + server.stats.commands[$0.id].rejectedCalls > 0 }
            return used.sorted { $0.fullName < $1.fullName }.map { spec in
                let name = spec.fullName, stat = server.stats.commands[spec.id]
                let perCall = stat.calls > 0 ? Double(stat.microseconds) / Double(stat.calls) : 0
                return ("cmdstat_\(name)", "calls=\(stat.calls),usec=\(stat.microseconds),usec_per_call=\(format2(perCall)),rejected_calls=\(stat.rejectedCalls),failed_calls=\(stat.failedCalls)")
            }
        case "keyspace":
            return server.keyspace.databases.filter { $0.count > 0 }.map { db in
                ("db\(db.id)", "keys=\(db.count),expires=\(db.volatileCount),avg_ttl=0")
            }
        default:
            return nil
        }
    }

    static func format2(_ value: Double) -> String { formatted(value, "%.2f") }
    static func format6(_ value: Double) -> String { formatted(value, "%.6f") }

    private static func formatted(_ value: Double, _ format: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, 64, format, $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Process memory figures, from the allocator and the kernel.
public enum MemoryStats {
    public static func residentBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0, resident = 0
        guard withUnsafeMutablePointer(to: &size, { s in
            withUnsafeMutablePointer(to: &resident) { r in
                withVaList([s, r]) { vfscanf(file, "%ld %ld", $0) }
            }
        }) == 2 else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    public static func human(_ bytes: Int) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes)B" : InfoCommand.format2(value) + units[unit]
    }
}
