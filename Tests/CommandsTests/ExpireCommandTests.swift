import XCTest
@testable import Commands
import SwirlBytes

/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT; TTL, PTTL,
/// EXPIRETIME, PEXPIRETIME; PERSIST. `execute` reads the real clock, so the
/// times here are real times in the past or the future.
final class ExpireCommandTests: CommandTestCase {
    override func setUp() {
        super.setUp()
        run("SET", "k", "v")
    }

    func testExpireAndTTLs() {
        XCTAssertEqual(run("EXPIRE", "k", "100"), int(1))
        XCTAssertEqual(run("TTL", "k"), int(100))
        let pttl = integerValue(run("PTTL", "k")) ?? 0
        XCTAssertTrue((99_000...100_000).contains(pttl), "\(pttl)")
        XCTAssertEqual(run("PEXPIRE", "k", "5000"), int(1))
        XCTAssertEqual(run("TTL", "k"), int(5))
    }

    func testTTLRoundsToTheNearestSecond() {
        run("PEXPIRE", "k", "2600")
        XCTAssertEqual(run("TTL", "k"), int(3))
        run("PEXPIRE", "k", "2400")
        XCTAssertEqual(run("TTL", "k"), int(2))
    }

    func testAbsoluteExpiries() {
        XCTAssertEqual(run("EXPIREAT", "k", "4102444800"), int(1))
        XCTAssertEqual(run("EXPIRETIME", "k"), int(4_102_444_800))
        XCTAssertEqual(run("PEXPIRETIME", "k"), int(4_102_444_800_000))
        XCTAssertEqual(run("PEXPIREAT", "k", "4102444800123"), int(1))
        XCTAssertEqual(run("PEXPIRETIME", "k"), int(4_102_444_800_123))
        XCTAssertEqual(run("EXPIRETIME", "k"), int(4_102_444_800))
    }

    func testNoTTLAndNoKey() {
        XCTAssertEqual(run("TTL", "k"), int(-1))
        XCTAssertEqual(run("PTTL", "k"), int(-1))
        XCTAssertEqual(run("EXPIRETIME", "k"), int(-1))
        XCTAssertEqual(run("PEXPIRETIME", "k"), int(-1))
        XCTAssertEqual(run("TTL", "nope"), int(-2))
        XCTAssertEqual(run("PTTL", "nope"), int(-2))
        XCTAssertEqual(run("EXPIRETIME", "nope"), int(-2))
        XCTAssertEqual(run("PEXPIRETIME", "nope"), int(-2))
        XCTAssertEqual(run("EXPIRE", "nope", "100"), int(0))
    }

    func testPersist() {
        XCTAssertEqual(run("PERSIST", "k"), int(0), "no TTL to remove")
        run("EXPIRE", "k", "100")
        XCTAssertEqual(run("PERSIST", "k"), int(1))
        XCTAssertEqual(run("TTL", "k"), int(-1))
        XCTAssertEqual(run("PERSIST", "nope"), int(0))
    }

    func testPastExpiryDeletesTheKey() {
        XCTAssertEqual(run("EXPIRE", "k", "-1"), int(1))
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        run("SET", "k", "v")
        XCTAssertEqual(run("EXPIRE", "k", "0"), int(1))
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        run("SET", "k", "v")
        XCTAssertEqual(run("PEXPIREAT", "k", "1"), int(1))
        XCTAssertEqual(run("EXISTS", "k"), int(0))
        run("SET", "k", "v")
        XCTAssertEqual(run("EXPIREAT", "k", "\(nowMilliseconds() / 1000 - 10)"), int(1))
        XCTAssertEqual(run("EXISTS", "k"), int(0))
    }

    func testKeyExpiresOnItsOwnOnceItsTimeHasPassed() {
        engine.keyspace[0].setExpire(Bytes("k"), at: nowMilliseconds() - 1)
        XCTAssertEqual(run("GET", "k"), null)
        XCTAssertEqual(run("TTL", "k"), int(-2))
        XCTAssertEqual(engine.keyspace.stats.expiredKeys, 1)
    }

