#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// CONFIG GET/SET/RESETSTAT/REWRITE/HELP.
enum ConfigCommands {
    static func specs() -> [CommandSpec] {
        let server = CommandGroup("server", since: "2.0.0")
        let flags: CommandFlags = [.admin, .noscript, .loading, .stale]
        return [
            server.container("config", "A container for server configuration commands.",
                             complexity: "Depends on subcommand.", subcommands: [
                server.command("get", -3, flags, syntax: "parameter:<parameter> ...",
                               "Returns the effective values of configuration parameters.", complexity: "O(N)", handler: get),
                server.command("set", -4, flags, syntax: "parameter value [parameter value ...]",
                               "Sets configuration parameters in-flight.", complexity: "O(N)", handler: set),
                server.command("resetstat", 2, flags, syntax: "", "Resets the server's statistics.", handler: resetstat),
                server.command("rewrite", 2, flags, syntax: "",
                               "Persists the effective configuration to file.", since: "2.8.0", handler: rewrite),
                server.command("help", 2, [.loading, .stale], syntax: "",
                               "Returns helpful text about the different subcommands.", since: "5.0.0", handler: help),
            ]),
        ]
    }

    /// The value CONFIG GET shows: `dir` is the absolute working directory, as in Redis.
    static func displayValue(_ c: Client, _ name: String) -> String {
        if name == "dir" {
            var buffer = [CChar](repeating: 0, count: 4096)
            if getcwd(&buffer, buffer.count) != nil {
                return String(cBuffer: buffer)
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
        // An odd count is Redis's syntax error, answered before anything is redacted.
        guard c.args.count % 2 == 0 else {
            c.reply.error(Errors.syntax)
            return
        }
        // (canonical parameter, the name Redis reports a value error under, new value)
        var changes: [(parameter: String, name: String, value: String)] = []
        var refusal: ErrorText? = nil
        // As Redis: every pair is looked at, even after a refusal, so that every
        // sensitive value is redacted; the first refusal is the reply. Names are
        // echoed as typed.
        for index in stride(from: 2, to: c.args.count, by: 2) {
            let name = Text.lowercased(c.args[index])
            guard let parameter = Config.parameter(named: name) else {
                if refusal == nil {
                    refusal = "ERR Unknown option or number of arguments for CONFIG SET - '\(arg: c.args[index])'"
                }
                continue
            }
            if parameter.sensitive { c.redactArgument(index + 1) }
            guard refusal == nil else { continue }
            let reason: String? =
                !parameter.mutable ? "can't set immutable config"
                : parameter.protected && !c.engine.config.allowsProtectedAction("enable-protected-configs", localClient: c.isLocal)
                    ? "can't set protected config"
                : changes.contains(where: { $0.name == name }) ? "duplicate parameter"
                : nil
            if let reason {
                refusal = "ERR CONFIG SET failed (possibly related to argument '\(arg: c.args[index])') - \(reason)"
                continue
            }
            changes.append((parameter.name, name, Text.string(c.args[index + 1])))
        }
        if let refusal {
            c.reply.error(refusal)
            return
        }
        let config = c.engine.config
        // The values to go back to; `dir` as CONFIG GET shows it (absolute), so going back is a chdir.
        let previous = changes.map { $0.parameter == "dir" ? displayValue(c, "dir") : config[$0.parameter] ?? "" }
        for (index, change) in changes.enumerated() {
            if let reason = setValue(config, change.parameter, change.value) {
                for (earlier, value) in zip(changes[...index], previous) { restoreValue(config, earlier.parameter, value) }
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
            for (change, value) in zip(changes, previous) { restoreValue(config, change.parameter, value) }
            if let again = c.engine.applyConfig(applied.map(\.parameter)) {
                c.engine.hooks.logWarning("Failed applying restored failed CONFIG SET command: \(again.error)")
            }
            c.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(failed.error)")
            return
        }
        c.reply.ok()
    }

    /// Redis's set step for one parameter: the value is checked and stored;
    /// `dir` moves the working directory at once, as Redis's chdir there.
    private static func setValue(_ config: Config, _ name: String, _ value: String) -> String? {
        if name == "dir" && chdir(value) != 0 { return String(cString: strerror(errno)) }
        return config.set(name, value)
    }

    /// A failed CONFIG SET puts back a value `setValue` replaced.
    private static func restoreValue(_ config: Config, _ name: String, _ value: String) {
        if name == "dir" { _ = chdir(value) }
        config.restore(name, value)
    }

    static func resetstat(_ c: Client) {
        c.engine.stats.reset()
        c.engine.keyspace.stats = KeyspaceStats()
        c.engine.resetEvictionStats()
        c.reply.ok()
    }

    static func rewrite(_ c: Client) {
        guard let path = c.engine.configFilePath else {
            c.reply.error("ERR The server is running without a config file")
            return
        }
        if let failure = ConfigRewrite.rewrite(path: path, config: c.engine.config, directory: displayValue(c, "dir")) {
            c.engine.hooks.logWarning("CONFIG REWRITE failed: \(failure)")
            c.reply.error("ERR Rewriting config file: \(failure)")
        } else {
            c.engine.hooks.logWarning("CONFIG REWRITE executed with success.")
            c.reply.ok()
        }
    }

    /// DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE writing every parameter (Redis's test aid).
    static func rewriteForcingAll(_ c: Client) {
        // Redis reads a missing path as fopen(NULL) does.
        let failure = c.engine.configFilePath.map {
            ConfigRewrite.rewrite(path: $0, config: c.engine.config, directory: displayValue(c, "dir"), forceAll: true)
        } ?? "Bad address"
        if let failure {
            c.reply.error("ERR CONFIG-REWRITE-FORCE-ALL failed: \(failure)")
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
