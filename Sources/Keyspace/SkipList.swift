#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

/// The ordered part of a large sorted set: a skiplist with spans, over
/// (score, member) in ascending order (members compared bytewise, as memcmp).
///
/// Nodes live in parallel arrays, addressed by `Int32` index (no per-node
/// objects, so no reference counting on the hot path):
///
/// - index 0 is the header: `maxLevel` levels, no member; it is never a
///   forward target, so a forward link of 0 means "end of that level", and a
///   backward link of 0 means "first element".
/// - node `i` has `heights[i]` levels, stored at `levels[levelBase[i] ..<
///   levelBase[i] + heights[i]]`. `span` of a level is how many level-0 steps
///   its forward link covers (the distance to the end for a link of 0 is not
///   kept on the last node of a level; spans of links to 0 are unused).
/// - a level also keeps its forward node's level base and score (equal to
///   `levelBase[forward]` and `scores[forward]` whenever `forward != 0`), so a
///   descent touches one cache line per step, as Redis's node structs do,
///   instead of three (its levels, the next score, the next level base).
/// - a removed node's index goes to `free[height]` and is reused by the next
///   node of the same height, so its level slots are reused as they are.
/// - `tail` is the last node (0 when empty), `level` the number of levels in
///   use (at least 1).
struct SkipList {
    static let maxLevel = 32

    struct Level {
        var forward: Int32
        var span: Int32
        var forwardBase: Int32 = 0
        var forwardScore: Double = 0
    }

    private(set) var members: [Bytes] = [Bytes()]
    private(set) var scores: [Double] = [0]
    private var backward: [Int32] = [0]
    private var heights: [UInt8] = [UInt8(maxLevel)]
    private var levelBase: [Int32] = [0]
    private var levels = [Level](repeating: Level(forward: 0, span: 0), count: maxLevel)
    private var free = [[Int32]](repeating: [], count: maxLevel + 1)
    private(set) var tail: Int32 = 0
    private var level = 1
    private(set) var count = 0

    /// The heap blocks of its arrays (MEMORY USAGE; see MemoryFootprint).
    var storageBytes: Int {
        func array<T>(_ values: [T]) -> Int { MemoryFootprint.arrayBlock(capacity: values.capacity, stride: MemoryLayout<T>.stride) }
        return array(members) + array(scores) + array(backward) + array(heights) + array(levelBase) + array(levels)
            + array(free) + free.reduce(0) { $0 + array($1) } + array(predecessors) + array(predecessorRanks)
    }
    private var randomState: UInt64 = UInt64.random(in: 1...UInt64.max)
    /// Scratch for an update: the predecessors and their ranks on each level.
    private var predecessors = [Int32](repeating: 0, count: maxLevel)
    private var predecessorRanks = [Int](repeating: 0, count: maxLevel)

    // MARK: - Ordering

