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
        let args = CommandRedaction.redacted(client.args, spec)
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

/// Arguments that must not reach logs (SLOWLOG, MONITOR): passwords.
enum CommandRedaction {
    static let placeholder = Bytes("(redacted)")

    static func redacted(_ args: [Bytes], _ spec: CommandSpec) -> [Bytes] {
        switch spec.name {
        case "auth":
            return [args[0]] + Array(repeating: placeholder, count: args.count - 1)
        case "hello":
            var copy = args
            var index = 2
            while index < copy.count {
                if Text.equalsIgnoringCase(copy[index], "AUTH"), index + 2 < copy.count {
                    copy[index + 1] = placeholder
                    copy[index + 2] = placeholder
                    index += 2
                } else if Text.equalsIgnoringCase(copy[index], "SETNAME") {
                    index += 1
                }
                index += 1
            }
            return copy
        default:
            return args
        }
    }
}

/// SLOWLOG GET / LEN / RESET / HELP.
enum SlowLogCommands {
    static func specs() -> [CommandSpec] {
        let flags: CommandFlags = [.admin, .loading, .stale]
        func sub(_ name: String, _ arity: Int, _ summary: String, complexity: String = "O(1)",
                 _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, group: "server", summary: summary, since: "2.2.12",
                        complexity: complexity, handler: handler)
        }
        return [
            CommandSpec("slowlog", arity: -2, flags: [], group: "server", summary: "A container for slow log commands",
                        since: "2.2.12", complexity: "Depends on subcommand.", subcommands: [
                            sub("get", -2, "Get the slow log's entries", complexity: "O(N) where N is the number of entries returned", get),
                            sub("len", 2, "Get the slow log's length", len),
                            sub("reset", 2, "Clear all entries from the slow log", complexity: "O(N) where N is the number of entries in the slowlog", reset),
                            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server",
                                        summary: "Show helpful text about the different subcommands", since: "6.2.0",
                                        handler: help),
                        ], handler: { _ in }),
        ]
    }

    static func get(_ c: Client) {
        guard c.args.count <= 3 else {
            c.reply.error("ERR unknown subcommand or wrong number of arguments for '\(Text.truncated(c.args[1], 128))'. Try SLOWLOG HELP.")
            return
        }
        var count = 10
        if c.args.count == 3 {
            guard let value = ByteNumbers.parseInt64(c.args[2]), value >= -1 else {
                c.reply.error("ERR count should be greater than or equal to -1")
                return
            }
            count = value == -1 ? Int.max : Int(clamping: value)
        }
        let log = c.engine.slowlog.entries
        let shown = min(count, log.count)
        c.reply.array(shown)
        for entry in log.reversed().prefix(shown) {
            c.reply.array(6)
            c.reply.integer(entry.id)
            c.reply.integer(entry.unixSeconds)
            c.reply.integer(entry.microseconds)
            c.reply.array(entry.args.count)
            for argument in entry.args { c.reply.bulk(argument) }
            c.reply.bulk(entry.address)
            c.reply.bulk(entry.name)
        }
    }

    static func len(_ c: Client) { c.reply.integer(c.engine.slowlog.entries.count) }

    static func reset(_ c: Client) {
        c.engine.slowlog.reset()
        c.reply.ok()
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "SLOWLOG", lines: [
            "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN", "    Return the length of the slowlog.",
            "RESET", "    Reset the slowlog.",
        ], helpLine: "    Prints this help.")
    }
}
