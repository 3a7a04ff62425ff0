import SwirlBytes

/// A pending entry: delivered to a consumer of a group, not yet acknowledged
/// (Redis's streamNACK). The group's PEL and its consumer's PEL share it.
public final class StreamPending {
    /// Unix milliseconds of the last delivery.
    public var deliveryTime: Int64
    public var deliveryCount: Int64
    /// The consumer that owns it. Unowned: a consumer outlives its pending
    /// entries (deleting a consumer drops them from the group first).
    public unowned(unsafe) var consumer: StreamConsumer

    public init(consumer: StreamConsumer, deliveryTime: Int64, deliveryCount: Int64 = 1) {
        self.consumer = consumer
        self.deliveryTime = deliveryTime
        self.deliveryCount = deliveryCount
    }
}

/// A consumer of a group: its name, when it was last seen, and its pending entries.
public final class StreamConsumer {
    public let name: Bytes
    public var seenTime: Int64
    public var pending = SortedIDMap<StreamPending>()

    public init(name: Bytes, seenTime: Int64) {
        self.name = name
        self.seenTime = seenTime
    }
}

/// A consumer group (Redis's streamCG): the last ID delivered, Redis 7.0's
/// entries-read counter (-1 when unknown), its pending entries and consumers.
public final class StreamGroup {
    public static let invalidEntriesRead: Int64 = -1

    public let name: Bytes
    public var lastID: StreamID
    public var entriesRead: Int64
    public var pending = SortedIDMap<StreamPending>()
    public var consumers: [Bytes: StreamConsumer] = [:]

    public init(name: Bytes, lastID: StreamID, entriesRead: Int64) {
        self.name = name
        self.lastID = lastID
        self.entriesRead = entriesRead
    }

    /// The consumers in name order, as Redis's radix tree lists them.
    public var sortedConsumers: [StreamConsumer] {
        consumers.values.sorted { $0.name.array.lexicographicallyPrecedes($1.name.array) }
    }

    /// Creates the consumer; nil when it exists.
    @discardableResult
    public func createConsumer(_ name: Bytes, now: Int64) -> StreamConsumer? {
        guard consumers[name] == nil else { return nil }
        let consumer = StreamConsumer(name: name, seenTime: now)
        consumers[name] = consumer
        return consumer
    }

    /// Deletes the consumer and its pending entries; the number of those, nil when absent.
    public func deleteConsumer(_ name: Bytes) -> Int? {
        guard let consumer = consumers[name] else { return nil }
        let count = consumer.pending.count
        consumer.pending.forEach { id, _ in
            pending.remove(id)
            return true
        }
        consumers[name] = nil
        return count
    }

    /// Acknowledges `id`; true when it was pending.
    @discardableResult
    public func acknowledge(_ id: StreamID) -> Bool {
        guard let entry = pending.remove(id) else { return false }
        entry.consumer.pending.remove(id)
        return true
    }

    func duplicate() -> StreamGroup {
        let copy = StreamGroup(name: name, lastID: lastID, entriesRead: entriesRead)
        for (consumerName, consumer) in consumers {
            let twin = StreamConsumer(name: consumerName, seenTime: consumer.seenTime)
            copy.consumers[consumerName] = twin
            consumer.pending.forEach { id, entry in
                let pendingCopy = StreamPending(consumer: twin, deliveryTime: entry.deliveryTime,
                                                deliveryCount: entry.deliveryCount)
                twin.pending.insert(id, pendingCopy)
                copy.pending.insert(id, pendingCopy)
                return true
            }
        }
        return copy
    }

    var footprint: Int {
        96 + name.count + pending.count * 96 + consumers.count * 128
    }
}

extension StreamValue {
    /// The groups in name order, as Redis's radix tree lists them.
    public var sortedGroups: [StreamGroup] {
        groups.values.sorted { $0.name.array.lexicographicallyPrecedes($1.name.array) }
    }

    /// Whether a range holds a tombstone (Redis's streamRangeHasTombstones;
    /// `start` at most the last ID).
    public func rangeHasTombstones(from start: StreamID?, to end: StreamID? = nil) -> Bool {
        if length == 0 || maxDeletedID.isZero { return false }
        if firstID > maxDeletedID { return false }
        let low = start ?? .zero, high = end ?? .max
        return low <= maxDeletedID && maxDeletedID <= high
    }

    /// An ID's logical read counter when it can be known, else nil (Redis's
    /// streamEstimateDistanceFromFirstEverEntry).
    public func estimatedDistance(to id: StreamID) -> Int64? {
        if entriesAdded == 0 { return 0 }
        let added = Int64(bitPattern: entriesAdded)
        if length == 0 && id <= lastID { return added }
        if id == lastID { return added }
        if id > lastID { return nil }
        if maxDeletedID.isZero || maxDeletedID < firstID {
            if id < firstID { return added &- Int64(length) }
            if id == firstID { return added &- Int64(length) &+ 1 }
        }
        return nil
    }

    /// A group's lag, nil when it cannot be known (Redis's streamReplyWithCGLag).
    public func lag(of group: StreamGroup) -> Int64? {
        let added = Int64(bitPattern: entriesAdded)
        if entriesAdded == 0 { return 0 }
        if group.entriesRead != StreamGroup.invalidEntriesRead && !rangeHasTombstones(from: group.lastID) {
            return added &- group.entriesRead
        }
        if let read = estimatedDistance(to: group.lastID) { return added &- read }
        return nil
    }
}
