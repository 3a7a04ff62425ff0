import Keyspace
import SwirlBytes

/// The handler map: every command Swirl runs, found by name without
/// allocating (names fit inline, and `asciiLowercased` works on their words).
public final class CommandTable {
    /// All `let`: built once, so a lookup borrows the tables without retaining their storage.
    public let commands: [CommandSpec]
    /// Every command and subcommand, in `id` order.
    public let all: [CommandSpec]
    private let index: ByteTable<Int>
    private let subcommandIndex: [Int: ByteTable<Int>]

    public init(_ specs: [CommandSpec]) {
        var commands: [CommandSpec] = [], all: [CommandSpec] = []
        var index = ByteTable<Int>(), subcommandIndex: [Int: ByteTable<Int>] = [:]
        for spec in specs {
            precondition(index[Bytes(spec.name)] == nil, "command \(spec.name) registered twice")
            commands.append(spec)
            for entry in [spec] + spec.subcommands {
                entry.id = all.count
                all.append(entry)
            }
            index.set(Bytes(spec.name), commands.count - 1)
            if spec.isContainer {
                var subs = ByteTable<Int>()
                for (position, sub) in spec.subcommands.enumerated() { subs.set(Bytes(sub.name), position) }
                subcommandIndex[commands.count - 1] = subs
            }
        }
        (self.commands, self.all, self.index, self.subcommandIndex) = (commands, all, index, subcommandIndex)
    }

    public var count: Int { commands.count }

    /// The top-level command named by `name`, any case.
    public func lookup(_ name: Bytes) -> Int? {
        return index[name.asciiLowercased]
    }

    public func spec(at position: Int) -> CommandSpec { commands[position] }

    /// The subcommand of a container, any case.
    public func subcommand(of container: Int, named name: Bytes) -> CommandSpec? {
        guard let position = subcommandIndex[container]?[name.asciiLowercased] else { return nil }
        return commands[container].subcommands[position]
    }

    /// Finds a command or `container|sub` by its full name (COMMAND INFO/DOCS).
    public func find(fullName: Bytes) -> CommandSpec? {
        let parts = fullName.split(separator: UInt8(ascii: "|"), maxSplits: 1)
        guard let first = parts.first, let top = lookup(Bytes(first)) else { return nil }
        if parts.count == 1 { return commands[top] }
        return subcommand(of: top, named: Bytes(parts[1]))
    }
}
