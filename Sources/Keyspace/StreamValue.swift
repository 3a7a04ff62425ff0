import SwirlBytes

/// A stream (Redis's `stream`): entries ordered by ID in packed blocks
/// (`StreamBlock`), the blocks in an array ordered by their first ID, plus the
/// counters Redis 7.0 keeps and the consumer groups (StreamGroup.swift).
///
/// New entries go to the last block until it holds `stream-node-max-entries`
/// entries or its Redis listpack size would reach `stream-node-max-bytes`;
/// deleting marks a tombstone, and a block whose entries are all deleted goes.
public final class StreamValue {
    var blocks: [StreamBlock] = []
    public internal(set) var length = 0
    public var lastID = StreamID.zero
    /// The first live entry's ID (0-0 when empty), Redis's first_id.
    public var firstID = StreamID.zero
    public var maxDeletedID = StreamID.zero
    public var entriesAdded: UInt64 = 0
    /// Consumer groups by name.
    public var groups: [Bytes: StreamGroup] = [:]

    public init() {}

    /// Redis's radix-tree-keys: the number of nodes.
    public var blockCount: Int { blocks.count }

    // MARK: - Adding

    /// The ID XADD gives an entry: generated from `now` (`nil` argument), the
    /// sequence generated (`ms-*`), or as given. Nil when it would not be
    /// greater than the last ID (Redis's "equal or smaller" error).
    public func nextID(for argument: StreamIDArgument?, now: UInt64) -> StreamID? {
        let id: StreamID
        switch argument {
        case nil:
            if now > lastID.ms {
                id = StreamID(ms: now, seq: 0)
            } else {
                guard let next = lastID.successor else { return nil }
                id = next
            }
        case .msOnly(let ms)?:
            if ms == lastID.ms {
                guard lastID.seq < .max else { return nil }
                id = StreamID(ms: ms, seq: lastID.seq + 1)
            } else {
                id = StreamID(ms: ms, seq: 0)
            }
        case .id(let given)?:
            id = given
        }
        return id > lastID ? id : nil
    }

    /// Appends an entry with `id` (greater than `lastID`); `pairs` alternates fields and values.
    public func append(_ id: StreamID, _ pairs: ArraySlice<Bytes>, nodeMaxBytes: Int, nodeMaxEntries: Int) {
        var target = blocks.last
        if let tail = target {
            var total = 0
            for item in pairs { total += item.count }
            let maxBytes = nodeMaxBytes <= 0 || nodeMaxBytes > 1 << 30 ? 1 << 30 : nodeMaxBytes
            if tail.redisBytes + total >= maxBytes
                || (nodeMaxEntries > 0 && tail.live + tail.deleted >= nodeMaxEntries) {
                tail.shrink()
                target = nil
            }
        }
        if target == nil {
            var fields: [Bytes] = []
            fields.reserveCapacity(pairs.count / 2)
            for index in stride(from: pairs.startIndex, to: pairs.endIndex, by: 2) { fields.append(pairs[index]) }
            let block = StreamBlock(first: id, fields: fields)
            blocks.append(block)
            target = block
        }
        target!.append(id, pairs)
        length += 1
        entriesAdded &+= 1
        lastID = id
        if length == 1 { firstID = id }
    }

    // MARK: - Reading

