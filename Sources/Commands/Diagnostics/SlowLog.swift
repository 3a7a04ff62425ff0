import Keyspace
import RESP
import SwirlBytes

/// The slow log: commands that ran at least `slowlog-log-slower-than`
/// microseconds (negative: none, 0: all), the newest `slowlog-max-len` kept.
/// Each entry keeps a bounded copy of the arguments, as Redis does, so a huge
/// command does not pin its memory.
public final class SlowLog {
    struct Entry {
        let id: Int64
        let unixSeconds: Int64
        let microseconds: Int64
        let args: [Bytes]
        let address: String
        let name: Bytes
    }

    /// Oldest first; replies read it backwards.
    private(set) var entries: [Entry] = []
    private var nextID: Int64 = 0
    /// Cached from the configuration (read on every command).
    var threshold: Int64 = 10_000
    var maxLength = 128

    static let maxArguments = 32
    static let maxArgumentLength = 128

    func configure(_ config: Config) {
        threshold = Int64(config.displayValue("slowlog-log-slower-than")) ?? 10_000
        maxLength = Int(config.displayValue("slowlog-max-len")) ?? 128
    }

    /// Records the command `client` just ran if it was slow enough.
    func record(_ spec: CommandSpec, _ client: Client, microseconds: Int64, now: Int64) {
        guard threshold >= 0, microseconds >= threshold, !spec.flags.contains(.skipSlowlog) else { return }
        let args = client.argsForLogs
        var kept: [Bytes] = []
        for (index, argument) in args.enumerated() {
            if index == Self.maxArguments - 1 && args.count > Self.maxArguments {
                kept.append(Bytes("... (\(args.count - index) more arguments)"))
                break
            }
            if argument.count > Self.maxArgumentLength {
                let more = argument.count - Self.maxArgumentLength
                kept.append(Bytes(argument.prefix(Self.maxArgumentLength) + Array("... (\(more) more bytes)".utf8)))
            } else {
                kept.append(argument)
            }
        }
        entries.append(Entry(id: nextID, unixSeconds: now / 1000, microseconds: microseconds, args: kept,
                             address: client.address, name: client.name ?? Bytes()))
        nextID += 1
        if entries.count > maxLength { entries.removeFirst(entries.count - maxLength) }
    }

    func reset() { entries.removeAll() }
}