    func testNXAndXX() {
        XCTAssertEqual(run("EXPIRE", "k", "100", "XX"), int(0), "no TTL yet")
        XCTAssertEqual(run("EXPIRE", "k", "100", "NX"), int(1))
        XCTAssertEqual(run("EXPIRE", "k", "200", "NX"), int(0))
        XCTAssertEqual(run("EXPIRE", "k", "300", "xx"), int(1))
        XCTAssertEqual(run("TTL", "k"), int(300))
    }

    func testGTAndLT() {
        XCTAssertEqual(run("EXPIRE", "k", "100", "GT"), int(0), "no TTL counts as infinite for GT")
        XCTAssertEqual(run("EXPIRE", "k", "100", "LT"), int(1), "and for LT")
        XCTAssertEqual(run("EXPIRE", "k", "50", "GT"), int(0))
        XCTAssertEqual(run("EXPIRE", "k", "200", "GT"), int(1))
        XCTAssertEqual(run("EXPIRE", "k", "300", "LT"), int(0))
        XCTAssertEqual(run("EXPIRE", "k", "150", "LT"), int(1))
        XCTAssertEqual(run("TTL", "k"), int(150))
        XCTAssertEqual(run("PEXPIRE", "k", "150000", "LT"), int(0), "equal is not less")
        XCTAssertEqual(run("EXPIRE", "k", "300", "XX", "GT"), int(1))
        XCTAssertEqual(run("TTL", "k"), int(300))
    }

    func testOptionErrors() {
        let incompatible = error("ERR NX and XX, GT or LT options at the same time are not compatible")
        XCTAssertEqual(run("EXPIRE", "k", "100", "NX", "XX"), incompatible)
        XCTAssertEqual(run("EXPIRE", "k", "100", "nx", "gt"), incompatible)
        XCTAssertEqual(run("EXPIRE", "k", "100", "GT", "LT"), error("ERR GT and LT options at the same time are not compatible"))
        XCTAssertEqual(run("EXPIRE", "k", "100", "FOO"), error("ERR Unsupported option FOO"))
        XCTAssertEqual(run("EXPIRE", "k", "abc"), notInteger)
        XCTAssertEqual(run("EXPIRE", "k", "abc", "FOO"), error("ERR Unsupported option FOO"), "options are read first")
        XCTAssertEqual(run("TTL", "k"), int(-1))
    }

    func testInvalidExpireTimes() {
        XCTAssertEqual(run("EXPIRE", "k", "9223372036854775807"), error("ERR invalid expire time in 'expire' command"))
        XCTAssertEqual(run("PEXPIRE", "k", "9223372036854775807"), error("ERR invalid expire time in 'pexpire' command"))
        XCTAssertEqual(run("EXPIREAT", "k", "9223372036854775807"), error("ERR invalid expire time in 'expireat' command"))
        XCTAssertEqual(run("EXISTS", "k"), int(1))
    }

    func testWritesClearOrKeepTheTTLLikeRedis() {
        run("EXPIRE", "k", "100")
        run("SET", "k", "v2")
        XCTAssertEqual(run("TTL", "k"), int(-1), "SET clears it")
        run("EXPIRE", "k", "100")
        run("SET", "k", "v3", "KEEPTTL")
        XCTAssertEqual(run("TTL", "k"), int(100))
        run("INCR", "n")
        run("EXPIRE", "n", "100")
        run("INCRBY", "n", "5")
        XCTAssertEqual(run("TTL", "n"), int(100), "INCRBY keeps it")
    }

    func testHashKeysExpireToo() {
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("EXPIRE", "h", "100"), int(1))
        XCTAssertEqual(run("TTL", "h"), int(100))
        engine.keyspace[0].setExpire(Bytes("h"), at: nowMilliseconds() - 1)
        XCTAssertEqual(run("HGETALL", "h"), "*0\r\n")
    }
}
