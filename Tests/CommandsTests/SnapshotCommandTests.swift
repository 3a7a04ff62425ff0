import XCTest
@testable import Commands
import SwirlBytes

/// SAVE and BGSAVE replies as Redis 7.0 gives them, with the Server's part stubbed.
final class SnapshotCommandTests: CommandTestCase {
    var saves = 0
    var childActive = false
    var forkSucceeds = true

    override func setUp() {
        super.setUp()
        engine.hooks.save = { [unowned self] in self.saves += 1; return self.forkSucceeds }
        engine.hooks.backgroundSave = { [unowned self] in
            if self.forkSucceeds { self.engine.snapshots.backgroundSaveStarted = 1 }
            return self.forkSucceeds
        }
        engine.hooks.childActive = { [unowned self] in self.childActive || self.engine.snapshots.backgroundSaveInProgress }
        engine.hooks.rewriteAOF = { nil }
    }

    func testSaveAndItsFailure() {
        XCTAssertEqual(run("SAVE"), "+OK\r\n")
        forkSucceeds = false
        XCTAssertEqual(run("SAVE"), "-ERR\r\n", "Redis's bare shared.err")
        XCTAssertEqual(engine.snapshots.saves, 2)
        XCTAssertEqual(run("CONFIG", "RESETSTAT"), "+OK\r\n")
        XCTAssertEqual(engine.snapshots.saves, 0, "rdb_saves is a statistic")
        XCTAssertEqual(run("SAVE", "x"), "-ERR wrong number of arguments for 'save' command\r\n")
    }

    func testBackgroundSave() {
        XCTAssertEqual(run("BGSAVE"), "+Background saving started\r\n")
        XCTAssertEqual(run("BGSAVE"), "-ERR Background save already in progress\r\n")
        XCTAssertEqual(run("SAVE"), "-ERR Background save already in progress\r\n")
        XCTAssertEqual(run("BGREWRITEAOF"), "+Background append only file rewriting scheduled\r\n")
        XCTAssertTrue(run("INFO", "persistence").contains("rdb_bgsave_in_progress:1\r\n"))
    }

    func testBackgroundSaveWhileAnotherChildRuns() {
        childActive = true
        XCTAssertEqual(run("BGSAVE"), "-ERR Another child process is active (AOF?): can't BGSAVE right now. "
                       + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
        XCTAssertFalse(engine.snapshots.backgroundSaveScheduled)
        XCTAssertEqual(run("BGSAVE", "schedule"), "+Background saving scheduled\r\n")
        XCTAssertTrue(engine.snapshots.backgroundSaveScheduled)
    }

    func testBackgroundSaveInsideExecIsScheduled() {
        XCTAssertEqual(run("MULTI"), "+OK\r\n")
        XCTAssertEqual(run("BGSAVE"), "+QUEUED\r\n")
        XCTAssertEqual(run("EXEC"), "*1\r\n+Background saving scheduled\r\n")
        XCTAssertEqual(run("MULTI"), "+OK\r\n")
        XCTAssertEqual(run("SAVE"), "-ERR Command not allowed inside a transaction\r\n")
        XCTAssertEqual(run("DISCARD"), "+OK\r\n")
    }

    func testSyntaxAndForkFailure() {
        XCTAssertEqual(run("BGSAVE", "NOW"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("BGSAVE", "SCHEDULE", "x"), "-ERR syntax error\r\n")
        forkSucceeds = false
        XCTAssertEqual(run("BGSAVE"), "-ERR\r\n")
    }

    func testInfoPersistenceFields() {
        engine.snapshots.lastBackgroundSaveOK = false
        engine.snapshots.saves = 3
        engine.snapshots.lastBackgroundSaveSeconds = 2
        engine.snapshots.lastLoadKeysLoaded = 7
        let info = run("INFO", "persistence")
        for field in ["rdb_last_bgsave_status:err", "rdb_saves:3", "rdb_last_bgsave_time_sec:2",
                      "rdb_last_load_keys_loaded:7", "rdb_bgsave_in_progress:0", "rdb_current_bgsave_time_sec:-1"] {
            XCTAssertTrue(info.contains(field + "\r\n"), field)
        }
    }
}
