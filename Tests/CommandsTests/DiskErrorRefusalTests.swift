import XCTest
@testable import Commands
import SwirlBytes

/// While the AOF cannot be written (the Server sets `Engine.diskError`),
/// writes are refused with MISCONF and reads go on, as Redis 7.0's
/// writeCommandsDeniedByDiskError. The integration tests
/// (test_aof_disk_full.py) check the same against redis-server on a full disk.
final class DiskErrorRefusalTests: CommandTestCase {
    let misconf = "MISCONF Errors writing to the AOF file: No space left on device"

    func testWritesAndPingAreRefusedReadsAreNot() {
        run("SET", "k", "v")
        engine.diskError = misconf
        expect([
            (["SET", "k", "w"], error(misconf)),
            (["DEL", "k"], error(misconf)),
            (["PING"], error(misconf)),
            (["GET", "k"], bulk("v")),
            (["EXISTS", "k"], int(1)),
            (["ECHO", "x"], bulk("x")),
        ])
        XCTAssertEqual(engine.commandStat("set")?.rejectedCalls, 1)
        XCTAssertEqual(engine.commandStat("set")?.calls, 1, "the refused SET did not run")
        engine.diskError = nil
        expect([(["SET", "k", "w"], ok), (["PING"], "+PONG\r\n"), (["GET", "k"], bulk("w"))])
    }

    func testArityErrorsComeFirstAsInRedis() {
        engine.diskError = misconf
        XCTAssertEqual(run("SET", "k"), error("ERR wrong number of arguments for 'set' command"))
    }

    func testTransactions() {
        let writer = engine.makeClient()
        _ = run(args: [Bytes("MULTI")], on: writer)
        XCTAssertEqual(run(args: [Bytes("SET"), Bytes("a"), Bytes("1")], on: writer), "+QUEUED\r\n")
        engine.diskError = misconf
        // EXEC of a transaction that writes is refused, and discards it.
        XCTAssertEqual(run(args: [Bytes("EXEC")], on: writer),
                       error("EXECABORT Transaction discarded because of: \(misconf)"))
        XCTAssertEqual(run(args: [Bytes("EXEC")], on: writer), error("ERR EXEC without MULTI"))
        // A write refused while queueing dooms the transaction.
        expect([
            (["MULTI"], ok),
            (["SET", "a", "1"], error(misconf)),
            (["GET", "a"], "+QUEUED\r\n"),
            (["EXEC"], error("EXECABORT Transaction discarded because of previous errors.")),
        ])
        // A transaction that only reads runs.
        expect([(["MULTI"], ok), (["GET", "a"], "+QUEUED\r\n"), (["EXEC"], "*1\r\n\(null)")])
    }
}
