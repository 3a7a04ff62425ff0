#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// The fields of INFO's sections, in Redis 7.0's order and with its names,
/// so tools that read them (redis_exporter, redis-cli --stat, client
/// libraries) find every one. Features Swirl does not have (forks, RDB
/// saves, replication, Lua, active defragmentation) report the value Redis
/// reports when they are idle.
enum InfoSections {
    static func server(_ engine: Engine) -> [(String, String)] {
        let now = engine.keyspace.now
        let uptime = (now - engine.stats.startTime) / 1000
        return [
            ("redis_version", ServerInfo.redisVersion), ("swirl_version", ServerInfo.swirlVersion),
            ("redis_git_sha1", "00000000"), ("redis_git_dirty", "0"), ("redis_build_id", "0"),
            ("redis_mode", "standalone"), ("os", operatingSystem), ("arch_bits", "64"),
            ("monotonic_clock", "POSIX clock_gettime"), ("multiplexing_api", "epoll"),
            ("atomicvar_api", "c11-builtin"), ("gcc_version", "0.0.0"),
            ("process_id", "\(getpid())"), ("process_supervised", engine.supervisedMode), ("run_id", engine.runID),
            ("tcp_port", "\(engine.hooks.tcpPort())"), ("server_time_usec", "\(Keyspace.clockMicroseconds())"),
            ("uptime_in_seconds", "\(uptime)"), ("uptime_in_days", "\(uptime / 86400)"),
            ("hz", "\(engine.config.hz)"), ("configured_hz", "\(engine.config.hz)"),
            // Redis's LRU clock: seconds, 24 bits.
            ("lru_clock", "\((now / 1000) & ((1 << 24) - 1))"),
            ("executable", engine.executablePath), ("config_file", engine.configFilePath ?? ""),
            ("io_threads_active", "0"),
        ]
    }

    static func clients(_ engine: Engine) -> [(String, String)] {
        let clients = engine.clients.values
        return [
            ("connected_clients", "\(engine.clients.count)"), ("cluster_connections", "0"),
            ("maxclients", "\(engine.config.maxClients)"),
            ("client_recent_max_input_buffer", "\(clients.map(\.queryBufferLength).max() ?? 0)"),
            ("client_recent_max_output_buffer", "\(clients.map(\.pendingOutputLength).max() ?? 0)"),
            ("blocked_clients", "\(engine.blocking.count + engine.postponedClients.count)"), ("tracking_clients", "\(engine.trackingTable.trackingClients)"),
            ("clients_in_timeout_table", "\(engine.blocking.timeoutCount)"),
        ]
    }

    static func memory(_ engine: Engine) -> [(String, String)] {
        let overview = MemoryOverview(engine)
        let used = overview.used, rss = overview.rss, peak = overview.peak, startup = overview.startup
        let clientBuffers = overview.clientBuffers, aofBuffer = overview.aofBuffer
        let overhead = overview.overhead, dataset = overview.dataset
        let system = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        let maxmemory = engine.config.maxmemory
        func ratio(_ a: Int, _ b: Int) -> String { b > 0 ? InfoCommand.format2(Double(a) / Double(b)) : "0.00" }
        func percent(_ a: Int, _ b: Int) -> String { InfoCommand.format2(b > 0 ? Double(a) * 100 / Double(b) : 0) + "%" }
        let luaMemory = engine.luaMemory, scriptsMemory = engine.scriptingState?.scriptsMemory ?? 0
        return [
            ("used_memory", "\(used)"), ("used_memory_human", MemoryStats.human(used)),
            ("used_memory_rss", "\(rss)"), ("used_memory_rss_human", MemoryStats.human(rss)),
            ("used_memory_peak", "\(peak)"), ("used_memory_peak_human", MemoryStats.human(peak)),
            ("used_memory_peak_perc", percent(used, peak)),
            ("used_memory_overhead", "\(overhead)"), ("used_memory_startup", "\(startup)"),
            ("used_memory_dataset", "\(dataset)"), ("used_memory_dataset_perc", percent(dataset, used - startup)),
            ("allocator_allocated", "\(used)"), ("allocator_active", "\(used)"), ("allocator_resident", "\(rss)"),
            ("total_system_memory", "\(system)"), ("total_system_memory_human", MemoryStats.human(system)),
            ("used_memory_lua", "\(luaMemory)"), ("used_memory_vm_eval", "\(luaMemory)"),
            ("used_memory_lua_human", MemoryStats.human(luaMemory)),
            ("used_memory_scripts_eval", "\(scriptsMemory)"), ("number_of_cached_scripts", "\(engine.scriptingState?.scriptCount ?? 0)"),
            ("number_of_functions", "0"),
            ("number_of_libraries", "0"), ("used_memory_vm_functions", "0"), ("used_memory_vm_total", "\(luaMemory)"),
            ("used_memory_vm_total_human", MemoryStats.human(luaMemory)), ("used_memory_functions", "0"),
            ("used_memory_scripts", "\(scriptsMemory)"), ("used_memory_scripts_human", MemoryStats.human(scriptsMemory)),
            ("maxmemory", "\(maxmemory)"), ("maxmemory_human", MemoryStats.human(maxmemory)),
            ("maxmemory_policy", engine.config.displayValue("maxmemory-policy")),
            ("allocator_frag_ratio", "1.00"), ("allocator_frag_bytes", "0"),
            ("allocator_rss_ratio", ratio(rss, used)), ("allocator_rss_bytes", "\(rss - used)"),
            ("rss_overhead_ratio", "1.00"), ("rss_overhead_bytes", "0"),
            ("mem_fragmentation_ratio", ratio(rss, used)), ("mem_fragmentation_bytes", "\(rss - used)"),
            ("mem_not_counted_for_evict", "\(engine.memoryNotCountedForEviction)"), ("mem_replication_backlog", "0"),
            ("mem_total_replication_buffers", "0"), ("mem_clients_slaves", "0"),
            ("mem_clients_normal", "\(clientBuffers)"), ("mem_cluster_links", "0"), ("mem_aof_buffer", "\(aofBuffer)"),
            ("mem_allocator", "libc"), ("active_defrag_running", "0"), ("lazyfree_pending_objects", "0"),
            ("lazyfreed_objects", "0"),
        ]
    }

