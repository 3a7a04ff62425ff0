import Keyspace
import SwirlBytes

/// A stream as Redis 7.0 saves one (RDB_TYPE_STREAM_LISTPACKS_2), the form
/// RDBReader+Stream.swift reads: listpack nodes keyed by their master ID,
/// then the length and the ID counters, then each group with its PEL and
/// its consumers.
///
/// Nodes are rebuilt from the live entries, at most `entriesPerNode` each:
/// a node's master entry holds its first entry's fields, and every entry
/// with the same fields is written SAMEFIELDS (values only), as Redis's
/// streamAppendItem does. Tombstones are not written (Redis keeps them in
/// its nodes; a loader sees the same live entries and counters either way).
extension RDBWriter {
    static let entriesPerNode = 100

    mutating func writeStream(_ stream: StreamValue) {
        var nodes: [(master: StreamID, listpack: [UInt8])] = []
        var pending: [StreamEntry] = []
        func closeNode() {
            guard let first = pending.first else { return }
            nodes.append((first.id, Self.streamNode(pending)))
            pending.removeAll(keepingCapacity: true)
        }
        stream.forEach(from: .zero, to: .max) { entry in
            pending.append(entry)
            if pending.count == Self.entriesPerNode { closeNode() }
            return true
        }
        closeNode()

        writeLength(nodes.count)
        for node in nodes {
            writeString(Self.rawID(node.master))
            writeString(node.listpack)
        }
        writeLength(stream.length)
        writeID(stream.lastID)
        writeID(stream.firstID)
        writeID(stream.maxDeletedID)
        writeUnsigned(stream.entriesAdded)

        let groups = stream.sortedGroups
        writeLength(groups.count)
        for group in groups {
            writeString(group.name)
            writeID(group.lastID)
            writeUnsigned(UInt64(bitPattern: group.entriesRead))
            writeLength(group.pending.count)
            group.pending.forEach { id, entry in
                buffer.append(contentsOf: Self.rawID(id))
                writeLittleEndian(UInt64(bitPattern: entry.deliveryTime), 8)
                writeUnsigned(UInt64(bitPattern: entry.deliveryCount))
                return true
            }
            let consumers = group.sortedConsumers
            writeLength(consumers.count)
            for consumer in consumers {
                writeString(consumer.name)
                writeLittleEndian(UInt64(bitPattern: consumer.seenTime), 8)
                writeLength(consumer.pending.count)
                consumer.pending.forEach { id, _ in
                    buffer.append(contentsOf: Self.rawID(id))
                    return true
                }
            }
        }
    }

    /// One node: the master entry (live count, deleted count, the master
    /// fields, a 0 terminator), then per entry its flags, ID deltas from the
    /// master, fields unless shared, values, and the count of its pieces.
    static func streamNode(_ entries: [StreamEntry]) -> [UInt8] {
        let master = entries[0]
        let masterFields = fields(of: master)
        var listpack = ListpackBuilder()
        func integer(_ value: Int64) { listpack.append(Bytes(Array(String(value).utf8))) }
        integer(Int64(entries.count))
        integer(0)
        integer(Int64(masterFields.count))
        for field in masterFields { listpack.append(field) }
        integer(0)
        for entry in entries {
            let pairs = entry.pairs
            let sameFields = fields(of: entry) == masterFields
            integer(sameFields ? 2 : 0)
            // Deltas as Redis computes them: unsigned differences kept as int64 bit patterns.
            integer(Int64(bitPattern: entry.id.ms &- master.id.ms))
            integer(Int64(bitPattern: entry.id.seq &- master.id.seq))
            if sameFields {
                for index in stride(from: 1, to: pairs.count, by: 2) { listpack.append(pairs[index]) }
                integer(Int64(entry.fieldCount + 3))
            } else {
                integer(Int64(entry.fieldCount))
                for piece in pairs { listpack.append(piece) }
                integer(Int64(2 * entry.fieldCount + 4))
            }
        }
        return listpack.finish()
    }

    private static func fields(of entry: StreamEntry) -> [Bytes] {
        let pairs = entry.pairs
        return stride(from: 0, to: pairs.count, by: 2).map { pairs[$0] }
    }

    /// An ID as two lengths (ms, then seq), as rdbSaveLen writes them.
    private mutating func writeID(_ id: StreamID) {
        writeUnsigned(id.ms)
        writeUnsigned(id.seq)
    }

    /// An ID as 16 bytes, big-endian: a node's key (written as a string) and
    /// a PEL entry (written bare, as Redis's rdbWriteRaw).
    private static func rawID(_ id: StreamID) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { raw.append(UInt8(truncatingIfNeeded: id.ms >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { raw.append(UInt8(truncatingIfNeeded: id.seq >> UInt64(shift))) }
        return raw
    }

    /// A 64-bit counter as a length: rdbSaveLen takes the full unsigned range.
    private mutating func writeUnsigned(_ value: UInt64) {
        if value <= UInt64(Int.max) {
            writeLength(Int(value))
        } else {
            buffer.append(0x81)
            for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
    }
}
