#if canImport(Glibc)
import Glibc
#endif
import Commands

/// `oom-score-adj` and `oom-score-adj-values`: the Linux OOM killer's
/// preference, written to /proc/self/oom_score_adj as Redis 7.0's
/// setOOMScoreAdj does. `yes`/`relative` adds the configured value to the
/// score the process had before Swirl first changed it; `absolute` writes it
/// as is; both clamp to -1000…1000. Going back to `no` restores that first
/// score. A background child (the AOF rewrite) takes the third value.
final class OOMScore {
    enum ProcessClass: Int { case master = 0, replica = 1, backgroundChild = 2 }

    static let path = "/proc/self/oom_score_adj"
    /// The score before Swirl first changed it; nil while Swirl has not.
    private var base: Int? = nil
    private unowned let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The score a process of `processClass` should have, or nil to leave it alone.
    /// Reads the starting score the first time it is needed.
    func score(config: Config, for processClass: ProcessClass) -> Int? {
        guard config.oomScoreAdj != "no" else {
            guard let base else { return nil }
            self.base = nil
            return base
        }
        if base == nil {
            guard let current = Self.read() else {
                logger.warning("Unable to read oom_score_adj: \(String(cString: strerror(errno)))")
                return nil
            }
            base = current
        }
        let values = config.oomScoreAdjValues
        guard values.count == 3 else { return nil }
        var value = values[processClass.rawValue]
        if config.oomScoreAdj == "yes" { value += base ?? 0 }
        return min(1000, max(-1000, value))
    }

    /// Applies the configuration to this process; false (logged) when the kernel refused.
    @discardableResult
    func apply(config: Config, as processClass: ProcessClass = .master) -> Bool {
        guard let value = score(config: config, for: processClass) else { return true }
        if let error = Self.write(value) {
            logger.warning("Unable to write oom_score_adj: \(String(cString: strerror(error)))")
            return false
        }
        return true
    }

    /// Redis's warning when `oom-score-adj-values` is set with a replica below
    /// the master or a child below a replica: lowering a score needs privileges.
    func warnIfUnprivilegedOrder(config: Config) {
        let values = config.oomScoreAdjValues
        if values.count == 3 && (values[1] < values[0] || values[2] < values[1]) {
            logger.warning("The oom-score-adj-values configuration may not work for non-privileged processes! Please consult the documentation.")
        }
    }

    static func read() -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard Glibc.read(fd, &buffer, buffer.count - 1) >= 0 else { return nil }
        return Int(atoi(buffer))
    }

    /// Writes a score; nil, or the errno. Uses only open/write/close, so a
    /// forked child may call it.
    static func write(_ value: Int) -> Int32? {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let text = Array("\(value)\n".utf8)
        return Glibc.write(fd, text, text.count) < 0 ? errno : nil
    }
}
