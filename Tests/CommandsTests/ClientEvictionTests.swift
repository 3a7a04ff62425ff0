import XCTest
@testable import Commands
import SwirlBytes

/// `maxmemory-clients`, in process: the limit's two forms, the buckets, which
/// clients count and which may go, the order of eviction, and CLIENT LIST's
/// `tot-mem` agreeing with what is counted (over real sockets, against
/// redis-server too, in Tests/Integration/test_client_eviction.py).
final class ClientEvictionTests: BlockingTestCase {
    var closed: [Int] = []
    var warnings: [String] = []
    var notices: [String] = []

    override func setUp() {
        super.setUp()
        closed = []
        warnings = []
        notices = []
        engine.hooks.closeClient = { [unowned self] id in
            self.closed.append(id)
            if let gone = self.engine.clients[id] { self.engine.disconnect(gone) }
        }
        engine.hooks.logWarning = { [unowned self] in self.warnings.append($0) }
        engine.hooks.logNotice = { [unowned self] in self.notices.append($0) }
    }

    /// Makes `who` hold `bytes` more in its query buffer, as a connection does after a read.
    func fill(_ who: Client, _ bytes: Int) {
        who.inputBufferBytes = bytes
        engine.noteClientMemory(who)
    }

    func totMem(_ who: Client) -> Int {
        let line = on(b, "CLIENT", "LIST", "ID", String(who.id))
        let field = line.split(separator: " ").first { $0.hasPrefix("tot-mem=") }!
        return Int(field.dropFirst(8))!
    }

    func testTheLimitsTwoFormsAndTheirFloor() {
        XCTAssertEqual(ClientEvictionState.limit(setting: "0", maxmemory: 0), 0)
        XCTAssertEqual(ClientEvictionState.limit(setting: "3000000", maxmemory: 0), 3_000_000)
        XCTAssertEqual(ClientEvictionState.limit(setting: "1", maxmemory: 0), 128 * 1024, "Redis's 128 KB floor")
        XCTAssertEqual(ClientEvictionState.limit(setting: "10%", maxmemory: 0), 0, "a percentage of no maxmemory is off")
        XCTAssertEqual(ClientEvictionState.limit(setting: "10%", maxmemory: 100 << 20), 10 << 20)
        XCTAssertEqual(ClientEvictionState.limit(setting: "0%", maxmemory: 100 << 20), 0)
        XCTAssertEqual(ClientEvictionState.limit(setting: "100%", maxmemory: Int.max), Int.max, "no trap at the top")
    }

    func testBucketsArePowersOfTwoFrom32KBTo8GB() {
        XCTAssertEqual(ClientEvictionState.bucket(for: 0), 0)
        XCTAssertEqual(ClientEvictionState.bucket(for: 32767), 0)
        XCTAssertEqual(ClientEvictionState.bucket(for: 32768), 1)
        XCTAssertEqual(ClientEvictionState.bucket(for: 65535), 1)
        XCTAssertEqual(ClientEvictionState.bucket(for: 1 << 20), 6)
        XCTAssertEqual(ClientEvictionState.bucket(for: Int.max), ClientEvictionState.bucketCount - 1)
    }

    func testOffByDefault() {
        fill(a, 10 << 20)
        on(b, "PING")
        XCTAssertEqual(engine.clientEviction.total, 0)
        XCTAssertEqual(closed, [])
    }

