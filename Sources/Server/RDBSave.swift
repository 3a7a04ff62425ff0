import Commands
import Keyspace
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// A running BGSAVE child.
struct SaveChild {
    let pid: pid_t
    let startedSeconds: Int64
    /// `server.dirty` when it forked: changes after that still count once it is done.
    let dirtyBefore: Int
    /// The read end of the pipe on which the child reports its copy-on-write size (-1 without one).
    let report: Int32

    static func temporaryName(_ pid: pid_t) -> String { "temp-\(pid).rdb" }
}

/// What the Server keeps of snapshots beside `Engine.snapshots`.
struct SnapshotState {
    var child: SaveChild? = nil
    /// Unix seconds of the last BGSAVE attempt: after a failure, the next waits 5 seconds.
    var lastTrySeconds: Int64 = 0
}

/// SAVE, BGSAVE, save points and the save at shutdown, as Redis 7.0's rdb.c
/// and serverCron: one child at a time (a BGSAVE waits for the AOF rewrite
/// child and the other way round), `dbfilename` replaced only by a rename of
/// a complete, synced file, and writes refused with MISCONF after a failed
/// BGSAVE while save points exist and `stop-writes-on-bgsave-error` is on.
extension Server {
    static let bgsaveRetrySeconds: Int64 = 5
    static let bgsaveError = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
        + "Commands that may modify the data set are disabled, because this instance is configured to report errors during "
        + "writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."

    var childActive: Bool { maintenance.child != nil || snapshotState.child != nil }

    func installSnapshotHooks() {
        engine.hooks.save = { [unowned self] in self.saveInForeground() }
        engine.hooks.backgroundSave = { [unowned self] in self.startBackgroundSave() }
        engine.hooks.childActive = { [unowned self] in self.childActive }
    }

    /// The MISCONF refusal in force: a failed BGSAVE first, else the AOF's.
    func persistenceStatusChanged() {
        let config = engine.config
        if config.stopWritesOnBgsaveError && !config.savePoints.isEmpty && !engine.snapshots.lastBackgroundSaveOK {
            engine.diskError = Self.bgsaveError
        } else {
            engine.diskError = aof?.refusal
        }
    }

    private static func nowSeconds() -> Int64 { Keyspace.clockMilliseconds() / 1000 }

    /// SAVE and the save at shutdown: `temp-<pid>.rdb` written in the loop, then renamed.
    func saveInForeground() -> Bool {
        let temporary = SaveChild.temporaryName(getpid())
        guard writeRDB(to: temporary, parent: nil) else { return false }
        guard adopt(temporary) else { return false }
        logger.notice("DB saved on disk")
        engine.dirty = 0
        engine.stats.lastSave = Self.nowSeconds()
        engine.snapshots.lastBackgroundSaveOK = true
        persistenceStatusChanged()
        return true
    }

    /// Renames a complete snapshot to `dbfilename` and syncs the directory.
    private func adopt(_ temporary: String) -> Bool {
        let name = engine.config.dbFileName
        guard rename(temporary, name) == 0 else {
            logger.warning("Error moving temp DB file \(temporary) on the final destination \(name) "
                           + "(in server root dir \(Self.workingDirectory())): \(FileIO.errorText())")
            unlink(temporary)
            return false
        }
        FileIO.syncDirectory(".")
        return true
    }

    /// BGSAVE: forks the child; false (logged) when that fails.
    func startBackgroundSave() -> Bool {
        guard !childActive else { return false }
        engine.snapshots.saves += 1
        snapshotState.lastTrySeconds = Self.nowSeconds()
        var report: [Int32] = [-1, -1]
        if pipe(&report) != 0 { report = [-1, -1] }
        let parent = getpid()
        let forkStarted = Keyspace.clockMicroseconds()
        let pid = fork()
        if pid == 0 { runSaveChild(parent: parent, report: report[1]) }
        if report[1] >= 0 {
            close(report[1])
            _ = fcntl(report[0], F_SETFL, O_NONBLOCK)
        }
        guard pid > 0 else {
            if report[0] >= 0 { close(report[0]) }
            engine.snapshots.lastBackgroundSaveOK = false
            logger.warning("Can't save in background: fork: \(FileIO.errorText())")
            persistenceStatusChanged()
            return false
        }
        engine.stats.latestForkMicroseconds = Keyspace.clockMicroseconds() - forkStarted
        engine.stats.totalForks += 1
        logger.notice("Background saving started by pid \(pid)")
        snapshotState.child = SaveChild(pid: pid, startedSeconds: Self.nowSeconds(), dirtyBefore: engine.dirty, report: report[0])
        engine.snapshots.backgroundSaveStarted = Self.nowSeconds()
        return true
    }

