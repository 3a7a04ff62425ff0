import Commands
import Keyspace
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// When the AOF is rewritten (BGREWRITEAOF, `auto-aof-rewrite-percentage`,
/// `appendonly yes` at runtime) and switched off.
///
/// Both wait until no AOF write or fsync is in flight; a rewrite then runs
/// in a child process (AOFRewrite.swift), one at a time.
extension Server {
    func scheduleRewrite() -> String? {
        if maintenance.child != nil || maintenance.rewriteScheduled {
            return "ERR Background append only file rewriting already in progress"
        }
        maintenance.rewriteScheduled = true
        // Asked for by hand: the limit on repeated failures does not apply (Redis resets the count too).
        maintenance.consecutiveFailures = 0
        return nil
    }

    /// CONFIG SET appendonly: start or stop logging. Both take effect before
    /// the loop sleeps, so both can come in one iteration (pipelined, in MULTI).
    func appendOnlyChanged() {
        if engine.config.appendOnly {
            // Off, or being switched off by an `appendonly no` of this iteration: the file
            // being closed misses the writes since that `no` (nothing was propagated), so the
            // AOF starts again from a rewrite of the keyspace, as Redis's startAppendOnly.
            if aof == nil || maintenance.disableScheduled {
                maintenance.rewriteScheduled = true
                maintenance.enableScheduled = true
            }
        } else {
            if aof != nil {
                engine.propagating = false
                maintenance.disableScheduled = true
            }
            // A rewrite a `yes` of this iteration scheduled is of no use any more
            // (Redis's stopAppendOnly clears aof_rewrite_scheduled).
            if maintenance.enableScheduled {
                maintenance.rewriteScheduled = false
                maintenance.enableScheduled = false
            }
        }
    }

    /// Called before the loop sleeps; does the scheduled work once the AOF is quiet.
    func runScheduledMaintenance() {
        guard maintenance.rewriteScheduled || maintenance.disableScheduled else { return }
        if let aof, aof.writeInFlight || aof.syncInFlight { return }
        if maintenance.disableScheduled {
            maintenance.disableScheduled = false
            // As Redis: a rewrite in progress is of no use once the AOF is off.
            killRewriteChild()
            if let aof {
                // A failing disk loses what is still buffered, as Redis's stopAppendOnly does.
                if aof.finishSynchronously() { logger.notice("AOF switched off: the last writes are on disk") }
                close(aof.fd)
                self.aof = nil
                aofStatusChanged()  // no AOF, no refusal (Redis checks aof_state)
            }
        }
        if maintenance.rewriteScheduled && maintenance.child == nil
            && Keyspace.clockMicroseconds() >= maintenance.nextAttemptMicroseconds {
            maintenance.rewriteScheduled = false
            maintenance.enableScheduled = false
            startRewrite()
        }
    }

    /// Redis's automatic rewrite, checked by the cron: the AOF (base and
    /// incremental files) has grown by `auto-aof-rewrite-percentage` since the
    /// last rewrite or start, and is past `auto-aof-rewrite-min-size`.
    func rewriteIfGrown() {
        guard maintenance.child == nil, !maintenance.rewriteScheduled else { return }
        if maintenance.incrementalUnlisted {
            // `appendonly yes` whose first rewrite failed: the commands since are in a file
            // no manifest names yet, so the rewrite is tried again (once a second at most).
            if !rewriteLimited() { maintenance.rewriteScheduled = true }
            return
        }
        let percentage = engine.config.autoAOFRewritePercentage
        guard let aof, percentage > 0 else { return }
        let current = maintenance.otherFilesSize + aof.fileSize
        guard current > engine.config.autoAOFRewriteMinSize else { return }
        let growth = current * 100 / max(1, maintenance.baseSize) - 100
        guard growth >= percentage, !rewriteLimited() else { return }
        logger.notice("Starting automatic rewriting of AOF on \(growth)% growth")
        maintenance.rewriteScheduled = true
    }

    /// Redis's brake on automatic rewrites after three failures in a row: one
    /// minute, then twice as long after each further failure, up to an hour.
    private func rewriteLimited() -> Bool {
        guard maintenance.consecutiveFailures >= 3 else {
            maintenance.limitDelayMinutes = 0
            maintenance.limitedUntil = 0
            return false
        }
        let now = Keyspace.clockMicroseconds()
        if maintenance.limitedUntil != 0 {
            if now < maintenance.limitedUntil { return true }
            maintenance.limitedUntil = 0
            return false
        }
        maintenance.limitDelayMinutes = min(60, maintenance.limitDelayMinutes == 0 ? 1 : maintenance.limitDelayMinutes * 2)
        maintenance.limitedUntil = now + Int64(maintenance.limitDelayMinutes) * 60_000_000
        logger.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in \(maintenance.limitDelayMinutes) minutes")
        return true
    }

    /// INFO persistence's rewrite fields, whether or not the AOF is on.
    var rewriteInfoFields: [(String, String)] {
        let running = maintenance.child.map { Int((Keyspace.clockMicroseconds() - $0.startedMicroseconds) / 1_000_000) }
        return [
            ("aof_rewrite_in_progress", running == nil ? "0" : "1"),
            ("aof_rewrite_scheduled", maintenance.rewriteScheduled ? "1" : "0"),
            ("aof_last_rewrite_time_sec", "\(maintenance.lastRewriteSeconds)"),
            ("aof_current_rewrite_time_sec", "\(running ?? -1)"),
            ("aof_last_bgrewrite_status", maintenance.lastRewriteFailed ? "err" : "ok"),
            ("aof_rewrites", "\(maintenance.rewrites)"),
            ("aof_rewrites_consecutive_failures", "\(maintenance.consecutiveFailures)"),
            ("aof_last_cow_size", "\(maintenance.lastCopyOnWriteSize)"),
        ]
    }
}

/// What the AOF maintenance needs to remember between loop iterations.
struct AOFMaintenanceState {
    var rewriteScheduled = false
    var disableScheduled = false
    /// The scheduled rewrite is the one `appendonly yes` asked for (an `appendonly no` cancels it).
    var enableScheduled = false
    var child: RewriteChild? = nil
    var rewrites = 0
    var lastRewriteSeconds = -1
    var lastRewriteFailed = false
    /// What the last successful rewrite's child reported (INFO aof_last_cow_size).
    var lastCopyOnWriteSize = 0
    /// Bytes of the AOF's files other than the incremental file being appended to.
    var otherFilesSize = 0
    /// The AOF's size after the last rewrite or at start: growth is measured from it.
    var baseSize = 0
    /// True from `appendonly yes` at runtime until a rewrite lists its incremental file.
    var incrementalUnlisted = false
    /// After a failed rewrite, none starts before this instant.
    var nextAttemptMicroseconds: Int64 = 0
    var consecutiveFailures = 0
    /// `rewriteLimited`'s state: the current delay, and the instant automatic rewrites may resume.
    var limitDelayMinutes = 0
    var limitedUntil: Int64 = 0
}
