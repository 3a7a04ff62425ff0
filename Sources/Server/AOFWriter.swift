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
    private var chunk: [UInt8] = []
    private var chunkWritten = 0
    private var chunkEndOffset = 0
    /// A buffer grown past this (a burst) is not kept for reuse.
    static let keptCapacity = 16 << 20
    private(set) var writeInFlight = false
    private(set) var syncInFlight = false
    private var syncTargetOffset = 0

    private(set) var writtenOffset = 0
    private(set) var durableOffset = 0
    private(set) var lastWriteFailed = false
    private(set) var lastSyncMilliseconds: Int64 = 0
    var fileSize: Int

    init(server: Server, fd: Int32, fileName: String, policy: String, startingSize: Int, startOffset: Int = 0) {
        self.server = server
        self.writtenOffset = startOffset
        self.durableOffset = startOffset
        self.fd = fd
        self.fileName = fileName
        self.policy = Self.policy(named: policy)
        self.fileSize = startingSize
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

    var isIdle: Bool { !writeInFlight && !syncInFlight && server.engine.aofBuffer.isEmpty }

    /// Starts writing whatever the engine has buffered, unless a write is in flight.
    func flush() {
        // A chunk left by a failed write goes first (`retryIfFailed`): the order must hold.
        guard !writeInFlight, chunk.isEmpty, !server.engine.aofBuffer.isEmpty else { return }
        swap(&chunk, &server.engine.aofBuffer)  // the engine gets the drained spare, empty
        chunkWritten = 0
        chunkEndOffset = server.engine.aofOffset
        if policy != .always && !syncInFlight {
            writeOnLoopThread()
            return
        }
        writeInFlight = true
        submitWrite()
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
            // Kept for `retryIfFailed` (the cron), like a failed thread-pool write.
            if !lastWriteFailed { server.logger.warning("Error writing to the AOF file: \(String(cString: strerror(failure)))") }
            lastWriteFailed = true
            return
        }
        if lastWriteFailed { server.logger.warning("AOF write error looks solved, Redis can write again.") }
        lastWriteFailed = false
        releaseChunk()
        writtenOffset = chunkEndOffset
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
            // Could not even queue it: keep the chunk and try again from the cron.
            writeInFlight = false
            lastWriteFailed = true
        }
    }

    func writeCompleted() {
        let result = Int(writeRequest.pointee.result)
        uv_fs_req_cleanup(writeRequest)
        if result < 0 {
            // Redis keeps retrying a failed AOF write; so do we, from the cron, without losing the bytes.
            if !lastWriteFailed {
                server.logger.warning("Error writing to the AOF file: \(String(cString: uv_strerror(Int32(result))))")
            }
            lastWriteFailed = true
            writeInFlight = false
            return
        }
        chunkWritten += result
        fileSize += result
        if chunkWritten < chunk.count {
            submitWrite()  // a short write: send the rest of the same chunk
            return
        }
        if lastWriteFailed { server.logger.warning("AOF write error looks solved, Redis can write again.") }
        lastWriteFailed = false
        releaseChunk()
        writeInFlight = false
        writtenOffset = chunkEndOffset
        if policy == .always {
            startSync()
        }
        // Otherwise the next write starts in beforeSleep, which runs before the
        // loop next blocks: by then this loop iteration's commands are buffered
        // too, so writes are fewer and larger (one thread-pool round trip each).
    }

    /// Empties the written chunk, keeping its storage for the next swap unless a burst made it huge.
    private func releaseChunk() {
        if chunk.capacity > Self.keptCapacity {
            chunk = []
        } else {
            chunk.removeAll(keepingCapacity: true)
        }
        chunkWritten = 0
    }

    /// Retries a failed write (called from the cron).
    func retryIfFailed() {
        if lastWriteFailed && !writeInFlight && !chunk.isEmpty {
            writeInFlight = true
            submitWrite()
        }
    }

    func startSync() {
        guard !syncInFlight, durableOffset < writtenOffset else {
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
        } else {
            server.logger.warning("Can't fsync the AOF file: \(String(cString: uv_strerror(Int32(result))))")
        }
        if policy == .always {
            flush()
            // A write that completed while this fsync ran could not start its own
            // (one at a time): without this one, its replies would wait for ever.
            if !writeInFlight { startSync() }
            server.flushWaitingReplies()
        }
    }

    /// The once-a-second fsync of `everysec`.
    func everySecond() {
        retryIfFailed()
        if policy == .everysec { startSync() }
    }

    /// At shutdown, outside the loop: write what is left and fsync, synchronously.
    func finishSynchronously() {
        if chunkWritten < chunk.count {
            chunk.withUnsafeMutableBytes { writeAll($0.baseAddress! + chunkWritten, $0.count - chunkWritten) }
        }
        releaseChunk()
        let rest = server.engine.aofBuffer
        server.engine.aofBuffer.removeAll()
        rest.withUnsafeBytes { if $0.count > 0 { writeAll(UnsafeMutableRawPointer(mutating: $0.baseAddress!), $0.count) } }
        fsync(fd)
        writtenOffset = server.engine.aofOffset
        durableOffset = writtenOffset
    }

    private func writeAll(_ base: UnsafeMutableRawPointer, _ count: Int) {
        var done = 0
        while done < count {
            let result = writeOnLoop(base + done, count - done)
            if result == -EINTR { continue }
            if result <= 0 {
                server.logger.warning("Error writing the final AOF: \(String(cString: strerror(Int32(-result))))")
                return
            }
            done += result
            fileSize += result
        }
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
            ("aof_last_write_status", lastWriteFailed ? "err" : "ok"),
            ("aof_current_size", "\(server.maintenance.otherFilesSize + fileSize)"),
            ("aof_base_size", "\(server.maintenance.baseSize)"),
            ("aof_pending_rewrite", "0"), ("aof_buffer_length", "\(server.engine.aofBuffer.count)"),
            ("aof_pending_bio_fsync", syncInFlight ? "1" : "0"), ("aof_delayed_fsync", "0"),
        ]
    }
}
