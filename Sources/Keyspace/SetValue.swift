import SwirlBytes

/// A Redis set, in one of three forms:
///
/// - `intset`: every member a canonical 64-bit integer and at most
///   `set-max-intset-entries` of them: a sorted `[Int64]`, like Redis's intset,
///   so SMEMBERS of a small integer set is in ascending order as in Redis.
/// - `compact`: small sets of other strings (at most `maxCompactEntries`
///   members of at most `maxCompactValueLength` bytes), packed in insertion
///   order in one byte buffer (`PackedEntries`; Redis 7.2's listpack; Redis 7.0
///   has no such form, so OBJECT ENCODING reports `hashtable` for it, as Redis
///   7.0 would).
/// - `table`: a `ByteTable<Void>`, O(1) membership and random picks, SSCAN by
///   the table's cursor. It is boxed: a small set carries one nil reference
///   instead of the table's fields.
///
/// A set only ever moves towards `table` (as in Redis, it never converts back
/// when it shrinks). Invariant: exactly one form holds the members; the other
/// two are empty.
public final class SetValue {
    public nonisolated(unsafe) static var maxIntsetEntries = 512
    static let maxCompactEntries = 128
    static let maxCompactValueLength = 64

    public enum Form { case intset, compact, table }

    public private(set) var form: Form = .intset
    /// Beside `form` (a 32-bit count fits the packed form's 128 members) so the
    /// object of a small set fits a 64-byte heap block.
    private var packedCount: Int32 = 0
    private(set) var integers: [Int64] = []
    private(set) var packed = PackedEntries()
    private var large: Box<ByteTable<Void>>?
    /// The table form's storage; read only in that form.
    private(set) var table: ByteTable<Void> {
        get { large!.value }
        _modify { yield &large!.value }
        set { large = Box(newValue) }
    }

    public init() {}

    /// A set holding `elements` (duplicates dropped), as SADD would build it.
    public convenience init<S: Sequence>(_ elements: S) where S.Element == Bytes {
        self.init()
        for element in elements { add(element) }
    }