    /// Called by the cron: collects a finished child, then starts a scheduled
    /// BGSAVE or one a save point asks for.
    func snapshotCron() {
        reapSaveChild()
        guard !childActive else { return }
        let now = Self.nowSeconds()
        let mayTry = engine.snapshots.lastBackgroundSaveOK || now - snapshotState.lastTrySeconds > Self.bgsaveRetrySeconds
        guard mayTry else { return }
        if engine.snapshots.backgroundSaveScheduled {
            engine.snapshots.backgroundSaveScheduled = false
            _ = startBackgroundSave()
            return
        }
        for point in engine.config.savePoints
        where Int64(engine.dirty) >= point.changes && now - engine.stats.lastSave > point.seconds {
            logger.notice("\(point.changes) changes in \(point.seconds) seconds. Saving...")
            _ = startBackgroundSave()
            return
        }
    }

    private func reapSaveChild() {
        guard let child = snapshotState.child else { return }
        var status: Int32 = 0
        let result = waitpid(child.pid, &status, WNOHANG)
        guard result == child.pid || (result < 0 && errno == ECHILD) else { return }
        finish(child, status: result == child.pid ? status : 1 << 8)
    }

    /// Redis's backgroundSaveDoneHandlerDisk, plus the rename the child leaves to us.
    private func finish(_ child: SaveChild, status: Int32) {
        snapshotState.child = nil
        engine.snapshots.backgroundSaveStarted = nil
        let signal = status & 0x7f
        let temporary = SaveChild.temporaryName(child.pid)
        if signal == 0 && (status >> 8) & 0xff == 0 && adopt(temporary) {
            logger.notice("Background saving terminated with success")
            engine.dirty -= child.dirtyBefore
            engine.stats.lastSave = Self.nowSeconds()
            engine.snapshots.lastBackgroundSaveOK = true
            var value: Int64 = 0
            if child.report >= 0, withUnsafeMutableBytes(of: &value, { read(child.report, $0.baseAddress, $0.count) }) == 8 {
                engine.snapshots.lastCopyOnWriteSize = Int(value)
            }
        } else if signal == 0 {
            logger.warning("Background saving error")
            engine.snapshots.lastBackgroundSaveOK = false
        } else {
            logger.warning("Background saving terminated by signal \(signal)")
            // SIGUSR1 is how a child is stopped without it counting as an error, as in Redis.
            if signal != SIGUSR1 { engine.snapshots.lastBackgroundSaveOK = false }
        }
        unlink(temporary)
        if child.report >= 0 { close(child.report) }
        engine.snapshots.lastBackgroundSaveSeconds = Int(Self.nowSeconds() - child.startedSeconds)
        persistenceStatusChanged()
    }

    /// Stops a running BGSAVE (shutdown) and removes what it wrote.
    func killSaveChild() {
        guard let child = snapshotState.child else { return }
        kill(child.pid, SIGUSR1)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        snapshotState.child = nil
        engine.snapshots.backgroundSaveStarted = nil
        unlink(SaveChild.temporaryName(child.pid))
        if child.report >= 0 { close(child.report) }
    }

    /// Redis's prepareForShutdown for snapshots: a running BGSAVE is killed, and
    /// the dataset saved when asked (SAVE) or by default while save points
    /// exist (not with NOSAVE). False when that save failed: no exit then.
    func prepareSnapshotForShutdown(save: Bool?) -> Bool {
        if snapshotState.child != nil {
            logger.warning("There is a child saving an .rdb. Killing it!")
            killSaveChild()
        }
        guard save ?? !engine.config.savePoints.isEmpty else { return true }
        logger.notice("Saving the final RDB snapshot before exiting.")
        guard saveInForeground() else {
            logger.warning("Error trying to save the DB, can't exit.")
            return false
        }
        return true
    }
}
