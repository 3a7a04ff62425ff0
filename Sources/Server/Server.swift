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
    /// An empty query buffer larger than this is freed after its batch (a read is at most 64 KB).
    static let idleInputBufferBytes = 256 * 1024

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
    /// Runs once per loop iteration while eviction goes on past a command's
    /// time budget (Redis's evictionTimeProc); an idle handle, not a 0 ms timer,
    /// so the loop still polls for I/O between two steps.
    private let evictionIdle = UnsafeMutablePointer<uv_idle_t>.allocate(capacity: 1)
    private var evictionIdleActive = false

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
        engine.hooks.queuedOutputBytes = { [unowned self] id in
            self.connections[id].map { uv_stream_get_write_queue_size($0.stream) } ?? 0
        }
        engine.hooks.logVerbose = { [unowned self] message in self.logger.verbose(message) }
        engine.hooks.logWarning = { [unowned self] message in self.logger.warning(message) }
        engine.hooks.scriptBusyPoll = { [unowned self] caller in self.pollWhileScriptBusy(caller: caller) }
        engine.hooks.log = { [unowned self] level, message in
            self.logger.log([.debug, .verbose, .notice, .warning][min(max(level, 0), 3)], message)
        }
        engine.hooks.logNotice = { [unowned self] message in self.logger.notice(message) }
        engine.hooks.keyspaceSnapshot = { [unowned self] in AOFRewriter.snapshot(self.engine.keyspace) }
        if !MemoryStats.installAllocatorHooks(engine) {
            logger.warning("WARNING: malloc is not counted (Sources/CAllocCounter): used_memory is the resident set size, read from /proc at every command while maxmemory is set.")
        }
        engine.applyParameter = { [unowned self] name in
            switch name {
            case "appendfsync": self.aof?.policyChanged(to: AOFWriter.policy(named: engine.config.appendFsync))
            case "loglevel": self.logger.level = Logger.Level(name: engine.config.logLevel)
            case "hz": self.startCron()
            case "appendonly": self.appendOnlyChanged()
            case "port", "bind": return self.changeListeners(name)
            default: break
            }
            return nil
        }
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
        adopt(handle)
    }

    /// A connected socket's handle becomes a client (after the admission checks).
    func adopt(_ handle: UnsafeMutablePointer<uv_tcp_t>) {
        let stream = UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_stream_t.self)
        let isLocal = Self.peerIsLocal(handle)
        if let refusal = admissionRefusal(isLocal: isLocal) {
            refuse(handle, with: refusal)
            return
        }
        uv_tcp_nodelay(handle, 1)
        setKeepAlive(handle, seconds: engine.config.tcpKeepAlive)
        let client = engine.connect()
        client.isLocal = isLocal
        let limits = RequestDecoder.Limits(maxBulkLength: engine.config.protoMaxBulkLen)
        let conn = Connection(handle: handle, server: self, client: client, limits: limits)
        client.address = Self.address(of: handle, peer: true)
        client.localAddress = Self.address(of: handle, peer: false)
        var fd = uv_os_fd_t()
        if uv_fileno(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), &fd) == 0 { client.fd = Int(fd) }
        connections[client.id] = conn
        client.connectionObjectBytes = Connection.fixedBytes(conn)
        conn.noteMemory()
        handle.pointee.data = Unmanaged.passUnretained(conn).toOpaque()
        uv_read_start(stream, onAllocate, onRead)
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
        // A large request's buffer is not kept once it is consumed (the batch is over).
        if conn.decoder.releaseIfIdle(above: Server.idleInputBufferBytes) { conn.noteMemory() }
        scheduleFlush(conn)
    }

    func scheduleFlush(_ conn: Connection) {
        if !conn.queuedForFlush {
            conn.queuedForFlush = true
            pendingFlush.append(conn)
        }
    }

    /// The close callback: libuv is done with the handle (the engine forgot the client in `close`).
    func forget(_ conn: Connection) {
        connections[conn.client.id] = nil
    }

    // MARK: - Before sleep

    /// Redis's beforeSleep: AOF first, then replies (held under `always`
    /// until their commands are on disk).
    func beforeSleep() {
        engine.expireBlockedClients()
        closeClientsOverLimits()
        resumeUnblockedClients()
        runScheduledMaintenance()
        engine.beforeSleep()
        if engine.evictionContinues && !evictionIdleActive {
            evictionIdleActive = true
            uv_idle_start(evictionIdle, onEvictionIdle)
        }
        aof?.flush()
        flushPublishedMessages()
        flushWaitingReplies()
        // Last, as Redis's beforeSleep: after the replies are written, what still
        // holds memory is what the clients do not read.
        engine.evictClients()
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

    /// Schedules a flush for every client PUBLISH (or another client's command)
    /// gave output to; one past its output limit is closed by its flush.
    func flushPublishedMessages() {
        for client in engine.takeClientsWithOutput() {
            guard let conn = connections[client.id], !conn.closing else { continue }
            scheduleFlush(conn)
        }
        for client in engine.pubsub.takeReceivers() {
            guard let conn = connections[client.id], !conn.closing else { continue }
            scheduleFlush(conn)
        }
        closeClientsOverLimits()
    }

    /// Closes the clients the engine found past their output limit (Redis's
    /// freeClientsInAsyncFreeQueue), without sending what they had pending.
    func closeClientsOverLimits() {
        for client in engine.takeClientsToClose() { connections[client.id]?.close() }
    }

    /// Redis's clientsCron check: a client whose output stayed past its soft
    /// limit gets no new output to notice it by, so once a second every client
    /// with unsent output is checked, and closed at once if it is over.
    func checkOutputLimits() {
        for conn in connections.values where !conn.closing && conn.client.reply.count + conn.client.pendingOutputLength > 0 {
            if engine.enforceOutputLimit(conn.client, closing: true) { conn.close() }
        }
    }

    /// `timeout`: clients idle for longer are closed (Engine.idleTimedOut says which).
    func closeIdleClients() {
        guard engine.config.idleTimeout > 0 else { return }
        let now = Keyspace.clockMilliseconds()
        for conn in connections.values where !conn.closing && engine.idleTimedOut(conn.client, nowMilliseconds: now) {
            logger.verbose("Closing idle client")
            conn.close()
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

    /// One step of eviction from the loop; the idle handle stops once it is done.
    func evictionStep() {
        if engine.continueEviction() { return }
        evictionIdleActive = false
        uv_idle_stop(evictionIdle)
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
            checkOutputLimits()
            closeIdleClients()
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
        uv_idle_init(loop, evictionIdle)
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
        closeListeners()
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
