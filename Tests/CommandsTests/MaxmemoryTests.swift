import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// `maxmemory` in process: used memory is simulated as 1,000 bytes per key
/// (plus what eviction does not count), so the limit is a number of keys.
/// Tests/Integration/test_maxmemory.py runs the real allocator against redis-server.
final class MaxmemoryTests: PropagationTestCase {
    private let oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"

    override func setUp() {
        super.setUp()
        engine.hooks.usedMemory = { [unowned self] in
            engine.keyspace.totalKeys * 1000 + engine.memoryNotCountedForEviction
        }
    }

    /// `keys` keys, then `maxmemory` for `limit` of them under `policy`, with no time
    /// budget (tenacity 100), so one command evicts all it must.
    private func fill(_ keys: Int, limit: Int, policy: String) {
        for i in 0..<keys { run("SET", "key:\(i)", "v") }
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory-eviction-tenacity", "100"), ok)
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory-policy", policy, "maxmemory", "\(limit * 1000)"), ok)
        _ = logged()
    }

    func testNoevictionRefusesDenyOOMCommandsAndServesTheRest() {
        fill(10, limit: 5, policy: "noeviction")
        XCTAssertEqual(run("SET", "k", "v"), oom)
        XCTAssertEqual(run("LPUSH", "l", "v"), oom)
        XCTAssertEqual(run("GET", "key:1"), bulk("v"), "reads still work")
        XCTAssertEqual(run("DEL", "key:1"), int(1), "DEL frees memory: not deny-oom")
        XCTAssertEqual(run("DBSIZE"), int(9))
        XCTAssertTrue(run("INFO", "stats").contains("evicted_keys:0\r\n"))
        XCTAssertTrue(run("INFO", "errorstats").contains("errorstat_OOM:count=2\r\n"))
        XCTAssertTrue(run("INFO", "commandstats").contains("cmdstat_set:calls=10,usec="))
        XCTAssertTrue(run("INFO", "commandstats").contains("rejected_calls=1,failed_calls=0"))
    }

