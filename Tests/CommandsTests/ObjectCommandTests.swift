import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// OBJECT's subcommands (the replies are also compared with redis-server in
/// Tests/CompatTests/scripts/introspection.redis).
final class ObjectCommandTests: CommandTestCase {
    func testEncodingsAndSharedIntegers() {
        run("SET", "n", "9999")
        run("SET", "m", "10000")
        run("RPUSH", "l", "a")
        XCTAssertEqual(run("OBJECT", "ENCODING", "n"), bulk("int"))
        XCTAssertEqual(run("OBJECT", "ENCODING", "l"), bulk("quicklist"))
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "n"), int(2_147_483_647))
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "m"), int(1))
        run("CONFIG", "SET", "maxmemory", "100mb")
        run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        XCTAssertEqual(run("OBJECT", "REFCOUNT", "n"), int(1), "LRU with a limit: no shared integers")
        XCTAssertEqual(run("OBJECT", "ENCODING", "missing"), null)
    }

    func testIdleTimeAndFrequencyFollowThePolicy() {
        run("SET", "k", "v")
        XCTAssertEqual(run("OBJECT", "IDLETIME", "k"), int(0))
        XCTAssertTrue(run("OBJECT", "FREQ", "k").hasPrefix("-ERR An LFU maxmemory policy is not selected"))
        run("CONFIG", "SET", "maxmemory-policy", "volatile-lfu")
        run("SET", "f", "v")
        XCTAssertEqual(run("OBJECT", "FREQ", "f"), int(5), "a new key starts at 5")
        XCTAssertTrue(run("OBJECT", "IDLETIME", "f").hasPrefix("-ERR An LFU maxmemory policy is selected"))
    }

    func testTypeAndObjectAreNotAccesses() {
        // Under LFU with lfu-log-factor 0 every access bumps the counter: a visible trace.
        run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        run("CONFIG", "SET", "lfu-log-factor", "0")
        run("SET", "k", "v")
        run("TYPE", "k")
        run("OBJECT", "ENCODING", "k")
        XCTAssertEqual(run("OBJECT", "FREQ", "k"), int(5))
        run("GET", "k")
        run("EXISTS", "k")
        XCTAssertEqual(run("OBJECT", "FREQ", "k"), int(6), "GET is an access; TYPE, OBJECT, EXISTS are not")
    }
}
