import XCTest
@testable import Keyspace
import SwirlBytes

/// The WATCH registry at the keyspace layer: every `Database` writer
/// signals, reads do not, and watches are cleaned up.
final class WatchedKeysTests: XCTestCase {
    private func b(_ text: String) -> Bytes { Bytes(text) }
    private var keyspace: Keyspace!
    private var db: Database { keyspace[0] }

    override func setUp() {
        super.setUp()
        keyspace = Keyspace(databaseCount: 4)
        keyspace.now = 1_000
    }

    /// A fresh watcher on `key` in database 0, after `prepare` ran unwatched.
    private func changes(_ key: String = "k", prepare: (Database) -> Void = { _ in },
                         _ change: (Database) -> Void) -> Bool {
        keyspace.now = 1_000
        keyspace.flushAll()
        prepare(db)
        let watcher = KeyWatcher()
        watcher.watch(b(key), in: db)
        change(db)
        return watcher.transactionMustAbort()
    }

    func testEveryWriterSignals() {
        let existing: (Database) -> Void = { $0.set(self.b("k"), .string(self.b("v"))) }
        XCTAssertTrue(changes { $0.set(self.b("k"), .string(self.b("v"))) })
        XCTAssertTrue(changes { $0.add(self.b("k"), .string(self.b("v"))) })
        XCTAssertTrue(changes(prepare: existing) { $0.delete(self.b("k")) })
        XCTAssertTrue(changes(prepare: existing) { _ = $0.modify(self.b("k")) { $0 = .string(Bytes()) } })
        XCTAssertTrue(changes(prepare: existing) { $0.setExpire(self.b("k"), at: 9_000) })
        XCTAssertTrue(changes(prepare: { existing($0); $0.setExpire(self.b("k"), at: 9_000) }) { $0.persist(self.b("k")) })
        XCTAssertTrue(changes(prepare: existing) { $0.removeAll() })
        XCTAssertTrue(changes(prepare: existing) { $0.signalModifiedKey(self.b("k")) })
        XCTAssertTrue(changes(prepare: existing) { _ in self.keyspace.flushAll() })
        XCTAssertTrue(changes(prepare: existing) { _ in self.keyspace.swap(0, 1) })
    }

    func testReadsAndNoOpsDoNotSignal() {
        let existing: (Database) -> Void = { $0.set(self.b("k"), .string(self.b("v"))) }
        XCTAssertFalse(changes(prepare: existing) { _ = $0.lookup(self.b("k")); _ = $0.exists(self.b("k")) })
        XCTAssertFalse(changes { $0.delete(self.b("k")) })
        XCTAssertFalse(changes(prepare: existing) { $0.persist(self.b("k")) })
        XCTAssertFalse(changes { _ = $0.modify(self.b("k")) { $0 = .string(Bytes()) } })
        XCTAssertFalse(changes { $0.removeAll() })
        XCTAssertFalse(changes { $0.set(self.b("other"), .string(self.b("v"))) })
        XCTAssertFalse(changes { _ in self.keyspace[1].set(self.b("k"), .string(self.b("v"))) })
    }

    func testExpiry() {
        let live: (Database) -> Void = { $0.set(self.b("k"), .string(self.b("v"))); $0.setExpire(self.b("k"), at: 2_000) }
        XCTAssertTrue(changes(prepare: live) { _ in self.keyspace.now = 3_000 }, "passed its TTL, not yet deleted")
        XCTAssertTrue(changes(prepare: live) {
            self.keyspace.now = 3_000
            _ = $0.lookup(self.b("k"))
        }, "lazily deleted")
        let expired: (Database) -> Void = { $0.set(self.b("k"), .string(self.b("v"))); $0.setExpire(self.b("k"), at: 500) }
        XCTAssertFalse(changes(prepare: expired) { _ in }, "already expired at WATCH")
        XCTAssertFalse(changes(prepare: expired) { _ = $0.lookup(self.b("k")) }, "its deletion is no change")
        XCTAssertFalse(changes(prepare: expired) { $0.removeAll() })
        XCTAssertTrue(changes(prepare: expired) { $0.set(self.b("k"), .string(self.b("new"))) })
    }

    func testAChangedWatcherAndAFreedWatcherLeaveNoWatches() {
        var watcher: KeyWatcher? = KeyWatcher()
        watcher!.watch(b("a"), in: db)
        watcher!.watch(b("a"), in: db)
        watcher!.watch(b("b"), in: keyspace[1])
        XCTAssertEqual(watcher!.watchedKeyCount, 2, "watching a key twice is one watch")
        db.set(b("a"), .string(b("v")))
        XCTAssertTrue(watcher!.keyChanged)
        XCTAssertEqual(watcher!.watchedKeyCount, 0, "a changed watcher stops watching")
        XCTAssertTrue(db.watchedKeys.isEmpty && keyspace[1].watchedKeys.isEmpty)
        watcher!.reset()
        XCTAssertFalse(watcher!.transactionMustAbort())
        watcher!.watch(b("c"), in: db)
        XCTAssertFalse(db.watchedKeys.isEmpty)
        watcher = nil
        XCTAssertTrue(db.watchedKeys.isEmpty, "a freed watcher unregisters itself")
        db.set(b("c"), .string(b("v")))
    }

    func testManyWatchersOfOneKeyAreAllMarked() {
        let watchers = (0..<3).map { _ in KeyWatcher() }
        for watcher in watchers { watcher.watch(b("k"), in: db) }
        db.set(b("k"), .string(b("v")))
        XCTAssertTrue(watchers.allSatisfy(\.keyChanged))
    }
}