    /// The index of the last block whose first ID is at most `id` (0 when none is).
    private func blockIndex(atOrBefore id: StreamID) -> Int {
        var low = 0, high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if blocks[mid].masterID <= id { low = mid + 1 } else { high = mid }
        }
        return max(low - 1, 0)
    }

    /// Calls `body` on the live entries with IDs in `start...end`, ascending
    /// (descending when `reverse`), while it returns true.
    public func forEach(from start: StreamID, to end: StreamID, reverse: Bool = false, _ body: (StreamEntry) -> Bool) {
        guard start <= end, !blocks.isEmpty else { return }
        if !reverse {
            var index = blockIndex(atOrBefore: start)
            while index < blocks.count {
                let block = blocks[index]
                if block.masterID > end { return }
                if block.lastID >= start {
                    var at = 0
                    while at < block.data.count {
                        let entry = block.entry(at: at)
                        at = entry.end
                        if entry.id < start || entry.isDeleted { continue }
                        if entry.id > end { return }
                        if !body(entry) { return }
                    }
                }
                index += 1
            }
        } else {
            var index = blockIndex(atOrBefore: end)
            while index >= 0 {
                let block = blocks[index]
                if block.lastID < start { return }
                if block.masterID <= end {
                    for at in block.entryOffsets().reversed() {
                        let entry = block.entry(at: at)
                        if entry.id > end || entry.isDeleted { continue }
                        if entry.id < start { return }
                        if !body(entry) { return }
                    }
                }
                index -= 1
            }
        }
    }

    /// The live entry with `id`.
    public func entry(_ id: StreamID) -> StreamEntry? {
        var found: StreamEntry?
        forEach(from: id, to: id) { entry in
            found = entry
            return false
        }
        return found
    }

    /// The first or last entry, live only when `skipTombstones` (Redis's streamGetEdgeID).
    public func edgeID(first: Bool, skipTombstones: Bool) -> StreamID? {
        if first {
            for block in blocks {
                for at in block.entryOffsets() {
                    let entry = block.entry(at: at)
                    if !skipTombstones || !entry.isDeleted { return entry.id }
                }
            }
        } else {
            for block in blocks.reversed() {
                for at in block.entryOffsets().reversed() {
                    let entry = block.entry(at: at)
                    if !skipTombstones || !entry.isDeleted { return entry.id }
                }
            }
        }
        return nil
    }

    /// The last live entry's ID (0-0 when none), Redis's streamLastValidID.
    public var lastLiveID: StreamID {
        // The usual case, read from the last entry's flags: XREAD and XREADGROUP ask on every call.
        if let last = blocks.last, last.lastIsLive { return last.lastID }
        return edgeID(first: false, skipTombstones: true) ?? .zero
    }

    // MARK: - Deleting

    /// Deletes the live entry with `id`; false when there is none. Keeps
    /// `firstID` right; `maxDeletedID` is the caller's business (XDEL sets it,
    /// XCLAIM and XAUTOCLAIM never delete).
    @discardableResult
    public func delete(_ id: StreamID) -> Bool {
        guard !blocks.isEmpty else { return false }
        let index = blockIndex(atOrBefore: id)
        let block = blocks[index]
        guard block.masterID <= id, id <= block.lastID else { return false }
        var at = 0
        while at < block.data.count {
            let entry = block.entry(at: at)
            if entry.id == id {
                guard !entry.isDeleted else { return false }
                if block.live == 1 {
                    blocks.remove(at: index)
                } else {
                    block.markDeleted(at: at)
                }
                length -= 1
                if length == 0 {
                    firstID = .zero
                } else if id == firstID {
                    firstID = edgeID(first: true, skipTombstones: true) ?? .zero
                }
                return true
            }
            if entry.id > id { return false }
            at = entry.end
        }
        return false
    }

    /// How XTRIM/XADD trim (Redis's streamTrim).
    public enum TrimStrategy: Equatable, Sendable {
        case maxLength(Int)
        case minID(StreamID)
    }

    /// Removes entries from the head: whole blocks while they all go, then
    /// (unless `approximate`) the entries of the next block that must go.
    /// `limit` (0 = none) caps the entries removed, counted in whole blocks as
    /// Redis does. Returns how many were removed and updates `firstID`.
    public func trim(_ strategy: TrimStrategy, approximate: Bool, limit: Int) -> Int {
        var removed = 0
        var removeBlocks = 0
        for block in blocks {
            if case .maxLength(let maximum) = strategy, length <= maximum { break }
            let entries = block.live
            if limit > 0 && removed + entries > limit { break }
            let wholeBlock: Bool
            switch strategy {
            case .maxLength(let maximum): wholeBlock = length - entries >= maximum
            case .minID(let minimum): wholeBlock = block.lastID < minimum
            }
            if wholeBlock {
                removeBlocks += 1
                length -= entries
                removed += entries
                continue
            }
            if approximate { break }
            var at = 0
            while at < block.data.count {
                let entry = block.entry(at: at)
                let stop: Bool
                switch strategy {
                case .maxLength(let maximum): stop = length <= maximum
                case .minID(let minimum): stop = entry.id >= minimum
                }
                if stop { break }
                if !entry.isDeleted {
                    block.markDeleted(at: at)
                    length -= 1
                    removed += 1
                }
                at = entry.end
            }
            break
        }
        if removeBlocks > 0 { blocks.removeFirst(removeBlocks) }
        if length == 0 {
            firstID = .zero
        } else if removed > 0 {
            firstID = edgeID(first: true, skipTombstones: true) ?? .zero
        }
        return removed
    }

    // MARK: - Whole-value operations

    /// A deep copy, for COPY.
    public func duplicate() -> StreamValue {
        let copy = StreamValue()
        for block in blocks {
            let twin = StreamBlock(first: block.masterID, fields: block.masterFields)
            twin.data = block.data
            twin.live = block.live
            twin.deleted = block.deleted
            twin.lastID = block.lastID
            twin.lastOffset = block.lastOffset
            twin.redisEntryBytes = block.redisEntryBytes
            copy.blocks.append(twin)
        }
        copy.length = length
        copy.lastID = lastID
        copy.firstID = firstID
        copy.maxDeletedID = maxDeletedID
        copy.entriesAdded = entriesAdded
        for (name, group) in groups { copy.groups[name] = group.duplicate() }
        return copy
    }

    /// Bytes held (MEMORY USAGE): the blocks, and the groups roughly.
    public var footprint: Int {
        var total = 96 + blocks.capacity * 8
        for block in blocks { total += block.footprint }
        for group in groups.values { total += group.footprint }
        return total
    }
}
