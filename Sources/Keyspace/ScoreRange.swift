import SwirlBytes

/// A score interval as ZRANGEBYSCORE and friends take it: `min` and `max`,
/// each inclusive or exclusive (`(`), either possibly infinite.
public struct ScoreRange: Sendable {
    public var min: Double
    public var max: Double
    public var minExclusive: Bool
    public var maxExclusive: Bool

    public init(min: Double, max: Double, minExclusive: Bool = false, maxExclusive: Bool = false) {
        self.min = min
        self.max = max
        self.minExclusive = minExclusive
        self.maxExclusive = maxExclusive
    }

    @inline(__always)
    public func isAboveMin(_ score: Double) -> Bool { minExclusive ? score > min : score >= min }
    @inline(__always)
    public func isBelowMax(_ score: Double) -> Bool { maxExclusive ? score < max : score <= max }
    public func contains(_ score: Double) -> Bool { isAboveMin(score) && isBelowMax(score) }

    /// True when no score can be in the range (Redis answers at once then).
    public var isEmpty: Bool { min > max || (min == max && (minExclusive || maxExclusive)) }
}

/// A member interval as ZRANGEBYLEX takes it: `-` and `+` are the ends of
/// the order, `[x` includes x, `(x` excludes it. Members compare bytewise.
public struct LexRange: Sendable {
    public enum Bound: Sendable {
        case minusInfinity
        case plusInfinity
        case inclusive(Bytes)
        case exclusive(Bytes)
    }

    public var min: Bound
    public var max: Bound

    public init(min: Bound, max: Bound) {
        self.min = min
        self.max = max
    }

    public func isAboveMin(_ member: Bytes) -> Bool {
        switch min {
        case .minusInfinity: return true
        case .plusInfinity: return false
        case .inclusive(let bound): return SkipList.compare(member, bound) >= 0
        case .exclusive(let bound): return SkipList.compare(member, bound) > 0
        }
    }

    public func isBelowMax(_ member: Bytes) -> Bool {
        switch max {
        case .minusInfinity: return false
        case .plusInfinity: return true
        case .inclusive(let bound): return SkipList.compare(member, bound) <= 0
        case .exclusive(let bound): return SkipList.compare(member, bound) < 0
        }
    }

    /// Redis's check before any lookup: min after max, or equal with either
    /// end exclusive (`-` and `+` count as exclusive ends of the order).
    public var isEmpty: Bool {
        let (minPosition, minExclusive) = Self.position(min)
        let (maxPosition, maxExclusive) = Self.position(max)
        let order: Int
        switch (minPosition, maxPosition) {
        case (.value(let a), .value(let b)): order = SkipList.compare(a, b)
        case (.value, .end(let b)): order = b < 0 ? 1 : -1
        case (.end(let a), .value): order = a < 0 ? -1 : 1
        case (.end(let a), .end(let b)): order = a - b
        }
        return order > 0 || (order == 0 && (minExclusive || maxExclusive))
    }

    private enum Position { case value(Bytes), end(Int) }

    private static func position(_ bound: Bound) -> (Position, Bool) {
        switch bound {
        case .minusInfinity: return (.end(-1), true)
        case .plusInfinity: return (.end(1), true)
        case .inclusive(let value): return (.value(value), false)
        case .exclusive(let value): return (.value(value), true)
        }
    }
}
