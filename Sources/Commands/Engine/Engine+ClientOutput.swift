import Keyspace
import RESP
import SwirlBytes

/// The engine's per-client output and caching bookkeeping: client-side
/// caching (start, stop, flush, after each command), CLIENT REPLY, BCAST
/// invalidations before sleeping, and the clients that got output from
/// another client's command (monitors, subscribers of tracking messages).
extension Engine {
    func startTracking(_ client: Client, _ settings: TrackingState, newPrefixes: [Bytes]) {
        trackingTable.enable(client, settings, newPrefixes: newPrefixes)
        keyspace.observingKeyChanges = true
    }

    func stopTracking(_ client: Client) {
        trackingTable.disable(client)
        keyspace.observingKeyChanges = trackingTable.trackingClients > 0
    }

    /// FLUSHDB/FLUSHALL: every tracking client drops its whole cache.
    func trackingFlushed(by client: Client) {
        if trackingTable.trackingClients > 0 { trackingTable.flushed(by: client, clients: clients) }
    }

    /// What runs before the loop sleeps: BCAST invalidations.
    public func beforeSleep() {
        if clientPause != nil { endPauseIfDue() }
        if trackingTable.totalPrefixes > 0 { trackingTable.broadcast(clients: clients) }
    }

    /// After each command of a tracking client: invalidations its own writes
    /// caused, and the end of a CLIENT CACHING that applied to one command
    /// (or to a whole transaction; any CLIENT subcommand keeps it, as in Redis).
    func trackingAfterCommand(_ client: Client) {
        trackingTable.commandFinished(client, clients: clients)
        guard let state = client.tracking, state.cachingGiven, client.transaction == nil else { return }
        if client.lastCommandID < 0 || !table.all[client.lastCommandID].fullName.hasPrefix("client|") {
            state.cachingGiven = false
        }
    }

    /// CLIENT REPLY: OFF drops what the command answered; SKIP drops the next
    /// command's answer (the SKIP itself answers nothing). Pushes appended
    /// meanwhile (subscribe confirmations, messages, invalidations) stay, as
    /// Redis 7.0 sends them whatever the reply mode.
    func applyReplyMode(_ client: Client, from start: Int) {
        defer { client.pushedRanges.removeAll() }
        switch client.replyMode {
        case .on: return
        case .off, .skipping:
            if client.reply.count > start {
                var kept: [UInt8] = []
                for range in client.pushedRanges { kept.append(contentsOf: client.reply.bytes[range]) }
                client.reply.bytes.replaceSubrange(start..., with: kept)
            }
            if client.replyMode == .skipping { client.replyMode = .on }
        case .skipNext:
            client.replyMode = .skipping
        }
    }

    /// The keys a command names, for tracking.
    func keys(of spec: CommandSpec, _ args: [Bytes]) -> [Bytes] {
        let positions = spec.keyFinder.map { $0(args) ?? [] } ?? Array(spec.keys.indexes(argumentCount: args.count))
        return positions.map { args[$0] }
    }

    /// Queues `client` for a flush after the current command (output it got
    /// from another client's command).
    func noteOutput(_ client: Client) {
        noteClientMemory(client)
        guard !client.queuedForOutput else { return }
        client.queuedForOutput = true
        clientsWithOutput.append(client)
    }

    /// The clients `noteOutput` queued since the last call.
    public func takeClientsWithOutput() -> [Client] {
        guard !clientsWithOutput.isEmpty else { return [] }
        let taken = clientsWithOutput
        clientsWithOutput.removeAll(keepingCapacity: true)
        for client in taken { client.queuedForOutput = false }
        return taken
    }
}
