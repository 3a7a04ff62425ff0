import Keyspace
import SwirlBytes

/// The handler map: every command Swirl runs, found by name without
/// allocating (names fit inline, and `asciiLowercased` works on their words).
public final class CommandTable {
    /// All `let`: built once, so a lookup borrows the tables without retaining their storage.
    public let commands: [CommandSpec]
    /// Every command and subcommand, in `id` order.
    public let all: [CommandSpec]
    /// Commands by the names clients use (after `rename-command`).
    private let index: ByteTable<Int>
    /// Commands by their own names, whatever the renames: what Swirl writes to
    /// the AOF (`DEL`, `PEXPIREAT`, a rewrite's `RPUSH`) loads under any renames.
    private let originalIndex: ByteTable<Int>
    private let subcommandIndex: [Int: ByteTable<Int>]

    /// `renames` are the config file's `rename-command` directives, in order
    /// (a new name empty removes the command), already checked by ConfigFile.
    public init(_ specs: [CommandSpec], renames: [(from: String, to: String)] = []) {
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
        originalIndex = index
        for (from, to) in renames {
            guard let position = index[Bytes(from.lowercased())] else { continue }
            _ = index.remove(Bytes(from.lowercased()))
            if !to.isEmpty { index.set(Bytes(to.lowercased()), position) }
        }
        (self.commands, self.all, self.index, self.subcommandIndex) = (commands, all, index, subcommandIndex)
    }

    public var count: Int { commands.count }

    /// A command as persistence names it: by its own name first, then by a new one
    /// (an AOF Redis wrote holds what its clients typed).
    public func lookupLoading(_ name: Bytes) -> Int? {
        let lowered = name.asciiLowercased
        return originalIndex[lowered] ?? index[lowered]
    }

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
