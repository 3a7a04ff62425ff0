import SwirlBytes

/// The bytes Redis's listpack spends on an element (its encoding, payload and
/// back-length), so a stream's blocks fill up exactly where Redis's nodes do:
/// `XADD … MAXLEN ~` and XTRIM `~` remove whole nodes, so the entries they
/// leave depend on where the nodes end.
enum ListpackSize {
    static func integer(_ value: Int64) -> Int {
        let encoded: Int
        switch value {
        case 0...127: encoded = 1
        case -4096...4095: encoded = 2
        case -32768...32767: encoded = 3
        case -8_388_608...8_388_607: encoded = 4
        case Int64(Int32.min)...Int64(Int32.max): encoded = 5
        default: encoded = 9
        }
        return encoded + backLength(encoded)
    }

    static func string(_ bytes: Bytes) -> Int {
        let length = bytes.count
        if length > 0 && length <= 20, let value = bytes.withUnsafeBytes({ canonicalInteger($0) }) {
            return integer(value)
        }
        let encoded = length < 64 ? 1 + length : length < 4096 ? 2 + length : 5 + length
        return encoded + backLength(encoded)
    }

    /// The value of a string that a listpack stores as an integer (Redis's
    /// lpStringToInt64: `0`, or an optional `-` then digits without a leading
    /// zero, within Int64), read without allocating.
    static func canonicalInteger(_ raw: UnsafeRawBufferPointer) -> Int64? {
        if raw.count == 1 && raw[0] == UInt8(ascii: "0") { return 0 }
        var index = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < raw.count, raw[index] >= UInt8(ascii: "1"), raw[index] <= UInt8(ascii: "9") else { return nil }
        var magnitude: UInt64 = 0
        while index < raw.count {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    static func backLength(_ length: Int) -> Int {
        length <= 127 ? 1 : length < 16383 ? 2 : length < 2_097_151 ? 3 : length < 268_435_455 ? 4 : 5
    }
}

/// One node of a stream: up to `stream-node-max-entries` entries packed in
/// one byte buffer, IDs delta-encoded against the node's first ID (its master
/// ID) and field names shared with its first entry (the master fields), as
/// Redis's listpack nodes with their master entry.
///
/// An entry is: a flags byte (`deleted`, `sameFields`), the ms delta and the
/// sequence (its delta when the ms is the master's), both LEB128; without
/// `sameFields`, the field count and each field before its value; with it, the values alone. Every
/// string is a LEB128 length and its bytes. A deleted entry stays as a
/// tombstone until the whole node goes, as in Redis.
public final class StreamBlock {
    static let deletedFlag: UInt8 = 1
    static let sameFieldsFlag: UInt8 = 2

    public let masterID: StreamID
    public let masterFields: [Bytes]
    var data: [UInt8] = []
    /// Live entries and tombstones.
    public internal(set) var live = 0
    public internal(set) var deleted = 0
    /// The last entry's ID, tombstone or not.
    public internal(set) var lastID: StreamID
    /// Where the last entry starts, so its tombstone flag is one read away.
    var lastOffset = 0
    /// Redis's listpack bytes for the entries (what its node would hold).
    var redisEntryBytes = 0
    private let redisMasterFieldBytes: Int

    init(first id: StreamID, fields: [Bytes]) {
        masterID = id
        masterFields = fields
        lastID = id
        var bytes = ListpackSize.integer(Int64(fields.count)) + ListpackSize.integer(0)
        for field in fields { bytes += ListpackSize.string(field) }
        redisMasterFieldBytes = bytes
    }

    /// The size of Redis's listpack for this node (header and end byte included).
    var redisBytes: Int {
        7 + ListpackSize.integer(Int64(live)) + ListpackSize.integer(Int64(deleted)) + redisMasterFieldBytes + redisEntryBytes
    }

    /// The bytes this block holds (MEMORY USAGE).
    var footprint: Int { 96 + data.capacity + masterFields.reduce(0) { $0 + 24 + ($1.count > 23 ? $1.count + 32 : 0) } }

    /// Frees the spare capacity once the node is full (Redis's lpShrinkToFit).
    func shrink() {
        if data.capacity > data.count + 16 { data = data.withUnsafeBufferPointer { Array($0) } }
    }

    // MARK: - Appending

    /// Appends an entry whose ID is greater than every ID here; `pairs` alternates fields and values.
    func append(_ id: StreamID, _ pairs: ArraySlice<Bytes>) {
        let fieldCount = pairs.count / 2
        var same = fieldCount == masterFields.count
        if same {
            for index in 0..<fieldCount where pairs[pairs.startIndex + 2 * index] != masterFields[index] {
                same = false
                break
            }
        }
        lastOffset = data.count
        data.append(same ? Self.sameFieldsFlag : 0)
        let msDelta = id.ms &- masterID.ms
        let seqPart = msDelta == 0 ? id.seq &- masterID.seq : id.seq
        Self.writeVarint(msDelta, &data)
        Self.writeVarint(seqPart, &data)
        var redis = ListpackSize.integer(same ? 2 : 0) + ListpackSize.integer(Int64(bitPattern: msDelta))
            + ListpackSize.integer(Int64(bitPattern: id.seq &- masterID.seq))
        if !same {
            Self.writeVarint(UInt64(fieldCount), &data)
            redis += ListpackSize.integer(Int64(fieldCount))
        }
        for index in 0..<fieldCount {
            if !same {
                let field = pairs[pairs.startIndex + 2 * index]
                Self.writeString(field, &data)
                redis += ListpackSize.string(field)
            }
            let value = pairs[pairs.startIndex + 2 * index + 1]
            Self.writeString(value, &data)
            redis += ListpackSize.string(value)
        }
        let pieces = 3 + fieldCount + (same ? 0 : fieldCount + 1)
        redis += ListpackSize.integer(Int64(pieces))
        redisEntryBytes += redis
        live += 1
        lastID = id
    }

    static func writeVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func writeString(_ value: Bytes, _ out: inout [UInt8]) {
        writeVarint(UInt64(value.count), &out)
        value.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    // MARK: - Reading

    @inline(__always)
    func readVarint(_ offset: inout Int) -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            let byte = data[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// The entry that starts at `offset`.
    func entry(at offset: Int) -> StreamEntry {
        var at = offset
        let flags = data[at]
        at += 1
        let msDelta = readVarint(&at)
        let seqPart = readVarint(&at)
        let id = msDelta == 0 ? StreamID(ms: masterID.ms, seq: masterID.seq &+ seqPart)
                              : StreamID(ms: masterID.ms &+ msDelta, seq: seqPart)
        let same = flags & Self.sameFieldsFlag != 0
        let fieldCount = same ? masterFields.count : Int(readVarint(&at))
        let pairsStart = at
        // Skip the fields (when inline) and the values.
        for _ in 0..<(same ? fieldCount : 2 * fieldCount) {
            let length = Int(readVarint(&at))
            at += length
        }
        return StreamEntry(block: self, id: id, offset: offset, pairsStart: pairsStart, end: at,
                           fieldCount: fieldCount, sameFields: same, isDeleted: flags & Self.deletedFlag != 0)
    }

    /// The offsets of every entry, tombstones included, in order.
    func entryOffsets() -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(live + deleted)
        var at = 0
        while at < data.count {
            offsets.append(at)
            at = entry(at: at).end
        }
        return offsets
    }

    /// The length-prefixed string at `offset`, borrowed; moves past it.
    @inline(__always)
    static func readString(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> UnsafeRawBufferPointer {
        var length = 0, shift = 0
        while true {
            let byte = raw[offset]
            offset += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
        offset += length
        return slice
    }

    /// Whether the last entry is live (no decoding: its flags byte).
    var lastIsLive: Bool { !data.isEmpty && data[lastOffset] & Self.deletedFlag == 0 }

    /// Marks the live entry at `offset` deleted.
    func markDeleted(at offset: Int) {
        data[offset] |= Self.deletedFlag
        live -= 1
        deleted += 1
    }
}

/// One entry of a block, read in place.
public struct StreamEntry {
    let block: StreamBlock
    public let id: StreamID
    let offset: Int
    let pairsStart: Int
    let end: Int
    public let fieldCount: Int
    let sameFields: Bool
    public let isDeleted: Bool

    /// Calls `body` with each field and its value, in order (borrowed bytes).
    public func forEachPair(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        block.data.withUnsafeBytes { raw in
            var at = pairsStart
            for index in 0..<fieldCount {
                if sameFields {
                    let value = StreamBlock.readString(raw, &at)
                    block.masterFields[index].withUnsafeBytes { field in body(field, value) }
                } else {
                    let field = StreamBlock.readString(raw, &at)
                    body(field, StreamBlock.readString(raw, &at))
                }
            }
        }
    }

    /// Fields and values alternating, as `Bytes`.
    public var pairs: [Bytes] {
        var out: [Bytes] = []
        out.reserveCapacity(2 * fieldCount)
        forEachPair { field, value in
            out.append(Bytes(field))
            out.append(Bytes(value))
        }
        return out
    }
}
