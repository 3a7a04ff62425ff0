import SwirlBytes

/// A Redis hash. Small hashes are their pairs packed in one buffer in insertion
/// order (`PackedPairs`), like Redis's listpack (so HGETALL order matches Redis
/// byte for byte); past
/// `hash-max-listpack-entries` entries or `hash-max-listpack-value` bytes it
/// converts, once, to a `ByteTable`.
public final class HashValue {
    public nonisolated(unsafe) static var maxCompactEntries = 512
    public nonisolated(unsafe) static var maxCompactValueLength = 64

    private(set) var packed = PackedPairs()
    private var large: Box<ByteTable<Bytes>>?
    /// The table form (nil while compact).
    var table: ByteTable<Bytes>? { large?.value }

    public init() {}

    public var isCompact: Bool { large == nil }
    public var count: Int { table?.count ?? packed.count }

    public func get(_ field: Bytes) -> Bytes? {
        if let table { return table[field] }
        return packed.find(field).map { packed.value(at: $0) }
    }

    /// Sets a field; true when it was new.
    @discardableResult
    public func set(_ field: Bytes, _ value: Bytes) -> Bool {
        if large == nil {
            if let location = packed.find(field) {
                packed.replaceValue(at: location, with: value)
                convertIfTooLarge(field, value)
                return false
            }
            packed.append(field, value)
            convertIfTooLarge(field, value)
            return true
        }
        return large!.value.set(field, value)
    }

    @discardableResult
    public func remove(_ field: Bytes) -> Bool {
        if large != nil { return large!.value.remove(field) != nil }
        guard let location = packed.find(field) else { return false }
        packed.remove(at: location)
        return true
    }

    /// Field/value pairs, in insertion order while compact.
    public func forEach(_ body: (Bytes, Bytes) -> Void) {
        if let table {
            table.forEach(body)
        } else {
            packed.forEach(body)
        }
    }

    /// The pair at a position in `0..<count` (for random picks).
    public func pair(at position: Int) -> (Bytes, Bytes) {
        if let table { return (table.key(at: position), table.value(at: position)) }
        return packed.pair(at: position)
    }

    /// One HSCAN step: compact hashes return everything at cursor 0, as Redis does.
    public func scan(cursor: UInt64, count: Int, _ visit: (Bytes, Bytes) -> Void) -> UInt64 {
        guard let table else {
            forEach(visit)
            return 0
        }
        return table.scanEntries(cursor: cursor, atLeast: count, visit)
    }

    public func duplicate() -> HashValue {
        let copy = HashValue()
        copy.packed = packed
        copy.large = large.map { Box($0.value) }  // a box of its own; the arrays are shared until written
        return copy
    }

    private func convertIfTooLarge(_ field: Bytes, _ value: Bytes) {
        guard packed.count > Self.maxCompactEntries
            || field.count > Self.maxCompactValueLength
            || value.count > Self.maxCompactValueLength else { return }
        var converted = ByteTable<Bytes>()
        packed.forEach { converted.set($0, $1) }
        large = Box(converted)
        packed = PackedPairs()
    }
}
