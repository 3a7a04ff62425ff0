import Commands
import Keyspace
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// AOF rewrite (BGREWRITEAOF) and switching the AOF on or off at runtime.
///
/// Both wait until no AOF write or fsync is in flight, then run on the loop
/// thread: a rewrite writes the keyspace as a new base file, starts a new
/// empty incremental file, and swaps the manifest atomically. Swirl has no
/// fork, so "background" rewriting blocks the loop for the length of the
/// snapshot; the Redis reply texts are kept for client compatibility.
extension Server {
    func scheduleRewrite() -> String? {
        if maintenance.rewriteScheduled { return "ERR Background append only file rewriting already in progress" }
        maintenance.rewriteScheduled = true
        return nil
    }

    /// CONFIG SET appendonly: start or stop logging.
    func appendOnlyChanged() {
        if engine.config.appendOnly {
            if aof == nil { maintenance.rewriteScheduled = true }
        } else if aof != nil {
            engine.propagating = false
            maintenance.disableScheduled = true
        }
    }

    /// Called before the loop sleeps; does the scheduled work once the AOF is quiet.
    func runScheduledMaintenance() {
        guard maintenance.rewriteScheduled || maintenance.disableScheduled else { return }
        if let aof, aof.writeInFlight || aof.syncInFlight { return }
        if maintenance.disableScheduled {
            maintenance.disableScheduled = false
            if let aof {
                aof.finishSynchronously()
                close(aof.fd)
                self.aof = nil
                logger.notice("AOF switched off: the last writes are on disk")
            }
        }
        if maintenance.rewriteScheduled {
            maintenance.rewriteScheduled = false
            rewrite()
        }
    }

    private func rewrite() {
        let config = engine.config
        let directory = config.appendDirName
        let started = Keyspace.clockMicroseconds()
        logger.notice("Background append only file rewriting started")
        do {
            try FileIO.makeDirectory(directory)
            let old = aofManifest ?? AOFManifest()
            let baseSequence = (old.base?.sequence ?? 0) + 1
            let incrementalSequence = (old.incrementals.map(\.sequence).max() ?? 0) + 1
            let baseName = "\(config.appendFileName).\(baseSequence).base.aof"
            try FileIO.writeAtomically(AOFRewriter.snapshot(engine.keyspace), to: directory + "/" + baseName,
                                       directory: directory)
            var manifest = AOFManifest(entries: [.init(name: baseName, sequence: baseSequence, type: .base)])
            var newFD: Int32 = -1
            if config.appendOnly {
                let name = "\(config.appendFileName).\(incrementalSequence).incr.aof"
                newFD = Glibc.open(directory + "/" + name, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0o644)
                guard newFD >= 0 else { throw FileIO.Failure(description: "Can't open \(name): \(FileIO.errorText())") }
                manifest.entries.append(.init(name: name, sequence: incrementalSequence, type: .incremental))
            }
            try FileIO.writeAtomically(Array(manifest.serialized().utf8), to: directory + "/" + config.appendFileName + ".manifest",
                                       directory: directory)
            for entry in old.entries where !manifest.entries.contains(entry) {
                unlink(directory + "/" + entry.name)
            }
            aofManifest = manifest
            // The snapshot holds every change made so far, including those not yet written.
            engine.aofBuffer.removeAll(keepingCapacity: true)
            if let aof { close(aof.fd) }
            aof = nil
            if newFD >= 0 {
                aof = AOFWriter(server: self, fd: newFD, fileName: manifest.incrementals[0].name,
                                policy: config.appendFsync, startingSize: 0, startOffset: engine.aofOffset)
                engine.propagating = true
                engine.resetAOFSelection()
            }
            maintenance.rewrites += 1
            maintenance.lastRewriteSeconds = Int((Keyspace.clockMicroseconds() - started) / 1_000_000)
            maintenance.lastRewriteFailed = false
            logger.notice("Background AOF rewrite terminated with success")
            flushWaitingReplies()
        } catch {
            maintenance.lastRewriteFailed = true
            logger.warning("Background AOF rewrite failed: \(error)")
        }
    }
}

/// What the scheduled AOF work needs to remember between loop iterations.
struct AOFMaintenanceState {
    var rewriteScheduled = false
    var disableScheduled = false
    var rewrites = 0
    var lastRewriteSeconds = -1
    var lastRewriteFailed = false
}
