import Keyspace
import RESP
import SwirlBytes

/// One client's CLIENT TRACKING settings; nil on the client while tracking is off.
final class TrackingState {
    /// The client invalidations go to; 0 for the client itself.
    var redirect = 0
    var broadcast = false
    var optIn = false
    var optOut = false
    var noLoop = false
    /// Set when the redirect target was gone at the last invalidation.
    var brokenRedirect = false
    /// CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command.
    var cachingGiven = false
    /// BCAST prefixes, in the order given (TRACKINGINFO sorts them).
    var prefixes: [Bytes] = []
}

/// Server-assisted client-side caching (Redis's tracking.c, rebuilt):
///
/// - Default mode: every key a tracking client reads (read-only commands'
///   keys) remembers the client's id; the next change to the key sends each
///   of them one `invalidate` message and forgets them. Keys are not per
///   database, as in Redis.
/// - BCAST mode: changed keys that start with a client's prefixes are
///   collected and sent once per prefix and client before the server sleeps,
///   sorted and without duplicates.
/// - A message to the client whose own command changed the key waits until
///   that command's reply is written; NOLOOP drops it.
/// - RESP3 clients get a push frame; with REDIRECT, a RESP2 target gets a
///   `__redis__:invalidate` pub/sub message if it is in pub/sub mode.
/// - FLUSHDB/FLUSHALL send every tracking client one `invalidate` with a null.
final class TrackingTable {
    /// Key → the ids of the clients that read it (default mode).
    private var readers = ByteTable<[Int]>()
    /// Prefix → the BCAST clients on it and the keys changed under it since
    /// the last broadcast (key → id of the client that changed it, 0 if none).
    private var prefixes: [Bytes: (clients: [Int], changed: [Bytes: Int])] = [:]
    /// Invalidations for the client running the current command, sent after its reply.
    private var afterReply: [[UInt8]?] = []
    private(set) var trackingClients = 0

    var totalKeys: Int { readers.count }
    var totalItems: Int {
        var items = 0
        readers.forEach { _, ids in items += ids.count }
        return items
    }
    var totalPrefixes: Int { prefixes.count }

    // MARK: - Turning tracking on and off

    func enable(_ client: Client, _ settings: TrackingState, newPrefixes: [Bytes]) {
        if client.tracking == nil { trackingClients += 1 }
        let state = client.tracking ?? settings
        if state !== settings {
            state.redirect = settings.redirect
            state.optIn = settings.optIn
            state.optOut = settings.optOut
            state.noLoop = settings.noLoop
            state.brokenRedirect = false
        }
        client.tracking = state
        guard settings.broadcast else { return }
        state.broadcast = true
        let added = newPrefixes.isEmpty && state.prefixes.isEmpty ? [Bytes()] : newPrefixes
        for prefix in added where !state.prefixes.contains(prefix) {
            state.prefixes.append(prefix)
            prefixes[prefix, default: ([], [:])].clients.append(client.id)
        }
    }

    func disable(_ client: Client) {
        guard let state = client.tracking else { return }
        for prefix in state.prefixes {
            prefixes[prefix]?.clients.removeAll { $0 == client.id }
            if prefixes[prefix]?.clients.isEmpty == true { prefixes[prefix] = nil }
        }
        client.tracking = nil
        trackingClients -= 1
    }

    // MARK: - Reads and changes

    /// After a read-only command of a default-mode tracking client.
    func remember(_ keys: [Bytes], of client: Client) {
        guard let state = client.tracking, !state.broadcast else { return }
        if (state.optIn && !state.cachingGiven) || (state.optOut && state.cachingGiven) { return }
        for key in keys {
            var ids = readers[key] ?? []
            if !ids.contains(client.id) {
                ids.append(client.id)
                _ = readers.set(key, ids)
            }
        }
    }

    /// A key changed, by `current`'s command (nil for expiry in the cron).
    func keyChanged(_ key: Bytes, by current: Client?, clients: [Int: Client]) {
        if !prefixes.isEmpty {
            for prefix in prefixes.keys.filter({ key.starts(with: $0) }) {
                prefixes[prefix]!.changed[key] = current?.id ?? 0
            }
        }
        guard let ids = readers.remove(key) else { return }
        for id in ids {
            guard let target = clients[id], let state = target.tracking, !state.broadcast else { continue }
            if target === current {
                if !state.noLoop { afterReply.append(Self.keyArray([key])) }
            } else {
                send(Self.keyArray([key]), to: target, clients: clients)
            }
        }
    }

    /// FLUSHDB/FLUSHALL: everything any client cached is gone.
    func flushed(by current: Client?, clients: [Int: Client]) {
        readers.removeAll()
        for target in clients.values where target.tracking != nil {
            if target === current { afterReply.append(nil) } else { send(nil, to: target, clients: clients) }
        }
    }

    /// After the current command's reply: its own invalidations.
    func commandFinished(_ client: Client, clients: [Int: Client]) {
        guard !afterReply.isEmpty else { return }
        let pending = afterReply
        afterReply.removeAll()
        for keys in pending where client.tracking != nil { send(keys, to: client, clients: clients) }
    }

    /// Before sleeping: one message per BCAST prefix and client with the keys changed under it.
    func broadcast(clients: [Int: Client]) {
        for prefix in prefixes.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let entry = prefixes[prefix], !entry.changed.isEmpty else { continue }
            prefixes[prefix]!.changed = [:]
            let sorted = entry.changed.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            for id in entry.clients {
                guard let target = clients[id], let state = target.tracking else { continue }
                let keys = state.noLoop ? sorted.filter { $0.value != id }.map(\.key) : sorted.map(\.key)
                if !keys.isEmpty { send(Self.keyArray(keys), to: target, clients: clients) }
            }
        }
    }

    // MARK: - Messages

    private static func keyArray(_ keys: [Bytes]) -> [UInt8] {
        var buffer = ReplyBuffer()
        buffer.array(keys.count)
        for key in keys { buffer.bulk(key) }
        return buffer.take()
    }

    static let channel = Bytes("__redis__:invalidate")

    /// Sends `invalidate` with `keys` (an encoded array; nil for a flush's null)
    /// to `client` or its redirect target.
    private func send(_ keys: [UInt8]?, to client: Client, clients: [Int: Client]) {
        guard let state = client.tracking else { return }
        var target = client
        if state.redirect != 0 {
            guard let redirected = clients[state.redirect] else {
                state.brokenRedirect = true
                if client.reply.isRESP3 {
                    client.reply.push(2)
                    client.reply.bulk("tracking-redir-broken")
                    client.reply.integer(state.redirect)
                    client.engine.noteOutput(client)
                }
                return
            }
            target = redirected
        }
        if target.reply.isRESP3 {
            target.reply.push(2)
            target.reply.bulk("invalidate")
        } else if target !== client && target.subscriptions != nil {
            target.reply.array(3)
            target.reply.bulk("message")
            target.reply.bulk(Self.channel)
        } else {
            return  // RESP2 has no way to say it on the client's own connection
        }
        if let keys {
            target.reply.raw(keys)
        } else {
            // The null of the tracking client's protocol, as Redis sends it.
            target.reply.raw(client.reply.isRESP3 ? Array("_\r\n".utf8) : Array("$-1\r\n".utf8))
        }
        client.engine.noteOutput(target)
    }
}
