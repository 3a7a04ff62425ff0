/// What a key's `Slot.access` field holds, decided by `maxmemory-policy` as
/// in Redis: the last access time (LRU policies and the default), or an
/// access-frequency counter (LFU policies). OBJECT IDLETIME and FREQ read it.
public enum AccessTracking: Sendable, Equatable {
    case recency
    /// `lfu-log-factor` and `lfu-decay-time` (minutes).
    case frequency(logFactor: Int, decayMinutes: Int)
}

/// The 32 bits of `Slot.access`.
///
/// - Recency: Unix seconds of the last access.
/// - Frequency: the high 16 bits are the minute (mod 2^16) the counter was
///   last decremented or bumped, the low 8 bits a logarithmic counter that
///   starts at 5 for a new key, grows with probability 1/((c-5)·factor+1)
///   per access, and loses one per `decayMinutes` of disuse.
public enum AccessClock {
    static let initialFrequency: UInt32 = 5

    /// The value a key created at `milliseconds` starts with.
    public static func initial(_ tracking: AccessTracking, milliseconds: Int64) -> UInt32 {
        switch tracking {
        case .recency: return seconds(milliseconds)
        case .frequency: return minutes(milliseconds) << 8 | initialFrequency
        }
    }

    /// The value after one more access at `milliseconds`; `random` decides LFU's increments.
    public static func touched(_ access: UInt32, _ tracking: AccessTracking, milliseconds: Int64,
                               random: inout FastRandom) -> UInt32 {
        switch tracking {
        case .recency:
            return seconds(milliseconds)
        case .frequency(let logFactor, let decayMinutes):
            var counter = decayed(access, decayMinutes: decayMinutes, milliseconds: milliseconds)
            if counter < 255 {
                let base = Double(counter > initialFrequency ? counter - initialFrequency : 0)
                if Double.random(in: 0..<1, using: &random) < 1 / (base * Double(logFactor) + 1) { counter += 1 }
            }
            return minutes(milliseconds) << 8 | counter
        }
    }

    /// OBJECT IDLETIME: seconds since the last access.
    public static func idleSeconds(_ access: UInt32, milliseconds: Int64) -> Int64 {
        max(0, Int64(seconds(milliseconds)) - Int64(access))
    }

    /// OBJECT FREQ: the counter, after the decay its disuse earned.
    public static func frequency(_ access: UInt32, decayMinutes: Int, milliseconds: Int64) -> UInt32 {
        decayed(access, decayMinutes: decayMinutes, milliseconds: milliseconds)
    }

    /// The recency stamp of a key last used `idleSeconds` ago (RDB's IDLE, RESTORE IDLETIME).
    public static func stamp(idleSeconds: Int64, milliseconds: Int64) -> UInt32 {
        let now = Int64(seconds(milliseconds))
        return UInt32(truncatingIfNeeded: max(0, now - max(0, idleSeconds)))
    }

    /// The frequency stamp of a counter read now (RDB's FREQ, RESTORE FREQ).
    public static func stamp(frequency: UInt8, milliseconds: Int64) -> UInt32 {
        minutes(milliseconds) << 8 | UInt32(frequency)
    }

    private static func decayed(_ access: UInt32, decayMinutes: Int, milliseconds: Int64) -> UInt32 {
        let counter = access & 0xff
        guard decayMinutes > 0 else { return counter }
        let then = access >> 8 & 0xffff
        let now = minutes(milliseconds)
        let elapsed = now >= then ? now - then : 65_535 - then + now
        let periods = elapsed / UInt32(decayMinutes)
        return periods >= counter ? 0 : counter - periods
    }

    private static func seconds(_ milliseconds: Int64) -> UInt32 { UInt32(truncatingIfNeeded: milliseconds / 1000) }
    private static func minutes(_ milliseconds: Int64) -> UInt32 { UInt32(truncatingIfNeeded: milliseconds / 60_000) & 0xffff }
}
