import SwirlBytes

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
                    // `""` is an empty token: MIGRATE's empty-string key.
                    guard let close = chars[(i + 1)...].firstIndex(of: "\"") else {
                        throw ParseError(message: "unterminated quoted token", position: i)
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
                    // `name:"token"`: a quoted token with its own name (MIGRATE's `empty_string:""`).
                    if let quoted = peek, case .quoted(let token) = quoted.kind {
                        try Self.checkName(label, at: lexeme.position)
                        index += 1
                        items.append(Item(node: .token(token, name: label), position: lexeme.position))
                        continue
                    }
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
                    // A pattern can name keys too (SORT's BY and GET).
                    guard let last = items.last, case .argument(_, let type) = last.node, type == .key || type == .pattern,
                          last.keyIndex == nil else {
                        throw ParseError(message: "'#\(keyIndex)' must follow a key or pattern", position: lexeme.position)
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
                // `GET a b [GET a b ...]`: the token repeats with each block (BITFIELD_RO).
                block.multipleToken = words[0].isBareToken
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
}
