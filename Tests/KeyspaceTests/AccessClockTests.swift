import XCTest
@testable import Keyspace
import SwirlBytes

/// What OBJECT IDLETIME and FREQ read: the access field of a key's slot,
/// touched by `lookup` and left alone by `peek`. Time is simulated.
final class AccessClockTests: XCTestCase {
    private let t0: Int64 = 1_700_000_000_000
    private var random = FastRandom(seed: 14)

    private func idle(_ db: Database, _ key: String) -> Int64 {
        AccessClock.idleSeconds(db.peekSlot(Bytes(key))!.access, milliseconds: db.keyspace.now)
    }

    func testLookupResetsIdleTimeAndPeekDoesNot() {
        let keyspace = Keyspace()
        keyspace.now = t0
        let db = keyspace[0]
        db.add("k", .string("v"))
        keyspace.now = t0 + 7_500
        XCTAssertEqual(idle(db, "k"), 7)
        _ = db.peek("k")
        XCTAssertEqual(idle(db, "k"), 7, "peek is not an access")
        _ = db.lookup("k")
        XCTAssertEqual(idle(db, "k"), 0)
    }

    func testFrequencyStartsAtFiveGrowsLogarithmicallyAndDecays() {
        let tracking = AccessTracking.frequency(logFactor: 10, decayMinutes: 1)
        var access = AccessClock.initial(tracking, milliseconds: t0)
        XCTAssertEqual(AccessClock.frequency(access, decayMinutes: 1, milliseconds: t0), 5)
        for _ in 0..<1_000 { access = AccessClock.touched(access, tracking, milliseconds: t0, random: &random) }
        let busy = AccessClock.frequency(access, decayMinutes: 1, milliseconds: t0)
        // p(bump) = 1/((c-5)*10+1): 1,000 accesses take the counter to about 5 + sqrt(2*1000/10) = 19.
        XCTAssertGreaterThan(busy, 10)
        XCTAssertLessThan(busy, 40)
        XCTAssertEqual(AccessClock.frequency(access, decayMinutes: 1, milliseconds: t0 + 3 * 60_000), busy - 3,
                       "one less per idle minute")
        XCTAssertEqual(AccessClock.frequency(access, decayMinutes: 0, milliseconds: t0 + 3 * 60_000), busy,
                       "no decay with lfu-decay-time 0")
        XCTAssertEqual(AccessClock.frequency(access, decayMinutes: 1, milliseconds: t0 + 600 * 60_000), 0)
    }

    func testFrequencyCounterStopsAt255() {
        let tracking = AccessTracking.frequency(logFactor: 0, decayMinutes: 1)
        var access = AccessClock.initial(tracking, milliseconds: t0)
        for _ in 0..<300 { access = AccessClock.touched(access, tracking, milliseconds: t0, random: &random) }
        XCTAssertEqual(access & 0xff, 255, "factor 0 bumps on every access, up to 255")
    }
}
