/// How a family declares its commands: the defaults its commands share
/// (Redis's group, the version most of them came in, their complexity and
/// where their keys are) are set once, and each command is one call that
/// says everything else about it: name, arity, flags, syntax, summary and
/// handler, plus what differs from the defaults.
///
///     let hashes = CommandGroup("hash", since: "2.0.0", keys: .single)
///     hashes.command("hget", 3, [.readonly, .fast], syntax: "key field",
///                    "Returns the value of a field in a hash.", handler: hget)
///
/// `syntax` is the command's arguments after its name in the notation that
/// `ArgumentDoc` describes; COMMAND DOCS and redis-cli's hints come from it.
public struct CommandGroup: Sendable {
    /// Redis's group name (`string`, `sorted-set`, `server` …).
    public let name: String
    public let since: String
    public let complexity: String
    public let keys: KeyPositions

    public init(_ name: String, since: String = "1.0.0", complexity: String = "O(1)", keys: KeyPositions = .none) {
        self.name = name
        self.since = since
        self.complexity = complexity
        self.keys = keys
    }

    /// One command (or one subcommand of a container), its keys where the
    /// group's commands have them. A command with `subcommands` that also runs
    /// alone (COMMAND) passes both.
    public func command(_ name: String, _ arity: Int, _ flags: CommandFlags,
                        syntax: String, _ summary: String, since: String? = nil, complexity: String? = nil,
                        categories: [String]? = nil, docNotes: CommandDocNotes? = nil, subcommands: [CommandSpec] = [],
                        handler: @escaping CommandHandler) -> CommandSpec {
        command(name, arity, flags, keys: keys, syntax: syntax, summary, since: since, complexity: complexity,
                categories: categories, docNotes: docNotes, subcommands: subcommands, handler: handler)
    }

    /// One command whose keys are not where the group's are. (Not an optional
    /// parameter of the form above: `keys: .none` would then mean "the
    /// group's default", not `KeyPositions.none`.)
    public func command(_ name: String, _ arity: Int, _ flags: CommandFlags, keys: KeyPositions,
                        syntax: String, _ summary: String, since: String? = nil, complexity: String? = nil,
                        categories: [String]? = nil, docNotes: CommandDocNotes? = nil, subcommands: [CommandSpec] = [],
                        handler: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, keys: keys, group: self.name, syntax: syntax,
                    summary: summary, since: since ?? self.since, complexity: complexity ?? self.complexity,
                    subcommands: subcommands, categories: categories, docNotes: docNotes, handler: handler)
    }

    /// A container (CLIENT, CONFIG, OBJECT …): it takes no keys and runs
    /// nothing itself; dispatch goes on to the subcommand named by its first
    /// argument.
    public func container(_ name: String, _ summary: String, since: String? = nil, complexity: String? = nil,
                          subcommands: [CommandSpec]) -> CommandSpec {
        CommandSpec(name, arity: -2, flags: [], group: self.name, syntax: "", summary: summary,
                    since: since ?? self.since, complexity: complexity ?? self.complexity,
                    subcommands: subcommands, handler: { _ in })
    }
}
