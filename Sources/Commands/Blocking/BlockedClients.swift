import Keyspace
import RESP
import SwirlBytes

/// How blocking commands run: served at once, blocked, served when a key gets
/// a value, timed out or unblocked by CLIENT UNBLOCK. The queues are in the
/// keyspace (BlockingKeys.swift), the blocked clients in `Engine.blocking`.
extension Client {
    /// True from the moment a command blocks until it completed (also while it is being served).
    public var isBlocked: Bool { blocked != nil || postponedArgs != nil }

    /// Serves `serve` with the first of `keys` that holds a value of `type`, in
    /// argument order (a missing key is skipped; another type met first answers
    /// WRONGTYPE). True when it replied, false when no key holds anything.
    /// LMPOP and the non-blocking path of every blocking command go through here.
    public func serveFirst(of keys: [Bytes], type: String,
                           _ serve: (_ client: Client, _ key: Bytes, _ value: RedisValue) -> Void) -> Bool {
        for key in keys {
            // Redis's lookupKeyWrite: no keyspace hit or miss counted.
            guard let value = db.lookup(key) else { continue }
            guard value.typeName == type else {
                wrongType()
                return true
            }
            serve(self, key, value)
            return true
        }
        return false
    }

    /// A blocking command's whole path: served at once like its non-blocking form
    /// when a key holds a value; otherwise the client blocks, unless it may not
    /// (inside MULTI or while the AOF loads), which answers `emptyReply` at once.
    public func serveOrBlock(_ request: BlockingRequest) {
        if serveFirst(of: request.keys, type: request.type, request.serve) { return }
        block(request)
    }

    /// Blocks on `request.keys` (a command that found nothing to serve), or
    /// answers `emptyReply` when it may not block (MULTI, loading).
    func block(_ request: BlockingRequest) {
        // lastCommandID is the running command (Engine.call sets it first); a handler run any other way cannot block.
        if inTransaction || engine.loading || lastCommandID < 0 || isScriptClient {
            request.emptyReply(self)
            return
        }
        engine.blocking.block(self, request, spec: engine.table.all[lastCommandID])
    }
}

/// The timeout argument of the blocking commands: seconds as a long double,
/// rounded up to milliseconds, as Redis 7.0 reads it.
public enum BlockingTimeout {
    /// The deadline in Unix milliseconds (0 for none) from the argument at `index`,
    /// or nil after replying Redis's error.
    public static func deadline(_ c: Client, at index: Int) -> Int64? {
        guard let seconds = ByteNumbers.parseLongDouble(c.args[index]) else {
            c.reply.error(Errors.timeoutNotFloat)
            return nil
        }
        let milliseconds = (seconds * 1000).rounded(.up)
        // Past Int64 (and infinity) Redis's conversion gives LLONG_MIN on x86: negative too.
        guard milliseconds >= 0, milliseconds < 9_223_372_036_854_775_808 else {
            c.reply.error(Errors.timeoutNegative)
            return nil
        }
        let timeout = Int64(milliseconds)
        if timeout == 0 { return 0 }
        // Redis's sum wraps past Int64 and then never fires: saturating is the same wait.
        let (sum, overflow) = c.engine.keyspace.now.addingReportingOverflow(timeout)
        return overflow ? Int64.max : sum
    }
}

extension Engine {
    /// Serves the clients blocked on keys that got values (Redis's
    /// handleClientsBlockedOnKeys): per key, its clients in the order they
    /// blocked, while the key holds a value of the type each waits for. A
    /// served BLMOVE's push can make another key ready: served in the next round.
    public func serveReadyKeys() {
        while keyspace.hasReadyKeys {
            for (db, key) in keyspace.takeReadyKeys() {
                db.clearReady(key)
                keyspace.refreshClock()
                for id in db.blockedClients(on: key) {
                    guard let client = blocking.clients[id], let state = client.blocked else { continue }
                    let value = db.lookup(key)
                    if let attempt = state.request.attempt {
                        // Streams: served, failed (the group or key went) or left waiting.
                        if let body = attempt(client, key, value) { complete(client) { body(client) } }
                        continue
                    }
                    guard let value, value.typeName == state.request.type else { continue }
                    complete(client) { state.request.serve(client, key, value) }
                }
            }
        }
    }

    /// Answers the blocked clients whose deadline passed (null, as Redis's timeout reply).
    public func expireBlockedClients() {
        guard blocking.timeoutCount > 0 else { return }
        keyspace.refreshClock()
        for client in blocking.takeExpired(now: keyspace.now) {
            guard let request = client.blocked?.request else { continue }
            complete(client) { request.timeoutReply(client) }
        }
    }

    /// CLIENT UNBLOCK: answers a blocked client as a timeout, or with the UNBLOCKED
    /// error. False when no client of that id is blocked.
    func unblock(clientID: Int, withError: Bool) -> Bool {
        guard let client = blocking.clients[clientID], let request = client.blocked?.request else { return false }
        // Redis 7.0.15 counts the command failed either way.
        complete(client, failed: true) {
            if withError {
                client.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
            } else {
                request.timeoutReply(client)
            }
        }
        return true
    }

    /// Ends a blocked command: out of every queue, then `body` runs as the command
    /// would (the blocked arguments in `client.args`), and its time, an error
    /// reply and what it changed are counted and propagated as `call` does. The
    /// call itself was counted when the command blocked, as Redis 7.0 counts it.
    private func complete(_ client: Client, failed: Bool = false, _ body: () -> Void) {
        guard let state = blocking.dequeue(client) else { return }
        let savedArgs = client.args
        client.args = state.args
        let started = Keyspace.clockMicroseconds()
        let dirtyBefore = dirty
        let replyStart = client.reply.count
        client.propagationOverride = nil
        body()
        let failedBefore = stats.commands[state.spec.id].failedCalls
        finishCall(state.spec, client, started: started, replyStart: replyStart, dirtyBefore: dirtyBefore, completion: true)
        if failed && stats.commands[state.spec.id].failedCalls == failedBefore {
            stats.commands[state.spec.id].failedCalls += 1
        }
        client.args = savedArgs
        blocking.finished(client)
    }
}
