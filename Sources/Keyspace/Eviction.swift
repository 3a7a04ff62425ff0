import SwirlBytes

/// `maxmemory-policy`: which keys may go when memory is over `maxmemory`, and
/// in what order (Redis 7.0's eight policies).
public enum EvictionPolicy: String, CaseIterable, Sendable {
    case noEviction = "noeviction"
    case allKeysLRU = "allkeys-lru", allKeysLFU = "allkeys-lfu", allKeysRandom = "allkeys-random"
    case volatileLRU = "volatile-lru", volatileLFU = "volatile-lfu", volatileRandom = "volatile-random"
    case volatileTTL = "volatile-ttl"

    /// Only keys with a TTL are candidates.
    public var volatileOnly: Bool {
        switch self {
        case .volatileLRU, .volatileLFU, .volatileRandom, .volatileTTL: return true
        default: return false
        }
    }

    /// Candidates are ranked through the eviction pool (LRU, LFU, TTL); the
    /// random policies take any candidate.
    var ranked: Bool { self != .allKeysRandom && self != .volatileRandom && self != .noEviction }
}

/// Redis's eviction pool (evict.c): the best candidates seen so far, kept
/// across calls, sorted by score, the best (highest score) last. A score is
/// "how good a victim": idle milliseconds (LRU), 255 minus the frequency
/// counter (LFU), or the inverse of the expiry time (TTL). Scores are those of
/// the moment a key was sampled, as in Redis: a key read since still carries
/// its old score until it is taken.
public struct EvictionPool {
    public static let size = 16

    public struct Candidate: Equatable {
        public var score: UInt64
        public var db: Int
        public var key: Bytes
    }

    public private(set) var candidates: [Candidate] = []

    public init() { candidates.reserveCapacity(Self.size) }

    public var isEmpty: Bool { candidates.isEmpty }

    /// Redis's insertion: a candidate no better than every one of a full pool
    /// is dropped; otherwise it goes in order, pushing out the worst when full.
    public mutating func offer(score: UInt64, db: Int, key: Bytes) {
        let full = candidates.count == Self.size
        if full && score <= candidates[0].score { return }
        // A key sampled twice stays once, with its newer score.
        if let existing = candidates.firstIndex(where: { $0.db == db && $0.key == key }) {
            candidates.remove(at: existing)
        } else if full {
            candidates.removeFirst()
        }
        var position = candidates.count
        while position > 0 && candidates[position - 1].score >= score { position -= 1 }
        candidates.insert(Candidate(score: score, db: db, key: key), at: position)
    }

    /// The best candidate, removed from the pool.
    public mutating func takeBest() -> Candidate? { candidates.popLast() }

    public mutating func removeAll() { candidates.removeAll(keepingCapacity: true) }
}

/// Chooses and deletes the keys to evict, as Redis 7.0's performEvictions
/// does: ranked policies sample `maxmemory-samples` candidates from every
/// database into the pool and delete its best; random policies delete one
/// uniform random key, visiting the databases in turn. The deletion is
/// `Database.delete`'s (WATCH and tracking see it); the caller does the rest
/// (events, AOF, counters). One table lookup per victim.
public struct Evictor {
    public var pool = EvictionPool()
    /// Where the random policies look first (Redis's static `next_db`).
    var nextDatabase = 0

    public init() {}

    public enum Outcome: Equatable {
        case evicted(db: Int, key: Bytes)
        /// No key may be evicted under the policy: nothing can be freed.
        case nothingEvictable
        /// Candidates exist, but this round's sampling met none (only keys with
        /// a TTL, spread thinly): try again, within the caller's time budget.
        case notFoundYet
    }

    public mutating func evictOne(from keyspace: Keyspace, policy: EvictionPolicy, samples: Int) -> Outcome {
        switch policy {
        case .noEviction:
            return .nothingEvictable
        case .allKeysRandom, .volatileRandom:
            return evictRandom(from: keyspace, volatileOnly: policy.volatileOnly)
        default:
            return evictRanked(from: keyspace, policy: policy, samples: max(1, samples))
        }
    }

    private mutating func evictRandom(from keyspace: Keyspace, volatileOnly: Bool) -> Outcome {
        var anyCandidate = false
        for _ in 0..<keyspace.count {
            nextDatabase = (nextDatabase + 1) % keyspace.count
            let db = keyspace[nextDatabase]
            guard db.candidateCount(volatileOnly: volatileOnly) > 0 else { continue }
            anyCandidate = true
            var victim: Int? = nil
            db.forEachSample(1, volatileOnly: volatileOnly) { victim = $0 }
            if let victim { return .evicted(db: db.id, key: db.evict(at: victim)) }
        }
        return anyCandidate ? .notFoundYet : .nothingEvictable
    }

