#if canImport(Glibc)
import Glibc
#endif
import Keyspace

/// The memory figures INFO memory and MEMORY STATS share (Redis's
/// `getMemoryOverheadData`), computed once per call.
///
/// `used` is what malloc handed out (`ServerHooks.usedMemory`, glibc's
/// mallinfo2); `overhead` is the allocation at start-up, the client buffers,
/// the AOF buffer and the databases' own tables (MemoryFootprint); the
/// dataset is the rest.
struct MemoryOverview {
    let used: Int
    let rss: Int
    let peak: Int
    let startup: Int
    let clientBuffers: Int
    let aofBuffer: Int
    /// Each non-empty database's table: (number, bytes).
    let tables: [(db: Int, bytes: Int)]
    let keys: Int

    init(_ engine: Engine) {
        used = engine.hooks.usedMemory()
        rss = MemoryStats.residentBytes()
        peak = max(used, engine.peakMemory)
        startup = min(engine.startupMemory, used)
        // What client eviction counts (Redis's stat_clients_type_memory of normal and
        // pub/sub clients): kept as a running total while it is on, else summed here.
        clientBuffers = engine.clientEviction.limit > 0 ? engine.clientEviction.total
            : engine.clients.values.reduce(0) { $0 + ($1.outputClass == .replica ? 0 : $1.memoryUsage()) }
        aofBuffer = engine.aofBuffer.count
        tables = engine.keyspace.databases.filter { $0.count > 0 }.map { ($0.id, MemoryFootprint.tableOverhead($0)) }
        keys = engine.keyspace.totalKeys
    }

    var overhead: Int { startup + clientBuffers + aofBuffer + tables.reduce(0) { $0 + $1.bytes } }
    var dataset: Int { max(0, used - overhead) }
    /// What the data and clients added since start-up.
    var netUsage: Int { max(0, used - startup) }
}
