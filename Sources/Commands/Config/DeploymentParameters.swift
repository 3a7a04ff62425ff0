/// The parameters of running Swirl as a service: how it is reached (a unix
/// socket), how it lives beside a service manager (daemonize, pidfile,
/// supervised), where it logs, how it names itself and how the kernel's OOM
/// killer should treat it. Redis 7.0.15's names, defaults and mutability.
/// The Server layer honours them (Launcher, Daemon, Supervision, ProcessTitle,
/// OOMScore, Logger). `daemonize`, `pidfile`, `supervised`, `logfile` and
/// `always-show-logo` are declared with the server's (ConfigTable+Server.swift).
extension Config {
    static let deploymentParameters: [Parameter] = [
        // Both immutable in 7.0 (config.c: IMMUTABLE_CONFIG); 7.2 made neither mutable either.
        // Empty is unset (Redis's EMPTY_STRING_IS_NULL).
        Parameter(name: "unixsocket", kind: .optionalString, defaultValue: "", mutable: false),
        Parameter(name: "unixsocketperm", kind: .octal(0...0o777), defaultValue: "0", mutable: false),
        Parameter(name: "syslog-enabled", kind: .bool, defaultValue: "no", mutable: false),
        Parameter(name: "syslog-ident", kind: .string, defaultValue: "redis", mutable: false),
        Parameter(name: "syslog-facility", kind: .choice(["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]),
                  defaultValue: "local0", mutable: false),
        Parameter(name: "set-proc-title", kind: .bool, defaultValue: "yes", mutable: false),
        // Checked against the other parameters when set (Config.set: ProcessTitleTemplate.isValid).
        Parameter(name: "proc-title-template", kind: .string, defaultValue: ProcessTitleTemplate.defaultTemplate, mutable: true),
        // `relative` is shown as `yes`, its synonym (ConfigValues.synonyms).
        Parameter(name: "oom-score-adj", kind: .choice(["no", "yes", "relative", "absolute"]), defaultValue: "no", mutable: true),
        Parameter(name: "oom-score-adj-values", kind: .oomScoreAdjValues, defaultValue: "0 200 800", mutable: true),
    ]

    // MARK: - Typed views

    public var unixSocket: String { self["unixsocket"] ?? "" }
    /// The socket file's mode; 0 leaves it as the umask made it.
    public var unixSocketPermissions: UInt32 { UInt32(self["unixsocketperm"] ?? "0", radix: 8) ?? 0 }
    public var daemonize: Bool { self["daemonize"] == "yes" }
    /// The pid file; empty when none was configured (a daemon then writes Redis's default).
    public var pidFile: String { self["pidfile"] ?? "" }
    public var supervised: String { self["supervised"] ?? "no" }
    public var alwaysShowLogo: Bool { self["always-show-logo"] == "yes" }
    public var syslogEnabled: Bool { self["syslog-enabled"] == "yes" }
    public var syslogIdent: String { self["syslog-ident"] ?? "redis" }
    public var syslogFacility: String { self["syslog-facility"] ?? "local0" }
    public var setProcTitle: Bool { self["set-proc-title"] == "yes" }
    public var procTitleTemplate: String { self["proc-title-template"] ?? ProcessTitleTemplate.defaultTemplate }
    /// `no`, `yes` (relative to the score the process started with) or `absolute`.
    public var oomScoreAdj: String { self["oom-score-adj"] ?? "no" }
    /// Master, replica and background child values.
    public var oomScoreAdjValues: [Int] {
        (self["oom-score-adj-values"] ?? "").split(separator: " ").compactMap { Int($0) }
    }
}
