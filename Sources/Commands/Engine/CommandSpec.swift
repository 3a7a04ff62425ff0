import RESP
import SwirlBytes
/// Command flags, as Redis's command table names them.
public struct CommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    public static let denyOOM = CommandFlags(rawValue: 1 << 2)
    public static let admin = CommandFlags(rawValue: 1 << 3)
    public static let pubsub = CommandFlags(rawValue: 1 << 4)
    public static let noscript = CommandFlags(rawValue: 1 << 5)
    public static let blocking = CommandFlags(rawValue: 1 << 6)
    public static let loading = CommandFlags(rawValue: 1 << 7)
    public static let stale = CommandFlags(rawValue: 1 << 8)
    public static let skipMonitor = CommandFlags(rawValue: 1 << 9)
    public static let fast = CommandFlags(rawValue: 1 << 10)
    public static let noAuth = CommandFlags(rawValue: 1 << 11)
    public static let mayReplicate = CommandFlags(rawValue: 1 << 12)
    public static let allowBusy = CommandFlags(rawValue: 1 << 13)
    public static let noMulti = CommandFlags(rawValue: 1 << 14)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 15)
    /// A command with keys that may have none (EVAL with numkeys 0): COMMAND GETKEYS answers an empty list.
    public static let noMandatoryKeys = CommandFlags(rawValue: 1 << 16)

    /// The names COMMAND INFO reports, in Redis's order.
    static let names: [(CommandFlags, String)] = [
        (.write, "write"), (.readonly, "readonly"), (.denyOOM, "denyoom"), (.admin, "admin"),
        (.pubsub, "pubsub"), (.noscript, "noscript"), (.blocking, "blocking"), (.loading, "loading"),
        (.stale, "stale"), (.skipMonitor, "skip_monitor"), (.skipSlowlog, "skip_slowlog"), (.fast, "fast"), (.noAuth, "no_auth"),
        (.mayReplicate, "may_replicate"), (.noMandatoryKeys, "no_mandatory_keys"), (.allowBusy, "allow_busy"), (.noMulti, "no_multi"),
    ]

    var names: [String] { Self.names.filter { contains($0.0) }.map(\.1) }
}

/// Where a command's keys are in its arguments (Redis's legacy first/last/step).
public struct KeyPositions: Sendable {
    public let first: Int
    /// Negative counts from the end: -1 is the last argument.
    public let last: Int
    public let step: Int
    public static let none = KeyPositions(first: 0, last: 0, step: 0)
    public static let single = KeyPositions(first: 1, last: 1, step: 1)
    public static let all = KeyPositions(first: 1, last: -1, step: 1)
    public static let pairs = KeyPositions(first: 1, last: -1, step: 2)
    public init(first: Int, last: Int, step: Int) {
        self.first = first
        self.last = last
        self.step = step
    }

    /// A key finder for commands whose keys follow a count at `index` (LMPOP,
    /// SINTERCARD, ZUNION ...): nil when the count is not a positive integer
    /// or names more keys than there are arguments.
    public static func countedKeys(at index: Int) -> ([Bytes]) -> [Int]? {
        return { args in
            guard index < args.count, let count = ByteNumbers.parseInt64(args[index]),
                  count > 0, count < args.count - index else { return nil }
            return Array((index + 1)...(index + Int(count)))
        }
    }

    /// The argument indexes that name keys in `args`.
    public func indexes(argumentCount: Int) -> StrideThrough<Int> {
        guard first > 0 else { return stride(from: 1, through: 0, by: 1) }
        let end = last >= 0 ? min(last, argumentCount - 1) : argumentCount + last
        return stride(from: first, through: end, by: step)
    }
}

public typealias CommandHandler = (Client) -> Void

/// What COMMAND DOCS says of a command beyond its arguments: `doc_flags`,
/// and when it is deprecated, since when and what replaces it.
public struct CommandDocNotes: Sendable {
    var docFlags: [String] = []
    var deprecatedSince: String?
    var replacedBy: String?

    public static let syscmd = CommandDocNotes(docFlags: ["syscmd"])

    public static func deprecated(since: String, replacedBy: String) -> CommandDocNotes {
        CommandDocNotes(docFlags: ["deprecated"], deprecatedSince: since, replacedBy: replacedBy)
    }
}

