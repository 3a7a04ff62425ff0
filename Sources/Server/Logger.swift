internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Log lines in Redis's format: `pid:M 25 Nov 2026 14:00:00.123 * message`.
/// Tools wait for `Ready to accept connections`, so the format matters.
public final class Logger {
    public enum Level: Int, Comparable {
        case debug, verbose, notice, warning, nothing
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        /// syslog(3)'s priority for the level, as Redis maps them.
        var syslogPriority: Int32 {
            switch self {
            case .debug: return LOG_DEBUG
            case .verbose: return LOG_INFO
            case .notice: return LOG_NOTICE
            case .warning, .nothing: return LOG_WARNING
            }
        }
        var mark: String {
            switch self {
            case .debug: return "."
            case .verbose: return "-"
            case .notice: return "*"
            case .warning, .nothing: return "#"
            }
        }
        public init(name: String) {
            switch name {
            case "debug": self = .debug
            case "verbose": self = .verbose
            case "warning": self = .warning
            case "nothing": self = .nothing
            default: self = .notice
            }
        }
    }

    public var level: Level
    /// The log file; empty for standard output.
    private let path: String
    private let standardOutput: UnsafeMutablePointer<FILE>
    public var role = "M"
    /// `syslog-enabled yes`: every line also goes to syslog(3), without Redis's prefix.
    public var syslogEnabled = false

    /// Logs to `path`, or to standard output when it is empty.
    public init(path: String, level: Level) {
        self.level = level
        self.path = path
        standardOutput = fdopen(STDOUT_FILENO, "a")
    }

    /// The descriptor the rewrite child keeps open to log: standard output's
    /// (a log file is opened afresh for each line).
    var descriptor: Int32 { STDOUT_FILENO }

    /// Writes to the log: a log file is opened for each write and closed
    /// after, as Redis's serverLogRaw does, so a log rotated by renaming
    /// (Debian's logrotate for Redis has no copytruncate and no signal)
    /// continues in a new file at the configured path.
    private func write(_ text: String) {
        guard !path.isEmpty else {
            fputs(text, standardOutput)
            fflush(standardOutput)
            return
        }
        guard let file = fopen(path, "a") else { return }
        fputs(text, file)
        fclose(file)
    }

    /// The facilities `syslog-facility` names, as Redis's enum.
    static let syslogFacilities: [String: Int32] = [
        "user": LOG_USER, "local0": LOG_LOCAL0, "local1": LOG_LOCAL1, "local2": LOG_LOCAL2, "local3": LOG_LOCAL3,
        "local4": LOG_LOCAL4, "local5": LOG_LOCAL5, "local6": LOG_LOCAL6, "local7": LOG_LOCAL7,
    ]

    /// Opens syslog as Redis's initServer does: the ident, the pid in each
    /// line, the connection made now (a daemon may chroot or lose /dev/log later).
    public func openSyslog(ident: String, facility: String) {
        // openlog keeps the pointer: the copy lives as long as the process.
        openlog(strdup(ident), LOG_PID | LOG_NDELAY | LOG_NOWAIT, Self.syslogFacilities[facility] ?? LOG_LOCAL0)
    }

    /// A block of text written as is (the logo), not as a log line: Redis's LL_RAW.
    public func raw(_ level: Level, _ text: String) {
        guard level >= self.level, self.level != .nothing else { return }
        write(text)
        if syslogEnabled { swirl_syslog(level.syslogPriority, text) }
    }

    public func log(_ level: Level, _ message: String) {
        guard level >= self.level, self.level != .nothing else { return }
        var now = timeval()
        gettimeofday(&now, nil)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        var stamp = [CChar](repeating: 0, count: 64)
        let length = strftime(&stamp, stamp.count, "%d %b %Y %H:%M:%S.", &parts)
        let date = String(decoding: stamp[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let millis = String(now.tv_usec / 1000)
        let padded = String(repeating: "0", count: 3 - millis.count) + millis
        write("\(getpid()):\(role) \(date)\(padded) \(level.mark) \(message)\n")
        if syslogEnabled { swirl_syslog(level.syslogPriority, message) }
    }

    public func notice(_ message: String) { log(.notice, message) }
    public func warning(_ message: String) { log(.warning, message) }
    public func verbose(_ message: String) { log(.verbose, message) }
}
