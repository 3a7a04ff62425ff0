internal import CLibUV
import Commands
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// Appends the engine's AOF buffer to the incremental AOF file with
/// `uv_fs_write`, and fsyncs it by the `appendfsync` policy.
///
/// Invariants: at most one write is in flight (the thread pool could reorder
/// two), and at most one fsync. `writtenOffset` counts the bytes of the AOF
/// stream the kernel has; `durableOffset` the bytes an fsync has covered.
/// Under `always`, replies wait until `durableOffset` passes their command.
///
/// A failed write or fsync is handled as Redis 7.0 does (AOFWriter+Errors.swift):
/// under `everysec` and `no` the server refuses writes until a write succeeds
/// again; under `always` it exits.
final class AOFWriter {
    enum Policy { case always, everysec, no }

    unowned let server: Server
    let fd: Int32
    let fileName: String
    var policy: Policy

    private let writeRequest = UnsafeMutablePointer<uv_fs_t>.allocate(capacity: 1)
    private let syncRequest = UnsafeMutablePointer<uv_fs_t>.allocate(capacity: 1)
    /// For writes made on the loop thread (`uv_fs_write` without a callback runs synchronously).
    private let loopWriteRequest = UnsafeMutablePointer<uv_fs_t>.allocate(capacity: 1)
    /// Double buffering: the bytes of the write in flight live in `chunk`, the
    /// engine appends to its own `aofBuffer` meanwhile, and `flush` swaps the
    /// two (no copy). A drained chunk keeps its capacity and becomes the engine's
    /// next buffer, so the same two allocations are reused, warm in the cache.
    var chunk: [UInt8] = []
    var chunkWritten = 0
    var chunkEndOffset = 0
    /// A buffer grown past this (a burst) is not kept for reuse.
    static let keptCapacity = 16 << 20
    private(set) var writeInFlight = false
    private(set) var syncInFlight = false
    /// The end of the last fsync started (Redis's aof_last_incr_fsync_offset):
    /// after a failed one, the next waits for new bytes, as in Redis.
    private var syncTargetOffset = 0

    var writtenOffset = 0
    private(set) var durableOffset = 0
    private(set) var lastSyncMilliseconds: Int64 = 0
    var fileSize: Int
    /// The file's size at the end of the last whole write (Redis's
    /// aof_last_incr_size): a short write is cut back to it.
    var wholeSize: Int
    /// errno of the last write when it failed, 0 once one succeeds (Redis's
    /// aof_last_write_status and aof_last_write_errno).
    var writeError: Int32 = 0
    /// errno of the last fsync when it failed, 0 once one succeeds (Redis's aof_bio_fsync_status).
    var syncError: Int32 = 0
    /// While `writeError` is set: replies to the commands up to this stream
    /// offset wait for their write (they ran before the failure was known).
    var heldUpTo = 0
    /// When an error was last logged (seconds): Redis logs them once in 30 seconds.
    var lastErrorLog = 0

    init(server: Server, fd: Int32, fileName: String, policy: String, startingSize: Int, startOffset: Int = 0) {
        self.server = server
        self.writtenOffset = startOffset
        self.durableOffset = startOffset
        self.syncTargetOffset = startOffset
        self.fd = fd
        self.fileName = fileName
        self.policy = Self.policy(named: policy)
        self.fileSize = startingSize
        self.wholeSize = startingSize
        writeRequest.initialize(to: uv_fs_t())
        syncRequest.initialize(to: uv_fs_t())
        loopWriteRequest.initialize(to: uv_fs_t())
    }

    static func policy(named name: String) -> Policy {
        switch name {
        case "always": return .always
        case "no": return .no
        default: return .everysec
        }
    }

    var isIdle: Bool { !writeInFlight && !syncInFlight && chunk.isEmpty && server.engine.aofBuffer.isEmpty }

    /// Starts writing whatever the engine has buffered, unless a write is in flight.
    func flush() {
        guard !writeInFlight, takeEngineBuffer() else { return }
        // A chunk left by a failed write goes again, before anything newer (the
        // order must hold): Redis retries its buffer at every beforeSleep too, so
        // the server is writable again as soon as the disk has room.
        if policy != .always && !syncInFlight {
            writeOnLoopThread()
            return
        }
        writeInFlight = true
        submitWrite()
    }

    /// Makes the engine's buffer the chunk to write, unless a failed write's
    /// chunk is still there. False when there is nothing to write.
    private func takeEngineBuffer() -> Bool {
        if chunk.isEmpty {
            guard !server.engine.aofBuffer.isEmpty else { return false }
            swap(&chunk, &server.engine.aofBuffer)  // the engine gets the drained spare, empty
            chunkWritten = 0
            chunkEndOffset = server.engine.aofOffset
        }
        return true
    }

    /// `everysec` and `no` with no fsync running: one synchronous `uv_fs_write`
    /// (a plain write(2)) from the loop thread, as Redis writes. Appending to the page cache is a memory copy; going
    /// through the thread pool added a mutex, a condition signal, two context
    /// switches and an eventfd wake-up per write (measured: ~3% of the server's
    /// CPU with 1 KB values). While an fsync runs, a write could wait for it
    /// (pages under writeback), so then the thread pool takes the write instead
    /// and the loop never blocks on the disk (Redis postpones the write instead).
    private func writeOnLoopThread() {
        let failure: Int32 = chunk.withUnsafeMutableBytes { bytes in
            while chunkWritten < bytes.count {
                let result = writeOnLoop(bytes.baseAddress! + chunkWritten, bytes.count - chunkWritten)
                if result < 0 {
                    if result == -EINTR { continue }
                    return Int32(-result)
                }
                chunkWritten += result
                fileSize += result
            }
            return 0
        }
        if failure != 0 {
            writeFailed(failure)  // the chunk stays, for the next flush
            return
        }
        writeLanded()
    }

