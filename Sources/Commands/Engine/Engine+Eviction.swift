import Keyspace
import SwirlBytes

/// `maxmemory`, as Redis 7.0's evict.c: before each command the server frees
/// memory by evicting keys under `maxmemory-policy`; a command flagged
/// deny-oom is refused only when nothing more can be freed.
struct EvictionState {
    var evictor = Evictor()
    var policy = EvictionPolicy.noEviction
    /// `maxmemory`; 0 turns all of this off (one comparison per command).
    var limit = 0
    var samples = 5
    /// `maxmemory-eviction-tenacity`, as a time budget per eviction cycle.
    var timeLimitMicroseconds: Int64 = 500
    /// Eviction goes on from the loop (Redis's evictionTimeProc) after a cycle ran out of time.
    var continuing = false
    /// INFO evicted_keys.
    var evictedKeys = 0
    /// Since when memory has been over the limit (monotonic µs), and the total of past such periods.
    var exceededSince: Int64? = nil
    var totalExceededMicroseconds: Int64 = 0

    /// Redis's evictionTimeLimitUs: 50 µs per step up to tenacity 10, then 15%
    /// more per step (about 2 minutes at 99), unlimited at 100.
    static func timeLimit(tenacity: Int) -> Int64 {
        if tenacity <= 10 { return 50 * Int64(max(0, tenacity)) }
        if tenacity < 100 {
            var limit = 500.0
            for _ in 10..<tenacity { limit *= 1.15 }
            return Int64(limit)
        }
        return Int64.max
    }
}

enum EvictionResult { case ok, continuing, failed }

public extension Engine {
    /// True while eviction must go on from the loop: the Server calls `continueEviction` every iteration.
    var evictionContinues: Bool { eviction.continuing }

    /// One step of Redis's evictionTimeProc; false once memory is under the limit or nothing is left.
    func continueEviction() -> Bool {
        keyspace.refreshClock()
        if performEvictions() == .continuing { return true }
        eviction.continuing = false
        return false
    }

    /// INFO evicted_keys, total_eviction_exceeded_time and current_eviction_exceeded_time (ms).
    var evictionInfo: (evictedKeys: Int, totalExceededMilliseconds: Int64, currentExceededMilliseconds: Int64) {
        let current = eviction.exceededSince.map { Keyspace.clockMicroseconds() - $0 } ?? 0
        return (eviction.evictedKeys, (eviction.totalExceededMicroseconds + current) / 1000, current / 1000)
    }

    /// CONFIG RESETSTAT: evicted_keys and the time over the limit start again (as Redis's resetServerStats).
    func resetEvictionStats() {
        eviction.evictedKeys = 0
        clientEviction.evictedClients = 0
        eviction.totalExceededMicroseconds = 0
        eviction.exceededSince = nil
    }

    /// Allocator bytes not counted against `maxmemory` (INFO mem_not_counted_for_evict): the AOF
    /// buffer, as in Redis, and the key tables' spare entry storage (`ByteTable.spareBytes`).
    /// Also the Lua interpreter's heap: Redis's used_memory leaves Lua out (its own
    /// allocator), so a script's garbage, or the interpreter made by the first
    /// EVAL or INFO, never evicts keys there either.
    var memoryNotCountedForEviction: Int { aofBytes.capacity + keyspace.spareTableBytes + luaMemory }
}

extension Engine {
    func configureEviction() {
        eviction.limit = config.maxmemory
        eviction.policy = EvictionPolicy(rawValue: config.maxmemoryPolicy) ?? .noEviction
        eviction.samples = config.maxmemorySamples
        eviction.timeLimitMicroseconds = EvictionState.timeLimit(tenacity: config.maxmemoryEvictionTenacity)
        eviction.evictor.pool.removeAll()
    }

    /// CONFIG SET maxmemory below what is used: Redis warns and starts evicting from the loop.
    func maxmemoryChanged() {
        guard eviction.limit > 0, memoryToFree() != nil else { return }
        hooks.logWarning("WARNING: the new maxmemory value set via CONFIG SET (\(eviction.limit)) is smaller than the current memory usage (\(hooks.usedMemory())). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.")
        eviction.continuing = true
    }