    static func persistence(_ engine: Engine) -> [(String, String)] {
        let aof = engine.hooks.aofInfo()
        let snapshots = engine.snapshots
        let reported = Dictionary(aof, uniquingKeysWith: { first, _ in first })
        // Present whether or not the AOF is on; the writer's own figures when it is.
        let always: [(String, String)] = [
            ("aof_rewrite_in_progress", "0"), ("aof_rewrite_scheduled", "0"), ("aof_last_rewrite_time_sec", "-1"),
            ("aof_current_rewrite_time_sec", "-1"), ("aof_last_bgrewrite_status", "ok"), ("aof_rewrites", "0"),
            ("aof_rewrites_consecutive_failures", "0"), ("aof_last_write_status", "ok"), ("aof_last_cow_size", "0"),
        ]
        let alwaysNames = Set(always.map(\.0))
        return [
            ("loading", engine.loading ? "1" : "0"), ("async_loading", "0"),
            ("current_cow_peak", "0"), ("current_cow_size", "0"), ("current_cow_size_age", "0"),
            ("current_fork_perc", "0.00"), ("current_save_keys_processed", "0"), ("current_save_keys_total", "0"),
            ("rdb_changes_since_last_save", "\(engine.dirty)"),
            ("rdb_bgsave_in_progress", snapshots.backgroundSaveInProgress ? "1" : "0"),
            ("rdb_last_save_time", "\(engine.stats.lastSave)"),
            ("rdb_last_bgsave_status", snapshots.lastBackgroundSaveOK ? "ok" : "err"),
            ("rdb_last_bgsave_time_sec", "\(snapshots.lastBackgroundSaveSeconds)"),
            ("rdb_current_bgsave_time_sec", snapshots.backgroundSaveStarted.map { "\(Keyspace.clockMilliseconds() / 1000 - $0)" } ?? "-1"),
            ("rdb_saves", "\(snapshots.saves)"), ("rdb_last_cow_size", "\(snapshots.lastCopyOnWriteSize)"),
            ("rdb_last_load_keys_expired", "\(snapshots.lastLoadKeysExpired)"),
            ("rdb_last_load_keys_loaded", "\(snapshots.lastLoadKeysLoaded)"),
            ("aof_enabled", engine.config.appendOnly ? "1" : "0"),
        ] + always.map { ($0.0, reported[$0.0] ?? $0.1) }
            + [("module_fork_in_progress", "0"), ("module_fork_last_cow_size", "0")]
            + aof.filter { !alwaysNames.contains($0.0) }
    }

