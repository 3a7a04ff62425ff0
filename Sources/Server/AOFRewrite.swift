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
/// The child runs no libuv code and never returns into the loop: the one
/// thread that exists in it (the loop thread, which held no lock at the fork)
/// serializes, writes, and leaves with `_exit`.
struct RewriteChild {
    let pid: pid_t
    let basePath: String
    let baseEntry: AOFManifest.Entry
    /// The incremental file opened at the start, if the AOF is on.
    let incremental: AOFManifest.Entry?
    let startedMicroseconds: Int64
}

extension Server {
    func startRewrite() {
        let config = engine.config
        let directory = config.appendDirName
        let started = Keyspace.clockMicroseconds()
        let old = aofManifest ?? AOFManifest()
        let baseSequence = (old.base?.sequence ?? 0) + 1
        let baseEntry = AOFManifest.Entry(name: "\(config.appendFileName).\(baseSequence).base.aof", sequence: baseSequence, type: .base)
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
        let basePath = directory + "/" + baseEntry.name
        let forkStarted = Keyspace.clockMicroseconds()
        let pid = fork()
        if pid == 0 {
            // The child. Signals go back to their defaults: libuv's handlers would
            // report them through the parent's loop.
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            closeInheritedDescriptors()
            _exit(writeBase(to: basePath, directory: directory) ? 0 : 1)
        }
        guard pid > 0 else {
            rewriteFailed("Can't rewrite append only file in background: fork: \(FileIO.errorText())")
            return
        }
        maintenance.child = RewriteChild(pid: pid, basePath: basePath, baseEntry: baseEntry, incremental: incremental,
                                         startedMicroseconds: started)
        maintenance.rewrites += 1  // counted when started, as Redis's aof_rewrites
        engine.stats.latestForkMicroseconds = Keyspace.clockMicroseconds() - forkStarted
        engine.stats.totalForks += 1
        logger.notice("Background append only file rewriting started by pid \(pid)")
    }

    /// In the child: the keyspace as commands, written a megabyte at a time.
    private func writeBase(to path: String, directory: String) -> Bool {
        guard let file = try? FileIO.AtomicFile(path: path, directory: directory) else { return false }
        let delay = engine.config.rdbKeySaveDelay
        let written = AOFRewriter.snapshot(engine.keyspace, chunkSize: 1 << 20, afterEachKey: {
            // Redis's debugDelay: a negative delay sleeps 1 µs once in -delay keys.
            if delay > 0 { usleep(UInt32(delay)) } else if delay < 0 && Int.random(in: 0 ..< -delay) == 0 { usleep(1) }
        }) { chunk in
            (try? file.write(chunk)) != nil
        }
        guard written, (try? file.commit()) != nil else {
            file.abandon()
            return false
        }
        return true
    }

    /// In the child: closes what it inherited (client sockets, the listeners, the
    /// loop's descriptors, the AOF), so a connection the parent closes during the
    /// rewrite ends at once rather than when the child exits.
    private func closeInheritedDescriptors() {
        guard let directory = opendir("/proc/self/fd") else { return }
        var inherited: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd > 2 { inherited.append(fd) }
        }
        closedir(directory)  // its own descriptor was listed too; closing it again below fails harmlessly
        for fd in inherited { close(fd) }
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
            discard(child)
            rewriteFailed(signaled ? "Background AOF rewrite terminated by signal \(status & 0x7f)"
                                   : "Background AOF rewrite terminated with error")
        }
    }

    private func finishRewrite(_ child: RewriteChild) {
        let config = engine.config
        let directory = config.appendDirName
        let old = aofManifest ?? AOFManifest()
        var manifest = AOFManifest(entries: [child.baseEntry])
        if let incremental = child.incremental, aof != nil { manifest.entries.append(incremental) }
        do {
            try FileIO.writeAtomically(Array(manifest.serialized().utf8),
                                       to: directory + "/" + config.appendFileName + ".manifest", directory: directory)
        } catch {
            discard(child)
            rewriteFailed("Background AOF rewrite failed: \(error)")
            return
        }
        for entry in old.entries where !manifest.entries.contains(entry) {
            unlink(directory + "/" + entry.name)
        }
        aofManifest = manifest
        if child.incremental != nil { maintenance.incrementalUnlisted = false }
        maintenance.otherFilesSize = FileIO.size(child.basePath)
        maintenance.baseSize = maintenance.otherFilesSize + (aof?.fileSize ?? 0)
        maintenance.lastRewriteSeconds = Int((Keyspace.clockMicroseconds() - child.startedMicroseconds) / 1_000_000)
        maintenance.lastRewriteFailed = false
        maintenance.consecutiveFailures = 0
        logger.notice("Background AOF rewrite terminated with success")
        logger.notice("Background AOF rewrite finished successfully")
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

    private func discard(_ child: RewriteChild) {
        unlink(child.basePath)
        unlink(child.basePath + ".tmp")
    }
}
