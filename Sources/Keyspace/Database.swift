import SwirlBytes

/// A key's value and its expiry, stored together: one lookup reads both, and
/// a key with a TTL costs no more memory than one without.
public struct Slot {
    public var value: RedisValue
    /// How a string value was written (OBJECT ENCODING, REFCOUNT).
    public var stringForm = StringForm.byContent
    /// Last access or access frequency (`AccessClock`). It sits in the padding
    /// after `value`, so it costs no memory.
    public var access: UInt32 = 0
    /// Unix milliseconds, or `Slot.persistent`.
    public var expireAt: Int64

    /// No expiry. Int64.min because any other value can be a real expiry time
    /// (negative ones included, while the AOF replays).
    public static let persistent = Int64.min

    public var hasExpiry: Bool { expireAt != Slot.persistent }

    /// Redis picks a string's encoding by how it was written: SET and the
    /// like encode it by its content, APPEND to an existing string and
    /// SETRANGE leave it raw, INCRBYFLOAT never makes an integer of it, and
    /// COPY's copy of a small integer is no longer the shared one (REFCOUNT).
    public enum StringForm: UInt8, Sendable { case byContent, raw, notInteger, unsharedCopy }

    /// The name OBJECT ENCODING reports.
    public var encodingName: String {
        guard case .string(let bytes) = value, stringForm == .raw || stringForm == .notInteger else {
            return value.encodingName
        }
        return stringForm == .notInteger && bytes.count <= RedisValue.embeddedStringLimit ? "embstr" : "raw"
    }
}

/// One numbered database: its keys, their values and expiry times.
///
/// A key whose time has passed is never returned: `lookup` deletes it first
/// (lazy expiry) and reports it through `Keyspace.onExpired` so the AOF can
/// log a DEL; the cron's sweep (`sweepExpired`) reclaims the ones nobody reads.
/// Invariant: `volatileCount` is the number of slots with an expiry.
public final class Database {
    public let id: Int
    public internal(set) var main = ByteTable<Slot>()
    /// Keys with a TTL (INFO's `expires=`).
    public internal(set) var volatileCount = 0
    /// Where the active-expiry sweep goes on next time.
    var sweepCursor = 0
    /// Where eviction's walk for keys with a TTL goes on next time (Eviction.swift).
    var evictionCursor = 0
    /// `unowned(unsafe)`: the keyspace owns its databases and outlives them.
    unowned(unsafe) let keyspace: Keyspace
    /// Keys some client WATCHes, and the watches on each (WatchedKeys.swift).
    /// Empty almost always: every writer below checks that first.
    var watchedKeys = ByteTable<[WatchedKey]>()
    /// Keys clients are blocked on (BLPOP …): key → their ids in blocking order
    /// (BlockingKeys.swift). Empty almost always: `add` and `set` check that first.
    var blockingQueues = ByteTable<[Int]>()
    /// Keys of `blockingQueues` signalled ready and not yet served (Redis's `db->ready_keys`).
    var readyKeys = ByteTable<Void>()

    init(id: Int, keyspace: Keyspace) {
        self.id = id
        self.keyspace = keyspace
    }

    public var count: Int { main.count }

    /// Bytes of the key table's entry storage that hold no key: room the next
    /// keys take without allocating (see `ByteTable.spareBytes`).
    public var spareTableBytes: Int { main.spareBytes }

    // MARK: - Reading

    /// The position of the live `key`, deleting it first if it has expired.
    func livePosition(_ key: Bytes) -> Int? {
        guard let position = main.index(of: key) else { return nil }
        let expireAt = main.readValue(at: position) { $0.hasExpiry ? $0.expireAt : Int64.max }
        if keyspace.now > expireAt && !keyspace.loading {
            if keyspace.expiryPaused { return nil }
            deleteExpired(at: position)
            return nil
        }
        return position
    }

    /// The live value of `key`, counted as an access (OBJECT IDLETIME/FREQ).
    public func lookup(_ key: Bytes) -> RedisValue? {
        guard let position = livePosition(key) else { return nil }
        return main.modifyValue(at: position) { slot in
            slot.access = touched(slot.access)
            return slot.value
        }
    }

    /// A slot's access stamp after a lookup: the LRU second, or the LFU counter touched.
    @inline(__always)
    private func touched(_ access: UInt32) -> UInt32 {
        if keyspace.tracksRecency { return UInt32(truncatingIfNeeded: keyspace.now / 1000) }
        return AccessClock.touched(access, keyspace.accessTracking, milliseconds: keyspace.now, random: &keyspace.random)
    }

    /// The live value of `key` without counting an access (Redis's LOOKUP_NOTOUCH: TYPE, OBJECT).
    public func peek(_ key: Bytes) -> RedisValue? {
        livePosition(key).map { main.value(at: $0).value }
    }

    /// The live slot of `key` without counting an access.
    public func peekSlot(_ key: Bytes) -> Slot? {
        livePosition(key).map { main.value(at: $0) }
    }

    private func newSlot(_ value: RedisValue) -> Slot {
        Slot(value: value, stringForm: .byContent,
             access: AccessClock.initial(keyspace.accessTracking, milliseconds: keyspace.now),
             expireAt: Slot.persistent)
    }

    public func exists(_ key: Bytes) -> Bool { livePosition(key) != nil }

    /// The stored expiry of `key`, even a passed one: never deletes (Redis's getExpire).
    func storedExpireTime(of key: Bytes) -> Int64? {
        guard let position = main.index(of: key) else { return nil }
        return main.readValue(at: position) { $0.hasExpiry ? $0.expireAt : nil }
    }

