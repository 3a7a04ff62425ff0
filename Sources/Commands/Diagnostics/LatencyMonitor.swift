/// The latency monitor: with `latency-monitor-threshold` > 0 ms, every
/// command that ran at least that long leaves a sample in its event's
/// series (`command`, or `fast-command` for commands flagged fast). A series
/// keeps the last 160 seconds that had a sample (one per second, the
/// highest) and its all-time maximum.
final class LatencyMonitor {
    struct Series {
        var samples: [(time: Int64, milliseconds: Int)] = []
        var maximum = 0
    }

    static let historyLength = 160
    private(set) var events: [String: Series] = [:]
    /// Cached from `latency-monitor-threshold`; 0 turns the monitor off.
    var thresholdMilliseconds: Int64 = 0

    func add(_ event: String, milliseconds: Int, at unixSeconds: Int64) {
        var series = events[event] ?? Series()
        if let last = series.samples.last, last.time == unixSeconds {
            series.samples[series.samples.count - 1].milliseconds = max(last.milliseconds, milliseconds)
        } else {
            series.samples.append((unixSeconds, milliseconds))
            if series.samples.count > Self.historyLength { series.samples.removeFirst() }
        }
        series.maximum = max(series.maximum, milliseconds)
        events[event] = series
    }

    /// Forgets the named events (all when none are named); returns how many there were.
    func reset(_ names: [String]) -> Int {
        if names.isEmpty {
            defer { events.removeAll() }
            return events.count
        }
        var removed = 0
        for name in Set(names) where events.removeValue(forKey: name) != nil { removed += 1 }
        return removed
    }

    /// LATENCY GRAPH: one column per sample, oldest first, the height scaled
    /// between the lowest and highest sample; under it each sample's age.
    func graph(_ event: String, now: Int64) -> String? {
        guard let series = events[event], !series.samples.isEmpty else { return nil }
        let values = series.samples.map(\.milliseconds)
        let low = values.min()!, high = values.max()!
        let rows = 8
        var text = "\(event) - high \(high) ms, low \(low) ms (all time high \(series.maximum) ms)\n"
        text += String(repeating: "-", count: 80) + "\n"
        for row in stride(from: rows, through: 1, by: -1) {
            var line = ""
            for value in values {
                let height = high == low ? rows : 1 + (value - low) * (rows - 1) / (high - low)
                line += height >= row ? "#" : (row == 1 ? "_" : " ")
            }
            text += line + "\n"
        }
        text += series.samples.map { Self.age(now - $0.time) }.joined(separator: " ") + "\n"
        return text
    }

    private static func age(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        return "\(seconds / 3600)h"
    }
}
