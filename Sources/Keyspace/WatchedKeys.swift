import SwirlBytes

/// WATCH, on the keyspace side: who watches which key, and the one signal
/// every change to a key goes through (Redis's `signalModifiedKey` /
/// `touchWatchedKey`).
///
/// Each database keeps `watchedKeys` (key → the watches on it). The mutating
/// methods of `Database` call `keyChanged` after they change a key, and
/// `removeAll`/`Keyspace.swap` call `touchAllWatchedKeys`; both return at
/// once while nobody watches anything in that database, so writes pay one
/// `isEmpty` check. Code that mutates an aggregate in place (a hash reached
/// through `lookup`) calls `signalModifiedKey` itself.
///
/// Redis 7.0's rules, kept here:
/// - any change marks every watcher of the key, even one that leaves the same
///   value; a marked watcher stops watching (nothing can un-mark it but UNWATCH,
///   DISCARD, EXEC or RESET) and its next EXEC fails;
/// - a key whose TTL had already passed when WATCH ran counts as absent: its
///   later deletion by expiry or a flush is no change;
/// - a watched key whose TTL passes after WATCH fails EXEC even if nothing has
///   deleted it yet (`hasExpiredSinceWatch`).

/// One client's watches (Redis's `c->watched_keys` and its CLIENT_DIRTY_CAS flag).
public final class KeyWatcher {
    /// A watched key changed: the next EXEC must fail.
    public private(set) var keyChanged = false
    private var watches: [WatchedKey] = []

    public init() {}

    /// Forgets every watch as the client goes, so no database keeps a pointer to it.
    deinit { unwatchAll() }

    public var watchedKeyCount: Int { watches.count }

    /// What the watches take: the list's storage and an entry object each
    /// (client eviction; the keys' bytes are shared with the databases' lists).
    public var storageBytes: Int {
        watches.capacity * MemoryLayout<WatchedKey>.stride + watches.count * WatchedKey.objectBytes
    }

    /// WATCH `key` in `db` (once: watching it again is a no-op).
    public func watch(_ key: Bytes, in db: Database) {
        for existing in watches where existing.database === db && existing.key == key { return }
        let entry = WatchedKey(key: key, database: db, watcher: self, expiredWhenWatched: db.hasPassedTTL(key))
        watches.append(entry)
        db.addWatch(entry)
    }

    /// UNWATCH, DISCARD, EXEC and RESET: no watches and a clean slate.
    public func reset() {
        unwatchAll()
        keyChanged = false
    }

    /// True when EXEC must abort: a watched key changed, or (Redis 7.0's
    /// `isWatchedKeyExpired`) one that was live at WATCH has passed its TTL since.
    public func transactionMustAbort() -> Bool {
        if keyChanged { return true }
        for entry in watches where !entry.expiredWhenWatched && entry.database.hasPassedTTL(entry.key) {
            return true
        }
        return false
    }

    /// Called by a database when a watched key changed.
    fileprivate func markChanged() {
        keyChanged = true
        // Nothing can make this EXEC succeed now: stop paying for the watches.
        unwatchAll()
    }

    private func unwatchAll() {
        for entry in watches { entry.database.removeWatch(entry) }
        watches.removeAll()
    }
}

/// One (client, database, key) watch, listed both by its watcher and by its database.
final class WatchedKey {
    /// An entry's heap object: the object header (16 bytes) and its stored
    /// properties, rounded up to malloc's 16-byte granule.
    static let objectBytes = (16 + MemoryLayout<Bytes>.stride + 2 * MemoryLayout<Int>.stride + 1 + 15) / 16 * 16

    let key: Bytes
    /// Strong: a client may outlive its engine (in tests), and its watcher's
    /// deinit still reaches the database. The cycle ends at unwatch.
    let database: Database
    /// `unowned(unsafe)`: the watcher removes this entry from the database before it goes.
    unowned(unsafe) let watcher: KeyWatcher
    /// The key's TTL had already passed at WATCH, so it was logically absent then.
    var expiredWhenWatched: Bool

    init(key: Bytes, database: Database, watcher: KeyWatcher, expiredWhenWatched: Bool) {
        self.key = key
        self.database = database
        self.watcher = watcher
        self.expiredWhenWatched = expiredWhenWatched
    }
}

extension Database {
    /// Tell watchers that `key` changed. Handlers call this after mutating a
    /// value in place (e.g. a field of a hash); `Database`'s own writers call it for you.
    public func signalModifiedKey(_ key: Bytes) {
        keyChanged(key)
    }

    /// The cheap check every write makes: nothing to do unless someone watches in this database.
    @inline(__always)
    func keyChanged(_ key: Bytes) {
        if !watchedKeys.isEmpty { touchWatchedKey(key) }
        if keyspace.observingKeyChanges { keyspace.keyChangeObserver?(key) }
    }

    /// True when `key` has a TTL that has passed but the key is still stored
    /// (Redis's `keyIsExpired`; never deletes, unlike `lookup`).
    func hasPassedTTL(_ key: Bytes) -> Bool {
        guard let when = storedExpireTime(of: key) else { return false }
        return keyspace.now > when
    }

    private func touchWatchedKey(_ key: Bytes) {
        guard let entries = watchedKeys[key] else { return }
        let exists = main.index(of: key) != nil
        for entry in entries {
            if entry.expiredWhenWatched && !exists {
                // An already expired key was deleted: logically nothing changed.
                entry.expiredWhenWatched = false
                continue
            }
            entry.watcher.markChanged()
        }
    }

    /// FLUSHDB, FLUSHALL (`replacement` nil) and SWAPDB (`replacement` is the
    /// database whose contents take this one's place), before the contents go:
    /// a watched key changes if it exists on either side (Redis's touchAllWatchedKeysInDb).
    func touchAllWatchedKeys(replacement: Database?) {
        guard !watchedKeys.isEmpty else { return }
        var snapshot: [(Bytes, [WatchedKey])] = []
        watchedKeys.forEach { key, entries in snapshot.append((key, entries)) }
        for (key, entries) in snapshot {
            let existsHere = main.index(of: key) != nil
            let existsThere = replacement.map { $0.main.index(of: key) != nil } ?? false
            guard existsHere || existsThere else { continue }
            let expiredThere = replacement?.hasPassedTTL(key) ?? false
            for entry in entries {
                if entry.expiredWhenWatched {
                    if !existsThere {
                        entry.expiredWhenWatched = false  // the expired key is just gone
                        continue
                    }
                    if expiredThere { continue }          // an expired key replaced by an expired key
                } else if !existsHere && expiredThere {
                    entry.expiredWhenWatched = true       // absent replaced by logically absent
                    continue
                }
                entry.watcher.markChanged()
            }
        }
    }

    fileprivate func addWatch(_ entry: WatchedKey) {
        if let position = watchedKeys.index(of: entry.key) {
            watchedKeys.modifyValue(at: position) { $0.append(entry) }
        } else {
            watchedKeys.set(entry.key, [entry])
        }
    }

    fileprivate func removeWatch(_ entry: WatchedKey) {
        guard let position = watchedKeys.index(of: entry.key) else { return }
        let remaining = watchedKeys.modifyValue(at: position) { entries -> Int in
            entries.removeAll { $0 === entry }
            return entries.count
        }
        if remaining == 0 { watchedKeys.remove(entry.key) }
    }
}
