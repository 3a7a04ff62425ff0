import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// CLIENT TRACKING bookkeeping in process (the message streams are compared
/// with redis-server in Tests/Integration/test_tracking.py).
final class TrackingTests: CommandTestCase {
    private func resp3Client() -> Client {
        let other = engine.connect()
        _ = run(args: ["HELLO", "3"], on: other)
        return other
    }

    func testReadsAreRememberedAndAChangeInvalidatesOnce() {
        let reader = resp3Client()
        run(args: ["CLIENT", "TRACKING", "ON"], on: reader)
        run(args: ["MGET", "a", "b"], on: reader)
        run(args: ["SET", "c", "1"], on: reader)
        XCTAssertEqual(engine.trackingTable.totalKeys, 2, "writes are not remembered")
        run("SET", "a", "1")
        run("SET", "a", "2")
        XCTAssertEqual(String(decoding: reader.reply.take(), as: UTF8.self), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n")
        XCTAssertEqual(engine.takeClientsWithOutput().map(\.id), [reader.id])
        XCTAssertEqual(engine.trackingTable.totalKeys, 1)
    }

    func testExpiryInvalidates() {
        let reader = resp3Client()
        run("SET", "k", "v", "PX", "1")
        run(args: ["CLIENT", "TRACKING", "ON"], on: reader)
        run(args: ["GET", "k"], on: reader)
        _ = reader.reply.take()
        usleep(5_000)
        run("GET", "k")
        XCTAssertEqual(String(decoding: reader.reply.take(), as: UTF8.self), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
    }

    func testFlagsStatsAndCleanup() {
        let reader = resp3Client()
        run(args: ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b"], on: reader)
        XCTAssertTrue(run(args: ["CLIENT", "INFO"], on: reader).contains(" flags=tB "))
        XCTAssertTrue(run("INFO", "stats").contains("tracking_total_prefixes:2\r\n"))
        XCTAssertTrue(run("INFO", "clients").contains("tracking_clients:1\r\n"))
        run(args: ["RESET"], on: reader)
        XCTAssertTrue(run("INFO", "stats").contains("tracking_total_prefixes:0\r\n"), "RESET turns tracking off")
        run(args: ["CLIENT", "TRACKING", "ON", "BCAST"], on: reader)
        engine.disconnect(reader)
        XCTAssertEqual(engine.trackingTable.trackingClients, 0)
        XCTAssertEqual(engine.trackingTable.totalPrefixes, 0)
        XCTAssertFalse(engine.keyspace.observingKeyChanges, "writes stop paying for tracking")
    }

    func testBroadcastBatchesSortedKeysPerPrefix() {
        let reader = resp3Client()
        run(args: ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "NOLOOP"], on: reader)
        run("SET", "user:2", "x")
        run("SET", "user:1", "x")
        run("SET", "other", "x")
        run(args: ["SET", "user:0", "mine"], on: reader)
        _ = reader.reply.take()
        engine.beforeSleep()
        XCTAssertEqual(String(decoding: reader.reply.take(), as: UTF8.self),
                       ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n", "NOLOOP leaves out its own user:0")
    }
}