    private mutating func evictRanked(from keyspace: Keyspace, policy: EvictionPolicy, samples: Int) -> Outcome {
        var total = 0
        for index in 0..<keyspace.count {
            let db = keyspace[index]
            let candidates = db.candidateCount(volatileOnly: policy.volatileOnly)
            guard candidates > 0 else { continue }
            total += candidates
            db.forEachSample(samples, volatileOnly: policy.volatileOnly) { position in
                // Read in place: a copy of the slot would retain its value's storage.
                let score = db.main.readValue(at: position) { Self.score($0, policy: policy, keyspace: keyspace) }
                pool.offer(score: score, db: index, key: db.main.key(at: position))
            }
        }
        guard total > 0 else { return .nothingEvictable }
        // From the best down: a candidate deleted (or, for volatile policies,
        // made persistent) since it was sampled is a ghost and is dropped.
        while let best = pool.takeBest() {
            if keyspace[best.db].evict(best.key, onlyWithExpiry: policy.volatileOnly) {
                return .evicted(db: best.db, key: best.key)
            }
        }
        return .notFoundYet
    }

    /// A candidate's rank under `policy`: higher is evicted first.
    static func score(_ slot: Slot, policy: EvictionPolicy, keyspace: Keyspace) -> UInt64 {
        switch policy {
        case .allKeysLRU, .volatileLRU:
            // Redis's estimateObjectIdleTime: the clock's resolution is a second, reported in milliseconds.
            return UInt64(AccessClock.idleSeconds(slot.access, milliseconds: keyspace.now)) * 1000
        case .allKeysLFU, .volatileLFU:
            var decayMinutes = 1
            if case .frequency(_, let minutes) = keyspace.accessTracking { decayMinutes = minutes }
            return 255 - UInt64(AccessClock.frequency(slot.access, decayMinutes: decayMinutes, milliseconds: keyspace.now))
        default:
            // The sooner the expiry the better the victim.
            return UInt64.max - UInt64(clamping: slot.expireAt)
        }
    }
}

extension Database {
    /// Keys the policy may evict here: all of them, or those with a TTL.
    func candidateCount(volatileOnly: Bool) -> Int { volatileOnly ? volatileCount : count }

    /// Visits up to `samples` positions of candidates, drawn uniformly (with
    /// replacement) by the table's O(1) random index. With TTL keys as the only
    /// candidates, random draws are kept while at least one key in 8 has a TTL
    /// (8 draws per hit on average); sparser than that, Swirl (which keeps
    /// expiries in the slots, not in a second table as Redis's `expires`) walks
    /// the table from where the previous walk stopped, at most
    /// `sparseWalkLimit` slots per call, so a call stays bounded.
    func forEachSample(_ samples: Int, volatileOnly: Bool, _ visit: (Int) -> Void) {
        guard !main.isEmpty else { return }
        if !volatileOnly {
            for _ in 0..<samples { visit(Int.random(in: 0..<main.count, using: &keyspace.random)) }
            return
        }
        var found = 0
        if volatileCount > 0 && volatileCount &* 8 >= main.count {
            var draws = 0
            while found < samples && draws < samples &* 32 {
                let position = Int.random(in: 0..<main.count, using: &keyspace.random)
                if main.readValue(at: position, { $0.hasExpiry }) {
                    visit(position)
                    found += 1
                }
                draws += 1
            }
            return
        }
        var visited = 0
        while found < samples && visited < min(main.count, Self.sparseWalkLimit) {
            if evictionCursor >= main.count { evictionCursor = 0 }
            if main.readValue(at: evictionCursor, { $0.hasExpiry }) {
                visit(evictionCursor)
                found += 1
            }
            evictionCursor += 1
            visited += 1
        }
    }

    /// Deletes the key at `position` as an eviction; returns it.
    func evict(at position: Int) -> Bytes {
        let key = main.key(at: position)
        remove(at: position)
        keyChanged(key)
        return key
    }

    /// Deletes `key` as an eviction if it is still there (and, for volatile
    /// policies, still has a TTL): one lookup.
    func evict(_ key: Bytes, onlyWithExpiry: Bool) -> Bool {
        guard let position = main.index(of: key) else { return false }
        if onlyWithExpiry && !main.readValue(at: position, { $0.hasExpiry }) { return false }
        remove(at: position)
        keyChanged(key)
        return true
    }

    static let sparseWalkLimit = 4096
}
