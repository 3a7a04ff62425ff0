/// The server process, its listeners, clients and logging: Redis 7.0.15's
/// parameters of those areas (config.c), with Swirl's support of each.
extension Config {
    static let serverParameters: [Parameter] = [
        // bind and port change the listeners when set at runtime (Server.changeListeners).
        // Swirl listens on the loopback by default where Redis 7.0 binds `* -::*`.
        Parameter(name: "bind", kind: .bind, defaultValue: "127.0.0.1 -::1", mutable: true)
            .noting("Swirl's default is the loopback only; Redis 7.0's is `* -::*` (protected mode guards it)"),
        Parameter(name: "port", kind: .integer(0...65535), defaultValue: "6379", mutable: true),
        Parameter(name: "dir", kind: .directory, defaultValue: ".", mutable: true, protected: true)
            .noting("CONFIG GET shows the absolute working directory, as Redis"),
        .number("databases", 16, 1...intMax, immutable: true),
        .number("hz", 10, 0...intMax).noting("clamped to 1…500, as Redis"),
        .yesNo("dynamic-hz", true).ignored("hz stays as configured whatever the number of clients"),
        .number("maxclients", 10000, 1...uintMax),
        .yesNo("protected-mode", true),
        .number("timeout", 0, 0...intMax).noting("checked once a second; a client's idle time starts at its last command"),
        .number("tcp-keepalive", 300, 0...intMax),
        .number("tcp-backlog", 511, 0...intMax, immutable: true),
        .number("socket-mark-id", 0, 0...uintMax, immutable: true).ignored("sockets are not marked"),
        .text("bind-source-addr").ignored("Swirl makes no outgoing connections (replication)"),
        .number("io-threads", 1, 1...128, immutable: true).ignored("one thread serves every client"),
        .yesNo("io-threads-do-reads", false, immutable: true).ignored("one thread serves every client"),
        .number("active-expire-effort", 1, 1...10).ignored("active expiry sweeps every key once a second whatever the effort"),
        .number("busy-reply-threshold", 5000, 0...longMax, alias: "lua-time-limit"),
        // Not in 7.0.15's source: Debian's 7.0.15 has it from a security backport (hidden, immutable).
        .yesNo("lua-enable-deprecated-api", false, immutable: true, hidden: true)
            .ignored("Debian's option for Lua's deprecated functions: scripts get Redis 7.0.15's set"),
        .number("shutdown-timeout", 10, 0...intMax).ignored(Why.replication),
        Parameter(name: "shutdown-on-sigint", kind: .flags(Config.shutdownFlags), defaultValue: "default", mutable: true)
            .ignored("SIGINT shuts down as SHUTDOWN does (the AOF is flushed and fsynced)"),
        Parameter(name: "shutdown-on-sigterm", kind: .flags(Config.shutdownFlags), defaultValue: "default", mutable: true)
            .ignored("SIGTERM shuts down as SHUTDOWN does (the AOF is flushed and fsynced)"),
        .oneOf("propagation-error-behavior", "ignore", ["ignore", "panic", "panic-on-replicas"])
            .ignored("an error while replaying the AOF is logged as it happens"),
        .yesNo("crash-log-enabled", true).ignored("no crash report is written"),
        .yesNo("crash-memcheck-enabled", true).ignored("no crash report is written"),
        .yesNo("use-exit-on-panic", false, hidden: true).ignored("a testing aid of Redis's"),
        .number("watchdog-period", 0, 0...intMax, hidden: true).ignored("no watchdog"),
        .yesNo("disable-thp", true, immutable: true).ignored("transparent huge pages are left as the system sets them"),
        .yesNo("jemalloc-bg-thread", true).ignored("Swirl uses the system allocator"),
        .text("server_cpulist", immutable: true).ignored("no CPU affinity"),
        .text("bio_cpulist", immutable: true).ignored("no CPU affinity"),
        .text("aof_rewrite_cpulist", immutable: true).ignored("no CPU affinity"),
        .text("bgsave_cpulist", immutable: true).ignored("no CPU affinity"),
        .text("ignore-warnings", unsetWhenEmpty: false).ignored("Swirl runs none of the system checks it silences"),
        // `local`: only clients on 127.0.0.1 or ::1 (allowsProtectedAction). MODULE is not implemented.
        Parameter(name: "enable-debug-command", kind: .choice(["no", "yes", "local"]), defaultValue: "no", mutable: false),
        Parameter(name: "enable-protected-configs", kind: .choice(["no", "yes", "local"]), defaultValue: "no", mutable: false),
        Parameter(name: "enable-module-command", kind: .choice(["no", "yes", "local"]), defaultValue: "no", mutable: false)
            .ignored("MODULE is not implemented"),

        // Process and logging.
        Parameter(name: "loglevel", kind: .choice(["debug", "verbose", "notice", "warning"]), defaultValue: "notice", mutable: true),
        Parameter(name: "logfile", kind: .string, defaultValue: "", mutable: false),
        Parameter(name: "daemonize", kind: .bool, defaultValue: "no", mutable: false),
        Parameter(name: "pidfile", kind: .string, defaultValue: "", mutable: false),
        Parameter(name: "supervised", kind: .choice(["upstart", "systemd", "auto", "no"]), defaultValue: "no", mutable: false),
        Parameter(name: "always-show-logo", kind: .bool, defaultValue: "no", mutable: false),

        // Diagnostics.
        .number("slowlog-log-slower-than", 10000, -1...longMax),
        .number("slowlog-max-len", 128, 0...longMax),
        .number("latency-monitor-threshold", 0, 0...longMax),
        .yesNo("latency-tracking", true),
        Parameter(name: "latency-tracking-info-percentiles", kind: .percentiles, defaultValue: "50 99 99.9", mutable: true),
        .number("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024...intMax, hidden: true)
            .ignored("the AOF is loaded before clients are served"),
        .number("key-load-delay", 0, intMin...intMax, hidden: true).ignored("a testing aid of Redis's"),
    ]

    /// `shutdown-on-sigint` / `-sigterm` words, in Redis's order (its bit values ascending).
    static let shutdownFlags = ["default", "save", "nosave", "now", "force"]

    /// Why a parameter is not honoured, where many share the reason.
    enum Why {
        static let replication = "replication is not implemented yet"
        static let cluster = "cluster mode is not implemented"
        static let tls = "TLS is not implemented yet"
        static let acl = "ACL users are not implemented yet"
        static let defrag = "no active defragmentation (Redis's needs its own jemalloc too)"
    }
}
