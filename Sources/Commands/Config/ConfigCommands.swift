#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// CONFIG GET/SET/RESETSTAT/REWRITE/HELP.
enum ConfigCommands {
    static func specs() -> [CommandSpec] {
        let flags: CommandFlags = [.admin, .noscript, .loading, .stale]
        return [
            CommandSpec("config", arity: -2, flags: [], group: "server",
                        summary: "A container for server configuration commands.", since: "2.0.0",
                        complexity: "Depends on subcommand.", subcommands: [
                            CommandSpec("get", arity: -3, flags: flags, group: "server",
                                        summary: "Returns the effective values of configuration parameters.",
                                        since: "2.0.0", complexity: "O(N)", handler: get),
                            CommandSpec("set", arity: -4, flags: [.admin, .noscript, .loading, .stale], group: "server",
                                        summary: "Sets configuration parameters in-flight.", since: "2.0.0",
                                        complexity: "O(N)", handler: set),
                            CommandSpec("resetstat", arity: 2, flags: flags, group: "server",
                                        summary: "Resets the server's statistics.", since: "2.0.0", handler: resetstat),
                            CommandSpec("rewrite", arity: 2, flags: flags, group: "server",
                                        summary: "Persists the effective configuration to file.", since: "2.8.0",
                                        handler: rewrite),
                            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server",
                                        summary: "Returns helpful text about the different subcommands.",
                                        since: "5.0.0", handler: help),
                        ]) { _ in },
        ]
    }

    /// The value CONFIG GET shows: `dir` is the absolute working directory, as in Redis.
    static func displayValue(_ c: Client, _ name: String) -> String {
        if name == "dir" {
            var buffer = [CChar](repeating: 0, count: 4096)
            if getcwd(&buffer, buffer.count) != nil {
                return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return c.engine.config.displayValue(name)
    }

    /// Redis 7.0's CONFIG GET: an exact name is echoed as typed, a pattern
    /// matches names and aliases alike (not hidden parameters), and a name
    /// already in the reply (compared ignoring case) is not repeated.
    static func get(_ c: Client) {
        var matched: [(shown: String, key: String)] = []
        func seen(_ key: String) -> Bool { matched.contains { $0.key == key } }
        for pattern in c.args.dropFirst(2) {
            let lowered = Text.lowercased(pattern)
            let isPattern = pattern.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
            if !isPattern {
                if !seen(lowered) && Config.parameter(named: lowered) != nil {
                    matched.append((Text.string(pattern), lowered))
                }
                continue
            }
            let patternBytes = Array(lowered.utf8)
            for (name, parameter) in Config.allNames where !parameter.hidden && !seen(name)
                && Glob.matches(patternBytes, Array(name.utf8)) {
                matched.append((name, name))
            }
        }
        c.reply.map(matched.count)
        for (shown, key) in matched {
            c.reply.bulk(shown)
            c.reply.bulk(displayValue(c, key))
        }
    }

    /// Redis 7.0's CONFIG SET, all or nothing: every name is checked first (the
    /// first problem is the error, naming the argument as typed), then each
    /// value is set in order (a refused one puts the earlier ones back), then
    /// what changed is applied (a failure there puts every value back and
    /// applies them again). An alias is a parameter of its own here, as in
    /// Redis: naming both it and its parameter is no duplicate.
    static func set(_ c: Client) {
        guard c.args.count % 2 == 0 else {
            c.reply.error(Errors.syntax)
            return
        }
        // (canonical parameter, the name Redis reports a value error under, new value)
        var changes: [(parameter: String, name: String, value: String)] = []
        for index in stride(from: 2, to: c.args.count, by: 2) {
            let name = Text.lowercased(c.args[index])
            guard let parameter = Config.parameter(named: name) else {
                c.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '\(Text.truncated(c.args[index], 128))'")
                return
            }
            let typed = Text.string(c.args[index])
            let problem = !parameter.mutable ? "can't set immutable config"
                : parameter.protected ? "can't set protected config"
                : changes.contains { $0.name == name } ? "duplicate parameter" : nil
            if let problem {
                c.reply.error("ERR CONFIG SET failed (possibly related to argument '\(typed)') - \(problem)")
                return
            }
            changes.append((parameter.name, name, Text.string(c.args[index + 1])))
        }
        let config = c.engine.config
        let previous = changes.map { config[$0.parameter] ?? "" }
        for (index, change) in changes.enumerated() {
            if let reason = config.set(change.parameter, change.value) {
                for (earlier, value) in zip(changes[...index], previous) { config.restore(earlier.parameter, value) }
                c.reply.error("ERR CONFIG SET failed (possibly related to argument '\(change.name)') - \(reason)")
                return
            }
        }
        // Only a value that changed is applied (Redis's set returning 2 skips it).
        var applied: [(parameter: String, name: String)] = []
        for (change, value) in zip(changes, previous)
            where config[change.parameter] != value && !applied.contains(where: { $0.parameter == change.parameter }) {
            applied.append((change.parameter, change.name))
        }
        if let failed = c.engine.applyConfig(applied.map(\.parameter)) {
            let name = applied.first { $0.parameter == failed.parameter }?.name ?? failed.parameter
            c.engine.hooks.logWarning("Failed applying new configuration. Possibly related to new \(name) setting. Restoring previous settings.")
            for (change, value) in zip(changes, previous) { config.restore(change.parameter, value) }
            if let again = c.engine.applyConfig(applied.map(\.parameter)) {
                c.engine.hooks.logWarning("Failed applying restored failed CONFIG SET command: \(again.error)")
            }
            c.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(failed.error)")
            return
        }
        c.reply.ok()
    }

    static func resetstat(_ c: Client) {
        c.engine.stats.reset()
        c.engine.keyspace.stats = KeyspaceStats()
        c.reply.ok()
    }

    static func rewrite(_ c: Client) {
        guard let path = c.engine.configFilePath else {
            c.reply.error("ERR The server is running without a config file")
            return
        }
        if let failure = ConfigFile.rewrite(path: path, config: c.engine.config) {
            c.reply.error("ERR Rewriting config file: \(failure)")
        } else {
            c.reply.ok()
        }
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "CONFIG", lines: [
            "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
            "RESETSTAT", "    Reset statistics reported by the INFO command.",
            "REWRITE", "    Rewrite the configuration file.",
        ])
    }
}
