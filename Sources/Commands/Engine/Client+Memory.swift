import Keyspace
import RESP
import SwirlBytes

extension Client {
    /// Redis's getClientMemoryUsage, from Swirl's structures: what CLIENT
    /// LIST's `tot-mem` shows and what `maxmemory-clients` counts. O(1) but
    /// for the arguments of the command being run (a sum over them, as the
    /// command itself is). Allocated sizes where Swirl knows them (the
    /// buffers' capacities, the malloc blocks of the connection's objects), and for the
    /// per-client tables (MULTI's queue, WATCH, subscriptions, tracking
    /// prefixes) their storage: capacity × entry size, as Redis counts its
    /// list and dict overheads.
    public func memoryUsage() -> Int {
        var bytes = connectionObjectBytes + inputBufferBytes
        bytes += reply.bytes.capacity + pendingOutputLength
        if !args.isEmpty {
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