    static func stats(_ engine: Engine) -> [(String, String)] {
        let stats = engine.stats, keyspace = engine.keyspace.stats, eviction = engine.evictionInfo
        return [
            ("total_connections_received", "\(stats.connectionsReceived)"),
            ("total_commands_processed", "\(stats.commandsProcessed)"),
            ("instantaneous_ops_per_sec", "0"),
            ("total_net_input_bytes", "\(stats.netInputBytes)"), ("total_net_output_bytes", "\(stats.netOutputBytes)"),
            ("total_net_repl_input_bytes", "0"), ("total_net_repl_output_bytes", "0"),
            ("instantaneous_input_kbps", "0.00"), ("instantaneous_output_kbps", "0.00"),
            ("instantaneous_input_repl_kbps", "0.00"), ("instantaneous_output_repl_kbps", "0.00"),
            ("rejected_connections", "\(stats.rejectedConnections)"),
            ("sync_full", "0"), ("sync_partial_ok", "0"), ("sync_partial_err", "0"),
            ("expired_keys", "\(keyspace.expiredKeys)"), ("expired_stale_perc", "0.00"),
            ("expired_time_cap_reached_count", "0"), ("expire_cycle_cpu_milliseconds", "0"),
            ("evicted_keys", "\(eviction.evictedKeys)"), ("evicted_clients", "\(engine.clientEviction.evictedClients)"),
            ("total_eviction_exceeded_time", "\(eviction.totalExceededMilliseconds)"),
            ("current_eviction_exceeded_time", "\(eviction.currentExceededMilliseconds)"),
            ("keyspace_hits", "\(keyspace.keyspaceHits)"), ("keyspace_misses", "\(keyspace.keyspaceMisses)"),
            ("pubsub_channels", "\(engine.pubsub.channelCount)"), ("pubsub_patterns", "\(engine.pubsub.patternCount)"),
            ("pubsubshard_channels", "\(engine.pubsub.shardChannelCount)"),
            ("latest_fork_usec", "\(engine.stats.latestForkMicroseconds)"), ("total_forks", "\(engine.stats.totalForks)"), ("migrate_cached_sockets", "0"),
            ("slave_expires_tracked_keys", "0"), ("active_defrag_hits", "0"), ("active_defrag_misses", "0"),
            ("active_defrag_key_hits", "0"), ("active_defrag_key_misses", "0"), ("total_active_defrag_time", "0"),
            ("current_active_defrag_time", "0"),
            ("tracking_total_keys", "\(engine.trackingTable.totalKeys)"),
            ("tracking_total_items", "\(engine.trackingTable.totalItems)"),
            ("tracking_total_prefixes", "\(engine.trackingTable.totalPrefixes)"),
            ("unexpected_error_replies", "0"), ("total_error_replies", "\(stats.totalErrorReplies)"),
            ("dump_payload_sanitizations", "0"),
            ("total_reads_processed", "\(stats.readsProcessed)"), ("total_writes_processed", "\(stats.writesProcessed)"),
            ("io_threaded_reads_processed", "0"), ("io_threaded_writes_processed", "0"),
            ("reply_buffer_shrinks", "0"), ("reply_buffer_expands", "0"),
        ]
    }

    static func replication(_ engine: Engine) -> [(String, String)] {
        [
            ("role", "master"), ("connected_slaves", "0"), ("master_failover_state", "no-failover"),
            ("master_replid", engine.replicationID), ("master_replid2", String(repeating: "0", count: 40)),
            ("master_repl_offset", "0"), ("second_repl_offset", "-1"), ("repl_backlog_active", "0"),
            ("repl_backlog_size", "1048576"), ("repl_backlog_first_byte_offset", "0"), ("repl_backlog_histlen", "0"),
        ]
    }

    static func cpu() -> [(String, String)] {
        var process = rusage(), thread = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &process)
        getrusage(__rusage_who_t(1), &thread)  // RUSAGE_THREAD: the loop thread answers INFO
        var children = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &children)
        func seconds(_ t: timeval) -> String { InfoCommand.format6(Double(t.tv_sec) + Double(t.tv_usec) / 1e6) }
        return [
            ("used_cpu_sys", seconds(process.ru_stime)), ("used_cpu_user", seconds(process.ru_utime)),
            ("used_cpu_sys_children", seconds(children.ru_stime)), ("used_cpu_user_children", seconds(children.ru_utime)),
            ("used_cpu_sys_main_thread", seconds(thread.ru_stime)), ("used_cpu_user_main_thread", seconds(thread.ru_utime)),
        ]
    }

    /// `uname -srm`, as Redis prints it.
    static let operatingSystem: String = {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(field(names.sysname)) \(field(names.release)) \(field(names.machine))"
    }()
}
