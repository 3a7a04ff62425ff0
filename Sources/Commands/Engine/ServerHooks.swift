import Keyspace
import RESP
import SwirlBytes

/// What the Server layer does on the engine's behalf.
public struct ServerHooks {
    /// SHUTDOWN: the server flushes the AOF and stops its loop. Returns an error text on refusal.
    public var shutdown: (_ save: Bool?) -> String? = { _ in "ERR shutdown is not available here" }
    /// The TCP port actually listened on, for INFO.
    public var tcpPort: () -> Int = { 0 }
    /// AOF facts for INFO persistence.
    public var aofInfo: () -> [(String, String)] = { [] }
    /// Verbose-level log lines (unknown commands, as Redis logs them).
    public var logVerbose: (String) -> Void = { _ in }
    /// SAVE: writes dump.rdb now; false when it failed (the log says why).
    public var save: () -> Bool = { false }
    /// BGSAVE: starts the child (true) or says why not (false, the log says why).
    public var backgroundSave: () -> Bool = { false }
    /// Whether a child process runs (an AOF rewrite or a BGSAVE): BGSAVE then waits.
    public var childActive: () -> Bool = { false }
    /// MIGRATE: a connection to host:port, cached between calls; nil when it cannot connect in time.
    public var migrateSocket: (_ host: String, _ port: Int, _ timeoutMilliseconds: Int) -> MigrateSocket? = { _, _, _ in nil }
    /// MIGRATE: drops the cached connection to host:port (after a socket error).
    public var closeMigrateSocket: (_ host: String, _ port: Int) -> Void = { _, _ in }
    /// BGREWRITEAOF: schedules a rewrite; returns an error text on refusal.
    public var rewriteAOF: () -> String? = { "ERR AOF rewriting is not available here" }
    /// CLIENT KILL: closes the connection of the client with this id.
    public var closeClient: (Int) -> Void = { _ in }
    /// Bytes a client's socket has still to send (of a write already handed to it).
    public var queuedOutputBytes: (Int) -> Int = { _ in 0 }
    /// Bytes the allocator has handed out (INFO used_memory); read before every command
    /// while `maxmemory` is set, so it must be cheap (Server/AllocatorStats.swift: a counter).
    public var usedMemory: () -> Int = { MemoryStats.residentBytes() }
    /// Notice-level log lines (an evicted client).
    public var logNotice: (String) -> Void = { _ in }
    /// Warning-level log lines (DEBUG LOG, DEBUG RELOAD).
    public var logWarning: (String) -> Void = { _ in }
    /// A log line at a Redis level (0 debug, 1 verbose, 2 notice, 3 warning): `redis.log`.
    public var log: (Int, String) -> Void = { _, _ in }
    /// Called from a busy script's count hook (Scripting+Busy.swift): serve the
    /// other clients once (Server+BusyScript.swift); the argument is the script's caller.
    public var scriptBusyPoll: (Client) -> Void = { _ in }
    /// DEBUG RELOAD: the whole keyspace as an RDB file (RDBWriter, with the server's options).
    public var keyspaceSnapshot: (() -> [UInt8])? = nil
    /// MEMORY STATS: bytes the allocator holds from the system, free chunks included (0 when unknown).
    public var allocatorActive: () -> Int = { 0 }
    /// MEMORY MALLOC-STATS: the allocator's own report.
    public var allocatorReport: () -> String = { "Stats not supported for the current allocator" }
    /// MEMORY PURGE: give free memory back to the system.
    public var purgeMemory: () -> Void = {}
    public init() {}
}
