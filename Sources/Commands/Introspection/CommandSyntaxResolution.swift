import SwirlBytes

/// How parsed syntax items become COMMAND DOCS arguments (CommandSyntax.swift parses).
extension CommandSyntax {
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
