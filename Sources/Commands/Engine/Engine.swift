import Keyspace
import RESP
import SwirlBytes

/// The command engine: the keyspace, the command table, the configuration,
/// and the path every command takes (lookup, arity, run, count, propagate).
/// It is owned by the loop thread; nothing in it is synchronised.
/// (Package.swift turns dynamic exclusivity checks off for this reason.)
public final class Engine {
    public let keyspace: Keyspace
    public let config: Config
    public let table: CommandTable
    public var stats: ServerStats
    public var hooks = ServerHooks()
    /// Pub/sub subscriptions and message delivery (PubSubRegistry.swift).
    public let pubsub = PubSubRegistry()
    /// Clients blocked by BLPOP and the like, their deadlines (BlockingRegistry.swift).
    public let blocking = BlockingRegistry()
    /// Changes since start (Redis's `server.dirty`): a handler that changes data bumps it.
    public var dirty = 0
    /// `notify-keyspace-events`, parsed; empty (the default) unless some event can be published.
    public internal(set) var notifyClasses: NotifyClasses = []

    /// The AOF stream not yet handed to the writer, RESP-encoded; read it through
    /// `aofBuffer`, which first copies in the pending run of frames (Propagation.swift).
    var aofBytes: [UInt8] = []
    /// Stream offsets of client frames propagated but not yet copied into `aofBytes`:
    /// consecutive frames of one input batch, copied from `inputSource` in one go.
    var pendingFrames: Range<Int>? = nil
    /// The connection whose input runs now (`beginInput`), holding `pendingFrames`'
    /// bytes; `unowned(unsafe)`: it outlives the batch, which ends with a copy of them.
    unowned(unsafe) var inputSource: (any ReceivedFrames)? = nil
    /// Bytes ever propagated, pending frames included: a position in the AOF stream.
    public internal(set) var aofOffset = 0
    /// False while loading the AOF and when `appendonly no`.
    public var propagating = false
    /// While the AOF cannot be written: the MISCONF error that refuses writes (Engine+DiskError.swift).
    public var diskError: String? = nil
    /// RDB snapshots: their status, kept by the Server (SnapshotStatus.swift).
    public var snapshots = SnapshotStatus()
    /// True while the AOF is replayed: an expiry in the past is then stored, not applied,
    /// because the DEL that followed it is in the file too.
    public var loading: Bool {
        get { keyspace.loading }
        set { keyspace.loading = newValue }
    }
    var aofSelectedDB = -1
    /// While EXEC runs: the commands its transaction propagates, written at its end (TransactionState.swift).
    var transactionPropagation: [(db: Int, args: [Bytes])]? = nil

    /// DEBUG SET-ACTIVE-EXPIRE: whether the cron samples keys with a TTL.
    public var activeExpireEnabled = true
    /// The configuration file the server started with, for CONFIG REWRITE and INFO.
    public var configFilePath: String? = nil
    public var executablePath = ""
    /// INFO's `process_supervised`: `systemd` or `upstart` when one supervises us, else `no`.
    public var supervisedMode = "no"
    public var peakMemory = 0
    /// Allocated bytes before any data was loaded (INFO used_memory_startup).
    public var startupMemory = 0
    /// Redis's run_id: 40 random hex characters per start.
    public let runID: String = Engine.randomHex()
    /// INFO's master_replid: random per start, as Redis's (DEBUG CHANGE-REPL-ID draws a new one).
    var replicationID: String = Engine.randomHex()
    /// What DEBUG keeps between calls (DebugCommand.swift).
    var debugState = DebugState()
    /// `maxmemory`: the policy, the eviction pool, the counters (Engine+Eviction.swift).
    var eviction = EvictionState()
    /// Whether the last command found memory past `maxmemory` and could not evict
    /// (Redis's pre_command_oom_state): scripts refuse deny-oom commands then.
    var startedOutOfMemory = false
    /// Lua scripting: the interpreter, the script cache, the running script (Scripting/),
    /// made on first use.
    public var scripting: Scripting {
        if let scriptingState { return scriptingState }
        let made = Scripting(engine: self)
        scriptingState = made
        return made
    }
    /// The scripting state if a script or SCRIPT made it (INFO does not make it: its
    /// interpreter and objects would change used memory between two INFOs).
    private(set) var scriptingState: Scripting?
    /// Bytes the Lua interpreter holds, 0 before it exists (not made just to ask).
    var luaMemory: Int { scriptingState?.lua.memory ?? 0 }
    /// A script runs past busy-reply-threshold (one load per command while false).
    var scriptBusy = false
    /// `busy-reply-threshold`, cached: read by every script.
    private(set) var busyReplyThreshold = 5000
    /// `maxmemory-clients`: the clients' memory by bucket, the total (Engine+ClientEviction.swift).
    var clientEviction = ClientEvictionState()

