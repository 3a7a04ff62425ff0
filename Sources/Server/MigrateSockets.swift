import Commands
import Keyspace
#if canImport(Glibc)
import Glibc
#endif

/// MIGRATE's connections, as Redis's migrate_cached_sockets: one per
/// host:port, at most 64 (a random one goes to make room), closed after 10
/// seconds unused (the cron). Plain blocking sockets, not libuv: MIGRATE
/// waits for its target on the loop thread, bounded by its timeout, exactly
/// as Redis's does.
final class MigrateConnection: MigrateSocket {
    let fd: Int32
    var lastDatabase = -1
    var lastUse = Keyspace.clockMilliseconds()
    private var pending: [UInt8] = []

    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Waits until `fd` is ready for `events`, at most `timeout` ms; false on timeout or error.
    private func wait(_ events: Int16, timeout: Int) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let deadline = Keyspace.clockMilliseconds() + Int64(timeout)
        while true {
            let left = Int32(clamping: max(0, deadline - Keyspace.clockMilliseconds()))
            let ready = poll(&entry, 1, left)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { errno = ready == 0 ? ETIMEDOUT : errno; return false }
            return true
        }
    }

    func write(_ bytes: [UInt8], timeoutMilliseconds: Int) -> Bool {
        var done = 0
        let deadline = Keyspace.clockMilliseconds() + Int64(timeoutMilliseconds)
        while done < bytes.count {
            let left = Int(deadline - Keyspace.clockMilliseconds())
            guard left > 0, wait(Int16(POLLOUT), timeout: left) else { return false }
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, min(64 * 1024, $0.count - done), Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            done += count
        }
        lastUse = Keyspace.clockMilliseconds()
        return true
    }

    func readLine(timeoutMilliseconds: Int) -> [UInt8]? {
        let deadline = Keyspace.clockMilliseconds() + Int64(timeoutMilliseconds)
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeSubrange(...end)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                lastUse = Keyspace.clockMilliseconds()
                return line
            }
            let left = Int(deadline - Keyspace.clockMilliseconds())
            guard left > 0, wait(Int16(POLLIN), timeout: left) else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { return nil }
            pending += chunk[0..<count]
        }
    }

    /// A non-blocking connect to host:port finished within `timeout` ms, or nil.
    static func connect(host: String, port: Int, timeout: Int) -> MigrateConnection? {
        guard port > 0 && port <= 65535 else { return nil }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else { return nil }
        defer { freeaddrinfo(results) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                            info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            let connection = MigrateConnection(fd: fd)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS, connection.wait(Int16(POLLOUT), timeout: timeout) else { continue }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else { continue }
            }
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            return connection
        }
        return nil
    }
}

struct MigrateSockets {
    static let maxCached = 64
    static let idleMilliseconds: Int64 = 10_000
    var cached: [String: MigrateConnection] = [:]

    mutating func socket(host: String, port: Int, timeout: Int) -> MigrateConnection? {
        let name = "\(host):\(port)"
        if let connection = cached[name] {
            connection.lastUse = Keyspace.clockMilliseconds()
            return connection
        }
        if cached.count >= Self.maxCached, let victim = cached.keys.randomElement() { cached[victim] = nil }
        guard let connection = MigrateConnection.connect(host: host, port: port, timeout: timeout) else { return nil }
        cached[name] = connection
        return connection
    }

    mutating func close(host: String, port: Int) {
        cached["\(host):\(port)"] = nil
    }

    /// Redis's migrateCloseTimedoutSockets, from the cron.
    mutating func closeIdle() {
        let now = Keyspace.clockMilliseconds()
        cached = cached.filter { now - $0.value.lastUse <= Self.idleMilliseconds }
    }
}