    /// memcmp order, then the shorter first: Redis's sdscmp.
    static func compare(_ a: Bytes, _ b: Bytes) -> Int {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y) } }
    }

    static func compare(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
        let shared = min(x.count, y.count)
        if shared > 0 {
            let result = memcmp(x.baseAddress!, y.baseAddress!, shared)
            if result != 0 { return Int(result) }
        }
        return x.count - y.count
    }

    // MARK: - Levels

    @inline(__always)
    private func forward(_ node: Int32, _ l: Int) -> Int32 { levels[Int(levelBase[Int(node)]) + l].forward }
    @inline(__always)
    private func span(_ node: Int32, _ l: Int) -> Int { Int(levels[Int(levelBase[Int(node)]) + l].span) }
    @inline(__always)
    private mutating func setLevel(_ node: Int32, _ l: Int, forward: Int32, span: Int) {
        let target = Int(forward)
        levels[Int(levelBase[Int(node)]) + l] = Level(forward: forward, span: Int32(span),
                                                      forwardBase: levelBase[target], forwardScore: scores[target])
    }
    @inline(__always)
    private mutating func addSpan(_ node: Int32, _ l: Int, _ delta: Int) {
        levels[Int(levelBase[Int(node)]) + l].span += Int32(delta)
    }

    /// A height with P(h > k) = 4^-k, as Redis's ZSKIPLIST_P of 1/4.
    private mutating func randomHeight() -> Int {
        randomState ^= randomState << 13
        randomState ^= randomState >> 7
        randomState ^= randomState << 17
        var bits = randomState
        var height = 1
        while bits & 3 == 0 && height < Self.maxLevel {
            height += 1
            bits >>= 2
        }
        return height
    }

    private mutating func allocate(_ member: Bytes, _ score: Double, height: Int) -> Int32 {
        if let reused = free[height].popLast() {
            members[Int(reused)] = member
            scores[Int(reused)] = score
            return reused
        }
        let node = Int32(members.count)
        members.append(member)
        scores.append(score)
        backward.append(0)
        heights.append(UInt8(height))
        levelBase.append(Int32(levels.count))
        for _ in 0..<height { levels.append(Level(forward: 0, span: 0)) }
        return node
    }

    // MARK: - Update

    /// Fills `predecessors` with the last node before (score, member) on every
    /// level in use, and `predecessorRanks` (when asked) with those nodes' ranks.
    private mutating func findPredecessors(_ score: Double, _ member: Bytes, ranks: Bool) {
        // Taken out of self while the descent fills them, so writing them copies nothing.
        var found: [Int32] = []
        var foundRanks: [Int] = []
        swap(&found, &predecessors)
        if ranks { swap(&foundRanks, &predecessorRanks) }
        descend(to: score, member) { l, x, traversed in
            found[l] = x
            if ranks { foundRanks[l] = traversed }
        }
        swap(&found, &predecessors)
        if ranks { swap(&foundRanks, &predecessorRanks) }
    }

    /// Walks down from the header to the last node before (score, member),
    /// calling `level` with each level's last node and its rank; returns the
    /// rank reached. Scores decide almost always: a member is read only on a tie.
    @inline(__always)
    @discardableResult
    private func descend(to score: Double, _ member: Bytes, _ level: (Int, Int32, Int) -> Void) -> Int {
        var x: Int32 = 0
        var traversed = 0
        var base = Int(levelBase[0])
        var l = self.level - 1
        while l >= 0 {
            while true {
                let step = levels[base + l]
                let next = step.forward
                guard next != 0 else { break }
                let nextScore = step.forwardScore
                if nextScore > score || (nextScore == score && Self.compare(members[Int(next)], member) >= 0) { break }
                traversed += Int(step.span)
                x = next
                base = Int(step.forwardBase)
            }
            level(l, x, traversed)
            l -= 1
        }
        return traversed
    }

    /// True when (a, am) sorts strictly before (b, bm).
    @inline(__always)
    static func ordered(_ a: Double, _ am: Bytes, _ b: Double, _ bm: Bytes) -> Bool {
        a < b || (a == b && compare(am, bm) < 0)
    }


    /// Inserts an entry whose member is not in the list.
    mutating func insert(_ score: Double, _ member: Bytes) {
        findPredecessors(score, member, ranks: true)
        let height = randomHeight()
        if height > level {
            for l in level..<height {
                predecessorRanks[l] = 0
                predecessors[l] = 0
                setLevel(0, l, forward: 0, span: count)
            }
            level = height
        }
        let node = allocate(member, score, height: height)
        for l in 0..<height {
            let previous = predecessors[l]
            let stepped = predecessorRanks[0] - predecessorRanks[l]
            setLevel(node, l, forward: forward(previous, l), span: span(previous, l) - stepped)
            setLevel(previous, l, forward: node, span: stepped + 1)
        }
        for l in height..<level { addSpan(predecessors[l], l, 1) }
        backward[Int(node)] = predecessors[0]
        let next = forward(node, 0)
        if next != 0 { backward[Int(next)] = node } else { tail = node }
        count += 1
    }

    /// Removes the entry (score, member); false when it is not there.
    @discardableResult
    mutating func remove(_ score: Double, _ member: Bytes) -> Bool {
        findPredecessors(score, member, ranks: false)
        let target = forward(predecessors[0], 0)
        guard target != 0, scores[Int(target)] == score, members[Int(target)] == member else { return false }
        unlink(target)
        return true
    }

    /// Removes the node at a 0-based rank in `0..<count` and returns its entry.
    @discardableResult
    mutating func remove(atRank target: Int) -> (member: Bytes, score: Double) {
        let node = node(atRank: target)
        let removed = (members[Int(node)], scores[Int(node)])
        remove(removed.1, removed.0)
        return removed
    }

    /// Unlinks `node`, whose predecessors are in `predecessors`.
    private mutating func unlink(_ node: Int32) {
        for l in 0..<level {
            let previous = predecessors[l]
            if forward(previous, l) == node {
                setLevel(previous, l, forward: forward(node, l), span: span(previous, l) + span(node, l) - 1)
            } else {
                addSpan(previous, l, -1)
            }
        }
        let next = forward(node, 0)
        if next != 0 { backward[Int(next)] = backward[Int(node)] } else { tail = backward[Int(node)] }
        while level > 1 && forward(0, level - 1) == 0 { level -= 1 }
        count -= 1
        members[Int(node)] = Bytes()
        free[Int(heights[Int(node)])].append(node)
    }

    /// Changes the score of an entry known to be there: in place when the
    /// order does not change, otherwise by removing and inserting it.
    mutating func update(_ member: Bytes, from old: Double, to new: Double) {
        findPredecessors(old, member, ranks: false)
        let node = forward(predecessors[0], 0)
        let previous = backward[Int(node)]
        let next = forward(node, 0)
        if (previous == 0 || Self.ordered(scores[Int(previous)], members[Int(previous)], new, member))
            && (next == 0 || Self.ordered(new, member, scores[Int(next)], members[Int(next)])) {
            scores[Int(node)] = new
            // The links into the node carry its score: on each of its levels, from that level's predecessor.
            for l in 0..<Int(heights[Int(node)]) {
                levels[Int(levelBase[Int(predecessors[l])]) + l].forwardScore = new
            }
            return
        }
        unlink(node)
        insert(new, member)
    }

    /// Every entry, in order (for duplicating and converting).
    func forEach(_ body: (Bytes, Double) -> Void) {
        var x = forward(0, 0)
        while x != 0 {
            body(members[Int(x)], scores[Int(x)])
            x = forward(x, 0)
        }
    }

    /// `count` entries in order from `node`, following level 0's links, which
    /// carry the next score and level slot: per entry one level entry and its member.
    func forEach(from node: Int32, count: Int, _ body: (Bytes, Double) -> Void) {
        var node = node, base = Int(levelBase[Int(node)]), score = scores[Int(node)]
        for index in 0..<count {
            body(members[Int(node)], score)
            if index == count - 1 { break }
            let step = levels[base]
            node = step.forward
            score = step.forwardScore
            base = Int(step.forwardBase)
        }
    }

    /// `forEach(from:count:)` for scans that read few members (geo searches):
    /// per entry only its level entry is read, the member only when `body`
    /// calls the function it gets; `body` returns false to stop.
    func forEachScore(from node: Int32, count: Int, _ body: (Double, () -> Bytes) -> Bool) {
        var node = node, base = Int(levelBase[Int(node)]), score = scores[Int(node)]
        for index in 0..<count {
            guard body(score, { members[Int(node)] }) else { return }
            if index == count - 1 { break }
            let step = levels[base]
            node = step.forward
            score = step.forwardScore
            base = Int(step.forwardBase)
        }
    }

    // MARK: - Queries

    /// How many entries satisfy `isBefore`, a predicate true for a prefix of
    /// the list (the rank of the first entry for which it is false).
    func partition(_ isBefore: (Double, Bytes) -> Bool) -> Int {
        walkPrefix { step in isBefore(step.forwardScore, members[Int(step.forward)]) }
    }

    /// `partition` for a predicate of the score alone (score ranges): it reads
    /// only the level entries, never a member.
    func partition(byScore isBefore: (Double) -> Bool) -> Int {
        walkPrefix { step in isBefore(step.forwardScore) }
    }

    @inline(__always)
    private func walkPrefix(_ stepsInto: (Level) -> Bool) -> Int {
        var base = Int(levelBase[0])
        var rank = 0
        for l in stride(from: level - 1, through: 0, by: -1) {
            while true {
                let step = levels[base + l]
                if step.forward == 0 || !stepsInto(step) { break }
                rank += Int(step.span)
                base = Int(step.forwardBase)
            }
        }
        return rank
    }

    /// The 0-based rank of an entry known to be there.
    func rank(_ score: Double, _ member: Bytes) -> Int {
        descend(to: score, member) { _, _, _ in }
    }

    /// The node at a 0-based rank in `0..<count`.
    func node(atRank target: Int) -> Int32 {
        var x: Int32 = 0
        var base = Int(levelBase[0])
        var traversed = -1
        for l in stride(from: level - 1, through: 0, by: -1) {
            while true {
                let step = levels[base + l]
                if step.forward == 0 || traversed + Int(step.span) > target { break }
                traversed += Int(step.span)
                x = step.forward
                base = Int(step.forwardBase)
            }
            if traversed == target { return x }
        }
        return x
    }

    @inline(__always)
    func next(_ node: Int32) -> Int32 { forward(node, 0) }
    @inline(__always)
    func previous(_ node: Int32) -> Int32 { backward[Int(node)] }
}