    func testABigClientIsEvictedBeforeTheNextCommandAndTheOthersAreServed() {
        run("CONFIG", "SET", "maxmemory-clients", "1000000")
        fill(a, 2_000_000)
        XCTAssertEqual(on(b, "SET", "k", "v"), "+OK\r\n")
        XCTAssertEqual(closed, [a.id])
        XCTAssertTrue(a.closeASAP)
        XCTAssertNil(engine.clients[a.id])
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].hasPrefix("Evicting client: id=\(a.id) addr="), notices[0])
        XCTAssertTrue(run("INFO", "stats").contains("\r\nevicted_clients:1\r\n"))
        run("CONFIG", "RESETSTAT")
        XCTAssertTrue(run("INFO", "stats").contains("\r\nevicted_clients:0\r\n"))
    }

    func testAClientOverTheLimitEvictsItselfAndItsCommandDoesNotRun() {
        run("CONFIG", "SET", "maxmemory-clients", "1000000")
        fill(a, 2_000_000)
        XCTAssertEqual(on(a, "SET", "k", "v"), "")
        XCTAssertEqual(closed, [a.id])
        XCTAssertEqual(on(b, "EXISTS", "k"), ":0\r\n")
    }

    func testTheBiggestGoFirstAndOnlyUntilTheRestFit() {
        run("CONFIG", "SET", "maxmemory-clients", "100mb")
        fill(a, 300_000)
        fill(b, 600_000)
        fill(c, 1_300_000)
        let total = engine.clientEviction.total
        // Room for everyone but the largest.
        run("CONFIG", "SET", "maxmemory-clients", String(total - c.recordedMemory + 1000))
        engine.evictClients()
        XCTAssertEqual(closed, [c.id])
        XCTAssertLessThan(engine.clientEviction.total, engine.clientEviction.limit)
        run("CONFIG", "SET", "maxmemory-clients", String(a.recordedMemory + 1000))
        engine.evictClients()
        XCTAssertEqual(closed, [c.id, b.id])
    }

    func testNoEvictAndReplicasAreExempt() {
        run("CONFIG", "SET", "maxmemory-clients", "1000000")
        on(a, "CLIENT", "NO-EVICT", "on")
        fill(a, 2_000_000)
        b.isReplica = true
        fill(b, 5_000_000)
        XCTAssertEqual(b.recordedMemory, 0, "a replica's memory is not a client's")
        on(c, "PING")
        // Over with only an exempt client that big: every evictable one goes (c, the running one), once logged.
        XCTAssertEqual(closed, [c.id])
        XCTAssertEqual(warnings.filter { $0 == "Over client maxmemory after evicting all evictable clients" }.count, 1)
        engine.evictClients()
        XCTAssertEqual(warnings.count, 1, "logged once while it stays over")
        XCTAssertNotNil(engine.clients[a.id])
        XCTAssertTrue(on(a, "CLIENT", "INFO").contains(" flags=e "))
        // The flag off, it goes at the next check.
        on(a, "CLIENT", "NO-EVICT", "off")
        engine.evictClients()
        XCTAssertEqual(closed, [c.id, a.id])
    }

    func testTotMemIsWhatIsCounted() {
        run("CONFIG", "SET", "maxmemory-clients", "100mb")
        fill(a, 50_000)
        on(a, "SET", "k", String(repeating: "x", count: 10_000))
        XCTAssertEqual(totMem(a), a.memoryUsage())
        XCTAssertEqual(a.recordedMemory, a.memoryUsage(countingArguments: false), "recorded as between commands")
        XCTAssertEqual(a.memoryUsage(), a.memoryUsage(countingArguments: false) + 3 * MemoryLayout<Bytes>.stride + 10_004)
        let counted = engine.clients.values.reduce(0) { $0 + $1.recordedMemory }
        XCTAssertEqual(engine.clientEviction.total, counted)
        XCTAssertTrue(run("INFO", "memory").contains("\r\nmem_clients_normal:\(counted)\r\n"), "INFO shows the same total")
    }

    func testQueuedCommandsWatchesSubscriptionsAndPrefixesCount() {
        let base = a.memoryUsage()
        on(a, "MULTI")
        on(a, "SET", "k", String(repeating: "x", count: 100_000))
        XCTAssertGreaterThan(a.memoryUsage(), base + 100_000)
        on(a, "DISCARD")
        var before = a.memoryUsage()
        for n in 0..<500 { on(a, "WATCH", "key:\(n)") }
        XCTAssertGreaterThan(a.memoryUsage(), before + 500 * 16)
        on(a, "UNWATCH")
        before = b.memoryUsage()
        for n in 0..<500 { on(b, "SUBSCRIBE", "channel:\(n)") }
        XCTAssertGreaterThan(b.memoryUsage(), before + 500 * 16)
        before = c.memoryUsage()
        for n in 0..<500 { on(c, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", String(format: "p%05d", n)) }
        XCTAssertGreaterThan(c.memoryUsage(), before + 500 * 16)
    }

    func testAClientClosedForItsOutputLimitNoLongerCounts() {
        run("CONFIG", "SET", "maxmemory-clients", "100mb")
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
        run("SET", "big", String(repeating: "x", count: 200_000))
        on(a, "GET", "big")
        XCTAssertTrue(a.closeASAP)
        XCTAssertEqual(a.recordedMemory, 0)
        XCTAssertEqual(a.memoryBucket, -1)
    }

    func testTurningItOffForgetsAndDisconnectingLeaves() {
        run("CONFIG", "SET", "maxmemory-clients", "100mb")
        fill(a, 100_000)
        XCTAssertGreaterThanOrEqual(engine.clientEviction.total, 100_000)
        engine.disconnect(a)
        XCTAssertEqual(a.recordedMemory, 0)
        XCTAssertEqual(a.memoryBucket, -1)
        run("CONFIG", "SET", "maxmemory-clients", "0")
        XCTAssertEqual(engine.clientEviction.total, 0)
        XCTAssertTrue(engine.clientEviction.buckets.allSatisfy(\.isEmpty))
        XCTAssertEqual(b.recordedMemory, 0)
    }

    func testThePercentageFollowsMaxmemory() {
        a.inputBufferBytes = 1000
        run("CONFIG", "SET", "maxmemory-clients", "10%")
        XCTAssertEqual(engine.clientEviction.limit, 0)
        run("CONFIG", "SET", "maxmemory", "100mb")
        XCTAssertEqual(engine.clientEviction.limit, 10 << 20)
        XCTAssertEqual(engine.clientEviction.total, 1000, "every client recorded when it comes on")
    }
}
