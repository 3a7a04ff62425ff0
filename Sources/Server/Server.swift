internal import CLibUV
import Commands
import Persistence
import SwirlBytes
import Keyspace
import RESP
#if canImport(Glibc)
import Glibc
#endif

/// The libuv layer: the loop, the listeners, the connections, the cron and
/// the before-sleep hook that writes the AOF and then the replies.
/// Everything here runs on the loop thread.
public final class Server {
    static let readScratchSize = 64 * 1024
    /// Past this many unsent reply bytes a client is not read until it catches up.
    static let outputBackpressureBytes = 64 * 1024 * 1024

    let loop: UnsafeMutablePointer<uv_loop_t>
    public let engine: Engine
    let logger: Logger
    let readScratch = UnsafeMutableRawPointer.allocate(byteCount: Server.readScratchSize, alignment: 16)
    var listeners: [UnsafeMutablePointer<uv_tcp_t>] = []
    var connections: [Int: Connection] = [:]
    /// Connections with reply bytes to send before the loop sleeps.
    var pendingFlush: [Connection] = []
    var aof: AOFWriter?
    var aofManifest: AOFManifest?
    var maintenance = AOFMaintenanceState()
    var boundPort = 0
    private(set) var shutdownRequested = false
    private let prepare = UnsafeMutablePointer<uv_prepare_t>.allocate(capacity: 1)
    private let cronTimer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    /// Fires at the earliest deadline of a blocked client (BLPOP … timeout), to the millisecond.
    private let blockingTimer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    private var blockingTimerDeadline: Int64? = nil
    private var cronTicks = 0

