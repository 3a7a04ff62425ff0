import SwirlBytes

/// A value in the keyspace. Aggregates are classes so a handler mutates them
/// in place, never copying a whole collection on write.
public enum RedisValue {
    case string(Bytes)
    case hash(HashValue)
    case list(ListValue)
    case set(SetValue)
    case sortedSet(SortedSetValue)
    case stream(StreamValue)

    /// The name TYPE reports.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .hash: return "hash"
        case .list: return "list"
        case .set: return "set"
        case .sortedSet: return "zset"
        case .stream: return "stream"
        }
    }

    /// The longest string Redis embeds in its object header (embstr).
    public static let embeddedStringLimit = 44

    /// The name OBJECT ENCODING reports for a value encoded by its content,
    /// with Redis's thresholds (`Slot.encodingName` knows how it was written).
    public var encodingName: String {
        switch self {
        case .string(let bytes):
            if bytes.count <= 20, ByteNumbersLite.isCanonicalInt64(bytes) { return "int" }
            return bytes.count <= Self.embeddedStringLimit ? "embstr" : "raw"
        case .hash(let hash):
            return hash.isCompact ? "listpack" : "hashtable"
        case .list:
            return "quicklist"  // Redis 7.0's only list encoding
        case .set(let set):
            return set.encodingName
        case .sortedSet(let zset):
            return zset.encodingName
        case .stream:
            return "stream"
        }
    }

    /// The hash, if this is one.
    public var hash: HashValue? {
        if case .hash(let hash) = self { return hash }
        return nil
    }

    /// The sorted set, if this is one.
    public var sortedSet: SortedSetValue? {
        if case .sortedSet(let zset) = self { return zset }
        return nil
    }

    /// The stream, if this is one.
    public var stream: StreamValue? {
        if case .stream(let stream) = self { return stream }
        return nil
    }

    /// A deep copy, for COPY.
    public func duplicate() -> RedisValue {
        switch self {
        case .string: return self
        case .hash(let hash): return .hash(hash.duplicate())
        case .list(let list): return .list(list.duplicate())
        case .set(let set): return .set(set.duplicate())
        case .sortedSet(let zset): return .sortedSet(zset.duplicate())
        case .stream(let stream): return .stream(stream.duplicate())
        }
    }
}

/// The small part of number parsing the keyspace needs, kept here so the
/// module depends on nothing.
enum ByteNumbersLite {
    static func isCanonicalInt64(_ value: Bytes) -> Bool {
        let bytes = value.array
        guard let first = bytes.first else { return false }
        if bytes == [UInt8(ascii: "0")] { return true }
        var digits = bytes[...]
        if first == UInt8(ascii: "-") { digits = bytes.dropFirst() }
        guard let lead = digits.first, lead >= UInt8(ascii: "1"), lead <= UInt8(ascii: "9") else { return false }
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        if digits.count < 19 { return true }
        if digits.count > 19 { return false }
        let limit = Array((first == UInt8(ascii: "-") ? "9223372036854775808" : "9223372036854775807").utf8)
        return !digits.lexicographicallyPrecedes(limit) ? Array(digits) == limit : true
    }
}