    static func randomHex() -> String {
        (0..<40).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
    }
    /// What the Server does when CONFIG SET changed a parameter (listeners,
    /// the AOF, the cron …): nil, or Redis's error text when it could not.
    public var applyParameter: (String) -> String? = { _ in nil }

    public private(set) var clients: [Int: Client] = [:]
    /// MONITOR clients (Monitor.swift).
    var monitors: [Client] = []
    /// `stream-node-max-bytes` and `stream-node-max-entries`, read by every XADD.
    var streamNodeMaxBytes = 4096
    var streamNodeMaxEntries = 100
    /// Client-side caching: who read what, BCAST prefixes (Tracking.swift).
    let trackingTable = TrackingTable()
    /// The client whose command is running (NOLOOP, invalidations after its reply).
    /// `unowned(unsafe)`: only set while that client's command runs.
    /// Eviction clears it while it deletes keys (Engine+Eviction.swift): nobody's change.
    unowned(unsafe) var currentClient: Client?
    /// The running client while CLIENT REPLY OFF/SKIP silences its reply, so
    /// pushes appended meanwhile are remembered (`Client.pushed(from:)`).
    private(set) unowned(unsafe) var silencedClient: Client?
    /// CLIENT PAUSE in force, and the clients whose command waits for its end (ClientPause.swift).
    var clientPause: ClientPause?
    var postponedClients: [Client] = []
    /// SLOWLOG's entries and thresholds (SlowLog.swift).
    public let slowlog = SlowLog()
    /// LATENCY's event series (LatencyMonitor.swift).
    let latencyMonitor = LatencyMonitor()
    /// `latency-tracking`, cached: per-command histograms for INFO latencystats.
    private var latencyTracking = true
    /// Clients other than the one running a command that got output during it
    /// (monitors); the Server flushes them before sleeping.
    var clientsWithOutput: [Client] = []
    /// `client-output-buffer-limit` by `ClientClass`, and the unsent output
    /// below which none can be reached (Engine+OutputLimits.swift).
    var outputLimits = [OutputBufferLimit](repeating: .none, count: 3)
    public internal(set) var outputCheckThreshold = Int.max
    /// Clients past their output limit, for the Server to close.
    var clientsToClose: [Client] = []
    /// While a connection's input runs (`beginInput` … `endInput`), the clock read
    /// that ends one command also starts the next: one read per command, not two.
    private var clockCarry: Int64 = 0
    /// `client-query-buffer-limit`, checked after every read (a `Config` lookup by
    /// name cost about 2,000 instructions: a fifth of a request at `-P 1`).
    public private(set) var queryBufferLimit = 0
    /// Whether `requirepass` is set, read before every command a connection decodes.
    public private(set) var passwordRequired = false
    private var carriesClock = false
    private var nextClientID = 1
    /// DEBUG's id: `enable-debug-command` is checked before it runs.
    private let debugCommandID: Int

    public init(config: Config = Config()) {
        self.config = config
        self.keyspace = Keyspace(databaseCount: config.databases)
        self.stats = ServerStats(startTime: Keyspace.clockMilliseconds())
        let table = CommandTable(CommandFamilies.all(), renames: config.commandRenames)
        self.table = table
        // By its own name: a renamed DEBUG is still guarded by enable-debug-command.
        debugCommandID = table.lookupLoading(Bytes("debug")).map { table.spec(at: $0).id } ?? -1
        stats.commands = Array(repeating: CommandStat(), count: table.all.count)
        keyspace.onExpired = { [unowned self] db, key in
            self.notify(.expired, .expired, key, db: db)
            self.propagate(db: db, ["DEL", key])
        }
        keyspace.keyChangeObserver = { [unowned self] key in
            self.trackingTable.keyChanged(key, by: self.currentClient, clients: self.clients)
        }
        applyConfig()
    }

    /// Applies changed parameters (CONFIG SET's apply step, in their order):
    /// the first that fails, with its error, or nil.
    @discardableResult
    func applyConfig(_ names: [String]) -> (parameter: String, error: String)? {
        applyConfig()
        for name in names {
            if let error = applyParameter(name) { return (name, error) }
        }
        if names.contains("maxmemory") { maxmemoryChanged() }
        // As at start-up: a setting Swirl does not honour is named in the log.
        let ignored = config.ignoredSettings.filter(names.contains)
        if !ignored.isEmpty {
            hooks.logWarning("WARNING: accepted but not honoured by Swirl (see docs/CONFIG.md): " + ignored.joined(separator: ", "))
        }
        return nil
    }

