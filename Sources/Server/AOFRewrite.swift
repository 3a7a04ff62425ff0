import Commands
import Keyspace
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// BGREWRITEAOF in a child process, as Redis 7.0 does it.
///
/// At the start, on the loop thread: what the old incremental file still
/// lacks is written and synced, a new incremental file is opened for the
/// commands that follow, and the manifest lists it after the old files (so
/// a crash during the rewrite loses nothing). Then `fork`: the child holds
/// the keyspace as it was at that instant (copy-on-write pages) and writes it
/// as the new base file, while the parent keeps serving and appending to the
/// new incremental file. When the cron reaps the child, the manifest becomes
/// the new base and the new incremental file, and the old files go.
///
/// The child runs no libuv code and never returns into the loop
/// (AOFRewriteChild.swift). It writes Redis's temporary names in the server's
/// directory, of its own pid: `temp-rewriteaof-<pid>.aof` while writing,
/// renamed `temp-rewriteaof-bg-<pid>.aof` once complete and synced. Only the
/// parent, after reaping a successful child, moves that file into the AOF
/// directory as the new base: a child whose server died (it is killed with
/// it) can never replace a file a restarted server owns.
struct RewriteChild {
    let pid: pid_t
    let baseEntry: AOFManifest.Entry
    /// The incremental file opened at the start, if the AOF is on.
    let incremental: AOFManifest.Entry?
    let startedMicroseconds: Int64
    /// The read end of the pipe on which the child reports its copy-on-write size (-1 without one).
    let report: Int32

    static func writingName(_ pid: pid_t) -> String { "temp-rewriteaof-\(pid).aof" }
    static func finishedName(_ pid: pid_t) -> String { "temp-rewriteaof-bg-\(pid).aof" }
}

extension Server {
    func startRewrite() {
        let config = engine.config
        let directory = config.appendDirName
        let started = Keyspace.clockMicroseconds()
        let old = aofManifest ?? AOFManifest()
        let baseSequence = (old.base?.sequence ?? 0) + 1
        // An RDB base with `aof-use-rdb-preamble yes` (Redis 7.0's default), else commands.
        let suffix = config.aofUseRDBPreamble ? "rdb" : "aof"
        let baseEntry = AOFManifest.Entry(name: "\(config.appendFileName).\(baseSequence).base.\(suffix)", sequence: baseSequence, type: .base)
        var incremental: AOFManifest.Entry? = nil
        do {
            try FileIO.makeDirectory(directory)
            if config.appendOnly {
                incremental = try switchToNewIncrementalFile(after: old)
            }
        } catch {
            rewriteFailed("Background AOF rewrite failed to start: \(error)")
            return
        }
        // The child reports its copy-on-write size here (Redis's child info pipe); a rewrite goes on without it.
        var report: [Int32] = [-1, -1]
        if pipe(&report) != 0 { report = [-1, -1] }
        let parent = getpid()
        let forkStarted = Keyspace.clockMicroseconds()
        let pid = fork()
        if pid == 0 { runRewriteChild(parent: parent, report: report[1]) }
        if report[1] >= 0 {
            close(report[1])
            _ = fcntl(report[0], F_SETFL, O_NONBLOCK)  // read when the child is reaped: never wait for it
        }
        guard pid > 0 else {
            if report[0] >= 0 { close(report[0]) }
            rewriteFailed("Can't rewrite append only file in background: fork: \(FileIO.errorText())")
            return
        }
        maintenance.child = RewriteChild(pid: pid, baseEntry: baseEntry, incremental: incremental,
                                         startedMicroseconds: started, report: report[0])
        maintenance.rewrites += 1  // counted when started, as Redis's aof_rewrites
        engine.stats.latestForkMicroseconds = Keyspace.clockMicroseconds() - forkStarted
        engine.stats.totalForks += 1
        logger.notice("Background append only file rewriting started by pid \(pid)")
    }

    /// Ends the old incremental file (its remaining bytes written and synced)
    /// and appends to a new one, listed in the manifest after the old files.
    /// When the AOF was off, the old files are stale: the manifest changes
    /// only when the base is written.
    private func switchToNewIncrementalFile(after old: AOFManifest) throws -> AOFManifest.Entry {
        let config = engine.config
        let directory = config.appendDirName
        let sequence = (old.entries.filter { $0.type == .incremental }.map(\.sequence).max() ?? 0) + 1
        let entry = AOFManifest.Entry(name: "\(config.appendFileName).\(sequence).incr.aof", sequence: sequence, type: .incremental)
        let fd = Glibc.open(directory + "/" + entry.name, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileIO.Failure(description: "Can't open \(entry.name): \(FileIO.errorText())") }
        if let aof {
            // Its bytes must all be in the old file before the new one takes
            // over: on a failing disk the rewrite waits (Redis would move them
            // into the new file, which replays them twice after the new base).
            guard aof.finishSynchronously() else {
                close(fd)
                unlink(directory + "/" + entry.name)
                throw FileIO.Failure(description: aof.failure ?? "Errors writing to the AOF file")
            }
            var manifest = old
            manifest.entries.append(entry)
            do {
                try FileIO.writeAtomically(Array(manifest.serialized().utf8),
                                           to: directory + "/" + config.appendFileName + ".manifest", directory: directory)
            } catch {
                close(fd)
                unlink(directory + "/" + entry.name)
                throw error
            }
            aofManifest = manifest
            maintenance.otherFilesSize += aof.fileSize
            close(aof.fd)
        } else {
            maintenance.incrementalUnlisted = true
        }
        if aof?.syncError ?? 0 != 0 { logger.warning("AOF reopen, just ignore the AOF fsync error in bio job") }
        aof = AOFWriter(server: self, fd: fd, fileName: entry.name, policy: config.appendFsync, startingSize: 0,
                        startOffset: engine.aofOffset)
        aofStatusChanged()  // the new file starts without the old one's fsync error, as in Redis
        engine.propagating = true
        engine.resetAOFSelection()
        return entry
    }

