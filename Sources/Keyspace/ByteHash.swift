/// A seeded 64-bit hash over bytes, eight at a time.
///
/// The seed is random per process, so a client cannot choose keys that all
/// land in one bucket (hash flooding), the reason Redis seeds SipHash.
public enum ByteHash {
    public static let processSeed: UInt64 = UInt64.random(in: 1...UInt64.max)

    @inlinable
    public static func hash(_ key: [UInt8], seed: UInt64) -> UInt64 {
        key.withUnsafeBytes { raw -> UInt64 in
            let count = raw.count
            var h = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15)
            var offset = 0
            while offset + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                offset += 8
            }
            if offset < count {
                var word: UInt64 = 0
                var shift: UInt64 = 0
                while offset < count {
                    word |= UInt64(raw[offset]) << shift
                    shift += 8
                    offset += 1
                }
                h = (h ^ word) &* 0xC4CE_B9FE_1A85_EC53
            }
            h ^= h >> 33
            h = h &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            return h
        }
    }
}
