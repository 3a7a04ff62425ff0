import Keyspace

/// The handler map: every command Swirl runs, found by name without
/// allocating (the name is lowercased into a reused scratch buffer).
public final class CommandTable {
    public private(set) var commands: [CommandSpec] = []
    /// Every command and subcommand, in `id` order.
    public private(set) var all: [CommandSpec] = []
    private var index = ByteTable<Int>()
    private var subcommandIndex: [Int: ByteTable<Int>] = [:]
    private var scratch: [UInt8] = []

    public init(_ specs: [CommandSpec]) {
        for spec in specs { register(spec) }
    }

    public func register(_ spec: CommandSpec) {
        precondition(index[Array(spec.name.utf8)] == nil, "command \(spec.name) registered twice")
        commands.append(spec)
        for entry in [spec] + spec.subcommands {
            entry.id = all.count
            all.append(entry)
        }
        index.set(Array(spec.name.utf8), commands.count - 1)
        if spec.isContainer {
            var subs = ByteTable<Int>()
            for (position, sub) in spec.subcommands.enumerated() { subs.set(Array(sub.name.utf8), position) }
            subcommandIndex[commands.count - 1] = subs
        }
    }

    public var count: Int { commands.count }

    /// The top-level command named by `name`, any case.
    public func lookup(_ name: [UInt8]) -> Int? {
        lowercase(name)
        return index[scratch]
    }

    public func spec(at position: Int) -> CommandSpec { commands[position] }

    /// The subcommand of a container, any case.
    public func subcommand(of container: Int, named name: [UInt8]) -> CommandSpec? {
        lowercase(name)
        guard let position = subcommandIndex[container]?[scratch] else { return nil }
        return commands[container].subcommands[position]
    }

    /// Finds a command or `container|sub` by its full name (COMMAND INFO/DOCS).
    public func find(fullName: [UInt8]) -> CommandSpec? {
        let parts = fullName.split(separator: UInt8(ascii: "|"), maxSplits: 1)
        guard let first = parts.first, let top = lookup(Array(first)) else { return nil }
        if parts.count == 1 { return commands[top] }
        return subcommand(of: top, named: Array(parts[1]))
    }

    private func lowercase(_ name: [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        for byte in name { scratch.append(byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) }
    }
}
