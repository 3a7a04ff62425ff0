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

    static func get(_ c: Client) {
        // (name as replied, parameter): an exact name is echoed as typed, as Redis does.
        var matched: [(String, String)] = []
        for pattern in c.args.dropFirst(2) {
            let isPattern = pattern.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
            if !isPattern {
                if let parameter = Config.parameter(named: Text.lowercased(pattern)),
                   !matched.contains(where: { $0.1 == parameter.name }) {
                    matched.append((Text.string(pattern), parameter.name))
                }
                continue
            }
            let lowered = Array(Text.lowercased(pattern).utf8)
            for parameter in Config.parameters where !matched.contains(where: { $0.1 == parameter.name })
                && Glob.matches(lowered, Array(parameter.name.utf8)) {
                matched.append((parameter.name, parameter.name))
            }
        }
        c.reply.map(matched.count)
        for (shown, name) in matched {
            c.reply.bulk(shown)
            c.reply.bulk(displayValue(c, name))
        }
    }

    static func set(_ c: Client) {
        // An odd count is Redis's syntax error, answered before anything is redacted.
        guard c.args.count % 2 == 0 else {
            c.reply.error(Errors.syntax)
            return
        }
        var changes: [(String, String)] = []
        var refusal: ErrorText? = nil
        // As Redis: every pair is looked at, even after a refusal, so that every
        // sensitive value is redacted; the first refusal is the reply. Names are
        // echoed as typed.
        for index in stride(from: 2, to: c.args.count, by: 2) {
            guard let parameter = Config.parameter(named: Text.lowercased(c.args[index])) else {
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
                : changes.contains(where: { $0.0 == parameter.name }) ? "duplicate parameter"
                : nil
            if let reason {
                refusal = "ERR CONFIG SET failed (possibly related to argument '\(arg: c.args[index])') - \(reason)"
                continue
            }
            changes.append((parameter.name, Text.string(c.args[index + 1])))
        }
        if let refusal {
            c.reply.error(refusal)
            return
        }
        // Validate everything before applying anything, so a bad value changes nothing.
        for (name, value) in changes {
            var failure: String? = nil
            if case .failure(let reason) = Config.normalize(value, Config.parameter(named: name)!.kind) { failure = reason }
            if name == "dbfilename" && value.contains("/") { failure = "dbfilename can't be a path, just a filename" }
            if let failure {
                c.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(failure)")
                return
            }
        }
        // `dir` (allowed by enable-protected-configs) moves the working directory, as Redis's chdir.
        if let (_, directory) = changes.first(where: { $0.0 == "dir" }), chdir(directory) != 0 {
            c.reply.error("ERR CONFIG SET failed (possibly related to argument 'dir') - \(String(cString: strerror(errno)))")
            return
        }
        for (name, value) in changes { c.engine.config.set(name, value) }
        c.engine.configChanged(changes.map(\.0))
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