    init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
        loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
        uv_loop_init(loop)
        loop.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        engine.hooks.tcpPort = { [unowned self] in self.boundPort }
        engine.hooks.shutdown = { [unowned self] _ in
            self.logger.warning("User requested shutdown...")
            self.requestShutdown()
            return nil
        }
        engine.hooks.aofInfo = { [unowned self] in self.rewriteInfoFields + (self.aof?.infoFields ?? []) }
        engine.hooks.rewriteAOF = { [unowned self] in self.scheduleRewrite() }
        engine.hooks.closeClient = { [unowned self] id in self.connections[id]?.close() }
        engine.hooks.logVerbose = { [unowned self] message in self.logger.verbose(message) }
        engine.hooks.logWarning = { [unowned self] message in self.logger.warning(message) }
        engine.hooks.keyspaceSnapshot = { [unowned self] in AOFRewriter.snapshot(self.engine.keyspace) }
        MemoryStats.installAllocatorHooks(engine)
        engine.onConfigChange = { [unowned self] names in
            if names.contains("appendfsync") { self.aof?.policyChanged(to: AOFWriter.policy(named: engine.config.appendFsync)) }
            if names.contains("loglevel") { self.logger.level = Logger.Level(name: engine.config.logLevel) }
            if names.contains("hz") { self.startCron() }
            if names.contains("appendonly") { self.appendOnlyChanged() }
        }
    }

    // MARK: - Listening

    /// Binds every address of `bind` on `port`; a `-` prefix marks an address whose failure is fine.
    func listen(addresses: [String], port: Int) -> Bool {
        var listening = 0
        for entry in addresses {
            let optional = entry.hasPrefix("-")
            var address = optional ? String(entry.dropFirst()) : entry
            if address == "*" { address = "0.0.0.0" }
            if address == "::*" { address = "::" }
            if let failure = listen(address: address, port: port) {
                if optional { continue }
                logger.warning("Warning: Could not create server TCP listening socket \(address):\(port): \(failure)")
                return false
            }
            listening += 1
        }
        boundPort = port
        return listening > 0
    }

    private func listen(address: String, port: Int) -> String? {
        var storage = sockaddr_storage()
        let isIPv6 = address.contains(":")
        let parsed = withUnsafeMutablePointer(to: &storage) { pointer -> Int32 in
            isIPv6
                ? uv_ip6_addr(address, Int32(port), UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr_in6.self))
                : uv_ip4_addr(address, Int32(port), UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr_in.self))
        }
        guard parsed == 0 else { return "invalid address" }
        let handle = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop, handle)
        handle.pointee.data = nil
        let flags: UInt32 = isIPv6 ? UInt32(UV_TCP_IPV6ONLY.rawValue) : 0
        var status = withUnsafePointer(to: &storage) {
            uv_tcp_bind(handle, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), flags)
        }
        if status == 0 {
            status = uv_listen(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_stream_t.self), 511, onNewConnection)
        }
        guard status == 0 else {
            uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), onHandleClosed)
            return String(cString: uv_strerror(status))
        }
        listeners.append(handle)
        return nil
    }

    // MARK: - Connections

    func accept(from listener: UnsafeMutablePointer<uv_stream_t>) {
        let handle = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop, handle)
        handle.pointee.data = nil
        let stream = UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_stream_t.self)
        guard uv_accept(listener, stream) == 0 else {
            uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), onHandleClosed)
            return
        }
        let isLocal = Self.peerIsLocal(handle)
        if let refusal = admissionRefusal(isLocal: isLocal) {
            refuse(handle, with: refusal)
            return
        }
        uv_tcp_nodelay(handle, 1)
        let client = engine.connect()
        client.isLocal = isLocal
        let limits = RequestDecoder.Limits(maxBulkLength: engine.config.protoMaxBulkLen)
        let conn = Connection(handle: handle, server: self, client: client, limits: limits)
        client.address = Self.address(of: handle, peer: true)
        client.localAddress = Self.address(of: handle, peer: false)
        var fd = uv_os_fd_t()
        if uv_fileno(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), &fd) == 0 { client.fd = Int(fd) }
        connections[client.id] = conn
        handle.pointee.data = Unmanaged.passUnretained(conn).toOpaque()
        uv_read_start(stream, onAllocate, onRead)
    }

    /// `ip:port` of either end of a TCP handle.
    static func address(of handle: UnsafeMutablePointer<uv_tcp_t>, peer: Bool) -> String {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer -> Int32 in
            let address = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr.self)
            return peer ? uv_tcp_getpeername(handle, address, &length) : uv_tcp_getsockname(handle, address, &length)
        }
        guard status == 0 else { return "" }
        var text = [CChar](repeating: 0, count: 64)
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer -> String in
            let raw = UnsafeRawPointer(pointer)
            if family == sa_family_t(AF_INET6) {
                let address = raw.assumingMemoryBound(to: sockaddr_in6.self)
                uv_ip6_name(address, &text, text.count)
                return "\(String(cBuffer: text)):\(UInt16(bigEndian: address.pointee.sin6_port))"
            }
            let address = raw.assumingMemoryBound(to: sockaddr_in.self)
            uv_ip4_name(address, &text, text.count)
            return "\(String(cBuffer: text)):\(UInt16(bigEndian: address.pointee.sin_port))"
        }
    }

    func received(_ bytes: UnsafeRawBufferPointer, on conn: Connection) {
        engine.stats.netInputBytes += bytes.count
        engine.stats.readsProcessed += 1
        conn.decoder.append(bytes)
        conn.processInput()
        if conn.decoder.bufferedCount > engine.queryBufferLimit {
            logger.warning("Closing client that reached max query buffer length: id=\(conn.client.id) addr=\(conn.client.address)")
            conn.close()
            return
        }
        scheduleFlush(conn)
    }

    func scheduleFlush(_ conn: Connection) {
        if !conn.queuedForFlush {
            conn.queuedForFlush = true
            pendingFlush.append(conn)
        }
    }

    func forget(_ conn: Connection) {
        engine.disconnect(conn.client)
        connections[conn.client.id] = nil
    }

    // MARK: - Before sleep

    /// Redis's beforeSleep: AOF first, then replies (held under `always`
    /// until their commands are on disk).
    func beforeSleep() {
        engine.expireBlockedClients()
        resumeUnblockedClients()
        runScheduledMaintenance()
        engine.beforeSleep()
        aof?.flush()
        flushPublishedMessages()
        flushWaitingReplies()
        armBlockingTimer()
    }

    // MARK: - Blocked clients

    /// Clients whose blocking command completed (served, timed out, unblocked):
    /// their replies go out, and the commands they sent meanwhile run now, as
    /// Redis's processUnblockedClients. Running those can unblock others.
    func resumeUnblockedClients() {
        var unblocked = engine.blocking.takeUnblocked()
        while !unblocked.isEmpty {
            for client in unblocked {
                guard let conn = connections[client.id], !conn.closing else { continue }
                scheduleFlush(conn)
                engine.runPostponedCommand(client)
                if conn.decoder.bufferedCount > 0 && !client.isBlocked { conn.processInput() }
                if shutdownRequested { return }
            }
            unblocked = engine.blocking.takeUnblocked()
        }
    }

    /// Points the blocking timer at the earliest deadline (or stops it).
    func armBlockingTimer() {
        let deadline = engine.blocking.nextDeadline
        guard deadline != blockingTimerDeadline else { return }
        blockingTimerDeadline = deadline
        guard let deadline else {
            uv_timer_stop(blockingTimer)
            return
        }
        uv_update_time(loop)
        // Capped so a far deadline cannot overflow libuv's clock; the timer then just fires early and re-arms.
        let delay = min(max(0, deadline - Keyspace.clockMilliseconds()), Int64(Int32.max))
        uv_timer_start(blockingTimer, onBlockingTimeout, UInt64(delay), 0)
    }

    /// The blocking timer fired: answer the clients whose time is up (beforeSleep follows, and re-arms it).
    func blockingTimerFired() {
        blockingTimerDeadline = nil
        engine.expireBlockedClients()
    }

    /// Schedules a flush for every client PUBLISH gave messages to, and closes
    /// the subscribers that went past their output limit (Redis's
    /// client-output-buffer-limit), dropping what they had pending.
    func flushPublishedMessages() {
        for client in engine.takeClientsWithOutput() {
            guard let conn = connections[client.id], !conn.closing else { continue }
            scheduleFlush(conn)
        }
        for client in engine.pubsub.takeReceivers() {
            guard let conn = connections[client.id], !conn.closing else { continue }
            if client.closeASAP {
                logger.warning("Client id=\(client.id) addr=\(client.address) closed for overcoming of output buffer limits.")
                conn.close()
            } else {
                scheduleFlush(conn)
            }
        }
    }

    func flushWaitingReplies() {
        guard !pendingFlush.isEmpty else { return }
        var waiting: [Connection] = []
        for conn in pendingFlush {
            if holdsReplies(of: conn.client) && !conn.closing {
                waiting.append(conn)
                continue
            }
            conn.queuedForFlush = false
            conn.flush()
        }
        pendingFlush = waiting
    }

    /// Whether the client's replies wait for the AOF: under `always` until its
    /// last write is fsynced, after a failed write until that write lands.
    func holdsReplies(of client: Client) -> Bool {
        guard let aof else { return false }
        let (after, upTo) = aof.heldReplies
        return client.aofWaitOffset > after && client.aofWaitOffset <= upTo
    }

    /// The AOF's write or fsync failed or recovered: the engine refuses write
    /// commands with MISCONF while it is failing, as Redis does.
    func aofStatusChanged() {
        engine.diskError = aof?.refusal
    }

    // MARK: - Cron

    func startCron() {
        let interval = UInt64(max(1, 1000 / engine.config.hz))
        uv_timer_start(cronTimer, onCron, interval, interval)
    }

    /// Runs `hz` times a second: active expiry, the everysec fsync, memory peak.
    func cron() {
        cronTicks += 1
        if engine.activeExpireEnabled {
            engine.keyspace.activeExpireCycle(budgetMicroseconds: Int64(250_000 / engine.config.hz), hz: engine.config.hz)
        }
        reapRewriteChild()
        rewriteIfGrown()
        let ticksPerSecond = engine.config.hz
        if cronTicks % ticksPerSecond == 0 {
            aof?.everySecond()
            engine.peakMemory = max(engine.peakMemory, engine.hooks.usedMemory())
        }
    }

    // MARK: - Running and stopping

    func run() {
        uv_prepare_init(loop, prepare)
        uv_prepare_start(prepare, onBeforeSleep)
        uv_timer_init(loop, cronTimer)
        uv_timer_init(loop, blockingTimer)
        startCron()
        for signal in [SIGINT, SIGTERM] {
            let handle = UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)
            uv_signal_init(loop, handle)
            uv_signal_start(handle, onSignal, signal)
        }
        uv_run(loop, UV_RUN_DEFAULT)
        finishShutdown()
    }

    func signalReceived(_ signal: Int32) {
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        logger.warning("Received \(name) scheduling shutdown...")
        requestShutdown()
    }

    func requestShutdown() {
        shutdownRequested = true
        uv_stop(loop)
    }

    /// After the loop stopped: stop reading, let the AOF write in flight land,
    /// write and fsync the rest, close every handle, and free the loop.
    private func finishShutdown() {
        killRewriteChild()
        for conn in connections.values { conn.stopReading() }
        for listener in listeners {
            let handle = UnsafeMutableRawPointer(listener).assumingMemoryBound(to: uv_handle_t.self)
            if uv_is_closing(handle) == 0 { uv_close(handle, onHandleClosed) }
        }
        while let aof, !aof.isIdle, aof.writeInFlight || aof.syncInFlight {
            uv_run(loop, UV_RUN_ONCE)
        }
        if let aof {
            logger.notice("Calling fsync() on the AOF file.")
            aof.finishSynchronously()
            close(aof.fd)
        }
        uv_walk(loop, closeAnyHandle, nil)
        uv_run(loop, UV_RUN_DEFAULT)
        uv_loop_close(loop)
        logger.warning("Swirl is now ready to exit, bye bye...")
    }
}
