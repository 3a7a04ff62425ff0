import XCTest
@testable import Keyspace
import SwirlBytes

/// Which keys each `maxmemory-policy` gives up, with the clock simulated.
/// Databases of three keys sampled 64 times miss a key with probability
/// (2/3)^64 ≈ 5e-12, so the orders below are deterministic in practice.
final class EvictionTests: XCTestCase {
    private let t0: Int64 = 1_700_000_000_000

    /// Evicts until nothing qualifies; the keys in eviction order.
    private func evictionOrder(_ keyspace: Keyspace, _ policy: EvictionPolicy, samples: Int = 64) -> [String] {
        var evictor = Evictor()
        var order: [String] = []
        for _ in 0..<1_000 {
            switch evictor.evictOne(from: keyspace, policy: policy, samples: samples) {
            case .evicted(_, let key):
                order.append(String(decoding: Array(key), as: UTF8.self))
            case .notFoundYet:
                continue
            case .nothingEvictable:
                return order
            }
        }
        XCTFail("eviction never ran out of candidates")
        return order
    }

    func testLRUEvictsTheLongestIdleFirst() {
        let keyspace = Keyspace()
        for (key, secondsAgo) in [("recent", 10), ("oldest", 1_000), ("older", 100)] {
            keyspace.now = t0 - Int64(secondsAgo) * 1000
            keyspace[0].add(Bytes(key), .string("v"))
        }
        keyspace.now = t0
        XCTAssertEqual(evictionOrder(keyspace, .allKeysLRU), ["oldest", "older", "recent"])
    }

    func testAReadMakesAKeyRecentAgain() {
        let keyspace = Keyspace()
        keyspace.now = t0 - 500_000
        keyspace[0].add("a", .string("v"))
        keyspace.now = t0 - 400_000
        keyspace[0].add("b", .string("v"))
        keyspace.now = t0
        _ = keyspace[0].lookup("a")
        XCTAssertEqual(evictionOrder(keyspace, .allKeysLRU), ["b", "a"])
    }

    func testLFUEvictsTheLeastFrequentFirstWithRedisCounter() {
        let keyspace = Keyspace()
        // lfu-log-factor 0: every access bumps the counter (1/(base·0+1) = 1).
        keyspace.accessTracking = .frequency(logFactor: 0, decayMinutes: 1)
        keyspace.now = t0
        for (key, reads) in [("warm", 3), ("cold", 0), ("hot", 20)] {
            keyspace[0].add(Bytes(key), .string("v"))
            for _ in 0..<reads { _ = keyspace[0].lookup(Bytes(key)) }
        }
        XCTAssertEqual(AccessClock.frequency(keyspace[0].peekSlot("hot")!.access, decayMinutes: 1, milliseconds: t0), 25)
        XCTAssertEqual(evictionOrder(keyspace, .allKeysLFU), ["cold", "warm", "hot"])
    }

    func testLFUCountersDecayWithDisuse() {
        let keyspace = Keyspace()
        keyspace.accessTracking = .frequency(logFactor: 0, decayMinutes: 1)
        keyspace.now = t0
        keyspace[0].add("was-hot", .string("v"))
        for _ in 0..<20 { _ = keyspace[0].lookup("was-hot") }   // counter 25
        // 23 idle minutes take it to 2; a key created now starts at 5.
        keyspace.now = t0 + 23 * 60_000
        keyspace[0].add("new", .string("v"))
        XCTAssertEqual(evictionOrder(keyspace, .allKeysLFU), ["was-hot", "new"])
    }

    func testVolatileTTLEvictsTheSoonestExpiryAndNeverAPersistentKey() {
        let keyspace = Keyspace()
        keyspace.now = t0
        let db = keyspace[0]
        for (key, seconds) in [("later", 100), ("soon", 5), ("middle", 50)] {
            db.add(Bytes(key), .string("v"))
            db.setExpire(Bytes(key), at: t0 + Int64(seconds) * 1000)
        }
        db.add("persistent", .string("v"))
        XCTAssertEqual(evictionOrder(keyspace, .volatileTTL), ["soon", "middle", "later"])
        XCTAssertEqual(db.count, 1)
    }