    private func submitWrite() {
        // The pointer outlives the closure on purpose: `chunk` is a native array
        // that nothing mutates or releases until `writeCompleted` (the only
        // writer, once `writeInFlight` is false again), so its storage stays put
        // for the thread pool to read. Never touch `chunk` while a write is in flight.
        let base = chunk.withUnsafeMutableBytes { $0.baseAddress! }
        var buffer = uv_buf_init((base + chunkWritten).assumingMemoryBound(to: CChar.self),
                                 UInt32(chunk.count - chunkWritten))
        let status = uv_fs_write(server.loop, writeRequest, uv_file(fd), &buffer, 1, -1, onAOFWritten)
        if status < 0 {
            // Could not even queue it: a failed write like any other (the chunk stays).
            writeInFlight = false
            writeFailed(Int32(-status))
        }
    }

    func writeCompleted() {
        let result = Int(writeRequest.pointee.result)
        uv_fs_req_cleanup(writeRequest)
        if result < 0 {
            writeInFlight = false
            writeFailed(Int32(-result))  // the chunk stays, for the next flush
            return
        }
        chunkWritten += result
        fileSize += result
        if chunkWritten < chunk.count {
            submitWrite()  // a short write: send the rest of the same chunk (an error shows on that one)
            return
        }
        writeInFlight = false
        writeLanded()
        if policy == .always {
            startSync()
        }
        // Otherwise the next write starts in beforeSleep, which runs before the
        // loop next blocks: by then this loop iteration's commands are buffered
        // too, so writes are fewer and larger (one thread-pool round trip each).
    }

    /// Empties the written chunk, keeping its storage for the next swap unless a burst made it huge.
    func releaseChunk() {
        if chunk.capacity > Self.keptCapacity {
            chunk = []
        } else {
            chunk.removeAll(keepingCapacity: true)
        }
        chunkWritten = 0
    }

    func startSync() {
        guard !syncInFlight, syncTargetOffset < writtenOffset else {
            if policy == .always { flush() }
            return
        }
        syncInFlight = true
        syncTargetOffset = writtenOffset
        if uv_fs_fdatasync(server.loop, syncRequest, uv_file(fd), onAOFSynced) < 0 {
            syncInFlight = false
        }
    }

    func syncCompleted() {
        let result = syncRequest.pointee.result
        uv_fs_req_cleanup(syncRequest)
        syncInFlight = false
        if result >= 0 {
            durableOffset = syncTargetOffset
            lastSyncMilliseconds = server.engine.keyspace.now
            if syncError != 0 { syncRecovered() }
        } else {
            syncFailed(Int32(-result))
        }
        if policy == .always {
            flush()
            // A write that completed while this fsync ran could not start its own
            // (one at a time): without this one, its replies would wait for ever.
            if !writeInFlight { startSync() }
            server.flushWaitingReplies()
        }
    }

    /// The once-a-second fsync of `everysec` (a failed write is retried by every `flush`).
    func everySecond() {
        if policy == .everysec { startSync() }
    }

    /// `CONFIG SET appendfsync`. Switching to `always` holds the replies of every
    /// client whose last write is not yet fsynced, and under `always` only a
    /// completed write starts an fsync: bytes written under `everysec` or `no`
    /// get theirs now, or those replies would wait until someone else writes.
    func policyChanged(to newPolicy: Policy) {
        policy = newPolicy
        guard policy == .always, !writeInFlight, !syncInFlight, durableOffset < writtenOffset else { return }
        // A fsync that failed under `everysec` set the target already: this one
        // covers the same bytes (under `always`, its failure exits).
        syncTargetOffset = durableOffset
        startSync()
    }

    /// With no write in flight (shutdown, the start of a rewrite, `appendonly
    /// no`): writes everything buffered and fsyncs it, on the loop thread. False
    /// when a write or the fsync failed; the bytes not written then stay buffered.
    @discardableResult
    func finishSynchronously() -> Bool {
        while takeEngineBuffer() {
            writeOnLoopThread()
            if !chunk.isEmpty { return false }
        }
        guard fsync(fd) == 0 else {
            syncFailed(errno)  // under `always` this exits, as a failed write does
            return false
        }
        durableOffset = writtenOffset
        syncTargetOffset = writtenOffset
        return true
    }

    /// One `uv_fs_write` without a callback: it runs on the calling (loop)
    /// thread and returns the bytes written or a negative errno.
    private func writeOnLoop(_ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
        var buffer = uv_buf_init(base.assumingMemoryBound(to: CChar.self), UInt32(min(count, Int(UInt32.max))))
        let result = uv_fs_write(server.loop, loopWriteRequest, uv_file(fd), &buffer, 1, -1, nil)
        uv_fs_req_cleanup(loopWriteRequest)
        return Int(result)
    }

    var infoFields: [(String, String)] {
        [
            ("aof_last_write_status", writeError != 0 || syncError != 0 ? "err" : "ok"),
            ("aof_current_size", "\(server.maintenance.otherFilesSize + fileSize)"),
            ("aof_base_size", "\(server.maintenance.baseSize)"),
            ("aof_pending_rewrite", "0"), ("aof_buffer_length", "\(server.engine.aofBuffer.count)"),
            ("aof_pending_bio_fsync", syncInFlight ? "1" : "0"), ("aof_delayed_fsync", "0"),
        ]
    }
}
