import Keyspace
import RESP
import SwirlBytes

/// COMMAND and its subcommands, answered from the command table.
enum CommandIntrospection {
    static func specs() -> [CommandSpec] {
        let server = CommandGroup("server", since: "2.8.13", complexity: "O(N)")
        let flags: CommandFlags = [.loading, .stale]
        return [
            server.command("command", -1, flags, syntax: "", "Returns detailed information about all commands.",
                           subcommands: [
                server.command("count", 2, flags, syntax: "", "Returns a count of commands.", handler: count),
                server.command("list", -2, flags,
                               syntax: "[FILTERBY filterby:<MODULE module-name | ACLCAT category | PATTERN pattern:pattern>]",
                               "Returns a list of command names.", since: "7.0.0", handler: list),
                server.command("info", -2, flags, syntax: "[command-name [command-name ...]]",
                               "Returns information about one, multiple or all commands.", handler: info),
                server.command("docs", -2, flags, syntax: "[command-name [command-name ...]]",
                               "Returns documentary information about one, multiple or all commands.", since: "7.0.0",
                               handler: docs),
                server.command("getkeys", -4, flags, syntax: "",
                               "Extracts the key names from an arbitrary command.", handler: getkeys),
                server.command("help", 2, flags, syntax: "",
                               "Returns helpful text about the different subcommands.", since: "5.0.0", handler: help),
            ], handler: all),
        ]
    }

    static func all(_ c: Client) {
        let commands = c.engine.table.commands
        c.reply.array(commands.count)
        for spec in commands { describe(c, spec) }
    }

    static func count(_ c: Client) { c.reply.integer(c.engine.table.count) }

    static func list(_ c: Client) {
        var names: [String] = []
        for spec in c.engine.table.commands {
            names.append(spec.name)
            names += spec.subcommands.map(\.fullName)
        }
        if c.args.count > 2 {
            guard c.args.count == 5, c.argument(2, is: "FILTERBY") else {
                c.reply.error(Errors.syntax)
                return
            }
            let value = c.args[4]
            if c.argument(3, is: "PATTERN") {
                names = names.filter { Glob.matches(value, Bytes($0), caseInsensitive: true) }
            } else if c.argument(3, is: "ACLCAT") {
                let category = "@" + Text.lowercased(value)
                names = names.filter { c.engine.table.find(fullName: Bytes($0))?.aclCategories.contains(category) ?? false }
            } else if c.argument(3, is: "MODULE") {
                names = []
            } else {
                c.reply.error(Errors.syntax)
                return
            }
        }
        c.reply.array(names.count)
        for name in names { c.reply.bulk(name) }
    }

    static func info(_ c: Client) {
        if c.args.count == 2 { return all(c) }
        c.reply.array(c.args.count - 2)
        for name in c.args.dropFirst(2) {
            if let spec = c.engine.table.find(fullName: name) { describe(c, spec) } else { c.reply.null() }
        }
    }

    /// One COMMAND INFO entry, Redis 7.0's ten fields.
    static func describe(_ c: Client, _ spec: CommandSpec) {
        c.reply.array(10)
        c.reply.bulk(spec.fullName)
        c.reply.integer(spec.arity)
        let flags = spec.flags.names + (spec.keyFinder != nil ? ["movablekeys"] : [])
        c.reply.set(flags.count)
        for flag in flags { c.reply.simple(flag) }
        c.reply.integer(spec.keys.first)
        c.reply.integer(spec.keys.last)
        c.reply.integer(spec.keys.step)
        let categories = spec.aclCategories
        c.reply.set(categories.count)
        for category in categories { c.reply.simple(category) }
        c.reply.set(0)  // tips
        if spec.keys.first > 0 {
            c.reply.array(1)
            c.reply.map(3)
            // The only keys of a pubsub command are shard channels, which Redis flags `not_key`.
            if spec.flags.contains(.pubsub) {
                c.reply.bulk("flags"); c.reply.set(1); c.reply.simple("not_key")
            } else {
                c.reply.bulk("flags"); c.reply.set(0)
            }
            c.reply.bulk("begin_search")
            c.reply.map(2)
            c.reply.bulk("type"); c.reply.bulk("index")
            c.reply.bulk("spec"); c.reply.map(1); c.reply.bulk("index"); c.reply.integer(spec.keys.first)
            c.reply.bulk("find_keys")
            c.reply.map(2)
            c.reply.bulk("type"); c.reply.bulk("range")
            c.reply.bulk("spec"); c.reply.map(3)
            c.reply.bulk("lastkey"); c.reply.integer(spec.keys.last < 0 ? spec.keys.last : spec.keys.last - spec.keys.first)
            c.reply.bulk("keystep"); c.reply.integer(spec.keys.step)
            c.reply.bulk("limit"); c.reply.integer(0)
        } else {
            c.reply.array(0)
        }
        c.reply.array(spec.subcommands.count)
        for sub in spec.subcommands { describe(c, sub) }
    }