    func testVolatilePoliciesLeaveKeysWithoutTTL() {
        for policy in [EvictionPolicy.volatileLRU, .volatileLFU, .volatileRandom] {
            let keyspace = Keyspace()
            keyspace.now = t0
            keyspace[0].add("p1", .string("v"))
            keyspace[3].add("t1", .string("v"))
            keyspace[3].setExpire("t1", at: t0 + 60_000)
            keyspace[0].add("p2", .string("v"))
            XCTAssertEqual(evictionOrder(keyspace, policy), ["t1"], policy.rawValue)
            XCTAssertEqual(keyspace.totalKeys, 2, policy.rawValue)
        }
    }

    func testNoevictionAndEmptyKeyspacesHaveNothingToEvict() {
        var evictor = Evictor()
        let keyspace = Keyspace()
        XCTAssertEqual(evictor.evictOne(from: keyspace, policy: .allKeysLRU, samples: 5), .nothingEvictable)
        keyspace[0].add("k", .string("v"))
        XCTAssertEqual(evictor.evictOne(from: keyspace, policy: .noEviction, samples: 5), .nothingEvictable)
        XCTAssertEqual(keyspace.totalKeys, 1)
    }

    func testAKeyDeletedAfterSamplingIsAGhostAndIsSkipped() {
        let keyspace = Keyspace()
        keyspace.now = t0 - 100_000
        keyspace[0].add("old", .string("v"))
        keyspace.now = t0
        keyspace[0].add("new", .string("v"))
        var evictor = Evictor()
        // Fill the pool with both, take nothing yet: offer them by hand as a sampling would.
        evictor.pool.offer(score: 100_000, db: 0, key: "old")
        evictor.pool.offer(score: 0, db: 0, key: "new")
        keyspace[0].delete("old")
        XCTAssertEqual(evictor.evictOne(from: keyspace, policy: .allKeysLRU, samples: 1), .evicted(db: 0, key: "new"))
    }

    func testTheRandomPoliciesPickUniformly() {
        let keyspace = Keyspace()
        for i in 0..<10 { keyspace[0].add(Bytes("k\(i)"), .string("v")) }
        var evictor = Evictor()
        var picks: [Bytes: Int] = [:]
        for _ in 0..<10_000 {
            guard case .evicted(_, let key) = evictor.evictOne(from: keyspace, policy: .allKeysRandom, samples: 5) else {
                return XCTFail("no victim")
            }
            picks[key, default: 0] += 1
            keyspace[0].add(key, .string("v"))
        }
        // Each key expects 1,000 picks (σ ≈ 30): 800…1200 fails with probability ~1e-10.
        XCTAssertEqual(picks.count, 10)
        for (key, count) in picks { XCTAssertTrue((800...1200).contains(count), "\(key): \(count)") }
    }

    func testThinlySpreadTTLKeysAreFoundByTheBoundedWalk() {
        let keyspace = Keyspace()
        keyspace.now = t0
        let db = keyspace[0]
        for i in 0..<20_000 { db.add(Bytes("p\(i)"), .string("v")) }
        db.add("ttl", .string("v"))
        db.setExpire("ttl", at: t0 + 1_000)
        var evictor = Evictor()
        var calls = 0
        var outcome = Evictor.Outcome.notFoundYet
        while outcome == .notFoundYet && calls < 100 {
            outcome = evictor.evictOne(from: keyspace, policy: .volatileLRU, samples: 5)
            calls += 1
        }
        XCTAssertEqual(outcome, .evicted(db: 0, key: "ttl"))
        // A walk visits at most sparseWalkLimit slots: the whole table takes a few calls, never one.
        XCTAssertLessThanOrEqual(calls, 20_001 / Database.sparseWalkLimit + 1)
    }

    func testThePoolKeepsTheBestSixteenAndTakesTheBestFirst() {
        var pool = EvictionPool()
        for score in [5, 1, 9, 3] { pool.offer(score: UInt64(score), db: 0, key: Bytes("k\(score)")) }
        pool.offer(score: 4, db: 0, key: "k3")   // sampled again: kept once, with the new score
        XCTAssertEqual(pool.candidates.map(\.score), [1, 4, 5, 9])
        for score in 10..<30 { pool.offer(score: UInt64(score), db: 1, key: Bytes("n\(score)")) }
        XCTAssertEqual(pool.candidates.count, EvictionPool.size)
        XCTAssertEqual(pool.candidates.first?.score, 14, "the worst are pushed out")
        pool.offer(score: 2, db: 0, key: "worse")
        XCTAssertEqual(pool.candidates.first?.score, 14, "no worse than every one of a full pool: dropped")
        XCTAssertEqual(pool.takeBest()?.score, 29)
    }
}
