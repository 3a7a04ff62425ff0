#if canImport(Glibc)
import Glibc
#endif

/// Counters the keyspace keeps for INFO.
public struct KeyspaceStats {
    public var expiredKeys = 0
    public var keyspaceHits = 0
    public var keyspaceMisses = 0
    public init() {}
}

/// All databases of the server, and the clock their expiry reads.
public final class Keyspace {
    public private(set) var databases: [Database] = []
    public var stats = KeyspaceStats()
    /// The time commands see, in Unix milliseconds. Refreshed once per command,
    /// as Redis caches `mstime` per call, so one command sees one instant.
    public var now: Int64 = Keyspace.clockMilliseconds()
    /// Called for every key deleted because its TTL passed (to log a DEL in the AOF).
    public var onExpired: ((_ db: Int, _ key: [UInt8]) -> Void)?

    public init(databaseCount: Int = 16) {
        databases = (0..<databaseCount).map { Database(id: $0, keyspace: self) }
    }

    public subscript(index: Int) -> Database { databases[index] }
    public var count: Int { databases.count }

    public func refreshClock() { now = Self.clockMilliseconds() }

    public static func clockMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public static func clockMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    public func flushAll() {
        for db in databases { db.removeAll() }
    }

    /// SWAPDB: the two databases exchange contents, keeping their numbers.
    public func swap(_ a: Int, _ b: Int) {
        let first = databases[a], second = databases[b]
        // Watches stay with the database number, so their keys change if either side holds them.
        first.touchAllWatchedKeys(replacement: second)
        second.touchAllWatchedKeys(replacement: first)
        (first.main, second.main) = (second.main, first.main)
        (first.expires, second.expires) = (second.expires, first.expires)
    }

    public var totalKeys: Int { databases.reduce(0) { $0 + $1.count } }

    /// Redis's active expire cycle, simplified: per database, sample 20 keys
    /// with a TTL and repeat while more than 10% of them had expired,
    /// within a time budget so a burst of expiries never stalls the loop.
    public func activeExpireCycle(budgetMicroseconds: Int64) {
        refreshClock()
        let deadline = Self.clockMicroseconds() + budgetMicroseconds
        for db in databases where !db.expires.isEmpty {
            var rounds = 0
            while true {
                let (sampled, expired) = db.sampleExpired(samples: 20)
                rounds += 1
                if sampled == 0 || expired * 10 <= sampled { break }
                if rounds % 16 == 0 && Self.clockMicroseconds() > deadline { return }
            }
        }
    }
}
