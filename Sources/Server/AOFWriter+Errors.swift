import Commands
#if canImport(Glibc)
import Glibc
#endif

/// What the AOF writer does when the disk fails it, as Redis 7.0's
/// flushAppendOnlyFile and its background fsync do.
///
/// - `everysec` and `no`: the bytes stay buffered and are written again at
///   every `flush` (each loop iteration), and until one succeeds the engine
///   refuses write commands with `-MISCONF Errors writing to the AOF file:
///   <strerror>` (Engine+DiskError.swift). A failed fsync refuses writes too,
///   until a later fsync succeeds.
/// - `always`: a reply may only leave once its command is on disk, and the
///   commands already ran: Redis cannot keep that promise and exits, so does Swirl.
///
/// One thing is stricter than Redis: Redis replies to the commands of the
/// write that failed (they ran before it), and loses them if it dies before
/// the disk has room again. Here those replies wait until their bytes are
/// written (`heldReplies`), so no acknowledged write is missing from the file.
extension AOFWriter {
    /// Redis's AOF_WRITE_LOG_ERROR_RATE: one error line in 30 seconds at most.
    static let errorLogInterval = 30

    /// A write failed with `code`; part of the chunk may be in the file.
    func writeFailed(_ code: Int32) {
        let now = time(nil)
        let canLog = now - lastErrorLog > Self.errorLogInterval
        if canLog { lastErrorLog = now }
        var error = code
        if fileSize > wholeSize {
            // A short write: cut the file back to its last whole write, so it
            // never ends inside a command, and write the whole chunk again.
            let partial = fileSize - wholeSize
            if canLog {
                server.logger.warning("Short write while writing to the AOF file: (nwritten=\(partial), expected=\(partial + chunk.count - chunkWritten))")
            }
            if ftruncate(fd, off_t(wholeSize)) == 0 {
                chunkWritten -= partial
                fileSize = wholeSize
            } else {
                if canLog {
                    server.logger.warning("Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: \(String(cString: strerror(errno)))")
                }
                wholeSize = fileSize  // what did land stays; only the rest is written again
            }
            error = ENOSPC  // as Redis reports a short write
        } else if canLog {
            server.logger.warning("Error writing to the AOF file: \(String(cString: strerror(code)))")
        }
        if policy == .always {
            server.logger.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
            exit(1)
        }
        // Commands that ran before now are in the failed bytes (or queued behind
        // them): their replies wait. Later ones are refused, or are not writes.
        if writeError == 0 { heldUpTo = server.engine.aofOffset }
        writeError = error
        server.aofStatusChanged()
    }

    /// The chunk is wholly in the file.
    func writeLanded() {
        releaseChunk()
        writtenOffset = chunkEndOffset
        wholeSize = fileSize
        if writeError != 0 {
            server.logger.warning("AOF write error looks solved, Redis can write again.")
            writeError = 0
            server.aofStatusChanged()
        }
    }

    func syncFailed(_ code: Int32) {
        let reason = String(cString: strerror(code))
        if policy == .always {
            server.logger.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(reason). Exiting...")
            exit(1)
        }
        if syncError == 0 { server.logger.warning("Fail to fsync the AOF file: \(reason)") }
        syncError = code
        server.aofStatusChanged()
    }

    func syncRecovered() {
        syncError = 0
        server.aofStatusChanged()
    }

    /// Why the AOF is failing, as Redis words it (the write's errno first), nil when it is not.
    var failure: String? {
        let code = writeError != 0 ? writeError : syncError
        return code == 0 ? nil : "Errors writing to the AOF file: \(String(cString: strerror(code)))"
    }

    /// The refusal of write commands meanwhile (Redis's writeCommandsGetDiskErrorMessage).
    var refusal: String? { failure.map { "MISCONF " + $0 } }

    /// Replies to commands past `after` and up to `upTo` in the AOF stream wait
    /// (Server.flushWaitingReplies): under `always` until fsynced; after a failed
    /// write, those of the commands that ran before the failure, until written.
    var heldReplies: (after: Int, upTo: Int) {
        if policy == .always { return (durableOffset, Int.max) }
        if writeError != 0 { return (writtenOffset, heldUpTo) }
        return (Int.max, Int.max)
    }
}
