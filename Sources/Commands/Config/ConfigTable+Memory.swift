/// Memory limits, eviction, compact encodings and client buffers: Redis
/// 7.0.15's parameters of that area, with Swirl's support of each.
extension Config {
    static let memoryParameters: [Parameter] = [
        Parameter(name: "maxmemory", kind: .unsignedMemory, defaultValue: "0", mutable: true),
        .oneOf("maxmemory-policy", "noeviction", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                                  "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]),
        .number("maxmemory-samples", 5, 1...intMax),
        .number("maxmemory-eviction-tenacity", 10, 0...100),
        // Client eviction (Engine+ClientEviction).
        Parameter(name: "maxmemory-clients", kind: .memoryOrPercent, defaultValue: "0", mutable: true),
        .number("lfu-log-factor", 10, 0...intMax),
        .number("lfu-decay-time", 1, 0...intMax),
        .yesNo("lazyfree-lazy-eviction", false).ignored("values are freed at once"),
        .yesNo("lazyfree-lazy-expire", false).ignored("values are freed at once"),
        .yesNo("lazyfree-lazy-server-del", false).ignored("values are freed at once"),
        .yesNo("lazyfree-lazy-user-del", false).ignored("values are freed at once"),
        .yesNo("lazyfree-lazy-user-flush", false).ignored("values are freed at once"),
        .yesNo("activerehashing", true).ignored("Swirl's tables grow in one step"),
        .yesNo("activedefrag", false).ignored(Why.defrag),
        .bytes("active-defrag-ignore-bytes", 100 << 20, 1...longMax).ignored(Why.defrag),
        .number("active-defrag-threshold-lower", 10, 0...1000).ignored(Why.defrag),
        .number("active-defrag-threshold-upper", 100, 0...1000).ignored(Why.defrag),
        .number("active-defrag-cycle-min", 1, 1...99).ignored(Why.defrag),
        .number("active-defrag-cycle-max", 25, 1...99).ignored(Why.defrag),
        .number("active-defrag-max-scan-fields", 1000, 1...longMax).ignored(Why.defrag),

        .number("hash-max-listpack-entries", 512, 0...longMax, alias: "hash-max-ziplist-entries"),
        Parameter(name: "hash-max-listpack-value", kind: .memory(0...longMax), defaultValue: "64", mutable: true,
                  alias: "hash-max-ziplist-value"),
        .number("list-max-listpack-size", -2, intMin...intMax, alias: "list-max-ziplist-size")
            .ignored("a list is compact up to 128 elements of 64 bytes, then a linked list of blocks"),
        .number("list-compress-depth", 0, 0...intMax).ignored("list nodes are not compressed"),
        .number("set-max-intset-entries", 512, 0...longMax),
        .number("zset-max-listpack-entries", 128, 0...longMax, alias: "zset-max-ziplist-entries"),
        Parameter(name: "zset-max-listpack-value", kind: .memory(0...longMax), defaultValue: "64", mutable: true,
                  alias: "zset-max-ziplist-value"),
        .bytes("hll-sparse-max-bytes", 3000, 0...longMax).ignored("HyperLogLog is not implemented yet"),
        .bytes("stream-node-max-bytes", 4096, 0...longMax).ignored("streams are not implemented yet"),
        .number("stream-node-max-entries", 100, 0...longMax).ignored("streams are not implemented yet"),
        .number("tracking-table-max-keys", 1_000_000, 0...longMax).ignored("the tracking table has no limit"),

        Parameter(name: "proto-max-bulk-len", kind: .memory(1024 * 1024...longMax), defaultValue: "536870912", mutable: true),
        .bytes("client-query-buffer-limit", 1 << 30, 1024 * 1024...longMax),
        Parameter(name: "client-output-buffer-limit", kind: .outputBufferLimits, defaultValue: OutputBufferLimits.defaultValue, mutable: true),
        Parameter(name: "notify-keyspace-events", kind: .keyspaceEvents, defaultValue: "", mutable: true),
    ]
}
