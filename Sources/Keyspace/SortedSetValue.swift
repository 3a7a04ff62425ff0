import SwirlBytes

/// A member and its score.
public struct ScoredMember: Equatable, Sendable {
    public var member: Bytes
    public var score: Double

    public init(_ member: Bytes, _ score: Double) {
        self.member = member
        self.score = score
    }

    /// The order of a sorted set: by score, then by member, bytewise.
    public static func ordered(_ a: ScoredMember, _ b: ScoredMember) -> Bool {
        SkipList.ordered(a.score, a.member, b.score, b.member)
    }
}

/// A Redis sorted set, in one of two forms, ordered by (score, member) with
/// members compared bytewise:
///
/// - compact (Redis's listpack): at most `maxCompactEntries` members of at
///   most `maxCompactValueLength` bytes, packed in order in one byte buffer
///   (`CompactSortedSet`); lookups by member are linear, as in a listpack.
/// - large (Redis's skiplist): a `SkipList` for order and ranks, plus a
///   `ByteTable` from member to score for O(1) ZSCORE and membership.
///
/// Invariants: exactly one form holds the entries (the other is empty); in
/// the large form the table and the list hold the same (member, score)
/// pairs. A set converts to the large form once it outgrows the thresholds
/// and never converts back, as in Redis. Scores are never NaN.
public final class SortedSetValue {
    public nonisolated(unsafe) static var maxCompactEntries = 128
    public nonisolated(unsafe) static var maxCompactValueLength = 64

    public private(set) var isCompact = true
    private(set) var compact = CompactSortedSet()
    /// The large form, boxed: a compact set carries one nil reference instead
    /// of the skip list's and the table's fields (about 150 bytes inline).
    private final class LargeForm {
        var list: SkipList
        var table: ByteTable<Double>
        init(list: SkipList = SkipList(), table: ByteTable<Double> = ByteTable()) {
            self.list = list
            self.table = table
        }
    }
    private var large: LargeForm?
    private(set) var list: SkipList {
        get { large!.list }
        _modify { yield &large!.list }
        set { large!.list = newValue }
    }
    private(set) var table: ByteTable<Double> {
        get { large!.table }
        _modify { yield &large!.table }
        set { large!.table = newValue }
    }

    public init() {}

    /// An empty set in the form Redis picks for a result of `expectedCount`
    /// members, the longest `longestMember` bytes long: large at once when
    /// those already pass the thresholds.
    public init(expectedCount: Int, longestMember: Int) {
        if expectedCount > Self.maxCompactEntries || longestMember > Self.maxCompactValueLength {
            isCompact = false
            large = LargeForm()
        }
    }

    public var count: Int { isCompact ? compact.count : list.count }
    public var isEmpty: Bool { count == 0 }

    /// What OBJECT ENCODING answers.
    public var encodingName: String { isCompact ? "listpack" : "skiplist" }

    // MARK: - Members

    public func score(of member: Bytes) -> Double? {
        if isCompact { return compact.find(member)?.score }
        return table[member]
    }

    /// Adds a member known to be absent.
    public func insert(_ member: Bytes, _ score: Double) {
        if isCompact {
            if compact.count + 1 > Self.maxCompactEntries || member.count > Self.maxCompactValueLength {
                convertToLarge()
            } else {
                return compact.insert(member, Self.compactScore(score))
            }
        }
        table.insertNew(member, score)
        list.insert(score, member)
    }

    /// Changes the score of a member known to be present with score `old`.
    public func update(_ member: Bytes, from old: Double, to new: Double) {
        if old == new { return }
        if isCompact {
            if let position = compact.find(member)?.position { compact.removeSubrange(position..<(position + 1)) }
            return compact.insert(member, Self.compactScore(new))
        }
        if let position = table.index(of: member) { table.modifyValue(at: position) { $0 = new } }
        list.update(member, from: old, to: new)
    }

    /// Removes a member; false when it was not there.
    @discardableResult
    public func remove(_ member: Bytes) -> Bool {
        if isCompact {
            guard let position = compact.find(member)?.position else { return false }
            compact.removeSubrange(position..<(position + 1))
            return true
        }
        guard let score = table.remove(member) else { return false }
        list.remove(score, member)
        return true
    }

    /// The 0-based rank of a member in ascending order, or nil.
    public func rank(of member: Bytes) -> Int? {
        if isCompact { return compact.find(member)?.position }
        guard let score = table[member] else { return nil }
        return list.rank(score, member)
    }

    // MARK: - Ranks and ranges

    /// How many entries satisfy `isBefore`, a predicate true for a prefix of
    /// the order (so the rank of the first entry for which it is false).
    public func partition(_ isBefore: (Double, Bytes) -> Bool) -> Int {
        if isCompact {
            return compact.partition { score, payload in isBefore(score, Bytes(copying: CompactSortedSet.member(payload))) }
        }
        return list.partition(isBefore)
    }

    /// The ranks of the entries with scores in `range`.
    public func ranks(in range: ScoreRange) -> Range<Int> {
        if range.isEmpty { return 0..<0 }
        let start: Int, end: Int
        if isCompact {
            start = compact.partition { score, _ in !range.isAboveMin(score) }
            end = compact.partition { score, _ in range.isBelowMax(score) }
        } else {
            start = list.partition(byScore: { !range.isAboveMin($0) })
            end = list.partition(byScore: { range.isBelowMax($0) })
        }
        return start..<max(start, end)
    }

