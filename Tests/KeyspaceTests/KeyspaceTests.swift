import XCTest
@testable import Keyspace
import SwirlBytes

/// The whole keyspace: numbered databases, SWAPDB, FLUSHALL and the active expire cycle.
final class KeyspaceTests: XCTestCase {
    private func b(_ text: String) -> Bytes { Bytes(text) }

    func testDatabasesAreNumberedAndSeparate() {
        let keyspace = Keyspace(databaseCount: 4)
        XCTAssertEqual(keyspace.count, 4)
        XCTAssertEqual(keyspace.databases.map(\.id), [0, 1, 2, 3])
        keyspace[1].set(b("k"), .string(b("one")))
        XCTAssertNil(keyspace[0].lookup(b("k")))
        XCTAssertNotNil(keyspace[1].lookup(b("k")))
        XCTAssertEqual(keyspace.totalKeys, 1)
    }

    func testSwapExchangesKeysAndExpiriesButNotNumbers() {
        let keyspace = Keyspace()
        keyspace.now = 1_000
        let zero = keyspace[0], three = keyspace[3]
        zero.set(b("a"), .string(b("from0")))
        zero.setExpire(b("a"), at: 5_000)
        three.set(b("b"), .string(b("from3")))
        keyspace.swap(0, 3)
        XCTAssertTrue(keyspace[0] === zero, "database objects stay in place")
        XCTAssertEqual(keyspace[0].id, 0)
        XCTAssertEqual(keyspace[3].id, 3)
        XCTAssertNil(keyspace[0].lookup(b("a")))
        XCTAssertNotNil(keyspace[0].lookup(b("b")))
        XCTAssertNotNil(keyspace[3].lookup(b("a")))
        XCTAssertEqual(keyspace[3].expireTime(of: b("a")), 5_000)
        XCTAssertNil(keyspace[0].expireTime(of: b("b")))
    }

    func testExpiryAfterSwapIsReportedUnderTheNewNumber() {
        let keyspace = Keyspace()
        keyspace.now = 1_000
        var reported: [Int] = []
        keyspace.onExpired = { db, _ in reported.append(db) }
        keyspace[0].set(b("a"), .string(b("v")))
        keyspace[0].setExpire(b("a"), at: 2_000)
        keyspace.swap(0, 7)
        keyspace.now = 3_000
        XCTAssertNil(keyspace[7].lookup(b("a")))
        XCTAssertEqual(reported, [7])
    }

    func testFlushAllEmptiesEveryDatabaseAndItsExpiries() {
        let keyspace = Keyspace()
        for index in 0..<keyspace.count {
            keyspace[index].set(b("k\(index)"), .string(b("v")))
            keyspace[index].setExpire(b("k\(index)"), at: Int64.max)
        }
        XCTAssertEqual(keyspace.totalKeys, 16)
        keyspace.flushAll()
        XCTAssertEqual(keyspace.totalKeys, 0)
        XCTAssertTrue(keyspace.databases.allSatisfy { $0.volatileCount == 0 })
    }

    func testRefreshClockFollowsTheRealClock() {
        let keyspace = Keyspace()
        keyspace.now = 0
        keyspace.refreshClock()
        let real = Int64(Date().timeIntervalSince1970 * 1000)
        XCTAssertLessThan(abs(keyspace.now - real), 5_000)
    }

    /// The cycle reads the real clock, so these TTLs are real times in the past or future.
    func testActiveExpireCycleClearsADatabaseWhereEveryTTLHasPassed() {
        let keyspace = Keyspace()
        var reported: [(Int, Bytes)] = []
        keyspace.onExpired = { db, key in reported.append((db, key)) }
        let past = Keyspace.clockMilliseconds() - 10_000
        for n in 0..<500 {
            keyspace[0].set(b("dead\(n)"), .string(b("v")))
            keyspace[0].setExpire(b("dead\(n)"), at: past)
            keyspace[9].set(b("dead\(n)"), .string(b("v")))
            keyspace[9].setExpire(b("dead\(n)"), at: past)
        }
        keyspace.activeExpireCycle(budgetMicroseconds: 10_000_000, hz: 10)
        XCTAssertEqual(keyspace[0].count, 0)
        XCTAssertEqual(keyspace[9].count, 0)
        XCTAssertEqual(reported.count, 1_000)
        XCTAssertEqual(Set(reported.map(\.0)), [0, 9])
        XCTAssertEqual(keyspace.stats.expiredKeys, 1_000)
    }

    /// The sweep visits every key of a small database in one cycle: every expired key
    /// goes, and live keys are never touched.
    func testActiveExpireCycleDeletesOnlyExpiredKeysFromAMixedDatabase() {
        let keyspace = Keyspace()
        var reported: [Bytes] = []
        keyspace.onExpired = { _, key in reported.append(key) }
        let past = Keyspace.clockMilliseconds() - 10_000
        let future = Keyspace.clockMilliseconds() + 3_600_000
        for n in 0..<200 {
            keyspace[2].set(b("dead\(n)"), .string(b("v")))
            keyspace[2].setExpire(b("dead\(n)"), at: past)
            keyspace[2].set(b("alive\(n)"), .string(b("v")))
            keyspace[2].setExpire(b("alive\(n)"), at: future)
            keyspace[2].set(b("forever\(n)"), .string(b("v")))
        }
        keyspace.activeExpireCycle(budgetMicroseconds: 10_000_000, hz: 10)
        let db = keyspace[2]
        for n in 0..<200 {
            XCTAssertNotNil(db.main[b("alive\(n)")])
            XCTAssertNotNil(db.main[b("forever\(n)")])
        }
        XCTAssertEqual(reported.count, 200, "one pass reclaims every expired key")
        XCTAssertTrue(reported.allSatisfy { $0.starts(with: b("dead")) })
        XCTAssertEqual(db.count, 600 - reported.count)
        XCTAssertEqual(db.volatileCount, 400 - reported.count)
    }

    func testActiveExpireCycleLeavesLiveKeysAlone() {
        let keyspace = Keyspace()
        let future = Keyspace.clockMilliseconds() + 3_600_000
        for n in 0..<100 {
            keyspace[0].set(b("k\(n)"), .string(b("v")))
            keyspace[0].setExpire(b("k\(n)"), at: future)
        }
        keyspace.activeExpireCycle(budgetMicroseconds: 1_000, hz: 10)
        XCTAssertEqual(keyspace[0].count, 100)
        XCTAssertEqual(keyspace.stats.expiredKeys, 0)
    }
}