    static func docs(_ c: Client) {
        var specs: [CommandSpec] = []
        if c.args.count == 2 {
            specs = c.engine.table.commands
        } else {
            for name in c.args.dropFirst(2) {
                if let spec = c.engine.table.find(fullName: name) { specs.append(spec) }
            }
        }
        c.reply.map(specs.count)
        for spec in specs {
            c.reply.bulk(spec.fullName)
            document(c, spec)
        }
    }

    /// One COMMAND DOCS entry, Redis 7.0's fields in its order: summary, since,
    /// group, complexity, doc_flags, deprecated_since, replaced_by, arguments,
    /// subcommands (the last five only when there is something to say).
    private static func document(_ c: Client, _ spec: CommandSpec) {
        let notes = spec.docNotes
        let arguments = spec.arguments
        var fields = spec.complexity.isEmpty ? 3 : 4
        if let notes {
            if !notes.docFlags.isEmpty { fields += 1 }
            if notes.deprecatedSince != nil { fields += 1 }
            if notes.replacedBy != nil { fields += 1 }
        }
        if !arguments.isEmpty { fields += 1 }
        if spec.isContainer { fields += 1 }
        c.reply.map(fields)
        c.reply.bulk("summary"); c.reply.bulk(spec.summary)
        c.reply.bulk("since"); c.reply.bulk(spec.since)
        c.reply.bulk("group"); c.reply.bulk(spec.group)
        if !spec.complexity.isEmpty { c.reply.bulk("complexity"); c.reply.bulk(spec.complexity) }
        if let notes {
            if !notes.docFlags.isEmpty {
                c.reply.bulk("doc_flags")
                c.reply.set(notes.docFlags.count)
                for flag in notes.docFlags { c.reply.simple(flag) }
            }
            if let since = notes.deprecatedSince { c.reply.bulk("deprecated_since"); c.reply.bulk(since) }
            if let replacement = notes.replacedBy { c.reply.bulk("replaced_by"); c.reply.bulk(replacement) }
        }
        if !arguments.isEmpty {
            c.reply.bulk("arguments")
            ArgumentDoc.reply(c, arguments)
        }
        if spec.isContainer {
            c.reply.bulk("subcommands")
            c.reply.map(spec.subcommands.count)
            for sub in spec.subcommands {
                c.reply.bulk(sub.fullName)
                document(c, sub)
            }
        }
    }

    static func getkeys(_ c: Client) {
        let command = Array(c.args.dropFirst(2))
        guard let top = c.engine.table.lookup(command[0]) else {
            c.reply.error("ERR Invalid command specified")
            return
        }
        var spec = c.engine.table.spec(at: top)
        if spec.isContainer, command.count >= 2, let sub = c.engine.table.subcommand(of: top, named: command[1]) {
            spec = sub
        }
        if (spec.arity > 0 && command.count != spec.arity) || command.count < -spec.arity {
            c.reply.error("ERR Invalid number of arguments specified for command")
            return
        }
        let keys: [Int]
        if let finder = spec.keyFinder {
            guard let found = finder(command), !(found.isEmpty && spec.flags.contains(.noMandatoryKeys)) else {
                if spec.flags.contains(.noMandatoryKeys) {
                    c.reply.array(0)
                    return
                }
                c.reply.error("ERR Invalid arguments specified for command")
                return
            }
            keys = found
        } else {
            // Shard channels are `not_key` key specs, which GETKEYS leaves out as Redis does.
            keys = spec.keys.first > 0 && !spec.flags.contains(.pubsub) ? Array(spec.keys.indexes(argumentCount: command.count)) : []
        }
        guard !keys.isEmpty else {
            c.reply.error("ERR The command has no key arguments")
            return
        }
        c.reply.array(keys.count)
        for index in keys { c.reply.bulk(command[index]) }
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "COMMAND", lines: [
            "(no subcommand)", "    Return details about all Redis commands.",
            "COUNT", "    Return the total number of commands in this Redis server.",
            "LIST", "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
        ])
    }
}
