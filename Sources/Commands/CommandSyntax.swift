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
///   `TOKEN x [TOKEN x ...]` also sets `multiple_token`.
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

/// Parses the notation described on `ArgumentDoc`.
public enum CommandSyntax {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let message: String
        /// Character offset in the syntax string.
        public let position: Int
        public var description: String { "\(message) at \(position)" }
    }

    public static func parse(_ syntax: String) throws(ParseError) -> [ArgumentDoc] {
        var parser = Parser(lexemes: try Lexer.lex(syntax), end: syntax.count)
        let items = try parser.sequence()
        if let extra = parser.peek { throw ParseError(message: "unexpected \(extra.kind)", position: extra.position) }
        var arguments = try resolve(items)
        var nextKey = 0
        numberKeys(&arguments, next: &nextKey)
        return arguments
    }

    // MARK: - Lexer

    struct Lexeme {
        enum Kind: Equatable, CustomStringConvertible {
            case open(Character), close(Character), bar, ellipsis
            case word(String), quoted(String), label(String), since(String), keyIndex(Int)
            var description: String {
                switch self {
                case .open(let c), .close(let c): "'\(c)'"
                case .bar: "'|'"
                case .ellipsis: "'...'"
                case .word(let w), .quoted(let w): "'\(w)'"
                case .label(let l): "label '\(l):'"
                case .since(let v): "'@\(v)'"
                case .keyIndex(let i): "'#\(i)'"
                }
            }
        }
        let kind: Kind
        let position: Int
    }

    enum Lexer {
        static func lex(_ text: String) throws(ParseError) -> [Lexeme] {
            let chars = Array(text)
            var out: [Lexeme] = []
            var i = 0
            func isWordChar(_ c: Character) -> Bool {
                !c.isWhitespace && !"[]<>|\"@#.".contains(c)
            }
            while i < chars.count {
                let c = chars[i]
                let start = i
                if c.isWhitespace { i += 1; continue }
                switch c {
                case "[", "<": out.append(Lexeme(kind: .open(c), position: i)); i += 1
                case "]", ">": out.append(Lexeme(kind: .close(c), position: i)); i += 1
                case "|": out.append(Lexeme(kind: .bar, position: i)); i += 1
                case ".":
                    guard i + 2 < chars.count, chars[i + 1] == ".", chars[i + 2] == "." else {
                        throw ParseError(message: "stray '.'", position: i)
                    }
                    out.append(Lexeme(kind: .ellipsis, position: i)); i += 3
                case "\"":
                    guard let close = chars[(i + 1)...].firstIndex(of: "\""), close > i + 1 else {
                        throw ParseError(message: "unterminated or empty quoted token", position: i)
                    }
                    out.append(Lexeme(kind: .quoted(String(chars[(i + 1)..<close])), position: i))
                    i = close + 1
                case "@":
                    i += 1
                    while i < chars.count, chars[i].isNumber || chars[i] == "." { i += 1 }
                    let version = String(chars[(start + 1)..<i])
                    guard !version.isEmpty else { throw ParseError(message: "empty version after '@'", position: start) }
                    out.append(Lexeme(kind: .since(version), position: start))
                case "#":
                    i += 1
                    while i < chars.count, chars[i].isNumber { i += 1 }
                    guard let index = Int(String(chars[(start + 1)..<i])) else {
                        throw ParseError(message: "expected a number after '#'", position: start)
                    }
                    out.append(Lexeme(kind: .keyIndex(index), position: start))
                default:
                    while i < chars.count, isWordChar(chars[i]) { i += 1 }
                    let word = String(chars[start..<i])
                    if word.hasSuffix(":") {
                        out.append(Lexeme(kind: .label(String(word.dropLast())), position: start))
                    } else {
                        out.append(Lexeme(kind: .word(word), position: start))
                    }
                }
            }
            return out
        }
    }

    // MARK: - Parser: lexemes to a tree of items, as written

    /// One element as written, before tokens are attached and groups resolved.
    struct Item {
        enum Node {
            /// A token; `name` when written `name:TOKEN`.
            case token(String, name: String?)
            case argument(String, ArgumentDoc.Kind)
            /// `[ … ]` or `< … >`: alternatives, each a sequence.
            case group(label: String?, optional: Bool, alternatives: [[Item]])
        }
        var node: Node
        var position: Int
        var since: String?
        var keyIndex: Int?
        var multiple = false
        var multipleToken = false
        /// A token already attached (by the `TOKEN x [TOKEN x ...]` form).
        var token: String?
        /// Built from a documented repetition: stays a block around one child.
        var forceBlock = false
        /// An argument whose type was written (`name:type`), not defaulted.
        var typed = false

        var isBareToken: Bool {
            if case .token = node { return token == nil }
            return false
        }

        /// Whether this item, written inside `[… ...]`, repeats `original`:
        /// the same text, except that the repeated words may leave out types
        /// (`client-id:integer [client-id ...]`).
        func repeats(_ original: Item) -> Bool {
            if case .argument(let name, _) = node, !typed, since == nil, keyIndex == nil, token == nil,
               case .argument(name, _) = original.node, original.token == nil, !original.multiple {
                return true
            }
            return signature == original.signature
        }

        /// The item as canonical text, to recognise a documented repetition.
        var signature: String {
            var text: String
            switch node {
            case .token(let token, let name): text = (name.map { $0 + ":" } ?? "") + "\"" + token + "\""
            case .argument(let name, let type): text = name + ":" + type.rawValue
            case .group(let label, let optional, let alternatives):
                text = (label.map { $0 + ":" } ?? "") + (optional ? "[" : "<")
                    + alternatives.map { $0.map(\.signature).joined(separator: " ") }.joined(separator: "|")
                    + (optional ? "]" : ">")
            }
            if let token { text = "\"\(token)\" " + text }
            if let keyIndex { text += "#\(keyIndex)" }
            if let since { text += "@" + since }
            if multiple { text += " ..." }
            return text
        }
    }

    struct Parser {
        let lexemes: [Lexeme]
        let end: Int
        var index = 0

        var peek: Lexeme? { index < lexemes.count ? lexemes[index] : nil }

        /// Items up to a closing bracket, a `|` or the end.
        mutating func sequence() throws(ParseError) -> [Item] {
            var items: [Item] = []
            while let lexeme = peek {
                switch lexeme.kind {
                case .close, .bar:
                    return items
                case .open:
                    index += 1
                    let group = try group(label: nil, opener: lexeme)
                    try Self.append(group, to: &items)
                case .label(let label):
                    index += 1
                    guard let opener = peek, case .open = opener.kind else {
                        throw ParseError(message: "label '\(label):' must precede '[' or '<'", position: lexeme.position)
                    }
                    try Self.checkName(label, at: lexeme.position)
                    index += 1
                    let group = try group(label: label, opener: opener)
                    try Self.append(group, to: &items)
                case .word(let word):
                    index += 1
                    items.append(try Self.word(word, at: lexeme.position))
                case .quoted(let token):
                    index += 1
                    items.append(Item(node: .token(token, name: nil), position: lexeme.position))
                case .since(let version):
                    index += 1
                    guard items.last != nil, items[items.count - 1].since == nil else {
                        throw ParseError(message: "'@\(version)' must follow an argument", position: lexeme.position)
                    }
                    items[items.count - 1].since = version
                case .keyIndex(let keyIndex):
                    index += 1
                    guard let last = items.last, case .argument(_, .key) = last.node, last.keyIndex == nil else {
                        throw ParseError(message: "'#\(keyIndex)' must follow a key", position: lexeme.position)
                    }
                    items[items.count - 1].keyIndex = keyIndex
                case .ellipsis:
                    index += 1
                    guard items.last != nil, !items[items.count - 1].multiple else {
                        throw ParseError(message: "'...' must follow an argument", position: lexeme.position)
                    }
                    items[items.count - 1].multiple = true
                }
            }
            return items
        }

        /// After the opening bracket: alternatives up to the matching close.
        mutating func group(label: String?, opener: Lexeme) throws(ParseError) -> Item {
            guard case .open(let open) = opener.kind else { preconditionFailure() }
            let close: Character = open == "[" ? "]" : ">"
            var alternatives: [[Item]] = []
            while true {
                let items = try sequence()
                guard !items.isEmpty else {
                    throw ParseError(message: "empty group or alternative", position: peek?.position ?? end)
                }
                alternatives.append(items)
                guard let next = peek else {
                    throw ParseError(message: "missing '\(close)'", position: end)
                }
                index += 1
                if case .bar = next.kind { continue }
                guard case .close(let c) = next.kind, c == close else {
                    throw ParseError(message: "expected '\(close)', found \(next.kind)", position: next.position)
                }
                break
            }
            return Item(node: .group(label: label, optional: open == "[", alternatives: alternatives),
                        position: opener.position)
        }

        /// Appends a group, folding the documented repetition `a b [a b ...]`
        /// into the words before it.
        static func append(_ group: Item, to items: inout [Item]) throws(ParseError) {
            guard case .group(nil, true, let alternatives) = group.node, alternatives.count == 1,
                  let last = alternatives[0].last, last.multiple, group.since == nil else {
                items.append(group)
                return
            }
            var repeated = alternatives[0]
            repeated[repeated.count - 1].multiple = false
            let count = repeated.count
            guard count <= items.count, zip(items.suffix(count), repeated).allSatisfy({ $1.repeats($0) }) else {
                items.append(group)
                return
            }
            var words = Array(items.suffix(count))
            items.removeLast(count)
            if count == 1 {
                words[0].multiple = true
                items.append(words[0])
            } else if count == 2, words[0].isBareToken, !words[1].isBareToken, case .token(let token, nil) = words[0].node {
                var argument = words[1]
                argument.token = token
                argument.since = argument.since ?? words[0].since
                argument.multiple = true
                argument.multipleToken = true
                items.append(argument)
            } else {
                var block = Item(node: .group(label: nil, optional: false, alternatives: [words]), position: words[0].position)
                block.multiple = true
                block.forceBlock = true
                items.append(block)
            }
        }

        static func word(_ word: String, at position: Int) throws(ParseError) -> Item {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1 {
                if isToken(word) { return Item(node: .token(word, name: nil), position: position) }
                try checkName(word, at: position)
                return Item(node: .argument(word, word == "key" ? .key : .string), position: position)
            }
            guard parts.count == 2 else { throw ParseError(message: "too many ':' in '\(word)'", position: position) }
            try checkName(parts[0], at: position)
            if isToken(parts[1]) { return Item(node: .token(parts[1], name: parts[0]), position: position) }
            guard let type = ArgumentDoc.Kind(rawValue: parts[1]),
                  ![.pureToken, .oneof, .block].contains(type) else {
                throw ParseError(message: "unknown type '\(parts[1])'", position: position)
            }
            var item = Item(node: .argument(parts[0], type), position: position)
            item.typed = true
            return item
        }

        /// Upper case letters (and digits, `-`, `_`), at least one letter.
        static func isToken(_ word: String) -> Bool {
            word.contains { $0.isUppercase } && !word.contains { $0.isLowercase }
        }

        static func checkName(_ name: String, at position: Int) throws(ParseError) {
            guard !name.isEmpty, name.allSatisfy({ ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ParseError(message: "bad argument name '\(name)'", position: position)
            }
        }
    }

    // MARK: - Resolution: tokens attached, groups made oneof/block or collapsed

    /// A sequence's arguments: a bare token followed by an argument or group
    /// becomes that one's token; otherwise it is a pure token.
    static func resolve(_ items: [Item]) throws(ParseError) -> [ArgumentDoc] {
        var out: [ArgumentDoc] = []
        var pending: Item?
        for item in items {
            if item.isBareToken {
                if let token = pending { out.append(pureToken(token)) }
                pending = item
                continue
            }
            var argument = try resolve(item)
            if let token = pending, case .token(let text, _) = token.node {
                guard argument.token == nil else {
                    throw ParseError(message: "two tokens on one argument", position: item.position)
                }
                if token.multiple { throw ParseError(message: "'...' on a token before an argument", position: token.position) }
                argument.token = text
                argument.since = argument.since ?? token.since
                pending = nil
            }
            out.append(argument)
        }
        if let token = pending { out.append(pureToken(token)) }
        return out
    }

    static func pureToken(_ item: Item) -> ArgumentDoc {
        guard case .token(let token, let name) = item.node else { preconditionFailure() }
        return ArgumentDoc(name ?? token.lowercased(), .pureToken, token: token, since: item.since,
                           flags: flags(of: item))
    }

    static func flags(of item: Item) -> ArgumentDoc.Flags {
        var flags: ArgumentDoc.Flags = []
        if item.multiple { flags.insert(.multiple) }
        if item.multipleToken { flags.insert(.multipleToken) }
        return flags
    }

    static func resolve(_ item: Item) throws(ParseError) -> ArgumentDoc {
        var argument: ArgumentDoc
        var optional = false
        switch item.node {
        case .token:
            argument = pureToken(item)
        case .argument(let name, let type):
            argument = ArgumentDoc(name, type, keySpecIndex: item.keyIndex)
        case .group(let label, let isOptional, let alternatives):
            optional = isOptional
            if alternatives.count > 1 {
                var children: [ArgumentDoc] = []
                for alternative in alternatives {
                    children.append(try body(alternative, label: nil, forceBlock: false))
                }
                argument = ArgumentDoc(label ?? children.map(\.name).joined(separator: "_"), .oneof, arguments: children)
            } else {
                argument = try body(alternatives[0], label: label, forceBlock: item.forceBlock)
            }
        }
        if optional { argument.flags.insert(.optional) }
        argument.flags.formUnion(flags(of: item))
        if let token = item.token { argument.token = token }
        if let since = item.since { argument.since = since }
        return argument
    }

    /// One sequence inside a group: the single argument it holds, or a block.
    static func body(_ items: [Item], label: String?, forceBlock: Bool) throws(ParseError) -> ArgumentDoc {
        var items = items
        var token: String?
        if items.count >= 3, items[0].isBareToken, !items[1].isBareToken, case .token(let text, nil) = items[0].node,
           !items[0].multiple, items[0].since == nil {
            token = text
            items.removeFirst()
        }
        let children = try resolve(items)
        if label == nil, token == nil, !forceBlock, children.count == 1 { return children[0] }
        return ArgumentDoc(label ?? children.map(\.name).joined(separator: "_"), .block, token: token, arguments: children)
    }

    /// Numbers keys 0, 1, … in order, keeping the indexes written with `#`.
    static func numberKeys(_ arguments: inout [ArgumentDoc], next: inout Int) {
        for i in arguments.indices {
            if arguments[i].type == .key, arguments[i].keySpecIndex == nil {
                arguments[i].keySpecIndex = next
                next += 1
            }
            numberKeys(&arguments[i].arguments, next: &next)
        }
    }
}