    /// Copies the parameters read on the hot path out of the configuration
    /// (at start and after every CONFIG SET).
    private func applyConfig() {
        HashValue.maxCompactEntries = config.hashMaxListpackEntries
        HashValue.maxCompactValueLength = config.hashMaxListpackValue
        SetValue.maxIntsetEntries = config.setMaxIntsetEntries
        SortedSetValue.maxCompactEntries = config.zsetMaxListpackEntries
        SortedSetValue.maxCompactValueLength = config.zsetMaxListpackValue
        BitOffset.maxBytes = Int64(config.protoMaxBulkLen)
        HyperLogLog.sparseMaxBytes = config.hllSparseMaxBytes
        streamNodeMaxBytes = config.streamNodeMaxBytes
        streamNodeMaxEntries = config.streamNodeMaxEntries
        configureOutputLimits()
        slowlog.configure(config)
        keyspace.accessTracking = config.accessTracking
        latencyTracking = config.latencyTracking
        latencyMonitor.thresholdMilliseconds = config.latencyMonitorThreshold
        queryBufferLimit = config.clientQueryBufferLimit
        busyReplyThreshold = config.busyReplyThreshold
        passwordRequired = config.requiresPassword
        configureKeyspaceEvents()
        configureEviction()
        configureClientEviction()
    }

    // MARK: - Clients

    /// A client registered for CLIENT LIST and INFO (a connection).
    public func connect() -> Client {
        let client = makeClient()
        clients[client.id] = client
        client.isConnected = true
        noteClientMemory(client)
        stats.connectionsReceived += 1
        return client
    }

    public func disconnect(_ client: Client) {
        clients[client.id] = nil
        client.isConnected = false
        forgetMemory(of: client)
        pubsub.unsubscribeAll(client)
        blocking.remove(client)
        forgetPostponed(client)
        if client.isMonitor { monitors.removeAll { $0 === client } }
        stopTracking(client)
    }

    /// A client not listed anywhere (AOF loading, tests).
    public func makeClient() -> Client {
        defer { nextClientID += 1 }
        let client = Client(id: nextClientID, engine: self)
        // As in Redis: a connection made while the default user needs no password stays authenticated.
        client.authenticated = !config.requiresPassword
        return client
    }

    /// The counters of a command or `container|sub`, by name (INFO, tests).
    public func commandStat(_ fullName: String) -> CommandStat? {
        table.find(fullName: Bytes(fullName)).map { stats.commands[$0.id] }
    }

    // MARK: - Running commands

    /// Runs `client.args` and appends the reply to `client.reply`. `frame`, when
    /// given, holds the stream offsets of the command exactly as received in
    /// canonical RESP, in the `inputSource` of `beginInput` (see
    /// `RequestDecoder.lastCommandFrame`): the AOF copies those bytes instead of
    /// encoding `client.args` again.
    public func execute(_ client: Client, receivedAs frame: Range<Int>? = nil) {
        currentClient = client
        let replyStart = client.reply.count
        let silenced = client.replyMode != .on
        if silenced { silencedClient = client }
        dispatch(client, receivedAs: frame)
        if silenced { silencedClient = nil }
        if silenced || client.replyMode != .on { applyReplyMode(client, from: replyStart) }
        // Closed for its output limit during the command: what it answered after that is never sent.
        if client.closeASAP { client.reply.bytes.removeAll() }
        if keyspace.observingKeyChanges { trackingAfterCommand(client) }
        currentClient = nil
        // Its buffers after the command (Redis's update in processCommandAndResetClient).
        noteClientMemory(client)
    }

    /// When a command run from inside another (a script's) starts: the clock
    /// read that ended the previous one while a batch runs (as `dispatch` does).
    func nextCommandStart() -> Int64 {
        carriesClock && clockCarry != 0 ? clockCarry : Keyspace.clockMicroseconds()
    }

    /// A batch of commands from one connection starts: `source` holds their frames.
    public func beginInput(from source: any ReceivedFrames) {
        carriesClock = true
        inputSource = source
    }

    /// The batch ends: its frames are copied into the AOF buffer before the source's bytes can move.
    public func endInput() {
        carriesClock = false
        clockCarry = 0
        flushPendingFrames()
        inputSource = nil
    }

    /// What a connection's input batch holds in the engine, set aside while a
    /// busy script lets other connections run commands (Scripting+Busy.swift).
    public struct SuspendedInput {
        fileprivate let source: (any ReceivedFrames)?
        fileprivate let carriesClock: Bool
        fileprivate let clockCarry: Int64
        fileprivate let currentClient: Client?
    }

