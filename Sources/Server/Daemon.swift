#if canImport(Glibc)
import Glibc
#endif

/// `daemonize yes` and `pidfile`, as Redis 7.0 does them.
enum Daemon {
    /// Redis's CONFIG_DEFAULT_PID_FILE: written by a daemon with no `pidfile` set.
    static let defaultPidFile = "/var/run/redis.pid"

    /// Forks; the parent exits 0 at once, the child leads a new session with
    /// its standard streams on /dev/null (a daemon whose `logfile` is stdout
    /// logs nothing, as Redis's). Runs before the loop or any thread exists.
    static func detach() {
        if fork() != 0 { exit(0) }
        setsid()
        let devNull = open("/dev/null", O_RDWR, 0)
        if devNull != -1 {
            dup2(devNull, STDIN_FILENO)
            dup2(devNull, STDOUT_FILENO)
            dup2(devNull, STDERR_FILENO)
            if devNull > STDERR_FILENO { close(devNull) }
        }
    }

    /// Writes the pid, best effort (Redis ignores a failure too: the pid file
    /// is a convenience, and a default path may not be writable).
    static func writePidFile(_ path: String) {
        guard let file = fopen(path, "w") else { return }
        fputs("\(getpid())\n", file)
        fclose(file)
    }
}
