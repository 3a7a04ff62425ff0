import SwirlBytes

/// `maxmemory-policy`: which keys may go when memory is over `maxmemory`, and
/// in what order (Redis 7.0's eight policies).
public enum EvictionPolicy: String, CaseIterable, Sendable {
    case noEviction = "noeviction"
    case allKeysLRU = "allkeys-lru", allKeysLFU = "allkeys-lfu", allKeysRandom = "allkeys-random"
    case volatileLRU = "volatile-lru", volatileLFU = "volatile-lfu", volatileRandom = "volatile-random"
    case volatileTTL = "volatile-ttl"

    /// Only keys with a TTL are candidates.
    public var volatileOnly: Bool { rawValue.hasPrefix("volatile") }

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

/// Chooses the keys to evict, as Redis 7.0's performEvictions does: ranked
/// policies sample `maxmemory-samples` candidates from every database into the
/// pool and take its best; random policies take one uniform random key,
/// visiting the databases in turn.
public struct Evictor {
    public var pool = EvictionPool()
    /// Where the random policies look first (Redis's static `next_db`).
    var nextDatabase = 0

    public init() {}

    public enum Choice: Equatable {
        case victim(db: Int, key: Bytes)
        /// No key may be evicted under the policy: nothing can be freed.
        case nothingEvictable
        /// Candidates exist, but this round's sampling met none (only keys with
        /// a TTL, spread thinly): try again, within the caller's time budget.
        case notFoundYet
    }

    public mutating func choose(in keyspace: Keyspace, policy: EvictionPolicy, samples: Int) -> Choice {
        switch policy {
        case .noEviction:
            return .nothingEvictable
        case .allKeysRandom, .volatileRandom:
            return chooseRandom(in: keyspace, volatileOnly: policy.volatileOnly)
        default:
            return chooseRanked(in: keyspace, policy: policy, samples: max(1, samples))
        }
    }

    private mutating func chooseRandom(in keyspace: Keyspace, volatileOnly: Bool) -> Choice {
        var anyCandidate = false
        for _ in 0..<keyspace.count {
            nextDatabase = (nextDatabase + 1) % keyspace.count
            let db = keyspace[nextDatabase]
            guard db.candidateCount(volatileOnly: volatileOnly) > 0 else { continue }
            anyCandidate = true
            if let position = db.sampleCandidates(1, volatileOnly: volatileOnly).first {
                return .victim(db: db.id, key: db.main.key(at: position))
            }
        }
        return anyCandidate ? .notFoundYet : .nothingEvictable
    }

    private mutating func chooseRanked(in keyspace: Keyspace, policy: EvictionPolicy, samples: Int) -> Choice {
        var total = 0
        for db in keyspace.databases {
            let candidates = db.candidateCount(volatileOnly: policy.volatileOnly)
            guard candidates > 0 else { continue }
            total += candidates
            for position in db.sampleCandidates(samples, volatileOnly: policy.volatileOnly) {
                // Read in place: a copy of the slot would retain its value's storage.
                let score = db.main.readValue(at: position) { Self.score($0, policy: policy, keyspace: keyspace) }
                pool.offer(score: score, db: db.id, key: db.main.key(at: position))
            }
        }
        guard total > 0 else { return .nothingEvictable }
        // From the best down: a candidate deleted (or, for volatile policies,
        // made persistent) since it was sampled is a ghost and is dropped.
        while let best = pool.takeBest() {
            let db = keyspace[best.db]
            guard let position = db.main.index(of: best.key) else { continue }
            if policy.volatileOnly && !db.main.readValue(at: position, { $0.hasExpiry }) { continue }
            return .victim(db: best.db, key: best.key)
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

    /// Up to `samples` positions of candidates, drawn uniformly (with
    /// replacement) by the table's O(1) random index. With TTL keys as the only
    /// candidates, random draws are kept while at least one key in 8 has a TTL
    /// (8 draws per hit on average); sparser than that, Swirl (which keeps
    /// expiries in the slots, not in a second table as Redis's `expires`) walks
    /// the table from where the previous walk stopped, at most
    /// `sparseWalkLimit` slots per call, so a call stays bounded.
    func sampleCandidates(_ samples: Int, volatileOnly: Bool) -> [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(samples)
        guard !main.isEmpty else { return positions }
        if !volatileOnly {
            for _ in 0..<samples { positions.append(Int.random(in: 0..<main.count)) }
            return positions
        }
        if volatileCount > 0 && volatileCount &* 8 >= main.count {
            var draws = 0
            while positions.count < samples && draws < samples &* 32 {
                let position = Int.random(in: 0..<main.count)
                if main.readValue(at: position, { $0.hasExpiry }) { positions.append(position) }
                draws += 1
            }
            return positions
        }
        var visited = 0
        while positions.count < samples && visited < min(main.count, Self.sparseWalkLimit) {
            if evictionCursor >= main.count { evictionCursor = 0 }
            if main.readValue(at: evictionCursor, { $0.hasExpiry }) { positions.append(evictionCursor) }
            evictionCursor += 1
            visited += 1
        }
        return positions
    }

    static let sparseWalkLimit = 4096
}
