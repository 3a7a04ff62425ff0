/// The 48-bit linear congruential generator of POSIX `lrand48`, which Redis's
/// `math.random` uses (redisLrand48) so that every platform draws the same
/// sequence from the same seed: x = (0x5DEECE66D · x + 0xB) mod 2^48, each
/// draw its top 31 bits. The state lives for the server's life, as Redis's
/// (SCRIPT FLUSH does not reset it; `math.randomseed` does).
struct Rand48 {
    private var state: UInt64 = 0x1234_ABCD_330E

    mutating func next() -> Int32 {
        state = (0x5_DEEC_E66D &* state &+ 0xB) & 0xFFFF_FFFF_FFFF
        return Int32(truncatingIfNeeded: state >> 17)
    }

    /// Redis's redisSrand48: the seed's 32 bits above 0x330E.
    mutating func seed(_ value: Int32) {
        state = UInt64(UInt32(bitPattern: value)) << 16 | 0x330E
    }
}
