/// Replication and cluster mode: Redis 7.0.15's parameters of those areas.
/// Neither is implemented yet, so each is accepted, checked and shown as Redis
/// does, and not honoured.
extension Config {
    static let replicationParameters: [Parameter] = [
        Parameter(name: "replicaof", kind: .replicaOf, defaultValue: "", mutable: false, alias: "slaveof"),
        // Kept for replication: accepted, shown, redacted as in Redis.
        .text("masterauth", sensitive: true),
        .text("masteruser", sensitive: true),
        .yesNo("replica-serve-stale-data", true, alias: "slave-serve-stale-data"),
        .yesNo("replica-read-only", true, alias: "slave-read-only"),
        .yesNo("replica-lazy-flush", false, alias: "slave-lazy-flush"),
        .yesNo("replica-ignore-maxmemory", true, alias: "slave-ignore-maxmemory"),
        .yesNo("replica-announced", true),
        .text("replica-announce-ip", alias: "slave-announce-ip"),
        .number("replica-announce-port", 0, 0...65535, alias: "slave-announce-port"),
        .number("replica-priority", 100, 0...intMax, alias: "slave-priority"),
        .yesNo("replica-ignore-disk-write-errors", false),
        .yesNo("repl-diskless-sync", true),
        .number("repl-diskless-sync-delay", 5, 0...intMax),
        .number("repl-diskless-sync-max-replicas", 0, 0...intMax),
        .oneOf("repl-diskless-load", "disabled", ["disabled", "on-empty-db", "swapdb"]),
        .yesNo("repl-disable-tcp-nodelay", false),
        .bytes("repl-backlog-size", 1024 * 1024, 1...longMax),
        .number("repl-backlog-ttl", 3600, 0...longMax),
        .number("repl-timeout", 60, 1...intMax),
        .number("repl-ping-replica-period", 10, 1...intMax, alias: "repl-ping-slave-period"),
        .number("min-replicas-to-write", 0, 0...intMax, alias: "min-slaves-to-write"),
        .number("min-replicas-max-lag", 10, 0...intMax, alias: "min-slaves-max-lag"),
    ].map { $0.ignored(Why.replication) }

    static let clusterParameters: [Parameter] = [
        .yesNo("cluster-enabled", false, immutable: true),
        .text("cluster-config-file", "nodes.conf", unsetWhenEmpty: false, immutable: true),
        .number("cluster-node-timeout", 15000, 0...longMax),
        .number("cluster-port", 0, 0...65535, immutable: true),
        .text("cluster-announce-ip"),
        .text("cluster-announce-hostname"),
        .number("cluster-announce-port", 0, 0...65535),
        .number("cluster-announce-bus-port", 0, 0...65535),
        .number("cluster-announce-tls-port", 0, 0...65535),
        .number("cluster-replica-validity-factor", 10, 0...intMax, alias: "cluster-slave-validity-factor"),
        .number("cluster-migration-barrier", 1, 0...intMax),
        .yesNo("cluster-require-full-coverage", true),
        .yesNo("cluster-replica-no-failover", false, alias: "cluster-slave-no-failover"),
        .yesNo("cluster-allow-reads-when-down", false),
        .yesNo("cluster-allow-pubsubshard-when-down", true),
        .yesNo("cluster-allow-replica-migration", true),
        .oneOf("cluster-preferred-endpoint-type", "ip", ["ip", "hostname", "unknown-endpoint"]),
        Parameter(name: "cluster-link-sendbuf-limit", kind: .unsignedMemory, defaultValue: "0", mutable: true),
    ].map { $0.ignored(Why.cluster) }
}
