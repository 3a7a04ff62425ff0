/// LZF compression (our own encoder for the format `LZF.decompress` reads),
/// used for RDB strings longer than 20 bytes when `rdbcompression` is on.
///
/// The format: a control byte below 32 starts a run of control+1 literal
/// bytes; any other starts a back reference whose top 3 bits are the match
/// length minus 2 (7: one more byte adds to it) and whose low 5 bits and the
/// next byte are the distance minus 1 (up to 8 KB back). Matches are found
/// greedily through a hash table of 3-byte prefixes, as liblzf does.
extension LZF {
    static let hashBits = 14
    static let maxDistance = 1 << 13
    static let maxMatch = 264  // 7 + 255 + 2
    static let maxLiteralRun = 32

    /// The compressed form, or nil when it would not fit in `limit` bytes
    /// (Redis saves a string compressed only when that saves at least 4 bytes).
    static func compress(_ input: UnsafeRawBufferPointer, limit: Int) -> [UInt8]? {
        var table: [Int32] = []
        return compress(input, limit: limit, table: &table)
    }

    /// The same with a hash table kept between calls (`RDBWriter` has one): it
    /// is never cleared, since a stale entry is checked like any other (it must
    /// lie before the current position and its bytes must match), so a short
    /// string does not pay for zeroing 64 KB as a fresh table would.
    static func compress(_ input: UnsafeRawBufferPointer, limit: Int, table: inout [Int32]) -> [UInt8]? {
        let count = input.count
        guard count >= 4, limit > 0 else { return nil }
        if table.isEmpty { table = [Int32](repeating: -1, count: 1 << hashBits) }
        var output = [UInt8](repeating: 0, count: limit)
        var out = 0
        var literalStart = 0  // the pending literal run is input[literalStart..<position]
        var position = 0
        let fits: Bool = output.withUnsafeMutableBufferPointer { output in
            table.withUnsafeMutableBufferPointer { table in
                let bytes = input.bindMemory(to: UInt8.self)
                @inline(__always) func hash(_ at: Int) -> Int {
                    let value = UInt32(bytes[at]) << 16 | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2])
                    return Int((value &* 2_654_435_761) >> (32 - UInt32(hashBits)))
                }
                /// Writes input[literalStart..<end] as literal runs; false when out of room.
                func flushLiterals(upTo end: Int) -> Bool {
                    var start = literalStart
                    while start < end {
                        let run = min(maxLiteralRun, end - start)
                        guard out + 1 + run <= limit else { return false }
                        output[out] = UInt8(run - 1)
                        for offset in 0..<run { output[out + 1 + offset] = bytes[start + offset] }
                        out += 1 + run
                        start += run
                    }
                    literalStart = end
                    return true
                }
                while position + 2 < count {
                    let slot = hash(position)
                    let candidate = Int(table[slot])
                    table[slot] = Int32(truncatingIfNeeded: position)
                    let distance = position - candidate
                    if candidate >= 0, candidate < position, distance <= maxDistance,
                       bytes[candidate] == bytes[position], bytes[candidate + 1] == bytes[position + 1],
                       bytes[candidate + 2] == bytes[position + 2] {
                        var length = 3
                        let longest = min(maxMatch, count - position)
                        while length < longest && bytes[candidate + length] == bytes[position + length] { length += 1 }
                        guard flushLiterals(upTo: position) else { return false }
                        let encoded = length - 2, offset = distance - 1
                        let size = encoded < 7 ? 2 : 3
                        guard out + size <= limit else { return false }
                        if encoded < 7 {
                            output[out] = UInt8(encoded << 5 | offset >> 8)
                        } else {
                            output[out] = UInt8(7 << 5 | offset >> 8)
                            output[out + 1] = UInt8(encoded - 7)
                        }
                        output[out + size - 1] = UInt8(offset & 0xff)
                        out += size
                        // The match's last positions go into the table too, as liblzf does.
                        let end = position + length
                        if end + 2 < count {
                            table[hash(end - 1)] = Int32(truncatingIfNeeded: end - 1)
                        }
                        position = end
                        literalStart = end
                    } else {
                        position += 1
                    }
                }
                return flushLiterals(upTo: count)
            }
        }
        guard fits else { return nil }
        output.removeSubrange(out...)
        return output
    }
}