    /// Milliseconds since the epoch at which the live `key` expires, nil without a TTL.
    public func expireTime(of key: Bytes) -> Int64? {
        guard let position = livePosition(key) else { return nil }
        return main.readValue(at: position) { $0.hasExpiry ? $0.expireAt : nil }
    }

    /// Runs `body` on the live value of `key` in place (for APPEND, HSET …).
    public func modify<R>(_ key: Bytes, _ body: (inout RedisValue) throws -> R) rethrows -> R? {
        guard let position = livePosition(key) else { return nil }
        defer { keyChanged(key) }
        return try main.modifyValue(at: position) { try body(&$0.value) }
    }

    /// Keys in storage order, live or not (KEYS filters, SCAN looks each up).
    public func forEachKey(_ body: (Bytes, Slot) -> Void) {
        main.forEach(body)
    }

    // MARK: - Writing

    /// Stores `value`, removing any TTL unless `keepTTL` (Redis's setKey).
    /// Stores `value`, replacing any live value. `touching`: the caller did not
    /// look the key up first (a plain SET), so an overwritten key gets the access a
    /// lookup would have given it, as Redis's SET (lookupKeyWrite) does.
    public func set(_ key: Bytes, _ value: RedisValue, keepTTL: Bool = false, touching: Bool = false) {
        defer {
            keyChanged(key)
            if !blockingQueues.isEmpty { signalKeyAsReady(key) }
        }
        guard let position = livePosition(key) else {
            main.insertNew(key, newSlot(value))
            keyspace.onNewKey?(id, key)
            return
        }
        main.modifyValue(at: position) { slot in
            slot.value = value
            slot.stringForm = .byContent
            if touching { slot.access = touched(slot.access) }
            if !keepTTL && slot.hasExpiry {
                slot.expireAt = Slot.persistent
                volatileCount -= 1
            }
        }
    }

    /// Room for `count` keys in all (an RDB's RESIZEDB hint), so loading does not rehash.
    public func reserve(_ count: Int) {
        main.reserve(count)
    }

    /// Sets the access stamp of `key` (a loaded or restored key's idle time or frequency).
    public func setAccess(_ key: Bytes, _ access: UInt32) {
        guard let position = main.index(of: key) else { return }
        main.modifyValue(at: position) { $0.access = access }
    }

    /// Adds a key known to be absent (checked by a `lookup` in the same command).
    public func add(_ key: Bytes, _ value: RedisValue) {
        main.insertNew(key, newSlot(value))
        keyChanged(key)
        if !blockingQueues.isEmpty { signalKeyAsReady(key) }
        keyspace.onNewKey?(id, key)
    }

    @discardableResult
    public func delete(_ key: Bytes) -> Bool {
        guard let position = main.index(of: key) else { return false }
        signalIfStream(at: position)
        remove(at: position)
        keyChanged(key)
        return true
    }

    /// Sets an absolute expiry on an existing key.
    public func setExpire(_ key: Bytes, at milliseconds: Int64) {
        guard let position = main.index(of: key) else { return }
        main.modifyValue(at: position) { slot in
            if !slot.hasExpiry { volatileCount += 1 }
            slot.expireAt = milliseconds
        }
        keyChanged(key)
    }

    /// Records how the string at `key` was written (see `Slot.StringForm`).
    public func setStringForm(_ key: Bytes, _ form: Slot.StringForm) {
        guard let position = main.index(of: key) else { return }
        main.modifyValue(at: position) { $0.stringForm = form }
    }

    /// Removes the TTL of `key`; true when it had one.
    @discardableResult
    public func persist(_ key: Bytes) -> Bool {
        guard let position = main.index(of: key), main.readValue(at: position, { $0.hasExpiry }) else { return false }
        main.modifyValue(at: position) { $0.expireAt = Slot.persistent }
        volatileCount -= 1
        keyChanged(key)
        return true
    }

    public func removeAll() {
        touchAllWatchedKeys(replacement: nil)
        for key in blockingQueues.keys { if let position = main.index(of: key) { signalIfStream(at: position) } }
        main.removeAll()
        volatileCount = 0
        sweepCursor = 0
    }

    func remove(at position: Int) {
        if main.readValue(at: position, { $0.hasExpiry }) { volatileCount -= 1 }
        main.remove(at: position)
    }

    // MARK: - Expiry

    /// Deletes `key` if its time has passed; true when it did.
    @discardableResult
    public func expireIfNeeded(_ key: Bytes) -> Bool {
        main.index(of: key) != nil && livePosition(key) == nil
    }

    private func deleteExpired(at position: Int) {
        let key = main.key(at: position)
        signalIfStream(at: position)
        remove(at: position)
        keyChanged(key)
        keyspace.stats.expiredKeys += 1
        keyspace.onExpired?(id, key)
    }

    /// One step of active expiry: examines up to `limit` slots from where the
    /// last step stopped, deleting the expired ones, so every key is visited
    /// once per sweep of the table. Returns how many slots it examined.
    func sweepExpired(limit: Int) -> Int {
        guard volatileCount > 0, !keyspace.loading, !keyspace.expiryPaused else { return 0 }
        let now = keyspace.now
        var examined = 0
        while examined < limit && !main.isEmpty {
            if sweepCursor >= main.count { sweepCursor = 0 }
            let expired = main.readValue(at: sweepCursor) { $0.hasExpiry && now > $0.expireAt }
            examined += 1
            if expired {
                // Removal moves the last slot here: look at this position again.
                deleteExpired(at: sweepCursor)
            } else {
                sweepCursor += 1
            }
        }
        return examined
    }
}
