import Keyspace
import SwirlBytes

/// `maxmemory-clients`, Redis 7.0's client eviction: when the memory of all
/// normal and pub/sub clients together reaches the limit, the biggest clients
/// are disconnected until it is under again.
///
/// The total is kept up to date incrementally, never by a scan of the clients:
/// a client's memory (`Client.memoryUsage`) is recorded again where it changes
/// (after each of its commands, after a read, after a write to its socket,
/// when another client's command gives it output, CLIENT NO-EVICT), and each
/// evictable client sits in a bucket by the power of two of its memory, as
/// Redis's `client_mem_usage_buckets`: the eviction takes clients from the
/// highest non-empty bucket, so it finds the biggest in O(1). Clients that
/// may not be evicted (CLIENT NO-EVICT, replicas) count in the total but sit
/// in no bucket. With `maxmemory-clients 0` (the default) nothing is recorded.
struct ClientEvictionState {
    /// Bucket i holds the clients whose memory has 15 + i significant bits:
    /// the first every client under 32 KB, each next one twice the sizes, the
    /// last (i = 18) every client of 4 GB and more, as Redis's.
    static let smallestBucketLog = 15
    static let largestBucketLog = 33
    static let bucketCount = largestBucketLog - smallestBucketLog + 1
    /// Redis's floor: a smaller limit would leave no room to talk to the server.
    static let minimumLimit = 128 * 1024

    /// The limit in bytes, 0 when off (from `maxmemory-clients` and `maxmemory`).
    var limit = 0
    /// Evictable clients by memory size; a client knows its bucket and its slot
    /// in it (`Client.memoryBucket`, `memoryBucketSlot`), so it leaves in O(1).
    var buckets: [[Client]] = Array(repeating: [], count: bucketCount)
    /// The recorded memory of every normal and pub/sub connection (Redis's
    /// stat_clients_type_memory of those two classes).
    var total = 0
    /// INFO evicted_clients.
    var evictedClients = 0
    /// Over the limit with nobody left to evict: logged once until it is under again.
    var reportedStuck = false

    static func bucket(for bytes: Int) -> Int {
        let log = Int.bitWidth - max(bytes, 1).leadingZeroBitCount
        return min(max(log, smallestBucketLog), largestBucketLog) - smallestBucketLog
    }

    /// Redis's getClientEvictionLimit: `maxmemory-clients` as bytes, or as a
    /// percentage of `maxmemory` (off while maxmemory is 0), never under 128 KB.
    static func limit(setting: String, maxmemory: Int) -> Int {
        let bytes: Int
        if setting.hasSuffix("%") {
            let percent = Int(setting.dropLast()) ?? 0
            guard maxmemory > 0 else { return 0 }
            // In doubles, as Redis; a product at 2^63 (maxmemory near the top of its range)
            // would trap on conversion: clamped instead.
            let product = Double(maxmemory) * Double(percent) / 100
            bytes = product < 9.0e18 ? Int(product) : Int.max
        } else {
            bytes = Int(setting) ?? 0
        }
        return bytes > 0 ? max(bytes, minimumLimit) : 0
    }
}

extension Engine {
    /// Reads `maxmemory-clients` (at start and after every CONFIG SET): turning
    /// it on records every client once, turning it off forgets the records.
    func configureClientEviction() {
        let limit = ClientEvictionState.limit(setting: config.maxmemoryClients, maxmemory: config.maxmemory)
        let wasOn = clientEviction.limit > 0
        clientEviction.limit = limit
        if limit > 0 && !wasOn {
            for client in clients.values { recordMemory(of: client) }
        } else if limit == 0 && wasOn {
            for client in clients.values { forgetMemory(of: client) }
            clientEviction.total = 0
        }
    }

    /// Records the client's memory again, where it may have changed; one
    /// comparison while `maxmemory-clients` is 0.
    @inline(__always)
    public func noteClientMemory(_ client: Client) {
        if clientEviction.limit > 0 { recordMemory(of: client) }
    }

    /// Redis's updateClientMemUsageAndBucket: the client's memory replaces its
    /// last record in the total, and an evictable client moves to the bucket
    /// of its size. Clients not (or no longer) connected, replicas, and those
    /// being closed for their output limit are not counted. (Replication's
    /// link to a master must be exempt too, as Redis's CLIENT_TYPE_MASTER:
    /// whatever flag marks it belongs in this guard.)
    func recordMemory(of client: Client) {
        guard client.isConnected, !client.closeASAP, client.outputClass != .replica else {
            forgetMemory(of: client)
            return
        }
        let usage = client.memoryUsage(countingArguments: false)
        clientEviction.total += usage - client.recordedMemory
        client.recordedMemory = usage
        let bucket = client.noEvict ? -1 : ClientEvictionState.bucket(for: usage)
        if bucket != client.memoryBucket {
            leaveBucket(client)
            if bucket >= 0 {
                client.memoryBucket = bucket
                client.memoryBucketSlot = clientEviction.buckets[bucket].count
                clientEviction.buckets[bucket].append(client)
            }
        }
    }

    /// Takes the client's memory out of the total and out of its bucket
    /// (it leaves, is evicted, or stops counting).
    func forgetMemory(of client: Client) {
        clientEviction.total -= client.recordedMemory
        client.recordedMemory = 0
        leaveBucket(client)
    }

    private func leaveBucket(_ client: Client) {
        let bucket = client.memoryBucket
        guard bucket >= 0 else { return }
        let slot = client.memoryBucketSlot
        let last = clientEviction.buckets[bucket].removeLast()
        if last !== client {
            clientEviction.buckets[bucket][slot] = last
            last.memoryBucketSlot = slot
        }
        client.memoryBucket = -1
    }

    /// Whether the clients' memory has reached `maxmemory-clients` (checked before every command).
    @inline(__always)
    var clientsOverMemoryLimit: Bool {
        clientEviction.limit > 0 && clientEviction.total >= clientEviction.limit
    }

    /// Redis's evictClients: while the clients' memory is at or over the limit,
    /// disconnects a client from the highest non-empty bucket (the biggest
    /// ones). An evicted client is marked `closeASAP` (the rest of its input
    /// does not run, nothing more is sent to it) and closed by the Server at once.
    public func evictClients() {
        guard clientsOverMemoryLimit else {
            clientEviction.reportedStuck = false
            return
        }
        var bucket = ClientEvictionState.bucketCount - 1
        while clientEviction.total >= clientEviction.limit {
            while bucket >= 0 && clientEviction.buckets[bucket].isEmpty { bucket -= 1 }
            guard bucket >= 0 else {
                if !clientEviction.reportedStuck {
                    hooks.logWarning("Over client maxmemory after evicting all evictable clients")
                    clientEviction.reportedStuck = true
                }
                return
            }
            let victim = clientEviction.buckets[bucket].last!
            let info = String(decoding: ClientCommands.describe(victim, now: keyspace.now), as: UTF8.self)
            hooks.logNotice("Evicting client: \(info)")
            forgetMemory(of: victim)
            victim.closeASAP = true
            victim.reply.bytes = []
            clientEviction.evictedClients += 1
            hooks.closeClient(victim.id)
        }
        clientEviction.reportedStuck = false
    }
}