    /// Called by `dispatch` when `maxmemory` is set, after the authentication
    /// check (Redis's processCommand): evicts what it can, then refuses a
    /// deny-oom command, an EXEC that queued one, or anything queued inside
    /// MULTI but EXEC, DISCARD, QUIT and RESET, if memory is still over.
    func refusedForMemory(_ spec: CommandSpec, _ client: Client) -> Bool {
        startedOutOfMemory = performEvictions() == .failed
        guard startedOutOfMemory else { return false }
        var refuse = spec.flags.contains(.denyOOM)
            || (spec.group == "scripting" && scripting.deniedWhenOutOfMemory(spec, client.args))
        if let transaction = client.transaction {
            if spec.name == "exec" {
                refuse = refuse || transaction.commands.contains { $0.spec.flags.contains(.denyOOM) }
            } else if !["discard", "quit", "reset"].contains(spec.name) {
                refuse = true
            }
        }
        guard refuse else { return false }
        stats.commands[spec.id].rejectedCalls += 1
        reject(client, Errors.outOfMemory, command: spec)
        return true
    }

    /// Bytes to free to be back under `maxmemory`, nil when under it (Redis's getMaxmemoryState).
    func memoryToFree() -> Int? {
        let reported = hooks.usedMemory()
        guard reported > eviction.limit else { return nil }
        let counted = reported - memoryNotCountedForEviction
        return counted > eviction.limit ? counted - eviction.limit : nil
    }

    /// Redis's performEvictions: evicts until the bytes to free are freed, a
    /// cycle's time is up (eviction then goes on from the loop), or nothing is
    /// evictable. Freed bytes are measured around each deletion, as Redis does.
    func performEvictions() -> EvictionResult {
        // Nothing changes while the AOF loads or clients are paused (Redis's isSafeToPerformEvictions).
        if keyspace.loading || keyspace.expiryPaused { return .ok }
        let result = evictUntilUnderLimit()
        switch result {
        case .ok:
            if let since = eviction.exceededSince {
                eviction.totalExceededMicroseconds += Keyspace.clockMicroseconds() - since
                eviction.exceededSince = nil
            }
        case .continuing, .failed:
            if eviction.exceededSince == nil { eviction.exceededSince = Keyspace.clockMicroseconds() }
        }
        return result
    }

    private func evictUntilUnderLimit() -> EvictionResult {
        guard let toFree = memoryToFree() else { return .ok }
        if eviction.policy == .noEviction { return .failed }
        let started = Keyspace.clockMicroseconds()
        var freed = 0, evicted = 0
        // An eviction is nobody's change: tracking clients, the running one included, hear of it at once.
        let running = currentClient
        currentClient = nil
        defer { currentClient = running }
        while freed < toFree {
            // Freed bytes are measured around the deletion, as Redis measures zmalloc_used_memory()
            // around dbSyncDelete; the table's spare room counts as freed (see memoryNotCountedForEviction).
            let before = hooks.usedMemory() - keyspace.spareTableBytes
            let outcome = eviction.evictor.evictOne(from: keyspace, policy: eviction.policy, samples: eviction.samples)
            switch outcome {
            case .nothingEvictable:
                return .failed
            case .notFoundYet:
                if Keyspace.clockMicroseconds() - started > eviction.timeLimitMicroseconds {
                    eviction.continuing = true
                    return .continuing
                }
            case .evicted(let db, let key):
                freed += before - (hooks.usedMemory() - keyspace.spareTableBytes)
                evicted += 1
                eviction.evictedKeys += 1
                notify(.evicted, .evicted, key, db: db)
                propagate(db: db, ["DEL", key])
                // As Redis: the clock is read every 16 keys.
                if evicted % 16 == 0 && Keyspace.clockMicroseconds() - started > eviction.timeLimitMicroseconds {
                    eviction.continuing = true
                    return .continuing
                }
            }
        }
        return eviction.continuing ? .continuing : .ok
    }
}
