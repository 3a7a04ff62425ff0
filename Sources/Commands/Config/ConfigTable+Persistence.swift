/// The append-only file and RDB snapshots: Redis 7.0.15's parameters of that
/// area, with Swirl's support of each.
extension Config {
    static let persistenceParameters: [Parameter] = [
        .yesNo("appendonly", true).noting("Swirl's default is `yes` (durable from the start); Redis 7.0's is `no`"),
        .oneOf("appendfsync", "everysec", ["everysec", "always", "no"]),
        Parameter(name: "appenddirname", kind: .string, defaultValue: "appendonlydir", mutable: false),
        Parameter(name: "appendfilename", kind: .string, defaultValue: "appendonly.aof", mutable: false),
        .yesNo("aof-load-truncated", true),
        .yesNo("aof-use-rdb-preamble", true)
            .ignored("a rewrite writes its base in AOF form (RDB bases Redis wrote are read)"),
        .yesNo("aof-timestamp-enabled", false).ignored("no timestamp annotations are written"),
        .yesNo("aof-rewrite-incremental-fsync", true).ignored("the rewrite child fsyncs its file once, at the end"),
        .yesNo("aof-disable-auto-gc", false).ignored("files a rewrite replaced are always deleted"),
        .yesNo("no-appendfsync-on-rewrite", false).ignored("fsyncs go on during a rewrite"),
        .number("auto-aof-rewrite-percentage", 100, 0...intMax),
        Parameter(name: "auto-aof-rewrite-min-size", kind: .memory(0...longMax), defaultValue: "67108864", mutable: true),
        .number("rdb-key-save-delay", 0, intMin...intMax, hidden: true)
            .noting("microseconds the AOF rewrite child waits after each key (a testing aid, as in Redis)"),
        Parameter(name: "save", kind: .save, defaultValue: "", mutable: true)
            .ignored(Why.rdb + "; Swirl's default is empty, Redis 7.0's `3600 1 300 100 60 10000`"),
        Parameter(name: "dbfilename", kind: .string, defaultValue: "dump.rdb", mutable: true, protected: true)
            .ignored(Why.rdb),
        .yesNo("rdbcompression", true).ignored(Why.rdb),
        .yesNo("rdbchecksum", true, immutable: true).ignored(Why.rdb),
        .yesNo("rdb-del-sync-files", false).ignored(Why.rdb),
        .yesNo("rdb-save-incremental-fsync", true).ignored(Why.rdb),
        .yesNo("stop-writes-on-bgsave-error", true).ignored(Why.rdb),
        .oneOf("sanitize-dump-payload", "no", ["no", "yes", "clients"]).ignored("DUMP and RESTORE are not implemented yet"),
    ]
}
