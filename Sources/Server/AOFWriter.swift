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
    private var chunk: UnsafeMutableRawPointer? = nil
    private var chunkLength = 0
    private var chunkWritten = 0
    private var chunkEndOffset = 0
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
        guard !writeInFlight, !server.engine.aofBuffer.isEmpty else { return }
        let bytes = server.engine.aofBuffer
        server.engine.aofBuffer.removeAll(keepingCapacity: true)
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        chunk = copy
        chunkLength = bytes.count
        chunkWritten = 0
        chunkEndOffset = server.engine.aofOffset
        writeInFlight = true
        submitWrite()
    }

    private func submitWrite() {
        var buffer = uv_buf_init((chunk! + chunkWritten).assumingMemoryBound(to: CChar.self),
                                 UInt32(chunkLength - chunkWritten))
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
        if chunkWritten < chunkLength {
            submitWrite()  // a short write: send the rest of the same chunk
            return
        }
        if lastWriteFailed { server.logger.warning("AOF write error looks solved, Redis can write again.") }
        lastWriteFailed = false
        chunk?.deallocate()
        chunk = nil
        writeInFlight = false
        writtenOffset = chunkEndOffset
        if policy == .always {
            startSync()
        } else {
            flush()
        }
    }

    /// Retries a failed write (called from the cron).
    func retryIfFailed() {
        if lastWriteFailed && !writeInFlight && chunk != nil {
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
        if let chunk {
            writeAll(chunk + chunkWritten, chunkLength - chunkWritten)
            chunk.deallocate()
            self.chunk = nil
        }
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
            let result = write(fd, base + done, count - done)
            if result < 0 && errno == EINTR { continue }
            if result <= 0 {
                server.logger.warning("Error writing the final AOF: \(String(cString: strerror(errno)))")
                return
            }
            done += result
            fileSize += result
        }
    }

    var infoFields: [(String, String)] {
        [
            ("aof_rewrite_in_progress", "0"),
            ("aof_rewrite_scheduled", server.maintenance.rewriteScheduled ? "1" : "0"),
            ("aof_last_rewrite_time_sec", "\(server.maintenance.lastRewriteSeconds)"),
            ("aof_current_rewrite_time_sec", "-1"),
            ("aof_last_bgrewrite_status", server.maintenance.lastRewriteFailed ? "err" : "ok"),
            ("aof_rewrites", "\(server.maintenance.rewrites)"),
            ("aof_last_write_status", lastWriteFailed ? "err" : "ok"),
            ("aof_current_size", "\(fileSize)"), ("aof_base_size", "0"),
            ("aof_pending_rewrite", "0"), ("aof_buffer_length", "\(server.engine.aofBuffer.count)"),
            ("aof_pending_bio_fsync", syncInFlight ? "1" : "0"), ("aof_delayed_fsync", "0"),
        ]
    }
}
