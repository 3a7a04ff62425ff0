/// One command's latency distribution, for INFO latencystats and LATENCY
/// HISTOGRAM. Redis keeps an HdrHistogram of nanoseconds (1 ns…1 s, two
/// significant digits) per command; Swirl times commands in microseconds,
/// so it counts each microsecond value exactly (a flat array for the usual
/// sub-millisecond ones) and maps values to HdrHistogram's buckets only when
/// asked, which gives the same figures Redis prints.
struct LatencyHistogram {
    /// Counts of 0…1023 µs.
    private var small: ArraySlice<UInt32>
    /// Counts of longer durations, by µs (capped at 1 s).
    private var large: [Int64: Int]
    let total: Int

    init(small: ArraySlice<UInt32> = ArraySlice(repeating: 0, count: LatencyTable.smallRange),
         large: [Int64: Int] = [:]) {
        self.small = small
        self.large = large
        total = small.reduce(0) { $0 + Int($1) } + large.values.reduce(0, +)
    }

    /// (value in ns as Redis records it, count), ascending.
    private var values: [(Int64, Int)] {
        var out: [(Int64, Int)] = []
        for (micros, count) in small.enumerated() where count > 0 {
            out.append((Self.nanoseconds(Int64(micros)), Int(count)))
        }
        for micros in large.keys.sorted() { out.append((Self.nanoseconds(micros), large[micros]!)) }
        return out
    }

    /// Redis records `µs × 1000`, at least 1 ns.
    private static func nanoseconds(_ micros: Int64) -> Int64 { max(1, micros * 1000) }

    /// The value at `percentile`, in ns, as HdrHistogram reports it (the top
    /// of the bucket holding the sample at that rank).
    func value(atPercentile percentile: Double) -> Int64 {
        let wanted = max(1, Int((percentile / 100 * Double(total)) + 0.5))
        var seen = 0
        for (value, count) in values {
            seen += count
            if seen >= wanted { return Hdr.highestEquivalent(value) }
        }
        return 0
    }

    /// LATENCY HISTOGRAM's `histogram_usec`: cumulative counts at 1, 2, 4 …
    /// µs (HdrHistogram's logarithmic iteration from 1024 ns), only where the
    /// count grew, up to the level that holds every sample.
    func cumulativeBuckets() -> [(micros: Int64, count: Int)] {
        let recorded = values
        var buckets: [(Int64, Int)] = []
        var level: Int64 = 1024
        var index = 0, cumulative = 0, previous = 0
        while previous < total {
            while index < recorded.count && Hdr.lowestEquivalent(recorded[index].0) <= level {
                cumulative += recorded[index].1
                index += 1
            }
            if cumulative > previous { buckets.append((Hdr.highestEquivalent(level) / 1000, cumulative)) }
            previous = cumulative
            level *= 2
        }
        return buckets
    }
}

/// Every command's latency counts, recorded on the hot path: one flat array of
/// 1024 one-microsecond counters per command (index `id << 10 | µs`), made at
/// the first record, so a record is one increment and retains nothing; rarer
/// durations of a millisecond or more go to a dictionary.
struct LatencyTable {
    static let smallRange = 1024
    let commandCount: Int
    private var small: [UInt32] = []
    private var large: [Int: [Int64: Int]] = [:]

    init(commandCount: Int) { self.commandCount = commandCount }

    mutating func record(id: Int, microseconds: Int64) {
        if small.isEmpty { small = Array(repeating: 0, count: commandCount << 10) }
        if microseconds >= 0 && microseconds < Int64(Self.smallRange) {
            small[id << 10 | Int(microseconds)] &+= 1
        } else {
            large[id, default: [:]][min(max(microseconds, 0), 1_000_000), default: 0] += 1
        }
    }

    /// The command's distribution, nil before its first record.
    func histogram(id: Int) -> LatencyHistogram? {
        guard !small.isEmpty else { return nil }
        let histogram = LatencyHistogram(small: small[(id << 10)..<((id + 1) << 10)], large: large[id] ?? [:])
        return histogram.total > 0 ? histogram : nil
    }
}

/// The bucket arithmetic of an HdrHistogram with two significant digits
/// (256 sub-buckets) and a lowest value of 1.
enum Hdr {
    private static func bucketIndex(_ value: Int64) -> Int {
        (64 - (UInt64(value) | 255).leadingZeroBitCount) - 8
    }

    static func lowestEquivalent(_ value: Int64) -> Int64 {
        let bucket = bucketIndex(value)
        return (value >> bucket) << bucket
    }

    static func highestEquivalent(_ value: Int64) -> Int64 {
        let bucket = bucketIndex(value)
        let subBucket = value >> bucket
        let width: Int64 = subBucket >= 256 ? 1 << (bucket + 1) : 1 << bucket
        return lowestEquivalent(value) + width - 1
    }
}
