import Keyspace
import SwirlBytes

/// The handler map: every command Swirl runs, found by name without
/// allocating (the name is lowercased into a reused scratch buffer).
public final class CommandTable {
    public private(set) var commands: [CommandSpec] = []
    /// Every command and subcommand, in `id` order.
    public private(set) var all: [CommandSpec] = []
    private var index = ByteTable<Int>()
    private var subcommandIndex: [Int: ByteTable<Int>] = [:]

    public init(_ specs: [CommandSpec]) {
        for spec in specs { register(spec) }
    }

    public func register(_ spec: CommandSpec) {
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

    public var count: Int { commands.count }

    /// The top-level command named by `name`, any case.
    public func lookup(_ name: Bytes) -> Int? {
        return index[lowercased(name)]
    }

    public func spec(at position: Int) -> CommandSpec { commands[position] }

    /// The subcommand of a container, any case.
    public func subcommand(of container: Int, named name: Bytes) -> CommandSpec? {
        guard let position = subcommandIndex[container]?[lowercased(name)] else { return nil }
        return commands[container].subcommands[position]
    }

    /// Finds a command or `container|sub` by its full name (COMMAND INFO/DOCS).
    public func find(fullName: Bytes) -> CommandSpec? {
        let parts = fullName.split(separator: UInt8(ascii: "|"), maxSplits: 1)
        guard let first = parts.first, let top = lookup(Bytes(first)) else { return nil }
        if parts.count == 1 { return commands[top] }
        return subcommand(of: top, named: Bytes(parts[1]))
    }

    /// Command names fit inline, so lowercasing one allocates nothing.
    private func lowercased(_ name: Bytes) -> Bytes {
        name.withUnsafeBytes { raw in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, raw.count)) { buffer in
                for (i, byte) in raw.enumerated() { buffer[i] = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte }
                return Bytes(copying: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<raw.count]))
            }
        }
    }
}