    /// Sets the running batch aside: its pending frames are copied first, so a
    /// nested batch cannot copy the wrong connection's bytes.
    public func suspendInput() -> SuspendedInput {
        flushPendingFrames()
        let suspended = SuspendedInput(source: inputSource, carriesClock: carriesClock, clockCarry: clockCarry,
                                       currentClient: currentClient)
        inputSource = nil
        carriesClock = false
        clockCarry = 0
        return suspended
    }

    public func resumeInput(_ suspended: SuspendedInput) {
        flushPendingFrames()
        inputSource = suspended.source
        carriesClock = suspended.carriesClock
        clockCarry = suspended.clockCarry
        currentClient = suspended.currentClient
    }

    private func dispatch(_ client: Client, receivedAs frame: Range<Int>?) {
        let args = client.args
        guard !args.isEmpty else { return }
        // One clock read gives both the command's instant (Redis caches mstime per call) and its start.
        let started = clockCarry != 0 ? clockCarry : Keyspace.clockMicroseconds()
        keyspace.now = started / 1000
        client.lastInteraction = keyspace.now
        // While loading, commands are found by their own names too (CommandTable.lookupLoading).
        guard let top = loading ? table.lookupLoading(args[0]) : table.lookup(args[0]) else {
            client.lastCommandID = -1
            let message = Errors.unknownCommand(args)
            hooks.logVerbose("\(message) (client id=\(client.id) addr=\(client.address))")
            reject(client, message)
            return
        }
        var spec = table.spec(at: top)
        if spec.isContainer && args.count >= 2 {
            guard let sub = table.subcommand(of: top, named: args[1]) else {
                client.lastCommandID = -1
                reject(client, Errors.unknownSubcommand(args[1], container: spec.name))
                return
            }
            spec = sub
        }
        // Redis's `lastcmd`: set before any check, so CLIENT LIST/INFO show themselves
        // and EXEC stays the last command of a transaction.
        client.lastCommandID = spec.id
        if (spec.arity > 0 && args.count != spec.arity) || args.count < -spec.arity {
            stats.commands[spec.id].rejectedCalls += 1
            reject(client, Errors.wrongArity(spec.fullName), command: spec)
            return
        }
        if spec.id == debugCommandID, let refusal = DebugCommand.refusal(client) {
            reject(client, refusal, command: spec)
            return
        }
        // As in Redis: unknown command and arity errors come before the authentication check.
        if !client.authenticated && !spec.flags.contains(.noAuth) && passwordRequired {
            reject(client, "NOAUTH Authentication required.", command: spec)
            return
        }
        // Redis's processCommand: clients over `maxmemory-clients` go before any
        // command runs, perhaps this one's (which then does not run).
        if clientsOverMemoryLimit {
            evictClients()
            if client.closeASAP { return }
        }
        // Redis's order: after authentication (and a no-multi command refused inside
        // MULTI), before anything else. One comparison while maxmemory is 0.
        if eviction.limit > 0 && !(client.transaction != nil && spec.flags.contains(.noMulti))
            && refusedForMemory(spec, client) {
            return
        }
        if diskError != nil && refusedForDiskError(spec, client) { return }
        if client.isMonitor && MonitorCommand.refuses(spec) {
            stats.commands[spec.id].rejectedCalls += 1
            reject(client, MonitorCommand.keyspaceRefusal, command: spec)
            return
        }
        if client.subscriptions != nil && refusedWhileSubscribed(spec, client) { return }
        if clientPause != nil && pausePostpones(spec, client) {
            postpone(client)
            return
        }
        // A script past busy-reply-threshold: only allow-busy commands and SHUTDOWN NOSAVE run (Redis's order).
        if scriptBusy && refusedWhileScriptBusy(spec, client) { return }
        if client.transaction != nil && queueIfInTransaction(spec, client) { return }
        call(spec, client, started: started, frame: frame)
        // Lists (sorted sets …) that blocked clients wait for got values: serve them
        // now, after the whole command (a whole EXEC), as Redis's handleClientsBlockedOnKeys.
        if keyspace.hasReadyKeys { serveReadyKeys() }
    }