/// One entry of the command table: everything Redis keeps about a command,
/// and the function that runs it. A class, so the per-command path passes a
/// reference instead of copying a dozen fields. Families declare their
/// commands through a `CommandGroup`, which fills in the group's defaults.
public final class CommandSpec {
    /// Lowercase, as COMMAND reports it.
    public let name: String
    /// Positive: exact argument count including the name; negative: the minimum.
    public let arity: Int
    public let flags: CommandFlags
    public let keys: KeyPositions
    public let group: String
    public let summary: String
    public let since: String
    public let complexity: String
    /// The arguments after the name, in the notation `ArgumentDoc` describes
    /// (`key value condition:[NX | XX]@2.6.12`); "" when it takes none.
    public let syntax: String
    public let docNotes: CommandDocNotes?
    public let handler: CommandHandler
    /// For a command whose keys move with its options (Redis's `movablekeys`):
    /// the indexes of the keys in a full argument vector, for COMMAND GETKEYS;
    /// nil when the arguments are too malformed to say.
    public private(set) var keyFinder: (([Bytes]) -> [Int]?)?
    /// Redis's ACL categories when they are not what the flags and group imply.
    private let categoryOverride: [String]?
    public private(set) var subcommands: [CommandSpec] = []
    /// For a subcommand, `container|name`, the form errors and INFO use.
    public private(set) var fullName: String
    /// Position in `CommandTable.all`, which indexes the per-command statistics.
    public internal(set) var id = -1

    public init(_ name: String, arity: Int, flags: CommandFlags, keys: KeyPositions = .none,
                group: String, syntax: String, summary: String, since: String = "1.0.0", complexity: String = "O(1)",
                subcommands: [CommandSpec] = [], categories: [String]? = nil, docNotes: CommandDocNotes? = nil,
                handler: @escaping CommandHandler) {
        self.name = name
        self.categoryOverride = categories
        self.arity = arity
        self.flags = flags
        self.keys = keys
        self.group = group
        self.syntax = syntax
        self.summary = summary
        self.since = since
        self.complexity = complexity
        self.docNotes = docNotes
        self.handler = handler
        self.fullName = name
        self.subcommands = subcommands
        for sub in subcommands { sub.fullName = "\(name)|\(sub.name)" }
    }

    public var isContainer: Bool { !subcommands.isEmpty }

    /// COMMAND DOCS's arguments, parsed from `syntax` on first use. A line
    /// that does not parse is a programmer error (CommandDocsTests parses all).
    public private(set) lazy var arguments: [ArgumentDoc] = {
        do {
            return try CommandSyntax.parse(syntax)
        } catch {
            preconditionFailure("\(fullName): \(error) in \"\(syntax)\"")
        }
    }()

    /// Marks the command `movablekeys`, its keys found by `finder`.
    public func movingKeys(_ finder: @escaping ([Bytes]) -> [Int]?) -> CommandSpec {
        keyFinder = finder
        return self
    }

    /// The ACL categories Redis derives for the command.
    var aclCategories: [String] {
        if let categoryOverride { return Self.aclCategoryOrder.filter(categoryOverride.contains) }
        var categories: [String] = []
        if flags.contains(.write) { categories.append("@write") }
        if flags.contains(.readonly) { categories.append("@read") }
        if flags.contains(.admin) { categories += ["@admin", "@dangerous"] }
        if flags.contains(.pubsub) { categories.append("@pubsub") }
        if flags.contains(.fast) { categories.append("@fast") } else { categories.append("@slow") }
        if flags.contains(.blocking) { categories.append("@blocking") }
        switch group {
        case "string", "hash", "list", "set", "sorted-set", "bitmap", "hyperloglog", "geo", "stream":
            categories.append("@" + (group == "sorted-set" ? "sortedset" : group))
        case "generic": categories.append("@keyspace")
        case "connection": categories.append("@connection")
        case "transactions": categories.append("@transaction")
        case "scripting": categories.append("@scripting")
        default: break
        }
        // Redis lists a command's categories in the order of its ACL category table.
        return Self.aclCategoryOrder.filter(categories.contains)
    }

    static let aclCategoryOrder = [
        "@keyspace", "@read", "@write", "@set", "@sortedset", "@list", "@hash", "@string", "@bitmap",
        "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow", "@blocking",
        "@dangerous", "@connection", "@transaction", "@scripting",
    ]
}
