import Keyspace
import Persistence
import RESP
import SwirlBytes

/// DUMP and RESTORE: a value moved between servers in Redis 7.0's payload
/// (Persistence/RDB/DumpPayload.swift), so payloads interchange with
/// redis-server both ways. A payload that does not verify or parse gets
/// Redis's errors; nothing in it can crash the server (the reader checks
/// every length against the bytes there are).
enum DumpRestoreCommands {
    static let busyKey = "BUSYKEY Target key name already exists."

    static func specs() -> [CommandSpec] {
        let generic = KeyCommands.group
        return [
            generic.command("dump", 2, [.readonly], syntax: "key",
                            "Returns a serialized representation of the value stored at a key.", since: "2.6.0",
                            complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
                            handler: dump),
            generic.command("restore", -4, [.write, .denyOOM], syntax: "key ttl serialized-value [REPLACE]@3.0.0 [ABSTTL]@5.0.0 [IDLETIME seconds]@5.0.0 [FREQ frequency]@5.0.0",
                            "Creates a key from the serialized representation of a value.", since: "2.6.0",
                            complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
                            categories: ["@keyspace", "@write", "@slow", "@dangerous"], handler: restore),
            MigrateCommand.spec(),
        ]
    }

    static func dump(_ c: Client) {
        guard let value = c.db.lookup(c.args[1]) else {
            c.countMiss(c.args[1])
            c.reply.null()
            return
        }
        c.engine.keyspace.stats.keyspaceHits += 1
        c.reply.bulk(Bytes(DumpPayload.make(value, compression: c.engine.config.rdbCompression)))
    }

    /// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency],
    /// checked in Redis's order: options, an existing key, the TTL, the payload.
    static func restore(_ c: Client) {
        var replace = false, absolute = false
        var idle: Int64? = nil, frequency: Int64? = nil
        var index = 4
        while index < c.args.count {
            let more = index + 1 < c.args.count
            if c.argument(index, is: "REPLACE") {
                replace = true
            } else if c.argument(index, is: "ABSTTL") {
                absolute = true
            } else if c.argument(index, is: "IDLETIME") && more && frequency == nil {
                guard let value = c.integer(at: index + 1) else { return }
                guard value >= 0 else { return c.reply.error("ERR Invalid IDLETIME value, must be >= 0") }
                idle = value
                index += 1
            } else if c.argument(index, is: "FREQ") && more && idle == nil {
                guard let value = c.integer(at: index + 1) else { return }
                guard value >= 0 && value <= 255 else { return c.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255") }
                frequency = value
                index += 1
            } else {
                return c.reply.error(Errors.syntax)
            }
            index += 1
        }
        let key = c.args[1]
        if !replace && c.db.lookup(key) != nil { return c.reply.error(busyKey) }
        guard var ttl = c.integer(at: 2) else { return }
        guard ttl >= 0 else { return c.reply.error("ERR Invalid TTL value, must be >= 0") }
        let value: RedisValue
        do {
            value = try DumpPayload.read(c.args[3], verifyChecksum: !c.engine.debugState.skipChecksumValidation)
        } catch {
            return c.reply.error(error == .versionOrChecksum ? "ERR DUMP payload version or checksum are wrong" : "ERR Bad data format")
        }
        let engine = c.engine, now = engine.keyspace.now
        let deleted = replace && c.db.delete(key)
        // Redis adds without an overflow check; a sum that wraps is in the past, as there.
        if ttl != 0 && !absolute { ttl = ttl &+ now }
        if ttl != 0 && ttl <= now {
            if deleted {
                c.propagate(as: ["DEL", key])
                engine.notify(.generic, .del, key, db: c.db.id)
                engine.dirty += 1
            } else {
                c.propagateNothing()
            }
            return c.reply.ok()
        }
        c.db.add(key, value)
        if ttl != 0 {
            c.db.setExpire(key, at: ttl)
            if !absolute {
                var args = c.args
                args[2] = ByteNumbers.decimal(ttl)
                args.append("ABSTTL")
                c.propagate(as: args)
            }
        }
        switch engine.config.accessTracking {
        case .frequency:
            if let frequency { c.db.setAccess(key, AccessClock.stamp(frequency: UInt8(frequency), milliseconds: now)) }
        case .recency:
            if let idle { c.db.setAccess(key, AccessClock.stamp(idleSeconds: idle, milliseconds: now)) }
        }
        engine.notify(.generic, .restore, key, db: c.db.id)
        c.reply.ok()
        engine.dirty += 1
    }
}