    /// The ranks of the entries with members in `range` (meaningful when the
    /// scores are all equal, as in Redis).
    public func ranks(in range: LexRange) -> Range<Int> {
        if range.isEmpty { return 0..<0 }
        let start = partition { _, member in !range.isAboveMin(member) }
        let end = partition { _, member in range.isBelowMax(member) }
        return start..<max(start, end)
    }

    /// The entry at a 0-based rank in `0..<count`.
    public func entry(atRank rank: Int) -> ScoredMember {
        if isCompact {
            let entry = compact.entry(at: rank)
            return ScoredMember(entry.member, entry.score)
        }
        let node = list.node(atRank: rank)
        return ScoredMember(list.members[Int(node)], list.scores[Int(node)])
    }

    /// The entries of `ranks` in ascending order, or descending from the
    /// highest when `reverse`.
    public func forEach(ranks: Range<Int>, reverse: Bool = false, _ body: (Bytes, Double) -> Void) {
        if ranks.isEmpty { return }
        if isCompact {
            for step in 0..<ranks.count {
                let entry = compact.entry(at: reverse ? ranks.upperBound - 1 - step : ranks.lowerBound + step)
                body(entry.member, entry.score)
            }
            return
        }
        if !reverse { return list.forEach(from: list.node(atRank: ranks.lowerBound), count: ranks.count, body) }
        var node = list.node(atRank: ranks.upperBound - 1)
        for _ in 0..<ranks.count {
            body(list.members[Int(node)], list.scores[Int(node)])
            node = list.previous(node)
        }
    }

    /// The entries of `ranks` in ascending order, for scans that keep few of
    /// them (geo searches): `body` gets the score and a function reading the
    /// member (a large set's walk then touches one level entry per entry, not
    /// its member too), and returns false to stop.
    public func scan(ranks: Range<Int>, _ body: (Double, () -> Bytes) -> Bool) {
        if ranks.isEmpty { return }
        if isCompact {
            compact.entries.forEachPayload { position, payload in
                if position < ranks.lowerBound { return true }
                if position >= ranks.upperBound { return false }
                return body(CompactSortedSet.score(payload)) { Bytes(copying: CompactSortedSet.member(payload)) }
            }
            return
        }
        list.forEachScore(from: list.node(atRank: ranks.lowerBound), count: ranks.count, body)
    }

    /// Every entry in ascending order.
    public func forEach(_ body: (Bytes, Double) -> Void) {
        forEach(ranks: 0..<count, body)
    }

    public var entries: [ScoredMember] {
        var result: [ScoredMember] = []
        result.reserveCapacity(count)
        forEach { result.append(ScoredMember($0, $1)) }
        return result
    }

    /// Removes the entries of `ranks`; `body` sees each, in ascending order.
    public func removeRanks(_ ranks: Range<Int>, _ body: (Bytes, Double) -> Void = { _, _ in }) {
        if ranks.isEmpty { return }
        if isCompact {
            for position in ranks {
                let entry = compact.entry(at: position)
                body(entry.member, entry.score)
            }
            compact.removeSubrange(ranks)
            return
        }
        for _ in ranks {
            let removed = list.remove(atRank: ranks.lowerBound)
            table.remove(removed.member)
            body(removed.member, removed.score)
        }
    }

    /// Removes up to `count` entries from the low end (or the high end when
    /// `fromMax`), returned in the order they were taken.
    public func pop(count: Int, fromMax: Bool) -> [ScoredMember] {
        let taken = min(count, self.count)
        var result: [ScoredMember] = []
        result.reserveCapacity(taken)
        let ranks = fromMax ? (self.count - taken)..<self.count : 0..<taken
        removeRanks(ranks) { result.append(ScoredMember($0, $1)) }
        if fromMax { result.reverse() }
        return result
    }

    // MARK: - ZSCAN and COPY

    /// One ZSCAN step: a compact set returns everything with cursor 0, as
    /// Redis does for listpacks; a large one steps through its table.
    public func scan(cursor: UInt64, count: Int, _ visit: (Bytes, Double) -> Void) -> UInt64 {
        if isCompact {
            forEach(visit)
            return 0
        }
        return table.scanEntries(cursor: cursor, atLeast: count, visit)
    }

    public func duplicate() -> SortedSetValue {
        let copy = SortedSetValue()
        copy.isCompact = isCompact
        copy.compact = compact
        // A box of its own: the arrays inside are shared until either side writes.
        copy.large = large.map { LargeForm(list: $0.list, table: $0.table) }
        return copy
    }

    // MARK: - Internals

    /// A listpack keeps a score as text that reads back as an integer when
    /// it can, so -0 comes back as 0; the compact form does the same.
    @inline(__always)
    private static func compactScore(_ score: Double) -> Double { score == 0 ? 0 : score }

    /// Makes a compact set large for good (Redis's SORT does this to any sorted
    /// set it reads, which OBJECT ENCODING shows afterwards).
    public func convertToSkipList() {
        if isCompact { convertToLarge() }
    }

    private func convertToLarge() {
        large = LargeForm()
        for position in 0..<compact.count {
            let entry = compact.entry(at: position)
            table.insertNew(entry.member, entry.score)
            list.insert(entry.score, entry.member)
        }
        compact = CompactSortedSet()
        isCompact = false
    }
}
