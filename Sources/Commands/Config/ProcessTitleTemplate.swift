/// `proc-title-template`: the process title `ps` shows, as Redis 7.0 builds
/// it. `{name}` is a variable, `{{` a literal brace; the result is trimmed of
/// spaces. A template with an unknown variable, an unclosed `{`, or one that
/// expands to nothing is refused. The Server writes the result over the
/// process's argument memory (ProcessTitle.swift).
public enum ProcessTitleTemplate {
    public static let defaultTemplate = "{title} {listen-addr} {server-mode}"
    static let invalid = "template format is invalid or contains unknown variables"

    /// Expands `template`, or nil when it is malformed or names an unknown variable.
    /// `title` is the executable as started (argv[0]); `configFile` the absolute
    /// path of the config file, if any.
    public static func expand(_ template: String, title: String, config: Config, configFile: String?) -> String? {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let name = rest[rest.index(after: open)...]
            guard let first = name.first else { return nil }
            if first == "{" {
                result += "{"
                rest = name.dropFirst()
                continue
            }
            guard let close = name.firstIndex(of: "}"),
                  let value = variable(String(name[..<close]), title: title, config: config, configFile: configFile)
            else { return nil }
            result += value
            rest = name[name.index(after: close)...]
        }
        result += rest
        // sdstrim(res, " "): spaces off both ends.
        var trimmed = Substring(result)
        while trimmed.first == " " { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Redis's validateProcTitleTemplate: it expands (with an empty title) to something.
    static func isValid(_ template: String, config: Config) -> Bool {
        guard let expanded = expand(template, title: "", config: config, configFile: nil) else { return false }
        return !expanded.isEmpty
    }

    private static func variable(_ name: String, title: String, config: Config, configFile: String?) -> String? {
        switch name {
        case "title": return title
        case "listen-addr":
            // The first bind address as written (a `-` prefix included, as Redis keeps it), or the socket.
            if config.port != 0 { return "\(config.bind.first ?? "*"):\(config.port)" }
            return "unixsocket:\(config.unixSocket)"
        case "server-mode": return ""  // standalone: Redis writes [cluster] or [sentinel] only
        case "config-file": return configFile ?? "-"
        case "port": return String(config.port)
        case "tls-port": return "0"
        case "unixsocket": return config.unixSocket
        default: return nil
        }
    }
}
