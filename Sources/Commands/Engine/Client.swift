import Keyspace
import RESP
import SwirlBytes

/// A client's command state, independent of sockets: what a handler reads
/// (its arguments, its database) and writes (its reply). The Server layer
/// owns one per connection; tests and `CommandReplay` make their own.
public final class Client {
    public let id: Int
    /// `unowned(unsafe)`: the engine outlives every client, and a checked
    /// unowned reference costs a retain/release pair on every use.
    public unowned(unsafe) let engine: Engine
    /// The command being run, name first.
    public var args: [Bytes] = []
    public var reply = ReplyBuffer()
    public private(set) var db: Database
    public var name: Bytes? = nil
    /// Set by QUIT and protocol errors: the connection closes once the reply is written.
    public var closeAfterReply = false
    /// Set when the client passed its output limit: the Server closes it without sending what is pending.
    public var closeASAP = false
    /// When its output first stayed past its soft limit (ms), 0 when under it (Engine+OutputLimits.swift).
    var softLimitSince: Int64 = 0
    /// A replica's connection (the `replica` output limit class); set by replication.
    public var isReplica = false
    /// Whether AUTH (or HELLO AUTH) succeeded; only consulted when `requirepass` is set.
    public var authenticated = false
    /// Replies may not leave before the AOF holds this many bytes (`appendfsync always`).
    public var aofWaitOffset = 0

    // Connection facts for CLIENT LIST/INFO, filled in by the Server layer.
    public var address = ""
    public var localAddress = ""
    /// Connected from 127.0.0.1 or ::1 (Redis's islocalClient), for `enable-debug-command local`
    /// and the like; in-process clients (tests, the AOF) count as local, as Redis's unix sockets.
    public var isLocal = true
    /// Connected through the unix socket (`U` in CLIENT LIST's flags; always local, as in Redis).
    public var isUnixSocket = false
    public var fd = -1
    public let createdAt: Int64
    public var lastInteraction: Int64
    /// The last command run, as a `CommandSpec.id` (a name would cost a retain per command).
    public var lastCommandID = -1
    public var queryBufferLength = 0
    public var queryBufferFree = 0
    public var pendingOutputLength = 0

    /// CLIENT TRACKING settings; nil while tracking is off (Tracking.swift).
    var tracking: TrackingState? = nil
    /// CLIENT REPLY: `.off` and `.skipping` drop the client's replies.
    public enum ReplyMode { case on, off, skipNext, skipping }
    public var replyMode = ReplyMode.on
    /// Pushes (pub/sub, tracking) appended while the client's own reply is
    /// silenced: they reach it anyway, as with Redis's CLIENT_PUSHING.
    var pushedRanges: [Range<Int>] = []
    /// CLIENT NO-EVICT (`e` in CLIENT LIST): `maxmemory-clients` never evicts it.
    var noEvict = false
    /// Listed in the engine as a connection (`Engine.connect` until `disconnect`):
    /// only those count against `maxmemory-clients`.
    public internal(set) var isConnected = false
    /// What the Server's side of this client holds, for `memoryUsage`
    /// (Client+Memory.swift): the connection's objects (set once at accept),
    /// and its decoder's buffer and frame in progress (kept current by the connection).
    public var connectionObjectBytes = 0
    public var inputBufferBytes = 0
    /// Client eviction's record (Engine+ClientEviction.swift): the memory last
    /// counted in the total, and the bucket and slot it sits in (-1: none).
    var recordedMemory = 0
    var memoryBucket = -1
    var memoryBucketSlot = 0
    /// The command a CLIENT PAUSE holds back (ClientPause.swift).
    var postponedArgs: [Bytes]? = nil
    /// Whether MONITOR made this client a monitor (for good, as in Redis).
    public internal(set) var isMonitor = false
    /// Whether it waits in `Engine.takeClientsWithOutput`'s list.
    var queuedForOutput = false

