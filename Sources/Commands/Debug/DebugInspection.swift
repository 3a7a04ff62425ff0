#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// The DEBUG subcommands that look at values: OBJECT, LISTPACK, QUICKLIST,
/// DIGEST, DIGEST-VALUE. None of them counts as an access to a key.
enum DebugInspection {
    /// The live slot at argument 2, or nil after replying `no such key`.
    private static func slot(_ c: Client) -> Slot? {
        guard let slot = c.db.peekSlot(c.args[2]) else {
            c.reply.error(Errors.noSuchKey)
            return nil
        }
        return slot
    }

    /// DEBUG OBJECT key, in Redis's format. `Value at:` is the value's heap
    /// storage (0x0 for a string of up to 23 bytes, which lives inside its slot);
    /// `serializedlength` is `SerializedLength.of`; `lru` is the 24 bits Redis
    /// keeps (seconds of the last access, or the LFU minute and counter), and
    /// `lru_seconds_idle` is computed from them as Redis does. A list is one
    /// ring buffer: one "node" holding every element, its storage in bytes as
    /// `ql_uncompressed_size`, never compressed.
    static func object(_ c: Client) {
        guard let slot = slot(c) else { return }
        let value = slot.value
        let refcount = ObjectCommand.isSharedInteger(slot, c.engine.config) ? Int(Int32.max) : 1
        let lru = slot.access & 0xFF_FFFF
        let idle = idleSeconds(lru: lru, clock: UInt32(truncatingIfNeeded: c.engine.keyspace.now / 1000) & 0xFF_FFFF)
        var text = "Value at:\(address(of: value)) refcount:\(refcount) encoding:\(slot.encodingName) "
            + "serializedlength:\(SerializedLength.of(value)) lru:\(lru) lru_seconds_idle:\(idle)"
        if case .list(let list) = value {
            text += " ql_nodes:1 ql_avg_node:\(InfoCommand.format2(Double(list.count))) ql_listpack_max:-2"
                + " ql_compressed:0 ql_uncompressed_size:\(MemoryFootprint.valueBytes(value))"
        }
        c.reply.simple(text)
    }

    /// Seconds between two readings of Redis's 24-bit LRU clock, which wraps every 194 days.
    static func idleSeconds(lru: UInt32, clock: UInt32) -> UInt32 {
        clock >= lru ? clock - lru : clock + (0xFF_FFFF - lru)
    }

    private static func address(of value: RedisValue) -> String {
        let pointer: UInt
        switch value {
        case .string(let bytes):
            pointer = bytes.count > Bytes.inlineCapacity
                ? bytes.array.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } : 0
        case .hash(let hash): pointer = UInt(bitPattern: ObjectIdentifier(hash))
        case .list(let list): pointer = UInt(bitPattern: ObjectIdentifier(list))
        case .set(let set): pointer = UInt(bitPattern: ObjectIdentifier(set))
        case .sortedSet(let zset): pointer = UInt(bitPattern: ObjectIdentifier(zset))
        case .stream(let stream): pointer = UInt(bitPattern: ObjectIdentifier(stream))
        }
        return "0x" + String(pointer, radix: 16)
    }

    /// DEBUG LISTPACK key: a compact hash's entries, printed on the server's
    /// standard output (Redis prints the listpack's bytes there).
    static func listpack(_ c: Client) {
        guard let slot = slot(c) else { return }
        guard case .hash(let hash) = slot.value, hash.isCompact else {
            c.reply.error("ERR Not a listpack encoded object.")
            return
        }
        var lines = ["{compact hash, \(hash.count) pairs}"]
        var position = 0
        hash.forEach { field, value in
            lines.append("{\(position)} field \(field.count) bytes: \(Text.truncated(field, 64)); value \(value.count) bytes: \(Text.truncated(value, 64))")
            position += 1
        }
        printOnStdout(lines)
        c.reply.simple("Listpack structure printed on stdout")
    }

    /// DEBUG QUICKLIST key [0|1]: a list's storage on standard output; with 1, every element too.
    static func quicklist(_ c: Client) {
        guard let slot = slot(c) else { return }
        guard case .list(let list) = slot.value else {
            c.reply.error("ERR Not a quicklist encoded object.")
            return
        }
        var lines = ["{\(list.isPacked ? "packed" : "ring buffer"), \(list.count) elements, \(MemoryFootprint.valueBytes(slot.value)) bytes}"]
        if c.args.count == 4 && DebugCommand.cInteger(c.args[3]) != 0 {
            for (position, element) in list.enumerated() {
                lines.append("{\(position)} \(element.count) bytes: \(Text.truncated(element, 64))")
            }
        }
        printOnStdout(lines)
        c.reply.simple("Quicklist structure printed on stdout")
    }

    private static func printOnStdout(_ lines: [String]) {
        for line in lines { print(line) }
        fflush(nil)
    }

    /// DEBUG DIGEST: the dataset's signature (ValueDigest.swift).
    static func digest(_ c: Client) {
        c.reply.simple(SHA1.hex(ValueDigest.ofDataset(c.engine.keyspace)))
    }

    /// DEBUG DIGEST-VALUE key …: each value's signature, 40 zeros for a missing key.
    static func digestValues(_ c: Client) {
        c.reply.array(c.args.count - 2)
        for key in c.args.dropFirst(2) {
            c.reply.simple(SHA1.hex(c.db.peek(key).map(ValueDigest.ofValue) ?? ValueDigest.zero))
        }
    }
}

/// DEBUG OBJECT's `serializedlength`: the bytes a value takes in RDB's plain
/// encodings (RDB_TYPE_STRING, LIST, SET, HASH: a length, then each element
/// as a string; integers of up to 32 bits in RDB's integer form). Redis
/// reports its compact encodings (listpack and intset blobs) and LZF-compressed
/// strings instead, so its figure is usually smaller. One function per type.
enum SerializedLength {
    static func of(_ value: RedisValue) -> Int {
        switch value {
        case .string(let bytes): return string(bytes)
        case .list(let list): return list.reduce(length(list.count)) { $0 + string($1) }
        case .set(let set):
            var total = length(set.count)
            set.forEach { total += string($0) }
            return total
        case .hash(let hash):
            var total = length(hash.count)
            hash.forEach { total += string($0) + string($1) }
            return total
        case .sortedSet(let zset):
            // RDB_TYPE_ZSET_2: each member as a string, each score as 8 bytes.
            var total = length(zset.count)
            zset.forEach { member, _ in total += string(member) + 8 }
            return total
        case .stream(let stream):
            // Swirl's own figure: each entry's ID and strings.
            var total = length(stream.length)
            stream.forEach(from: .zero, to: .max) { entry in
                total += 16
                entry.forEachPair { field, value in total += length(field.count) + field.count + length(value.count) + value.count }
                return true
            }
            return total
        }
    }

    /// RDB's length prefix: 1, 2, 5 or 9 bytes.
    static func length(_ count: Int) -> Int {
        switch count {
        case ..<64: return 1
        case ..<16_384: return 2
        case ...Int(UInt32.max): return 5
        default: return 9
        }
    }

    /// A string: an 8/16/32-bit integer form when it is a canonical integer that fits, else length and bytes.
    static func string(_ bytes: Bytes) -> Int {
        if bytes.count <= 11, let number = SetValue.integer(bytes) {
            if Int64(Int8.min)...Int64(Int8.max) ~= number { return 2 }
            if Int64(Int16.min)...Int64(Int16.max) ~= number { return 3 }
            if Int64(Int32.min)...Int64(Int32.max) ~= number { return 5 }
        }
        return length(bytes.count) + bytes.count
    }
}
