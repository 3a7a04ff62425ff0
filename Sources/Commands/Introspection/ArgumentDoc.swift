import SwirlBytes
/// A command's arguments as COMMAND DOCS describes them, and a parser that
/// builds them from the command's syntax written down in its documented form.
///
/// Notation (the usual documented form, plus a few annotations):
///
///     key value condition:[NX | XX]@2.6.12 [GET]@6.2.0
///     key field value [field value ...]
///     cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]@6.0.0
///     source:key destination:key [DB destination-db:integer] [REPLACE]
///     [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>]@5.0.0 [ID id:<client-id:integer [client-id ...]>]@6.2.0
///
/// - A lowercase word is an argument named by the word: `name` is a string,
///   except that a bare `key` is a key; `name:type` gives the type, one of
///   `key`, `string`, `integer`, `double`, `pattern`, `unix-time`.
/// - An uppercase word (or any text in double quotes) is a token. Followed by
///   an argument or group, it is that argument's `token` (`MATCH pattern`);
///   alone, it is a `pure-token` argument named by the lowercased token
///   (`name:TOKEN` names it otherwise).
/// - `[ … ]` is optional, `< … >` is required; `|` separates alternatives
///   and makes a `oneof`. A group holding one argument is that argument
///   (`[MATCH pattern]` is the optional `pattern` with token `MATCH`); a group
///   of several is a `block`. A group that starts with a token followed by
///   two or more arguments is a block carrying that token
///   (`[AUTH username password]`).
/// - A group's name is its children's names joined with `_` (`field_value`,
///   `nosave_save`), or a label written before it: `condition:[NX | XX]`.
///   A labelled group always stays a group, even around a single argument.
/// - `x ...` makes `x` `multiple`. The documented repetition
///   `key [key ...]` / `field value [field value ...]` does the same for the
///   words it repeats (several words become a `multiple` block), and
///   `TOKEN x [TOKEN x ...]` (or `TOKEN x y [TOKEN x y ...]`, a block) also sets `multiple_token`.
/// - Suffixes, written right after a word or a closing bracket: `@7.0.0` is
///   the version that added the argument (`since`); `#1` is a key's
///   `key_spec_index` (by default, keys are numbered 0, 1, … in order).
public struct ArgumentDoc: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case key, string, integer, double, pattern
        case unixTime = "unix-time"
        case pureToken = "pure-token"
        case oneof, block
    }

    public struct Flags: OptionSet, Equatable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let optional = Flags(rawValue: 1 << 0)
        public static let multiple = Flags(rawValue: 1 << 1)
        public static let multipleToken = Flags(rawValue: 1 << 2)

        /// The names COMMAND DOCS reports, in Redis's order.
        public var names: [String] {
            [(Flags.optional, "optional"), (.multiple, "multiple"), (.multipleToken, "multiple_token")]
                .filter { contains($0.0) }.map(\.1)
        }
    }

    public var name: String
    public var type: Kind
    public var keySpecIndex: Int?
    public var token: String?
    public var since: String?
    public var flags: Flags
    /// The children of a `oneof` or `block`.
    public var arguments: [ArgumentDoc]

    public init(_ name: String, _ type: Kind, keySpecIndex: Int? = nil, token: String? = nil,
                since: String? = nil, flags: Flags = [], arguments: [ArgumentDoc] = []) {
        self.name = name
        self.type = type
        self.keySpecIndex = keySpecIndex
        self.token = token
        self.since = since
        self.flags = flags
        self.arguments = arguments
    }

    /// The arguments as one line in redis-cli's hint style:
    /// `key value [NX|XX] [GET] [EX seconds|PX milliseconds|…]`.
    public static func render(_ arguments: [ArgumentDoc]) -> String {
        arguments.map { $0.rendered }.joined(separator: " ")
    }

    var rendered: String {
        let body: String
        switch type {
        case .pureToken: body = ""
        case .oneof: body = arguments.map(\.rendered).joined(separator: "|")
        case .block: body = Self.render(arguments)
        default: body = name
        }
        let head = [token, body.isEmpty ? nil : body].compactMap { $0 }.joined(separator: " ")
        var text = head
        if flags.contains(.multiple) {
            text += " [" + (flags.contains(.multipleToken) ? head : body) + " ...]"
        }
        return flags.contains(.optional) ? "[" + text + "]" : text
    }
}
