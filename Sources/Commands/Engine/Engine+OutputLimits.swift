import Keyspace
import RESP

/// The class of clients a `client-output-buffer-limit` entry applies to
/// (Redis's getClientType; its master class counts as normal, as there).
public enum ClientClass: Int, Sendable {
    case normal = 0, replica = 1, pubsub = 2

    /// The class's name in `client-output-buffer-limit`.
    var configName: String { ["normal", "slave", "pubsub"][rawValue] }
}

extension Client {
    /// Redis keeps the first 16 KB of a client's unsent output in a buffer of
    /// the client's own (PROTO_REPLY_CHUNK_BYTES); neither CLIENT LIST's `omem`
    /// nor the output limits count it. Swirl has one buffer and splits it the
    /// same way, so a limit closes a client at the size Redis would.
    public static let fixedReplyBufferBytes = 16 * 1024

    /// Redis's getClientType: a replica (a monitor never is, though Redis
    /// marks monitors as replicas too), else a subscriber, else normal.
    public var outputClass: ClientClass {
        if isReplica && !isMonitor { return .replica }
        return subscriptions != nil ? .pubsub : .normal
    }

    /// For loops that can build a huge reply (KEYS and the negative counts of
    /// SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, where Redis checks
    /// CLIENT_CLOSE_ASAP): true once the output limit closed the client, so
    /// the loop stops instead of growing a reply nobody will receive.
    @inline(__always)
    public func outputLimitReached() -> Bool {
        if reply.count + pendingOutputLength >= engine.outputCheckThreshold { engine.enforceOutputLimit(self) }
        return closeASAP
    }
}

extension Engine {
    /// Reads `client-output-buffer-limit` (at start and after CONFIG SET).
    func configureOutputLimits() {
        outputLimits = [ClientClass.normal, .replica, .pubsub].map { config.outputBufferLimit($0.configName) }
        // Below this much unsent output no class's limit can be reached: the
        // check after each command is one comparison.
        let smallest = outputLimits.flatMap { [$0.hard, $0.soft] }.filter { $0 > 0 }.min()
        outputCheckThreshold = smallest.map { Int(clamping: $0).addingReportingOverflow(Client.fixedReplyBufferBytes) }
            .map { $0.overflow ? Int.max : $0.partialValue } ?? Int.max
    }

    /// The limit that applies to `client` now (its class can change: SUBSCRIBE).
    public func outputLimit(of client: Client) -> OutputBufferLimit { outputLimits[client.outputClass.rawValue] }

    /// The client's output not yet sent: its reply buffer and what still sits
    /// in the socket's write queue.
    public func unsentOutput(_ client: Client) -> Int {
        client.reply.count + (client.pendingOutputLength > 0 ? hooks.queuedOutputBytes(client.id) : 0)
    }

    /// The part of the unsent output that Redis would hold in its reply list
    /// (CLIENT LIST's `omem`): what the limits are compared with.
    public func limitedOutput(_ client: Client) -> Int {
        max(0, unsentOutput(client) - Client.fixedReplyBufferBytes)
    }

    /// Redis's closeClientOnOutputBufferLimitReached: when the client's output
    /// passed its class's hard limit, or stayed past the soft one for longer
    /// than its seconds, it is marked `closeASAP` (it receives nothing more,
    /// its commands stop, what it had pending is dropped) and listed for the
    /// Server to close before the loop sleeps. `closing` says the caller
    /// closes it at once (the cron), which changes only the log line.
    @discardableResult
    public func enforceOutputLimit(_ client: Client, closing: Bool = false) -> Bool {
        guard !client.closeASAP else { return false }
        let used = limitedOutput(client)
        let clientClass = client.outputClass
        // Redis checks nothing while its reply list is empty (replicas aside).
        guard used > 0 || clientClass == .replica else { return false }
        let limit = outputLimits[clientClass.rawValue]
        guard limit.exceeded(used: used, softSince: &client.softLimitSince, now: Keyspace.clockMilliseconds()) else {
            return false
        }
        let info = String(decoding: ClientCommands.describe(client, now: keyspace.now), as: UTF8.self)
        hooks.logWarning(closing ? "Client \(info) closed for overcoming of output buffer limits."
                                 : "Client \(info) scheduled to be closed ASAP for overcoming of output buffer limits.")
        client.closeASAP = true
        client.reply.bytes = []  // never sent: freed now, not when the socket closes
        noteClientMemory(client)  // no longer counted: the output limit closes it before client eviction could
        clientsToClose.append(client)
        return true
    }

    /// The clients `enforceOutputLimit` marked since the last call: the Server closes them.
    public func takeClientsToClose() -> [Client] {
        guard !clientsToClose.isEmpty else { return [] }
        defer { clientsToClose.removeAll() }
        return clientsToClose
    }
}