    /// Called by the cron: collects a finished child and completes its rewrite.
    func reapRewriteChild() {
        guard let child = maintenance.child else { return }
        var status: Int32 = 0
        let result = waitpid(child.pid, &status, WNOHANG)
        guard result == child.pid || (result < 0 && errno == ECHILD) else { return }
        maintenance.child = nil
        let signaled = result == child.pid && status & 0x7f != 0
        if result == child.pid && !signaled && (status >> 8) & 0xff == 0 {
            finishRewrite(child)
        } else {
            rewriteFailed(signaled ? "Background AOF rewrite terminated by signal \(status & 0x7f)"
                                   : "Background AOF rewrite terminated with error")
        }
        discard(child)
    }

    /// The child succeeded: its file becomes the base (renamed into the AOF
    /// directory, which is synced before the manifest names it), then the manifest
    /// lists the base and the incremental file opened at the start, and the old files go.
    private func finishRewrite(_ child: RewriteChild) {
        logger.notice("Background AOF rewrite terminated with success")
        if let cow = readCopyOnWriteSize(child) { maintenance.lastCopyOnWriteSize = cow }
        let config = engine.config
        let directory = config.appendDirName
        let temporary = RewriteChild.finishedName(child.pid)
        let basePath = directory + "/" + child.baseEntry.name
        guard rename(temporary, basePath) == 0 else {
            rewriteFailed("Error trying to rename the temporary AOF base file \(temporary) into \(basePath): \(FileIO.errorText())")
            return
        }
        FileIO.syncDirectory(directory)
        logger.notice("Successfully renamed the temporary AOF base file \(temporary) into \(child.baseEntry.name)")
        let old = aofManifest ?? AOFManifest()
        var manifest = AOFManifest(entries: [child.baseEntry])
        if let incremental = child.incremental, aof != nil { manifest.entries.append(incremental) }
        do {
            try FileIO.writeAtomically(Array(manifest.serialized().utf8),
                                       to: directory + "/" + config.appendFileName + ".manifest", directory: directory)
        } catch {
            unlink(basePath)
            rewriteFailed("Background AOF rewrite failed: \(error)")
            return
        }
        for entry in old.entries where !manifest.entries.contains(entry) {
            unlink(directory + "/" + entry.name)
        }
        aofManifest = manifest
        if child.incremental != nil { maintenance.incrementalUnlisted = false }
        maintenance.otherFilesSize = FileIO.size(basePath)
        maintenance.baseSize = maintenance.otherFilesSize + (aof?.fileSize ?? 0)
        maintenance.lastRewriteSeconds = Int((Keyspace.clockMicroseconds() - child.startedMicroseconds) / 1_000_000)
        maintenance.lastRewriteFailed = false
        maintenance.consecutiveFailures = 0
        logger.notice("Background AOF rewrite finished successfully")
    }

    /// What the child wrote on its report pipe before exiting (its copy-on-write bytes).
    private func readCopyOnWriteSize(_ child: RewriteChild) -> Int? {
        guard child.report >= 0 else { return nil }
        var value: Int64 = 0
        let count = withUnsafeMutableBytes(of: &value) { read(child.report, $0.baseAddress, $0.count) }
        return count == MemoryLayout<Int64>.size ? Int(value) : nil
    }

    /// Stops a running child (shutdown, `appendonly no`) and removes what it wrote.
    func killRewriteChild() {
        guard let child = maintenance.child else { return }
        kill(child.pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        maintenance.child = nil
        discard(child)
        logger.notice("Killing running AOF rewrite child: \(child.pid)")
    }

    private func rewriteFailed(_ message: String) {
        maintenance.lastRewriteFailed = true
        maintenance.consecutiveFailures += 1
        maintenance.nextAttemptMicroseconds = Keyspace.clockMicroseconds() + 1_000_000
        logger.warning(message)
    }

    /// Redis's aofRemoveTempFile: the child's names are removed whatever its
    /// end (after a success the finished one was renamed away already).
    private func discard(_ child: RewriteChild) {
        unlink(RewriteChild.writingName(child.pid))
        unlink(RewriteChild.finishedName(child.pid))
        if child.report >= 0 { close(child.report) }
    }
}
