#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

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
    public var onExpired: ((_ db: Int, _ key: Bytes) -> Void)?
    /// Called for every key added to a database (the `new` keyspace event);
    /// nil unless someone listens, so adding a key pays one check.
    public var onNewKey: ((_ db: Int, _ key: Bytes) -> Void)?
    /// True while the AOF replays: nothing expires then, because the DELs that
    /// followed expiries are in the file too (Redis's `server.loading`).
    public var loading = false
    /// While true, every change to a key is reported to `keyChangeObserver`
    /// (client-side caching invalidation); false costs writes one check.
    public var observingKeyChanges = false
    public var keyChangeObserver: ((Bytes) -> Void)?
    /// CLIENT PAUSE: an expired key reads as missing but is not deleted
    /// (no DEL may reach the AOF while writes are paused).
    public var expiryPaused = false
    /// What `Slot.access` records (from `maxmemory-policy`).
    public var accessTracking = AccessTracking.recency {
        didSet { tracksRecency = accessTracking == .recency }
    }
    /// Eviction's samples and LFU's increments (not `Int.random`'s system call per draw).
    public var random = FastRandom()
    /// The common case, checked on every lookup without looking into the enum.
    private(set) var tracksRecency = true
    /// Keys with blocked clients that received a value, in signal order (Redis's
    /// `server.ready_keys`); the engine serves them after each command (BlockingKeys.swift).
    var readyKeys: [(db: Database, key: Bytes)] = []

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
        (first.volatileCount, second.volatileCount) = (second.volatileCount, first.volatileCount)
        first.sweepCursor = 0
        second.sweepCursor = 0
        // Blocked clients stay with the database number too: their keys may now hold values.
        first.signalAllBlockedKeys()
        second.signalAllBlockedKeys()
    }

    public var totalKeys: Int { databases.reduce(0) { $0 + $1.count } }

    /// Every database's `spareTableBytes`.
    public var spareTableBytes: Int { databases.reduce(0) { $0 + $1.spareTableBytes } }

    /// Active expiry, called `hz` times a second: each database with keys that
    /// have a TTL is swept a slice at a time (Database.sweepExpired), sized so
    /// that a full pass takes about a second, within a time budget so a burst
    /// of expiries never stalls the loop. Unlike Redis's random sampling, a
    /// sweep visits every key, so no expired key outlives a pass.
    public func activeExpireCycle(budgetMicroseconds: Int64, hz: Int) {
        refreshClock()
        let deadline = Self.clockMicroseconds() + budgetMicroseconds
        for db in databases where db.volatileCount > 0 {
            var quota = max(1024, db.count / max(1, hz))
            while quota > 0 {
                let examined = db.sweepExpired(limit: min(quota, 1024))
                if examined == 0 { break }
                quota -= examined
                if Self.clockMicroseconds() > deadline { return }
            }
        }
    }
}
