import Keyspace
import SwirlBytes

/// The value of a key seen as one type: found, absent, or of another type.
enum Typed<T> {
    case found(T)
    case missing
    case wrongType
}

extension Client {
    /// The value at `key` as the type `extract` accepts, counting a keyspace
    /// hit or miss as Redis's lookupKeyRead does.
    func read<T>(_ key: Bytes, as extract: (RedisValue) -> T?) -> Typed<T> {
        guard let value = db.lookup(key) else {
            countMiss(key)
            return .missing
        }
        engine.keyspace.stats.keyspaceHits += 1
        return extract(value).map { .found($0) } ?? .wrongType
    }

    /// The same for a write: no hit/miss counted, as Redis's lookupKeyWrite.
    func lookupForWrite<T>(_ key: Bytes, as extract: (RedisValue) -> T?) -> Typed<T> {
        guard let value = db.lookup(key) else { return .missing }
        return extract(value).map { .found($0) } ?? .wrongType
    }

    /// The value found, or nil after replying `missing` (raw RESP) for an
    /// absent key or WRONGTYPE for another type.
    func found<T>(_ typed: Typed<T>, orReply missing: [UInt8]) -> T? {
        switch typed {
        case .found(let value): return value
        case .missing: reply.raw(missing)
        case .wrongType: wrongType()
        }
        return nil
    }

    /// A STORE command's end (SINTERSTORE, ZUNIONSTORE, ZRANGESTORE …): a
    /// non-empty result replaces the destination (any type, its TTL
    /// dropped), an empty one deletes it; the reply is the cardinality.
    /// Publishes `event` (of class `type`) for a stored result, `del` for a deletion.
    func storeResult(_ value: RedisValue, count: Int, in destination: Bytes,
                     _ type: NotifyClasses, _ event: KeyspaceEvent) {
        if count == 0 {
            if db.delete(destination) {
                engine.dirty += 1
                notify(.generic, .del, destination)
            }
            reply.integer(0)
            return
        }
        db.set(destination, value)
        engine.dirty += 1
        notify(type, event, destination)
        reply.integer(count)
    }

    /// The string at `key`, counting a keyspace hit or miss as Redis's lookupKeyRead does.
    func readString(_ key: Bytes) -> Typed<Bytes> {
        switch db.lookup(key) {
        case .none:
            countMiss(key)
            return .missing
        case .string(let bytes)?:
            engine.keyspace.stats.keyspaceHits += 1
            return .found(bytes)
        case .some:
            engine.keyspace.stats.keyspaceHits += 1
            return .wrongType
        }
    }

    func readHash(_ key: Bytes) -> Typed<HashValue> {
        switch db.lookup(key) {
        case .none:
            countMiss(key)
            return .missing
        case .hash(let hash)?:
            engine.keyspace.stats.keyspaceHits += 1
            return .found(hash)
        case .some:
            engine.keyspace.stats.keyspaceHits += 1
            return .wrongType
        }
    }

    /// The hash at `key` for writing, created empty if absent; nil after replying WRONGTYPE.
    func writableHash(_ key: Bytes) -> HashValue? {
        switch db.lookup(key) {
        case .none:
            let hash = HashValue()
            db.add(key, .hash(hash))
            return hash
        case .hash(let hash)?:
            // The caller mutates it in place, past the database's own signal.
            db.signalModifiedKey(key)
            return hash
        case .some:
            wrongType()
            return nil
        }
    }

    func readList(_ key: Bytes) -> Typed<ListValue> {
        switch db.lookup(key) {
        case .none:
            countMiss(key)
            return .missing
        case .list(let list)?:
            engine.keyspace.stats.keyspaceHits += 1
            return .found(list)
        case .some:
            engine.keyspace.stats.keyspaceHits += 1
            return .wrongType
        }
    }
}

extension Client {
    /// The value at `key` of any type, counting a keyspace hit or miss as Redis's lookupKeyRead does.
    func readValue(_ key: Bytes) -> RedisValue? {
        counted(db.lookup(key), key)
    }

    /// The same without counting an access (Redis's LOOKUP_NOTOUCH: EXISTS, TYPE, TTL).
    func peekValue(_ key: Bytes) -> RedisValue? {
        counted(db.peek(key), key)
    }

    private func counted(_ value: RedisValue?, _ key: Bytes) -> RedisValue? {
        if value == nil { countMiss(key) } else { engine.keyspace.stats.keyspaceHits += 1 }
        return value
    }
}
