import SwirlBytes

/// The compact form of a sorted set (Redis's listpack): its entries in
/// (score, member) order, packed in one byte buffer, each a score's 8 bytes
/// then the member's bytes. Lookups by member and rank searches are linear
/// walks, as in a listpack; `SortedSetValue` keeps at most
/// `zset-max-listpack-entries` entries here. Three short members cost about
/// 40 bytes instead of three 40-byte `ScoredMember`s.
struct CompactSortedSet {
    private(set) var entries = PackedEntries()
    private(set) var count = 0

    /// The position and score of `member`, or nil.
    func find(_ member: Bytes) -> (position: Int, score: Double)? {
        var found: (Int, Double)?
        member.withUnsafeBytes { wanted in
            entries.forEachPayload { position, payload in
                guard SkipList.compare(Self.member(payload), wanted) == 0 else { return true }
                found = (position, Self.score(payload))
                return false
            }
        }
        return found
    }

    /// The entry at `position` in `0..<count`.
    mutating func entry(at position: Int) -> (member: Bytes, score: Double) {
        entries.withPayload(at: position, count: count) { (Bytes(copying: Self.member($0)), Self.score($0)) }
    }

    /// Inserts a member known to be absent, in order.
    mutating func insert(_ member: Bytes, _ score: Double) {
        let position = member.withUnsafeBytes { raw in
            partition { entryScore, payload in
                entryScore < score || (entryScore == score && SkipList.compare(Self.member(payload), raw) < 0)
            }
        }
        entries.insert(at: position, count: count, length: 8 + member.count) { room in
            room.storeBytes(of: score, as: Double.self)
            member.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: room[8...]).copyMemory(from: $0) }
        }
        count += 1
    }

    mutating func removeSubrange(_ positions: Range<Int>) {
        entries.removeSubrange(positions, count: count)
        count -= positions.count
    }

    /// How many leading entries satisfy `isBefore` (true for a prefix of the order).
    func partition(_ isBefore: (Double, UnsafeRawBufferPointer) -> Bool) -> Int {
        var end = count
        entries.forEachPayload { position, payload in
            guard isBefore(Self.score(payload), payload) else {
                end = position
                return false
            }
            return true
        }
        return end
    }

    /// The member bytes of an entry's payload.
    @inline(__always)
    static func member(_ payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: payload[8...])
    }

    @inline(__always)
    static func score(_ payload: UnsafeRawBufferPointer) -> Double {
        payload.loadUnaligned(as: Double.self)
    }
}
