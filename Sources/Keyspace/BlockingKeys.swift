import SwirlBytes

/// The keyspace's side of blocking commands (BLPOP, BLMOVE, BZPOPMIN …): which
/// clients wait on which key of a database, in the order they blocked, and
/// which of those keys received a value since they were last served.
///
/// A key is signalled ready whenever `add` or `set` stores a value under it
/// while someone waits on it (Redis's `signalKeyAsReady` in `dbAdd`): every
/// way a key comes into existence (a push, RENAME, MOVE, COPY, …) goes
/// through one of them. The type is not checked here; whoever serves the key
/// checks it against what each client waits for. SWAPDB signals every waited
/// key of both databases (`Keyspace.swap`).
extension Database {
    /// Puts client `id` at the end of the queue of `key`.
    public func enqueueBlocked(_ id: Int, on key: Bytes) {
        if let position = blockingQueues.index(of: key) {
            blockingQueues.modifyValue(at: position) { $0.append(id) }
        } else {
            blockingQueues.insertNew(key, [id])
        }
    }

    /// Takes client `id` out of the queue of `key` (dropping the queue once empty).
    public func dequeueBlocked(_ id: Int, from key: Bytes) {
        guard let position = blockingQueues.index(of: key) else { return }
        let empty = blockingQueues.modifyValue(at: position) { queue -> Bool in
            if let at = queue.firstIndex(of: id) { queue.remove(at: at) }
            return queue.isEmpty
        }
        if empty {
            blockingQueues.remove(at: position)
            readyKeys.remove(key)
        }
    }

    /// The clients blocked on `key`, first blocked first.
    public func blockedClients(on key: Bytes) -> [Int] {
        blockingQueues[key] ?? []
    }

    /// How many keys of this database have blocked clients.
    public var blockedKeyCount: Int { blockingQueues.count }

    /// Records that `key` may now satisfy its blocked clients (once until served).
    func signalKeyAsReady(_ key: Bytes) {
        guard blockingQueues.index(of: key) != nil, readyKeys.set(key, ()) else { return }
        keyspace.readyKeys.append((self, key))
    }

    /// XADD's signal (Redis calls signalKeyAsReady itself: the key existed, no `add` ran).
    public func signalStreamReady(_ key: Bytes) {
        if !blockingQueues.isEmpty { signalKeyAsReady(key) }
    }

    /// A stream going away (deleted, expired, overwritten, flushed) signals its
    /// key, so XREADGROUP clients blocked on it get their error (Redis 7.0's
    /// dbGenericDelete, dbOverwrite and emptyDbStructure).
    func signalIfStream(at position: Int) {
        guard !blockingQueues.isEmpty, main.readValue(at: position, { $0.value.stream != nil }) else { return }
        signalKeyAsReady(main.key(at: position))
    }

    /// Called just before `key` is served: a value stored from now on signals it again.
    public func clearReady(_ key: Bytes) {
        readyKeys.remove(key)
    }

    /// After SWAPDB: every waited key that now exists is ready (Redis's scanDatabaseForReadyKeys).
    func signalAllBlockedKeys() {
        for key in blockingQueues.keys where main.index(of: key) != nil { signalKeyAsReady(key) }
    }
}

extension Keyspace {
    public var hasReadyKeys: Bool { !readyKeys.isEmpty }

    /// The keys signalled since the last call, in order. Serving them can signal
    /// more (BLMOVE's push): those come in the next call.
    public func takeReadyKeys() -> [(db: Database, key: Bytes)] {
        let taken = readyKeys
        readyKeys = []
        return taken
    }
}
