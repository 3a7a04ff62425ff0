import XCTest
@testable import Commands
import SwirlBytes

/// `client-output-buffer-limit` for every class, in process: which class a
/// client is in, when a command's reply closes it, and the loops that stop
/// early (Redis 7.0's obuf-limits behaviour; over real sockets in
/// Tests/Integration/test_output_limits.py).
final class OutputLimitTests: BlockingTestCase {
    var warnings: [String] = []

    override func setUp() {
        super.setUp()
        warnings = []
        engine.hooks.logWarning = { [unowned self] in self.warnings.append($0) }
        let item = String(repeating: "x", count: 1000)
        for _ in 0..<150 { run("RPUSH", "big", item) }
    }

    func testClassesAreNormalPubSubAndReplicaButNeverAMonitor() {
        XCTAssertEqual(a.outputClass, .normal)
        on(a, "SUBSCRIBE", "c")
        XCTAssertEqual(a.outputClass, .pubsub)
        b.isReplica = true
        XCTAssertEqual(b.outputClass, .replica)
        on(c, "MONITOR")
        c.isReplica = true
        XCTAssertEqual(c.outputClass, .normal, "Redis marks monitors as replicas, and still limits them as normal clients")
        XCTAssertTrue(on(b, "CLIENT", "LIST", "ID", String(a.id)).contains(" flags=P "))
        XCTAssertTrue(on(b, "CLIENT", "INFO").contains(" flags=S "))
    }

    func testUnlimitedByDefaultForNormalClients() {
        XCTAssertEqual(on(a, "LRANGE", "big", "0", "-1").utf8.count, 150 * 1009 + 6)
        XCTAssertFalse(a.closeASAP)
    }

    func testAReplyPastTheHardLimitClosesTheClientAndIsDropped() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
        XCTAssertEqual(on(a, "LRANGE", "big", "0", "-1"), "", "nothing of it is ever sent")
        XCTAssertTrue(a.closeASAP)
        XCTAssertEqual(engine.takeClientsToClose().map(\.id), [a.id])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("Client id=\(a.id) addr="), warnings[0])
        XCTAssertTrue(warnings[0].contains(" cmd=lrange "), warnings[0])
        XCTAssertTrue(warnings[0].hasSuffix(" scheduled to be closed ASAP for overcoming of output buffer limits."))
        XCTAssertEqual(on(b, "LRANGE", "big", "0", "9").utf8.count, 10 * 1009 + 5, "small replies pass")
        XCTAssertFalse(b.closeASAP)
    }

    func testTheFirst16KBAreNotCounted() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 1 0 0")
        on(a, "LRANGE", "big", "0", "15")  // 16,149 bytes
        XCTAssertFalse(a.closeASAP)
        on(a, "LRANGE", "big", "0", "16")  // past 16 KB: over a 1-byte limit
        XCTAssertTrue(a.closeASAP)
    }

    func testATransactionRunsWholeEvenWhenItsRepliesPassTheLimit() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
        on(a, "MULTI")
        on(a, "LRANGE", "big", "0", "-1")
        on(a, "SET", "after", "yes")
        XCTAssertEqual(on(a, "EXEC"), "")
        XCTAssertTrue(a.closeASAP)
        XCTAssertEqual(run("GET", "after"), bulk("yes"))
    }

    func testSilencedRepliesDoNotCount() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
        on(a, "CLIENT", "REPLY", "OFF")
        on(a, "LRANGE", "big", "0", "-1")
        XCTAssertFalse(a.closeASAP)
    }

    func testHugeRandomCountsStopOnceTheLimitIsPassed() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 1000000 0 0")
        run("HSET", "h", "a", "b")
        run("SADD", "s", "m")
        run("ZADD", "z", "1", "m")
        for command in [["HRANDFIELD", "h", "-999999999"], ["HRANDFIELD", "h", "-999999999", "WITHVALUES"],
                        ["SRANDMEMBER", "s", "-999999999"], ["ZRANDMEMBER", "z", "-999999999", "WITHSCORES"]] {
            let who = engine.connect()
            XCTAssertEqual(run(args: command.map { Bytes($0) }, on: who), "", command.joined(separator: " "))
            XCTAssertTrue(who.closeASAP, command.joined(separator: " "))
        }
    }

    func testKeysStopsOnceTheLimitIsPassed() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
        let prefix = String(repeating: "k", count: 100)
        for index in 0..<2000 { run("SET", "\(prefix)\(index)", "v") }
        XCTAssertEqual(on(a, "KEYS", "*"), "")
        XCTAssertTrue(a.closeASAP)
    }

    func testMonitorsAreLimitedAsNormalClients() {
        run("CONFIG", "SET", "client-output-buffer-limit", "normal 1000 0 0")
        on(c, "MONITOR")
        let value = String(repeating: "v", count: 5000)
        for index in 0..<4 { run("SET", "k\(index)", value) }
        XCTAssertTrue(c.closeASAP)
        XCTAssertTrue(engine.monitors.contains { $0 === c }, "it is closed by the Server, which then forgets it")
        run("SET", "k", value)
        XCTAssertTrue(c.reply.isEmpty, "nothing more is fed to it")
    }

    func testClientListSplitsOutputAsRedis() {
        a.reply.raw(Array(repeating: UInt8(ascii: "x"), count: 20_000))
        let line = on(b, "CLIENT", "LIST", "ID", String(a.id))
        XCTAssertTrue(line.contains(" obl=16384 oll=1 omem=3616 "), line)
        a.reply.bytes.removeAll()
    }
}
