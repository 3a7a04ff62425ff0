/// One numbered database: the keys and their expiry times.
///
/// Invariant: every key of `expires` is a key of `main`. A key whose time has
/// passed is never returned: `lookup` deletes it first (lazy expiry) and
/// reports it through `Keyspace.onExpired` so the AOF can log a DEL.
public final class Database {
    public let id: Int
    public var main = ByteTable<RedisValue>()
    /// Absolute expiry times, Unix milliseconds.
    public var expires = ByteTable<Int64>()
    /// `unowned(unsafe)`: the keyspace owns its databases and outlives them.
    unowned(unsafe) let keyspace: Keyspace
    /// Keys some client WATCHes, and the watches on each (WatchedKeys.swift).
    /// Empty almost always: every writer below checks that first.
    var watchedKeys = ByteTable<[WatchedKey]>()

    init(id: Int, keyspace: Keyspace) {
        self.id = id
        self.keyspace = keyspace
    }

    public var count: Int { main.count }

    // MARK: - Reading

    /// The live value of `key`, deleting it first if it has expired.
    public func lookup(_ key: [UInt8]) -> RedisValue? {
        guard let position = main.index(of: key) else { return nil }
        if !expires.isEmpty, expireIfNeeded(key) { return nil }
        return main.value(at: position)
    }

    public func exists(_ key: [UInt8]) -> Bool { lookup(key) != nil }

    /// Milliseconds since the epoch at which `key` expires, nil without a TTL.
    public func expireTime(of key: [UInt8]) -> Int64? {
        expires.isEmpty ? nil : expires[key]
    }

    /// Runs `body` on the live value of `key` in place (for APPEND, HSET …).
    public func modify<R>(_ key: [UInt8], _ body: (inout RedisValue) throws -> R) rethrows -> R? {
        if !expires.isEmpty { _ = expireIfNeeded(key) }
        guard let position = main.index(of: key) else { return nil }
        defer { keyChanged(key) }
        return try main.modifyValue(at: position, body)
    }

    // MARK: - Writing

    /// Stores `value`, removing any TTL unless `keepTTL` (Redis's setKey).
    public func set(_ key: [UInt8], _ value: RedisValue, keepTTL: Bool = false) {
        if !expires.isEmpty {
            _ = expireIfNeeded(key)
            if !keepTTL { expires.remove(key) }
        }
        main.set(key, value)
        keyChanged(key)
    }

    /// Adds a key known to be absent (checked by a `lookup` in the same command).
    public func add(_ key: [UInt8], _ value: RedisValue) {
        main.insertNew(key, value)
        keyChanged(key)
    }

    @discardableResult
    public func delete(_ key: [UInt8]) -> Bool {
        guard main.remove(key) != nil else { return false }
        if !expires.isEmpty { expires.remove(key) }
        keyChanged(key)
        return true
    }

    /// Sets an absolute expiry on an existing key.
    public func setExpire(_ key: [UInt8], at milliseconds: Int64) {
        expires.set(key, milliseconds)
        keyChanged(key)
    }

    @discardableResult
    public func persist(_ key: [UInt8]) -> Bool {
        guard expires.remove(key) != nil else { return false }
        keyChanged(key)
        return true
    }

    public func removeAll() {
        touchAllWatchedKeys(replacement: nil)
        main.removeAll()
        expires.removeAll()
    }

    // MARK: - Expiry

    /// Deletes `key` if its time has passed; true when it did.
    @discardableResult
    public func expireIfNeeded(_ key: [UInt8]) -> Bool {
        // Expired only once the time has passed (Redis's `now > when`), not at the instant itself.
        guard let when = expires[key], keyspace.now > when else { return false }
        deleteExpired(key)
        return true
    }

    func deleteExpired(_ key: [UInt8]) {
        main.remove(key)
        expires.remove(key)
        keyChanged(key)
        keyspace.stats.expiredKeys += 1
        keyspace.onExpired?(id, key)
    }

    /// One round of active expiry: samples up to `samples` keys with a TTL and
    /// deletes the expired ones. Returns how many were sampled and expired.
    func sampleExpired(samples: Int) -> (sampled: Int, expired: Int) {
        var sampled = 0, expired = 0
        let now = keyspace.now
        while sampled < samples, let position = expires.randomIndex() {
            sampled += 1
            if now > expires.value(at: position) {
                deleteExpired(expires.key(at: position))
                expired += 1
            }
        }
        return (sampled, expired)
    }
}
