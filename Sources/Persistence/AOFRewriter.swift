import Keyspace
import RESP
import SwirlBytes

/// Turns the keyspace into the shortest commands that rebuild it: the body
/// of a new AOF base file (BGREWRITEAOF, or AOF switched on at runtime).
public enum AOFRewriter {
    /// How many elements one HSET, RPUSH, SADD or ZADD carries, as Redis's AOF_REWRITE_ITEMS_PER_CMD.
    static let itemsPerCommand = 64

    public static func snapshot(_ keyspace: Keyspace) -> [UInt8] {
        var whole: [UInt8] = []
        _ = snapshot(keyspace, chunkSize: Int.max) { whole = $0; return true }
        return whole
    }

    /// The same, handed to `write` in pieces of about `chunkSize` bytes, so a
    /// large keyspace is never whole in memory (the rewrite child). Stops at
    /// the first piece `write` refuses; false then.
    public static func snapshot(_ keyspace: Keyspace, chunkSize: Int, afterEachKey: () -> Void = {},
                                write: ([UInt8]) -> Bool) -> Bool {
        var out: [UInt8] = []
        var failed = false
        for db in keyspace.databases where db.count > 0 && !failed {
            CommandEncoder.append(["SELECT", ByteNumbers.decimal(Int64(db.id))], to: &out)
            db.forEachKey { key, slot in
                guard !failed else { return }
                append(key, slot.value, to: &out)
                if slot.hasExpiry {
                    CommandEncoder.append(["PEXPIREAT", key, ByteNumbers.decimal(slot.expireAt)], to: &out)
                }
                if out.count >= chunkSize {
                    failed = !write(out)
                    out.removeAll(keepingCapacity: true)
                }
                afterEachKey()
            }
        }
        return !failed && (out.isEmpty || write(out))
    }

    static func append(_ key: Bytes, _ value: RedisValue, to out: inout [UInt8]) {
        switch value {
        case .string(let bytes):
            CommandEncoder.append(["SET", key, bytes], to: &out)
        case .hash(let hash):
            var command: [Bytes] = []
            hash.forEach { field, value in
                if command.isEmpty { command = ["HSET", key] }
                command.append(field)
                command.append(value)
                if command.count == 2 + itemsPerCommand * 2 {
                    CommandEncoder.append(command, to: &out)
                    command = []
                }
            }
            if !command.isEmpty { CommandEncoder.append(command, to: &out) }
        case .list(let list):
            var start = 0
            while start < list.count {
                let end = min(start + itemsPerCommand, list.count)
                CommandEncoder.append(["RPUSH", key] + list[start..<end], to: &out)
                start = end
            }
        case .set(let set):
            var command: [Bytes] = []
            set.forEach { member in
                if command.isEmpty { command = ["SADD", key] }
                command.append(member)
                if command.count == 2 + itemsPerCommand {
                    CommandEncoder.append(command, to: &out)
                    command = []
                }
            }
            if !command.isEmpty { CommandEncoder.append(command, to: &out) }
        case .sortedSet(let zset):
            // Scores printed with %.17g, which reads back to the same double.
            var command: [Bytes] = []
            zset.forEach { member, score in
                if command.isEmpty { command = ["ZADD", key] }
                command.append(Bytes(ByteNumbers.formatDouble(score)))
                command.append(member)
                if command.count == 2 + itemsPerCommand * 2 {
                    CommandEncoder.append(command, to: &out)
                    command = []
                }
            }
            if !command.isEmpty { CommandEncoder.append(command, to: &out) }
        case .stream(let stream):
            appendStream(key, stream, to: &out)
        }
    }
}