    /// Checked against redis-server 7.0.15: MULTI itself is allowed, then every
    /// command but EXEC, DISCARD, QUIT and RESET is refused while queueing, which dooms the EXEC.
    func testQueueingInsideMultiIsRefusedOverTheLimit() {
        fill(10, limit: 5, policy: "noeviction")
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("GET", "key:1"), oom)
        XCTAssertEqual(run("DISCARD"), ok)
        XCTAssertEqual(run("SET", "b", "1"), oom)
        XCTAssertEqual(run("GET", "key:1"), bulk("v"))
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("PING"), oom)
        XCTAssertEqual(run("EXEC"), error("EXECABORT Transaction discarded because of previous errors."))
    }

    func testExecOfQueuedWritesIsRefusedOnceOverTheLimit() {
        fill(10, limit: 20, policy: "noeviction")
        let other = engine.makeClient()
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("SET", "z", "1"), "+QUEUED\r\n")
        XCTAssertEqual(run("GET", "z"), "+QUEUED\r\n")
        XCTAssertEqual(run(args: ["CONFIG", "SET", "maxmemory", "1000"], on: other), ok)
        XCTAssertEqual(run("EXEC"), error("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'."))
        XCTAssertEqual(run("EXISTS", "z"), int(0))
        XCTAssertTrue(run("INFO", "commandstats").contains("cmdstat_exec:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"))
    }

    func testReadOnlyExecAndDiscardRunOverTheLimit() {
        fill(10, limit: 20, policy: "noeviction")
        let other = engine.makeClient()
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("GET", "key:1"), "+QUEUED\r\n")
        XCTAssertEqual(run(args: ["CONFIG", "SET", "maxmemory", "1000"], on: other), ok)
        XCTAssertEqual(run("EXEC"), "*1\r\n$1\r\nv\r\n")
        XCTAssertEqual(run(args: ["CONFIG", "SET", "maxmemory", "0"], on: other), ok)
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("SET", "z", "1"), "+QUEUED\r\n")
        XCTAssertEqual(run(args: ["CONFIG", "SET", "maxmemory", "1000"], on: other), ok)
        XCTAssertEqual(run("DISCARD"), ok)
    }

    func testAllkeysLRUEvictsBackUnderTheLimitAndLogsEachAsDEL() {
        fill(100, limit: 50, policy: "allkeys-lru")
        XCTAssertEqual(run("SET", "new", "v"), ok)
        let log = logged(includingSelect: false)
        XCTAssertEqual(log.count, 51)
        XCTAssertTrue(log.dropLast().allSatisfy { $0.count == 2 && $0[0] == "DEL" })
        XCTAssertEqual(log.last, ["SET", "new", "v"], "the evictions come before the command")
        XCTAssertEqual(run("DBSIZE"), int(50), "the SET went one over: the next command evicts again")
        XCTAssertTrue(run("INFO", "stats").contains("evicted_keys:51\r\n"))
        XCTAssertEqual(run("CONFIG", "RESETSTAT"), ok)
        XCTAssertTrue(run("INFO", "stats").contains("evicted_keys:0\r\n"))
    }

    func testVolatilePoliciesAnswerOOMWhenNoKeyHasATTL() {
        fill(10, limit: 5, policy: "volatile-lru")
        XCTAssertEqual(run("SET", "k", "v"), oom)
        run(args: ["EXPIRE", "key:3", "100"], on: client)
        XCTAssertEqual(run("SET", "k", "v"), oom, "one key with a TTL is not enough: still over")
        XCTAssertEqual(run("EXISTS", "key:3"), int(0), "but it went")
        XCTAssertEqual(run("DBSIZE"), int(9))
    }

    func testEvictedKeysArePublishedAndInvalidated() {
        let subscriber = engine.makeClient()
        run(args: ["PSUBSCRIBE", "__keyevent@*__:evicted"], on: subscriber)
        _ = subscriber.reply.take()
        XCTAssertEqual(run("CONFIG", "SET", "notify-keyspace-events", "Ee"), ok)
        let reader = engine.connect()
        run(args: ["HELLO", "3"], on: reader)
        run(args: ["CLIENT", "TRACKING", "ON"], on: reader)
        fill(2, limit: 2, policy: "allkeys-random")
        run(args: ["MGET", "key:0", "key:1"], on: reader)
        _ = reader.reply.take()
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory", "1000"), ok)
        // The reader's own command triggers the eviction: its invalidation still comes first.
        let reply = run(args: ["GET", "key:0"], on: reader)
        XCTAssertTrue(reply.hasPrefix(">2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\nkey:"), reply)
        let events = String(decoding: subscriber.reply.take(), as: UTF8.self)
        XCTAssertTrue(events.contains("__keyevent@0__:evicted\r\n$5\r\nkey:"), events)
        XCTAssertEqual(run("DBSIZE"), int(1))
    }

    func testEvictionPastItsTimeBudgetGoesOnFromTheLoop() {
        for i in 0..<5_000 { run("SET", "key:\(i)", "v") }
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory-eviction-tenacity", "0", "maxmemory-policy", "allkeys-random"), ok)
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory", "100000"), ok)
        XCTAssertEqual(run("GET", "key:1").first, "$", "a read is served whatever memory says")
        XCTAssertTrue(engine.evictionContinues, "a 0 µs budget stops after 16 keys")
        XCTAssertGreaterThan(engine.keyspace.totalKeys, 100)
        XCTAssertEqual(run("SET", "x", "1"), ok, "not refused while eviction goes on")
        var steps = 0
        while engine.continueEviction() { steps += 1 }
        XCTAssertGreaterThan(steps, 10)
        XCTAssertFalse(engine.evictionContinues)
        XCTAssertLessThanOrEqual(engine.keyspace.totalKeys, 100)
    }

    func testConfigSetMaxmemoryBelowUseStartsEvicting() {
        var warnings: [String] = []
        engine.hooks.logWarning = { warnings.append($0) }
        for i in 0..<10 { run("SET", "key:\(i)", "v") }
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"), ok)
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory", "5000"), ok)
        XCTAssertTrue(engine.evictionContinues)
        XCTAssertTrue(warnings.first?.hasPrefix("WARNING: the new maxmemory value set via CONFIG SET (5000) is smaller than") == true)
        while engine.continueEviction() {}
        XCTAssertEqual(engine.keyspace.totalKeys, 5)
    }

    func testLazyFreeSettingsAreAcceptedAndWarnedAbout() {
        var warnings: [String] = []
        engine.hooks.logWarning = { warnings.append($0) }
        XCTAssertEqual(run("CONFIG", "SET", "lazyfree-lazy-eviction", "yes", "lazyfree-lazy-user-del", "no"), ok)
        XCTAssertEqual(warnings, ["WARNING: accepted but not honoured by Swirl (see docs/CONFIG.md): lazyfree-lazy-eviction"])
        XCTAssertEqual(run("CONFIG", "SET", "lazyfree-lazy-eviction", "no"), ok)
        XCTAssertEqual(warnings.count, 1)
    }

    func testTimeLimitFollowsTenacity() {
        XCTAssertEqual(EvictionState.timeLimit(tenacity: 0), 0)
        XCTAssertEqual(EvictionState.timeLimit(tenacity: 10), 500)
        XCTAssertEqual(EvictionState.timeLimit(tenacity: 11), 575)
        XCTAssertEqual(EvictionState.timeLimit(tenacity: 100), Int64.max)
    }
}
