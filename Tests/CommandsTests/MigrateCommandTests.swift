import XCTest
@testable import Commands
import SwirlBytes

/// MIGRATE's parts that need no target: option errors in Redis's order, NOKEY,
/// an unreachable target, where its keys are (COMMAND GETKEYS). The exchange
/// itself is in Tests/Integration/test_migrate.py, against redis-server and Swirl.
final class MigrateCommandTests: CommandTestCase {
    func testErrorsBeforeConnecting() {
        run("SET", "k", "v")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "0", "10", "BOGUS"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "0", "10", "AUTH"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "0", "10", "AUTH2", "u"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "0", "10", "KEYS", "k"),
                       "-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "x", "10"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "0", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "missing", "0", "10"), "+NOKEY\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "", "0", "10", "KEYS", "a", "b"), "+NOKEY\r\n")
        XCTAssertEqual(run("MIGRATE", "h", "1", "k", "0", "10"), "-IOERR error or timeout connecting to the client\r\n")
        XCTAssertEqual(run("GET", "k"), "$1\r\nv\r\n")
    }

    func testKeyPositions() {
        XCTAssertEqual(MigrateCommand.keyPositions(["MIGRATE", "h", "1", "k", "0", "10"]), [3])
        XCTAssertEqual(MigrateCommand.keyPositions(["MIGRATE", "h", "1", "", "0", "10", "AUTH", "keys", "KEYS", "a", "b"]), [9, 10])
        XCTAssertEqual(MigrateCommand.keyPositions(["MIGRATE", "h", "1", "", "0", "10", "COPY"]), [])
        XCTAssertEqual(run("COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "10", "REPLACE", "KEYS", "a"), "*1\r\n$1\r\na\r\n")
    }
}