    /// Runs a resolved command: the handler, then stats and propagation.
    /// A command that blocks counts as a call now, as in Redis 7.0; its
    /// completion adds its time and, if it failed, the failure (BlockedClients.swift).
    func call(_ spec: CommandSpec, _ client: Client, started: Int64, frame: Range<Int>? = nil) {
        let dirtyBefore = dirty
        let replyStart = client.reply.count
        client.propagationOverride = nil
        // Set before the handler, as Redis sets c->lastcmd (CLIENT LIST shows the running
        // command, a blocked client its blocking one), and after it for EXEC, whose commands set it.
        client.lastCommandID = spec.id
        spec.handler(client)
        client.lastCommandID = spec.id
        stats.commandsProcessed += 1
        stats.commands[spec.id].calls += 1
        finishCall(spec, client, started: started, replyStart: replyStart, dirtyBefore: dirtyBefore, frame: frame)
    }

    /// What follows a handler, or the `completion` of a blocked command: its time,
    /// an error reply counted, and what it changed propagated. As in Redis 7.0, a
    /// command that blocked reaches the slow log and the latency figures when it
    /// completes, and MONITOR when it was called.
    func finishCall(_ spec: CommandSpec, _ client: Client, started: Int64, replyStart: Int, dirtyBefore: Int,
                    frame: Range<Int>? = nil, completion: Bool = false) {
        let finished = Keyspace.clockMicroseconds()
        if carriesClock { clockCarry = finished }
        // Redis checks the limit as a reply grows; after each command (each one
        // in EXEC, which still runs whole) is as soon as anyone could tell.
        if client.reply.count + client.pendingOutputLength >= outputCheckThreshold && client.replyMode == .on {
            enforceOutputLimit(client)
        }
        let elapsed = finished - started
        stats.commands[spec.id].microseconds += elapsed
        if client.reply.count > replyStart && client.reply.bytes[replyStart] == UInt8(ascii: "-") {
            stats.commands[spec.id].failedCalls += 1
            if !client.errorAlreadyCounted { stats.recordError(client.reply.bytes[replyStart...]) }
        }
        client.errorAlreadyCounted = false
        // A script's reads are tracked for its caller; EVAL_RO's own keys are not (Redis's call()).
        if keyspace.observingKeyChanges {
            let tracked = client.scriptCaller ?? client
            if let state = tracked.tracking, !state.broadcast, spec.flags.contains(.readonly),
               client.scriptCaller != nil || spec.group != "scripting" {
                trackingTable.remember(keys(of: spec, client.args), of: tracked)
            }
        }
        if completion || !client.isBlocked {
            if slowlog.threshold >= 0 && elapsed >= slowlog.threshold {
                slowlog.record(spec, client, microseconds: elapsed, now: keyspace.now)
            }
            if latencyTracking { recordLatency(spec, microseconds: elapsed) }
            if latencyMonitor.thresholdMilliseconds > 0 { monitorLatency(spec, microseconds: elapsed) }
        }
        if !monitors.isEmpty && !loading && !completion {
            MonitorCommand.feed(spec, client, monitors: monitors, now: Keyspace.clockMicroseconds())
        }
        if client.loggedArgs != nil { client.loggedArgs = nil }

        if dirty != dirtyBefore {
            if let override = client.propagationOverride {
                // Several commands for one (SPOP with a count) go in MULTI/EXEC, as Redis 7.0
                // does; inside EXEC the transaction's own wrapping covers them.
                let wrap = override.count > 1 && transactionPropagation == nil
                if wrap { propagate(db: client.dbIndex, ["MULTI"]) }
                for command in override { propagate(db: client.dbIndex, command) }
                if wrap { propagate(db: client.dbIndex, ["EXEC"]) }
            } else {
                propagate(db: client.dbIndex, client.args, receivedAs: frame)
            }
            if propagating { client.aofWaitOffset = aofOffset }
        }
    }

    private func recordLatency(_ spec: CommandSpec, microseconds: Int64) {
        stats.latency.record(id: spec.id, microseconds: microseconds)
    }

    private func monitorLatency(_ spec: CommandSpec, microseconds: Int64) {
        guard microseconds / 1000 >= latencyMonitor.thresholdMilliseconds else { return }
        latencyMonitor.add(spec.flags.contains(.fast) ? "fast-command" : "command",
                           milliseconds: Int(microseconds / 1000), at: keyspace.now / 1000)
    }

    /// Refuses a command before it runs (inside MULTI this dooms the transaction).
    func reject(_ client: Client, _ message: ErrorText, command: CommandSpec? = nil) {
        let message = transactionRejection(client, message, command: command)
        client.reply.error(message)
        stats.recordError(client.reply.bytes[(client.reply.count - message.bytes.count - 3)...])
    }

    func reject(_ client: Client, _ message: String, command: CommandSpec? = nil) {
        reject(client, ErrorText(message), command: command)
    }
}
