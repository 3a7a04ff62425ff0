import Keyspace
import SwirlBytes

/// Streams in an RDB file (RDB_TYPE_STREAM_LISTPACKS, _2 and 7.2's _3): the
/// listpack nodes, each keyed by its master ID (16 bytes, big-endian), then
/// the length, last ID and (from _2) first ID, max deleted ID and entries
/// added, then each group with its last ID, (from _2) entries read, its PEL
/// (raw ID, delivery time, count) and its consumers with their seen time
/// (and, from _3, active time) and the IDs of their PEL.
///
/// The entries are appended again into Swirl's blocks, so tombstones are not
/// kept: the nodes are those of a stream written without deletions.
extension RDBReader {
    mutating func stream(type: UInt8) throws -> StreamValue {
        let stream = StreamValue()
        let nodes = try length()
        for _ in 0..<nodes {
            let key = try string().array
            guard key.count == 16 else { throw Failure("a stream node key that is not a stream ID") }
            let master = StreamID(ms: Self.bigEndianWord(key[0..<8]), seq: Self.bigEndianWord(key[8..<16]))
            try appendNode(Listpack.elements(try string().array), master: master, to: stream)
        }
        let declaredLength = try unsignedLength()
        guard declaredLength == UInt64(stream.length) else {
            throw Failure("a stream whose length does not match its entries")
        }
        stream.lastID = StreamID(ms: try unsignedLength(), seq: try unsignedLength())
        if type >= 19 {
            stream.firstID = StreamID(ms: try unsignedLength(), seq: try unsignedLength())
            stream.maxDeletedID = StreamID(ms: try unsignedLength(), seq: try unsignedLength())
            stream.entriesAdded = try unsignedLength()
        } else {
            stream.entriesAdded = UInt64(stream.length)
        }
        let groups = try length()
        for _ in 0..<groups {
            let name = try string()
            let lastID = StreamID(ms: try unsignedLength(), seq: try unsignedLength())
            var entriesRead = StreamGroup.invalidEntriesRead
            if type >= 19 {
                entriesRead = Int64(bitPattern: try unsignedLength())
            } else if let estimate = stream.estimatedDistance(to: lastID) {
                entriesRead = estimate
            }
            guard stream.groups[name] == nil else { throw Failure("a duplicated stream consumer group") }
            let group = StreamGroup(name: name, lastID: lastID, entriesRead: entriesRead)
            stream.groups[name] = group
            // The group's PEL comes first; each entry gets its consumer below.
            var unowned: [StreamID: (time: Int64, count: Int64)] = [:]
            for _ in 0..<(try length()) {
                let id = try rawID()
                let time = Int64(bitPattern: try littleEndian(8))
                unowned[id] = (time, Int64(bitPattern: try unsignedLength()))
            }
            for _ in 0..<(try length()) {
                let consumerName = try string()
                let seen = Int64(bitPattern: try littleEndian(8))
                if type >= 21 { _ = try littleEndian(8) }  // 7.2's active time
                guard let consumer = group.createConsumer(consumerName, now: seen) else {
                    throw Failure("a duplicated stream consumer")
                }
                for _ in 0..<(try length()) {
                    let id = try rawID()
                    guard let delivery = unowned.removeValue(forKey: id) else {
                        throw Failure("a consumer's pending entry missing from its group's")
                    }
                    let pending = StreamPending(consumer: consumer, deliveryTime: delivery.time, deliveryCount: delivery.count)
                    group.pending.insert(id, pending)
                    consumer.pending.insert(id, pending)
                }
            }
        }
        return stream
    }

    /// One node's entries (Redis's listpack layout: the master entry, then
    /// flags, ID deltas, fields unless shared, values, and a back count).
    private func appendNode(_ elements: [Bytes], master: StreamID, to stream: StreamValue) throws {
        var at = 0
        func next() throws -> Bytes {
            guard at < elements.count else { throw Failure("a truncated stream node") }
            defer { at += 1 }
            return elements[at]
        }
        func integer() throws -> Int64 {
            guard let value = Int64(try next().description) else { throw Failure("a stream node field that is not a number") }
            return value
        }
        let live = try integer(), deleted = try integer()
        let masterCount = try integer()
        guard live >= 0, deleted >= 0, live <= elements.count, deleted <= elements.count,
              masterCount >= 0, masterCount <= elements.count else {
            throw Failure("a malformed stream master entry")
        }
        var masterFields: [Bytes] = []
        for _ in 0..<masterCount { masterFields.append(try next()) }
        guard try integer() == 0 else { throw Failure("a stream master entry without its terminator") }
        for _ in 0..<(live + deleted) {
            let flags = try integer()
            let msDelta = UInt64(bitPattern: try integer()), seqDelta = UInt64(bitPattern: try integer())
            let id = StreamID(ms: master.ms &+ msDelta, seq: master.seq &+ seqDelta)
            var pairs: [Bytes] = []
            if flags & 2 != 0 {
                for field in masterFields {
                    pairs.append(field)
                    pairs.append(try next())
                }
            } else {
                let count = try integer()
                guard count >= 0, count <= elements.count else { throw Failure("a malformed stream entry") }
                for _ in 0..<(2 * count) { pairs.append(try next()) }
            }
            _ = try next()  // the back count
            if flags & 1 != 0 { continue }  // a tombstone
            guard id > stream.lastID else {
                throw Failure("stream entries out of order")
            }
            stream.append(id, pairs[...], nodeMaxBytes: 4096, nodeMaxEntries: 100)
        }
    }

    private mutating func rawID() throws -> StreamID {
        let raw = Array(bytes[try take(16)])
        return StreamID(ms: Self.bigEndianWord(raw[0..<8]), seq: Self.bigEndianWord(raw[8..<16]))
    }

    /// A length read as the full 64 bits (IDs and counters).
    private mutating func unsignedLength() throws -> UInt64 {
        let first = try byte()
        switch first >> 6 {
        case 0: return UInt64(first & 0x3F)
        case 1: return UInt64(first & 0x3F) << 8 | UInt64(try byte())
        default:
            switch first {
            case 0x80: return try bigEndian(4)
            case 0x81: return try bigEndian(8)
            default: throw Failure("an unknown length encoding \(first)")
            }
        }
    }

    private static func bigEndianWord(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
