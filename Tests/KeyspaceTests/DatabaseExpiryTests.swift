import XCTest
@testable import Keyspace
import SwirlBytes

/// Lazy expiry: a key whose time has passed is deleted when touched, counted,
/// and reported through `onExpired` (so the AOF can log a DEL). Time is
/// simulated by setting `keyspace.now`.
final class DatabaseExpiryTests: XCTestCase {
    private var keyspace: Keyspace!
    private var db: Database!
    private var expired: [(Int, String)] = []
    private let t0: Int64 = 1_700_000_000_000

    override func setUp() {
        super.setUp()
        keyspace = Keyspace()
        keyspace.now = t0
        db = keyspace[0]
        expired = []
        keyspace.onExpired = { [unowned self] db, key in self.expired.append((db, String(decoding: key, as: UTF8.self))) }
    }

    private func b(_ text: String) -> Bytes { Bytes(text) }

    private func string(_ value: RedisValue?) -> String? {
        guard case .string(let bytes)? = value else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testKeyWithoutExpiryLivesForever() {
        db.set(b("k"), .string(b("v")))
        keyspace.now = Int64.max
        XCTAssertEqual(string(db.lookup(b("k"))), "v")
        XCTAssertNil(db.expireTime(of: b("k")))
    }

    func testKeyIsLiveBeforeItsTimeAndGoneAfter() {
        db.set(b("k"), .string(b("v")))
        db.setExpire(b("k"), at: t0 + 1_000)
        keyspace.now = t0 + 999
        XCTAssertEqual(string(db.lookup(b("k"))), "v")
        XCTAssertEqual(db.expireTime(of: b("k")), t0 + 1_000)
        XCTAssertTrue(expired.isEmpty)

        keyspace.now = t0 + 1_001
        XCTAssertNil(db.lookup(b("k")))
        XCTAssertEqual(db.count, 0, "deleted, not just hidden")
        XCTAssertNil(db.expireTime(of: b("k")))
        XCTAssertEqual(keyspace.stats.expiredKeys, 1)
        XCTAssertEqual(expired.map(\.1), ["k"])
    }

    /// Redis's keyIsExpired is `now > when`: at the very millisecond of its expiry a key still lives.
    func testKeyExpiringExactlyNowIsStillLive() {
        db.set(b("k"), .string(b("v")))
        db.setExpire(b("k"), at: t0)
        XCTAssertEqual(string(db.lookup(b("k"))), "v")
        keyspace.now = t0 + 1
        XCTAssertNil(db.lookup(b("k")))
    }

    func testOnExpiredReportsTheDatabaseNumber() {
        let other = keyspace[5]
        other.set(b("x"), .string(b("1")))
        other.setExpire(b("x"), at: t0 + 10)
        keyspace.now = t0 + 20
        XCTAssertFalse(other.exists(b("x")))
        XCTAssertEqual(expired.count, 1)
        XCTAssertEqual(expired.first?.0, 5)
        XCTAssertEqual(expired.first?.1, "x")
    }

    func testExpiredKeyIsReportedOnlyOnce() {
        db.set(b("k"), .string(b("v")))
        db.setExpire(b("k"), at: t0 + 1)
        keyspace.now = t0 + 5
        XCTAssertNil(db.lookup(b("k")))
        XCTAssertNil(db.lookup(b("k")))
        XCTAssertFalse(db.exists(b("k")))
        XCTAssertEqual(expired.count, 1)
        XCTAssertEqual(keyspace.stats.expiredKeys, 1)
    }

    func testModifySeesNothingOnceExpired() {
        db.set(b("k"), .string(b("v")))
        db.setExpire(b("k"), at: t0 + 1)
        keyspace.now = t0 + 2
        let result = db.modify(b("k")) { value -> Int in
            value = .string(b("changed"))
            return 1
        }
        XCTAssertNil(result)
        XCTAssertEqual(db.count, 0)
    }

    func testModifyChangesALiveValueInPlace() {
        db.set(b("k"), .string(b("v")))
        let result = db.modify(b("k")) { value -> Int in
            value = .string(b("changed"))
            return 7
        }
        XCTAssertEqual(result, 7)
        XCTAssertEqual(string(db.lookup(b("k"))), "changed")
    }

    func testSetClearsTheTTLUnlessKeepTTL() {
        db.set(b("k"), .string(b("v")))
        db.setExpire(b("k"), at: t0 + 1_000)
        db.set(b("k"), .string(b("v2")), keepTTL: true)
        XCTAssertEqual(db.expireTime(of: b("k")), t0 + 1_000)
        db.set(b("k"), .string(b("v3")))
        XCTAssertNil(db.expireTime(of: b("k")))
        keyspace.now = t0 + 5_000
        XCTAssertEqual(string(db.lookup(b("k"))), "v3")
    }

    func testSetOverAnExpiredKeyWithKeepTTLStartsWithoutTTL() {
        db.set(b("k"), .string(b("old")))
        db.setExpire(b("k"), at: t0 + 1)
        keyspace.now = t0 + 10
        db.set(b("k"), .string(b("new")), keepTTL: true)
        XCTAssertNil(db.expireTime(of: b("k")), "the old TTL died with the old key")
        XCTAssertEqual(string(db.lookup(b("k"))), "new")
        XCTAssertEqual(expired.map(\.1), ["k"])
    }

    func testDeleteAndPersist() {
        db.set(b("a"), .string(b("1")))
        db.set(b("b"), .string(b("2")))
        db.setExpire(b("b"), at: t0 + 100)
        XCTAssertTrue(db.persist(b("b")))
        XCTAssertFalse(db.persist(b("b")))
        XCTAssertFalse(db.persist(b("a")))
        XCTAssertNil(db.expireTime(of: b("b")))
        db.setExpire(b("a"), at: t0 + 100)
        XCTAssertTrue(db.delete(b("a")))
        XCTAssertFalse(db.delete(b("a")))
        XCTAssertEqual(db.volatileCount, 0, "a deleted key leaves no TTL behind")
        XCTAssertEqual(db.count, 1)
    }

    func testExpireIfNeededReportsWhetherItDeleted() {
        db.set(b("k"), .string(b("v")))
        XCTAssertFalse(db.expireIfNeeded(b("k")))
        db.setExpire(b("k"), at: t0 + 1)
        XCTAssertFalse(db.expireIfNeeded(b("k")))
        keyspace.now = t0 + 2
        XCTAssertTrue(db.expireIfNeeded(b("k")))
        XCTAssertFalse(db.expireIfNeeded(b("k")))
    }
}
