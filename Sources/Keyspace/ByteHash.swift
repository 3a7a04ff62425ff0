import SwirlBytes

/// A seeded 64-bit hash over bytes, eight at a time.
///
/// The seed is random per process, so a client cannot choose keys that all
/// land in one bucket (hash flooding), the reason Redis seeds SipHash.
public enum ByteHash {
    public static let processSeed: UInt64 = UInt64.random(in: 1...UInt64.max)

    /// Inline strings hash their three words directly; heap strings are read eight bytes at a time.
    /// (A string is inline or heap by its length alone, so the two schemes never disagree.)
    @inlinable
    public static func hash(_ key: Bytes, seed: UInt64) -> UInt64 {
        if case .inline(let w0, let w1, let w2) = key.storageForHashing {
            var h = seed ^ w2
            h = (h ^ w0) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            h = (h ^ w1) &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 33
            h = h &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            return h
        }
        return key.withUnsafeBytes { raw -> UInt64 in
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
