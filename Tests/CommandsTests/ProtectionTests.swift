import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// Redis 7.0's protected actions (`enable-protected-configs`,
/// `enable-debug-command`, `enable-module-command`: `no` by default, `yes`,
/// or `local` for clients on 127.0.0.1 or ::1).
final class ProtectionTests: CommandTestCase {
    func testDefaultsAreRedis70s() {
        let config = Config()
        for name in ["enable-protected-configs", "enable-debug-command", "enable-module-command"] {
            XCTAssertEqual(config.displayValue(name), "no", name)
            XCTAssertEqual(config.set(name, "LOCAL"), nil)
            XCTAssertEqual(config.displayValue(name), "local")
            XCTAssertEqual(config.set(name, "sometimes"), "argument(s) must be one of the following: no, yes, local")
        }
        XCTAssertEqual(config.displayValue("protected-mode"), "yes")
        XCTAssertTrue(config.protectedMode)
    }

    func testProtectedConfigsAreRefusedUnlessEnabled() throws {
        XCTAssertEqual(run("CONFIG", "SET", "DIR", "/tmp"),
                       error("ERR CONFIG SET failed (possibly related to argument 'DIR') - can't set protected config"))
        XCTAssertEqual(run("CONFIG", "SET", "dbfilename", "x.rdb"),
                       error("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"))
        XCTAssertEqual(run("CONFIG", "SET", "enable-protected-configs", "yes"),
                       error("ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config"))
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2"),
                       error("ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter"))
        engine.config.set("enable-protected-configs", "local")
        client.isLocal = false
        XCTAssertTrue(run("CONFIG", "SET", "dbfilename", "x.rdb").contains("can't set protected config"))
        client.isLocal = true
        XCTAssertEqual(run("CONFIG", "SET", "dbfilename", "x.rdb"), ok)
        XCTAssertEqual(run("CONFIG", "SET", "dbfilename", "a/x.rdb"),
                       error("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"))
        engine.config.set("enable-protected-configs", "yes")
        client.isLocal = false
        XCTAssertEqual(run("CONFIG", "SET", "dbfilename", "y.rdb"), ok)
        XCTAssertEqual(run("CONFIG", "GET", "dbfilename"), "*2\r\n" + bulk("dbfilename") + bulk("y.rdb"))
    }

    func testConfigSetDirMovesTheWorkingDirectory() throws {
        let before = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(before) }
        let target = NSTemporaryDirectory() + "swirl-dir-\(getpid())"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: target) }
        engine.config.set("enable-protected-configs", "yes")
        XCTAssertEqual(run("CONFIG", "SET", "dir", target + "/missing"),
                       error("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"))
        XCTAssertEqual(FileManager.default.currentDirectoryPath, before, "nothing changed")
        XCTAssertEqual(run("CONFIG", "SET", "dir", target), ok)
        let shown = bulkArray(run("CONFIG", "GET", "dir"))?[1] ?? nil
        XCTAssertEqual(shown.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path },
                       URL(fileURLWithPath: target).resolvingSymlinksInPath().path)
    }
}
