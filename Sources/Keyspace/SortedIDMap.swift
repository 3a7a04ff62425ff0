/// A map from stream IDs to values kept in ID order: the pending-entries lists
/// of consumer groups and consumers (Redis uses a radix tree).
///
/// Entries sit in chunks of at most `chunkLimit`, each sorted, the chunks in
/// order: a lookup is two binary searches, an insert or removal moves at most
/// one chunk's entries (plus the chunk list when a chunk splits or empties),
/// so no operation grows with the map's size the way one sorted array would.
public struct SortedIDMap<Value> {
    private static var chunkLimit: Int { 128 }

    private var chunks: [[(id: StreamID, value: Value)]] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// The chunk that holds `id` or where it would go.
    private func chunkIndex(for id: StreamID) -> Int {
        var low = 0, high = chunks.count
        while low < high {
            let mid = (low + high) / 2
            if chunks[mid][0].id <= id { low = mid + 1 } else { high = mid }
        }
        return max(low - 1, 0)
    }

    private static func position(of id: StreamID, in chunk: [(id: StreamID, value: Value)]) -> (Int, Bool) {
        var low = 0, high = chunk.count
        while low < high {
            let mid = (low + high) / 2
            if chunk[mid].id < id { low = mid + 1 } else { high = mid }
        }
        return (low, low < chunk.count && chunk[low].id == id)
    }

    public subscript(id: StreamID) -> Value? {
        guard !chunks.isEmpty else { return nil }
        let chunk = chunkIndex(for: id)
        let (at, found) = Self.position(of: id, in: chunks[chunk])
        return found ? chunks[chunk][at].value : nil
    }

    public func contains(_ id: StreamID) -> Bool { self[id] != nil }

    /// Inserts or replaces; true when `id` was new.
    @discardableResult
    public mutating func insert(_ id: StreamID, _ value: Value) -> Bool {
        if chunks.isEmpty {
            chunks.append([(id, value)])
            count = 1
            return true
        }
        let chunk = chunkIndex(for: id)
        let (at, found) = Self.position(of: id, in: chunks[chunk])
        if found {
            chunks[chunk][at].value = value
            return false
        }
        chunks[chunk].insert((id, value), at: at)
        count += 1
        if chunks[chunk].count > Self.chunkLimit {
            let half = chunks[chunk].count / 2
            let upper = Array(chunks[chunk][half...])
            chunks[chunk].removeSubrange(half...)
            chunks.insert(upper, at: chunk + 1)
        }
        return true
    }

    /// Removes `id`, returning its value.
    @discardableResult
    public mutating func remove(_ id: StreamID) -> Value? {
        guard !chunks.isEmpty else { return nil }
        let chunk = chunkIndex(for: id)
        let (at, found) = Self.position(of: id, in: chunks[chunk])
        guard found else { return nil }
        let value = chunks[chunk].remove(at: at).value
        count -= 1
        if chunks[chunk].isEmpty { chunks.remove(at: chunk) }
        return value
    }

    public var first: (id: StreamID, value: Value)? { chunks.first?.first }
    public var last: (id: StreamID, value: Value)? { chunks.last?.last }

    /// Calls `body` on the entries with IDs from `start` on, in order, while it returns true.
    public func forEach(from start: StreamID = .zero, _ body: (StreamID, Value) -> Bool) {
        guard !chunks.isEmpty else { return }
        var chunk = chunkIndex(for: start)
        var at = Self.position(of: start, in: chunks[chunk]).0
        while chunk < chunks.count {
            let entries = chunks[chunk]
            while at < entries.count {
                if !body(entries[at].id, entries[at].value) { return }
                at += 1
            }
            chunk += 1
            at = 0
        }
    }

    /// Every entry in order.
    public var entries: [(id: StreamID, value: Value)] { chunks.flatMap { $0 } }
}
