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
    /// The `unixsocket` listener, and its path (UnixSocketListener.swift).
    var unixListener: UnsafeMutablePointer<uv_pipe_t>? = nil
    var unixSocketPath = ""
    /// The pid file written at start, removed at a clean exit; nil when none was.
    var pidFilePath: String? = nil
    /// systemd or upstart, when they supervise us (Supervision.swift).
    var supervision: Supervision? = nil
    var processTitle: ProcessTitle? = nil
    lazy var oomScore = OOMScore(logger: logger)
    var connections: [Int: Connection] = [:]
    /// Connections with reply bytes to send before the loop sleeps.
    var pendingFlush: [Connection] = []
    var aof: AOFWriter?
    var aofManifest: AOFManifest?
    var maintenance = AOFMaintenanceState()
    var snapshotState = SnapshotState()
    var migrateSockets = MigrateSockets()
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
        engine.hooks.shutdown = { [unowned self] save in
            self.logger.warning("User requested shutdown...")
            guard self.prepareSnapshotForShutdown(save: save) else { return "ERR Errors trying to SHUTDOWN. Check logs." }
            self.requestShutdown()
            return nil
        }
        installSnapshotHooks()
        engine.hooks.migrateSocket = { [unowned self] host, port, timeout in
            self.migrateSockets.socket(host: host, port: port, timeout: timeout)
        }
        engine.hooks.closeMigrateSocket = { [unowned self] host, port in self.migrateSockets.close(host: host, port: port) }
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
        engine.hooks.keyspaceSnapshot = { [unowned self] in
            RDBWriter.file(self.engine.keyspace, options: self.rdbOptions, aux: self.rdbAux(aofBase: false), now: Keyspace.clockMilliseconds())
        }
        if !MemoryStats.installAllocatorHooks(engine) {
            logger.warning("WARNING: malloc is not counted (Sources/CAllocCounter): used_memory is the resident set size, read from /proc at every command while maxmemory is set.")
        }
        engine.applyParameter = { [unowned self] name in
            switch name {
            case "appendfsync": self.aof?.policyChanged(to: AOFWriter.policy(named: engine.config.appendFsync))
            case "loglevel": self.logger.level = Logger.Level(name: engine.config.logLevel)
            case "hz": self.startCron()
            case "appendonly": self.appendOnlyChanged()
            case "save", "stop-writes-on-bgsave-error": self.persistenceStatusChanged()
            case "port", "bind": return self.changeListeners(name)
            case "proc-title-template": self.updateProcessTitle()
            case "oom-score-adj-values":
                self.oomScore.warnIfUnprivilegedOrder(config: engine.config)
                if !self.oomScore.apply(config: engine.config) { return "Failed to set current oom_score_adj. Check server logs." }
            case "oom-score-adj":
                if !self.oomScore.apply(config: engine.config) { return "Failed to set current oom_score_adj. Check server logs." }
            default: break
            }
            return nil
        }
    }

    // MARK: - Connections

    /// A connection on a TCP listener or on the unix socket: both are served
    /// by the same Connection; only the facts CLIENT LIST shows differ.
    func accept(from listener: UnsafeMutablePointer<uv_stream_t>) {
        let isUnix = listener.pointee.type == UV_NAMED_PIPE
        let stream: UnsafeMutablePointer<uv_stream_t>
        if isUnix {
            let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
            uv_pipe_init(loop, pipe, 0)
            stream = UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_stream_t.self)
        } else {
            let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
            uv_tcp_init(loop, tcp)
            stream = UnsafeMutableRawPointer(tcp).assumingMemoryBound(to: uv_stream_t.self)
        }
        stream.pointee.data = nil
        let handle = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: uv_handle_t.self)
        guard uv_accept(listener, stream) == 0 else {
            uv_close(handle, onHandleClosed)
            return
        }
        adopt(stream, isUnix: isUnix)
    }

    /// A connected socket becomes a client (after the admission checks): from
    /// `accept`, or from a busy script's poll (Server+BusyScript.swift).
    func adopt(_ stream: UnsafeMutablePointer<uv_stream_t>, isUnix: Bool) {
        let handle = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: uv_handle_t.self)
        let tcp = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: uv_tcp_t.self)
        // A unix socket client is local, as Redis's islocalClient says.
        let isLocal = isUnix || Self.peerIsLocal(tcp)
        if let refusal = admissionRefusal(isLocal: isLocal) {
            refuse(stream, with: refusal)
            return
        }
        if !isUnix {
            uv_tcp_nodelay(tcp, 1)
            setKeepAlive(tcp, seconds: engine.config.tcpKeepAlive)
        }
        let client = engine.connect()
        client.isLocal = isLocal
        client.isUnixSocket = isUnix
        let limits = RequestDecoder.Limits(maxBulkLength: engine.config.protoMaxBulkLen)
        let conn = Connection(handle: stream, server: self, client: client, limits: limits)
        if isUnix {
            // Redis prints a socket client's both ends as the socket's path and port 0.
            client.address = "\(engine.config.unixSocket):0"
            client.localAddress = client.address
        } else {
            client.address = Self.address(of: tcp, peer: true)
            client.localAddress = Self.address(of: tcp, peer: false)
        }
        var fd = uv_os_fd_t()
        if uv_fileno(handle, &fd) == 0 { client.fd = Int(fd) }
        connections[client.id] = conn
        client.connectionObjectBytes = Connection.fixedBytes(conn)
        conn.noteMemory()
        stream.pointee.data = Unmanaged.passUnretained(conn).toOpaque()
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
        persistenceStatusChanged()
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
        snapshotCron()
        rewriteIfGrown()
        let ticksPerSecond = engine.config.hz
        if cronTicks % ticksPerSecond == 0 {
            checkOutputLimits()
            closeIdleClients()
            migrateSockets.closeIdle()
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
        uv_run(loop, UV_RUN_DEFAULT)
        finishShutdown()
    }

    /// SIGINT and SIGTERM schedule a clean shutdown from here on (Redis's
    /// setupSignalHandlers in initServer): caught before the server says it is
    /// ready, so a service manager's stop right after READY=1 is a clean one.
    /// A signal that comes before the loop runs waits for it.
    func catchShutdownSignals() {
        for signal in [SIGINT, SIGTERM] {
            let handle = UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)
            uv_signal_init(loop, handle)
            uv_signal_start(handle, onSignal, signal)
        }
    }

    func signalReceived(_ signal: Int32) {
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        logger.warning("Received \(name) scheduling shutdown...")
        // Redis's prepareForShutdown logs this for a signal as for SHUTDOWN.
        logger.warning("User requested shutdown...")
        guard prepareSnapshotForShutdown(save: nil) else {
            logger.warning("\(name) received but errors trying to shut down the server, check the logs for more information")
            return
        }
        requestShutdown()
    }

    /// The process title from `proc-title-template` (Redis's redisSetProcTitle).
    func updateProcessTitle() {
        processTitle?.update(config: engine.config, configFile: engine.configFilePath)
    }

    func requestShutdown() {
        shutdownRequested = true
        uv_stop(loop)
    }

    /// After the loop stopped: stop reading, let the AOF write in flight land,
    /// write and fsync the rest, close every handle, and free the loop.
    private func finishShutdown() {
        supervision?.stopping()
        killRewriteChild()
        killSaveChild()
        for conn in connections.values { conn.stopReading() }
        // Listeners close first, so nothing connects while the AOF drains.
        closeListeners()
        closeUnixListener()
        while let aof, !aof.isIdle, aof.writeInFlight || aof.syncInFlight {
            uv_run(loop, UV_RUN_ONCE)
        }
        if let aof {
            logger.notice("Calling fsync() on the AOF file.")
            aof.finishSynchronously()
            close(aof.fd)
        }
        if let pidFilePath {
            logger.notice("Removing the pid file.")
            unlink(pidFilePath)
        }
        uv_walk(loop, closeAnyHandle, nil)
        uv_run(loop, UV_RUN_DEFAULT)
        uv_loop_close(loop)
        logger.warning("Swirl is now ready to exit, bye bye...")
    }
}