    /// The error reply of the current command was already counted in the error
    /// statistics (a script's error raised by a command it ran: Redis's
    /// ERR_REPLY_FLAG_NO_STATS_UPDATE); `finishCall` clears it.
    var errorAlreadyCounted = false
    /// The client scripts run their commands as (Scripting.swift): it never blocks.
    var isScriptClient = false
    /// While it runs a script's command: the client that called the script
    /// (tracking remembers the keys it reads for that client, as Redis's script_caller).
    unowned(unsafe) var scriptCaller: Client? = nil

    /// What the AOF logs for the current command, when not the command as typed.
    var propagationOverride: [[Bytes]]? = nil
    /// The current command with secrets redacted, for SLOWLOG and MONITOR (CommandRedaction.swift).
    var loggedArgs: [Bytes]? = nil

    /// The MULTI block being queued; nil outside MULTI (TransactionState.swift).
    var transaction: QueuedTransaction? = nil
    /// The keys this client WATCHes; created by its first WATCH.
    var watcher: KeyWatcher? = nil
    /// Its pub/sub subscriptions; nil when it has none (not in pub/sub mode).
    var subscriptions: ClientSubscriptions? = nil
    /// What it is blocked on (BLPOP …); nil when not blocked (BlockedClients.swift).
    var blocked: BlockedState? = nil

    init(id: Int, engine: Engine) {
        self.id = id
        self.engine = engine
        self.db = engine.keyspace[0]
        self.createdAt = engine.keyspace.now
        self.lastInteraction = engine.keyspace.now
    }

    public var dbIndex: Int { db.id }
    public var protocolVersion: Int { reply.protocolVersion }

    public func select(_ index: Int) {
        db = engine.keyspace[index]
    }

    /// Logs `args` to the AOF instead of the command as typed (Redis's
    /// rewriteClientCommandVector); several calls log several commands.
    public func propagate(as args: [Bytes]) {
        if propagationOverride == nil { propagationOverride = [] }
        propagationOverride!.append(args)
    }

    /// Logs nothing for this command even though it changed data.
    public func propagateNothing() {
        propagationOverride = []
    }

    // MARK: - Argument helpers: each replies with Redis's error and returns nil on bad input.

    /// The integer at `index`, or nil after replying `message`.
    public func integer(at index: Int, error message: String = Errors.notInteger) -> Int64? {
        guard let value = ByteNumbers.parseInt64(args[index]) else {
            reply.error(message)
            return nil
        }
        return value
    }

    public func double(at index: Int) -> Double? {
        guard let value = ByteNumbers.parseDouble(args[index]) else {
            reply.error(Errors.notFloat)
            return nil
        }
        return value
    }

    /// A count in -LONG_MAX...LONG_MAX (SRANDMEMBER, ZRANDMEMBER), with Redis's errors.
    public func signedCount(at index: Int) -> Int64? {
        guard let value = integer(at: index) else { return nil }
        guard value != Int64.min else {
            reply.error(Errors.countOutOfRange)
            return nil
        }
        return value
    }

    /// A count of 0 or more (Redis's getPositiveLongFromObjectOrReply), or nil after replying `message`.
    public func nonNegativeCount(at index: Int, error message: String = Errors.notPositiveCount) -> Int? {
        guard let value = ByteNumbers.parseInt64(args[index]), value >= 0 else {
            reply.error(message)
            return nil
        }
        return Int(value)
    }

    /// True when the argument equals `word`, ignoring ASCII case.
    public func argument(_ index: Int, is word: StaticString) -> Bool {
        Text.equalsIgnoringCase(args[index], word)
    }

    public func wrongType() { reply.error(Errors.wrongType) }

    /// Call after appending a push frame that began at `start`: CLIENT REPLY
    /// OFF/SKIP drops the command's reply but keeps the push.
    @inline(__always)
    func pushed(from start: Int) {
        if engine.silencedClient === self { pushedRanges.append(start..<reply.count) }
    }
}