    public var count: Int {
        switch form {
        case .intset: return integers.count
        case .compact: return Int(packedCount)
        case .table: return table.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// What OBJECT ENCODING answers, as Redis 7.0 (intset or hashtable).
    public var encodingName: String { form == .intset ? "intset" : "hashtable" }

    // MARK: - Membership

    public func contains(_ member: Bytes) -> Bool {
        switch form {
        case .intset:
            guard let value = Self.integer(member) else { return false }
            return Self.search(integers, value).found
        case .compact:
            return packed.position(of: member) != nil
        case .table:
            return table.index(of: member) != nil
        }
    }

    /// Adds `member`; true when it was new.
    @discardableResult
    public func add(_ member: Bytes) -> Bool {
        switch form {
        case .intset:
            if let value = Self.integer(member) {
                let (found, position) = Self.search(integers, value)
                if found { return false }
                integers.insert(value, at: position)
                if integers.count > Self.maxIntsetEntries { convertToTable() }
                return true
            }
            convertFromIntset(adding: member)
            return true
        case .compact:
            if packed.position(of: member) != nil { return false }
            if packedCount + 1 > Self.maxCompactEntries || member.count > Self.maxCompactValueLength {
                convertToTable()
                table.insertNew(member, ())
            } else {
                appendPacked(member)
            }
            return true
        case .table:
            if table.index(of: member) != nil { return false }
            table.insertNew(member, ())
            return true
        }
    }

    /// Removes `member`; true when it was there.
    @discardableResult
    public func remove(_ member: Bytes) -> Bool {
        switch form {
        case .intset:
            guard let value = Self.integer(member) else { return false }
            let (found, position) = Self.search(integers, value)
            if found { integers.remove(at: position) }
            return found
        case .compact:
            guard let position = packed.position(of: member) else { return false }
            removePacked(at: position)
            return true
        case .table:
            return table.remove(member) != nil
        }
    }

    // MARK: - Iteration and random access

    /// The members: ascending for an intset, insertion order while compact,
    /// storage order for a table.
    public func forEach(_ body: (Bytes) throws -> Void) rethrows {
        switch form {
        case .intset: for value in integers { try body(Self.bytes(value)) }
        case .compact: for position in 0..<Int(packedCount) { try body(packedMember(at: position)) }
        case .table: for position in 0..<table.count { try body(table.key(at: position)) }
        }
    }

    public var allMembers: [Bytes] {
        var result: [Bytes] = []
        result.reserveCapacity(count)
        forEach { result.append($0) }
        return result
    }

    /// The member at a position in `0..<count` (O(1), for random picks).
    public func member(at position: Int) -> Bytes {
        switch form {
        case .intset: return Self.bytes(integers[position])
        case .compact: return packedMember(at: position)
        case .table: return table.key(at: position)
        }
    }

    /// A uniformly random member of a non-empty set.
    public func randomMember(using generator: inout some RandomNumberGenerator) -> Bytes {
        member(at: Int.random(in: 0..<count, using: &generator))
    }

    /// Removes and returns a random member of a non-empty set (SPOP).
    public func popRandom(using generator: inout some RandomNumberGenerator) -> Bytes {
        let position = Int.random(in: 0..<count, using: &generator)
        switch form {
        case .intset: return Self.bytes(integers.remove(at: position))
        case .compact:
            let member = packedMember(at: position)
            removePacked(at: position)
            return member
        case .table:
            let member = table.key(at: position)
            table.remove(at: position)
            return member
        }
    }

    /// One SSCAN step: intsets and compact sets return everything at once
    /// with cursor 0, as Redis does for its intsets.
    public func scan(cursor: UInt64, count: Int, _ visit: (Bytes) -> Void) -> UInt64 {
        guard form == .table else {
            forEach(visit)
            return 0
        }
        return table.scan(cursor: cursor, atLeast: count) { visit(table.key(at: $0)) }
    }

    public func duplicate() -> SetValue {
        let copy = SetValue()
        copy.form = form
        copy.integers = integers
        copy.packed = packed
        copy.packedCount = packedCount
        if form == .table { copy.table = table }  // a box of its own; the arrays are shared until written
        return copy
    }

    // MARK: - Conversions

    private func convertFromIntset(adding member: Bytes) {
        if integers.count + 1 <= Self.maxCompactEntries && member.count <= Self.maxCompactValueLength {
            for value in integers { appendPacked(Self.bytes(value)) }
            appendPacked(member)
            integers = []
            form = .compact
        } else {
            convertToTable()
            table.insertNew(member, ())
        }
    }

    private func convertToTable() {
        var converted = ByteTable<Void>()
        switch form {
        case .intset: for value in integers { converted.insertNew(Self.bytes(value), ()) }
        case .compact: for position in 0..<Int(packedCount) { converted.insertNew(packedMember(at: position), ()) }
        case .table: return
        }
        integers = []
        packed.removeAll()
        packedCount = 0
        table = converted
        form = .table
    }

    // MARK: - Packed members

    private func packedMember(at position: Int) -> Bytes {
        packed.withPayload(at: position, count: Int(packedCount)) { Bytes(copying: $0) }
    }

    private func appendPacked(_ member: Bytes) {
        packed.insert(at: Int(packedCount), count: Int(packedCount), length: member.count) { room in
            member.withUnsafeBytes { room.copyMemory(from: $0) }
        }
        packedCount += 1
    }

    private func removePacked(at position: Int) {
        packed.removeSubrange(position..<(position + 1), count: Int(packedCount))
        packedCount -= 1
    }

    // MARK: - Integers

    /// Binary search: whether `value` is present and where it is or would go.
    private static func search(_ sorted: [Int64], _ value: Int64) -> (found: Bool, position: Int) {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value {
                low = middle + 1
            } else if sorted[middle] > value {
                high = middle
            } else {
                return (true, middle)
            }
        }
        return (false, low)
    }

    /// The value of a member in canonical integer form (Redis's
    /// `string2ll`: no sign but `-`, no leading zeros, no `-0`, within Int64).
    public static func integer(_ member: Bytes) -> Int64? {
        let count = member.count
        guard count > 0, count <= 20 else { return nil }
        guard ByteNumbersLite.isCanonicalInt64(member) else { return nil }
        var negative = false
        var value: Int64 = 0
        for index in 0..<count {
            let byte = member[index]
            if index == 0 && byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            let digit = Int64(byte - UInt8(ascii: "0"))
            // Accumulate negatively so Int64.min fits.
            value = value &* 10 &- digit
        }
        return negative ? value : -value
    }

    /// The decimal form of an integer member.
    public static func bytes(_ value: Int64) -> Bytes {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var rest = value.magnitude
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if value < 0 { digits.append(UInt8(ascii: "-")) }
        digits.reverse()
        return Bytes(digits)
    }
}
