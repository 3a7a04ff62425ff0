#if canImport(Glibc)
import Glibc
#endif

/// The parameters of running Swirl as a service: how it is reached (a unix
/// socket), how it lives beside a service manager (daemonize, pidfile,
/// supervised), where it logs, how it names itself and how the kernel's OOM
/// killer should treat it. Redis 7.0.15's names, defaults and mutability.
/// The Server layer honours them (Launcher, Daemon, Supervision, ProcessTitle,
/// OOMScore, Logger).
extension Config {
    static let deploymentParameters: [Parameter] = [
        // Both immutable in 7.0 (config.c: IMMUTABLE_CONFIG); 7.2 made neither mutable either.
        Parameter(name: "unixsocket", kind: .string, defaultValue: "", mutable: false),
        Parameter(name: "unixsocketperm", kind: .octal(0...0o777), defaultValue: "0", mutable: false),
        Parameter(name: "syslog-enabled", kind: .bool, defaultValue: "no", mutable: false),
        Parameter(name: "syslog-ident", kind: .string, defaultValue: "redis", mutable: false),
        Parameter(name: "syslog-facility", kind: .choice(["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]),
                  defaultValue: "local0", mutable: false),
        Parameter(name: "set-proc-title", kind: .bool, defaultValue: "yes", mutable: false),
        Parameter(name: "proc-title-template", kind: .procTitleTemplate, defaultValue: ProcessTitleTemplate.defaultTemplate, mutable: true),
        Parameter(name: "oom-score-adj", kind: .choice(["no", "yes", "relative", "absolute"]), defaultValue: "no", mutable: true),
        Parameter(name: "oom-score-adj-values", kind: .oomScoreAdjValues, defaultValue: "0 200 800", mutable: true),
    ]

    /// Redis's octal numbers: strtoll in base 8 (a sign, leading spaces and a
    /// `0` prefix are fine, an empty value is 0), the bounds shown in octal.
    static func normalizeOctal(_ value: String, _ range: ClosedRange<Int64>) -> Normalized {
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        let number: Int64? = value.withCString { start in
            let parsed = strtoll(start, &end, 8)
            return errno == 0 && end?.pointee == 0 ? Int64(parsed) : nil
        }
        guard let number else { return .failure("argument couldn't be parsed as an octal number") }
        // Redis compares as unsigned: a negative number is past the upper bound.
        guard number >= 0, range.contains(number) else {
            return .failure("argument must be between \(String(range.lowerBound, radix: 8)) and \(String(range.upperBound, radix: 8)) inclusive")
        }
        return .success(String(number, radix: 8))
    }

    /// `oom-score-adj-values`: exactly three base-10 numbers in -2000…2000,
    /// for a master, a replica and a background child, in that order. Split
    /// at every single space, as Redis splits a CONFIG SET value (two spaces
    /// make an empty fourth argument; a config file's arguments arrive joined
    /// by one space).
    static func normalizeOOMScoreAdjValues(_ value: String) -> Normalized {
        let words = value.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 3 else { return .failure("wrong number of arguments") }
        var numbers: [Int64] = []
        for word in words {
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let parsed: Int64? = String(word).withCString { start in
                let number = strtoll(start, &end, 10)
                return end?.pointee == 0 ? Int64(number) : nil
            }
            guard let parsed, (-2000...2000).contains(parsed) else {
                return .failure("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
            }
            numbers.append(parsed)
        }
        return .success(numbers.map(String.init).joined(separator: " "))
    }

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
