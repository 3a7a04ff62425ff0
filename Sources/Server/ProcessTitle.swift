#if canImport(Glibc)
import Glibc
#endif
import Commands

/// `set-proc-title` and `proc-title-template`: what `ps` and
/// /proc/<pid>/cmdline show, written over the memory of the process's
/// arguments as Redis's setproctitle does on Linux. Swift hands us the very
/// argv the kernel laid out (`CommandLine.unsafeArgv`), so this works as in
/// C. The environment strings that follow the arguments are moved to the
/// heap first (`clearenv` then `setenv`, as Redis's spt_init does), so a
/// title longer than the command line has room too. The thread name
/// (/proc/<pid>/comm, what `pgrep` matches) stays the executable's, as Redis's.
final class ProcessTitle {
    /// argv[0] as started: the template's `{title}`.
    let executable: String
    private let area: UnsafeMutablePointer<CChar>?
    private let capacity: Int

    init() {
        let argv = CommandLine.unsafeArgv
        let count = Int(CommandLine.argc)
        executable = count > 0 ? argv[0].map { String(cString: $0) } ?? "" : ""
        guard count > 0, let first = argv[0] else {
            area = nil
            capacity = 0
            return
        }
        // The arguments end where the last contiguous one does.
        var end = first + strlen(first) + 1
        for index in 1..<count {
            guard let argument = argv[index], argument == end else { break }
            end = argument + strlen(argument) + 1
        }
        end = Self.moveEnvironment(after: end)
        area = first
        capacity = end - first
    }

    /// When the environment's strings follow the arguments, copies them to
    /// the heap and returns the end of the memory they leave free.
    private static func moveEnvironment(after argumentsEnd: UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<CChar> {
        var strings: [String] = []
        var end = argumentsEnd
        var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let entry = pointer?.pointee {
            strings.append(String(cString: entry))
            if entry == end { end = entry + strlen(entry) + 1 }
            pointer = pointer! + 1
        }
        guard end != argumentsEnd else { return argumentsEnd }
        clearenv()
        for entry in strings {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            setenv(String(entry[..<equals]), String(entry[entry.index(after: equals)...]), 1)
        }
        return end
    }

    /// Redis's setproctitle keeps at most this many bytes of a title.
    static let maxTitleBytes = 255

    /// Writes `title`, cut to 255 bytes and to the room there is, NUL-padded.
    func set(_ title: String) {
        guard let area, capacity > 1 else { return }
        memset(area, 0, capacity)
        // A title longer than the arguments runs into the moved environment's
        // room; the kernel then reads past the arguments, since their last
        // byte is no longer NUL (the setproctitle convention).
        let bytes = Array(title.utf8.prefix(min(Self.maxTitleBytes, capacity - 1)))
        for (offset, byte) in bytes.enumerated() { area[offset] = CChar(bitPattern: byte) }
    }

    /// Redis's redisSetProcTitle: the template expanded with the current
    /// configuration. Callers check `set-proc-title` where Redis does (CONFIG
    /// SET proc-title-template sets the title even when it is `no`, as in Redis).
    func update(config: Config, configFile: String?) {
        guard let title = ProcessTitleTemplate.expand(config.procTitleTemplate, title: executable, config: config, configFile: configFile)
        else { return }
        set(title)
    }
}
