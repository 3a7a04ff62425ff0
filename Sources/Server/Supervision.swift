#if canImport(Glibc)
import Glibc
#endif

/// `supervised upstart|systemd|auto|no`, as Redis 7.0's redisIsSupervised.
/// systemd's readiness protocol is written by hand: sd_notify is one
/// datagram of `KEY=value\n` lines to the AF_UNIX socket named by
/// `$NOTIFY_SOCKET` (a leading `@` names an abstract socket), so Swirl needs
/// no libsystemd. Redis sends `STATUS=Redis is loading...` at start (which
/// is also how it finds out whether the socket is there), `STATUS=Ready to
/// accept connections` and `READY=1` once it listens, `STOPPING=1` at shutdown.
final class Supervision {
    enum Mode: String { case upstart, systemd }

    let mode: Mode
    private unowned let logger: Logger

    private init(mode: Mode, logger: Logger) {
        self.mode = mode
        self.logger = logger
    }

    /// The configured mode resolved (`auto` looks at the environment), or nil
    /// when unsupervised: then `daemonize yes` forks as usual. Logs as Redis.
    static func start(_ configured: String, logger: Logger) -> Supervision? {
        var mode = configured
        if mode == "auto" {
            if getenv("UPSTART_JOB") != nil {
                logger.verbose("Upstart supervision detected.")
                mode = "upstart"
            } else if getenv("NOTIFY_SOCKET") != nil {
                logger.verbose("Systemd supervision detected.")
                mode = "systemd"
            }
        }
        switch mode {
        case "upstart":
            guard getenv("UPSTART_JOB") != nil else {
                logger.warning("upstart supervision requested, but UPSTART_JOB not found!")
                return nil
            }
            logger.notice("supervised by upstart, will stop to signal readiness.")
            // Upstart's `expect stop`: the job is ready once the process stops itself.
            raise(SIGSTOP)
            unsetenv("UPSTART_JOB")
            return Supervision(mode: .upstart, logger: logger)
        case "systemd":
            let supervision = Supervision(mode: .systemd, logger: logger)
            guard supervision.notify("STATUS=Redis is loading...\n") else { return nil }
            logger.notice("Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit.")
            return supervision
        default:
            return nil
        }
    }

    /// Listening: systemd learns the service is up.
    func ready() {
        guard mode == .systemd else { return }
        notify("STATUS=Ready to accept connections\n")
        notify("READY=1\n")
    }

    func stopping() {
        guard mode == .systemd else { return }
        notify("STOPPING=1\n")
    }

    /// Sends one sd_notify datagram; false (with Redis's warning) when it could not.
    @discardableResult
    func notify(_ message: String) -> Bool {
        guard let socketName = getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), !socketName.isEmpty else {
            logger.warning("systemd supervision error: NOTIFY_SOCKET not found!")
            return false
        }
        if let error = Self.send(message, to: socketName) {
            logger.warning("systemd supervision error: sd_notify: \(-error)")
            return false
        }
        return true
    }

    /// One datagram to `path` (`@name`: Linux's abstract namespace); nil, or the errno.
    static func send(_ message: String, to path: String) -> Int32? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(path.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard name.count < capacity, name.first == UInt8(ascii: "/") || abstract else { return EINVAL }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: name)
        }
        // An abstract name's length counts exactly its bytes; a path's includes its NUL.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count + (abstract ? 0 : 1))
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddress in
                sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), sockaddress, length)
            }
        }
        return sent < 0 ? errno : nil
    }
}
