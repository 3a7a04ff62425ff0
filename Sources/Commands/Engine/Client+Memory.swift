import Keyspace
import RESP
import SwirlBytes

extension Client {
    /// Redis's getClientMemoryUsage, from Swirl's structures: what CLIENT
    /// LIST's `tot-mem` shows and what `maxmemory-clients` counts. Allocated
    /// sizes where Swirl knows them (the buffers' capacities, the malloc
    /// blocks of the connection's objects), and for the per-client tables
    /// (MULTI's queue, WATCH, subscriptions, tracking prefixes) their
    /// storage: capacity × entry size, as Redis counts its list and dict
    /// overheads. O(1) but for `countingArguments`: the arguments of the
    /// command being run, summed (as the command itself reads them). Client
    /// eviction records a client between commands without them, as Redis
    /// records it after its argv is freed (a large value's bytes then belong
    /// to the keyspace); a frame still arriving counts in `inputBufferBytes`.
    public func memoryUsage(countingArguments: Bool = true) -> Int {
        var bytes = connectionObjectBytes + inputBufferBytes
        bytes += reply.bytes.capacity + pendingOutputLength
        if countingArguments && !args.isEmpty {
            bytes += args.count * MemoryLayout<Bytes>.stride
            for argument in args { bytes += argument.count }
        }
        if let transaction {
            bytes += transaction.argumentBytes
                + transaction.commands.capacity * MemoryLayout<(spec: CommandSpec, args: [Bytes])>.stride
        }
        if let watcher { bytes += watcher.storageBytes }
        if let subscriptions { bytes += subscriptions.storageBytes }
        if let tracking { bytes += tracking.prefixes.capacity * MemoryLayout<Bytes>.stride }
        return bytes
    }
}
