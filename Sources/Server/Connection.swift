internal import CLibUV
import Commands
import RESP

/// One TCP client: its libuv handle, its decoder, its command state, and its
/// write state.
///
/// Ownership: the Server's `connections` table holds the only strong
/// reference; the handle's `data` points here unretained, and the entry is
/// dropped in the close callback, after libuv is done with the handle.
final class Connection: ReceivedFrames {
    let handle: UnsafeMutablePointer<uv_tcp_t>
    /// `unowned(unsafe)`: the server outlives every connection (it frees them in close callbacks).
    unowned(unsafe) let server: Server
    let client: Client
    var decoder: RequestDecoder
    /// True while a `uv_write` holds bytes of ours; at most one at a time, so replies stay in order.
    var writeInFlight = false
    var bytesInFlight = 0
    var queuedForFlush = false
    var readingPaused = false
    var closing = false

    init(handle: UnsafeMutablePointer<uv_tcp_t>, server: Server, client: Client, limits: RequestDecoder.Limits) {
        self.handle = handle
        self.server = server
        self.client = client
        self.decoder = RequestDecoder(limits: limits)
    }

    var stream: UnsafeMutablePointer<uv_stream_t> {
        UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_stream_t.self)
    }

    /// Decodes and runs every complete command in the input; stops at a
    /// protocol error, a command that ends the connection, or one that blocks
    /// (what follows stays buffered until the Server resumes it).
    func processInput() {
        server.engine.beginInput(from: self)
        defer { server.engine.endInput() }
        // While the batch runs, CLIENT LIST shows all of it as the query buffer,
        // as Redis's does (it trims its query buffer only after the batch).
        client.queryBufferLength = decoder.bufferedCount
        client.queryBufferFree = decoder.freeCapacity
        noteMemory()
        // A client closed for its output limit runs nothing more (Redis stops its
        // batch too); one backed up waits until its replies drain.
        while !client.closeAfterReply && !client.isBlocked && !client.closeASAP && !outputBackedUp {
            let complete: Bool
            // Until AUTH succeeds, a client needing a password is held to Redis's small frames.
            decoder.unauthenticated = server.engine.passwordRequired && !client.authenticated
            do {
                complete = try decoder.next(into: &client.args)
            } catch {
                client.reply.error(error.reply)
                client.closeAfterReply = true
                server.logger.verbose("Protocol error (\(error.message)) from client: id=\(client.id) addr=\(client.address)")
                break
            }
            guard complete else { break }
            // The frame as received, for the AOF to copy rather than re-encode (nil when not canonical).
            server.engine.execute(client, receivedAs: decoder.lastCommandFrame)
            if server.shutdownRequested { return }
        }
        client.args.removeAll(keepingCapacity: true)
        client.queryBufferLength = decoder.bufferedCount
        client.queryBufferFree = decoder.freeCapacity
        // A frame still arriving counts now (Redis updates after processInputBuffer).
        noteMemory()
        if client.closeAfterReply || outputBackedUp { stopReading() }
    }

    /// The decoder's share of the client's memory (`Client.inputBufferBytes`),
    /// and the client's record for `maxmemory-clients` (one comparison while it is 0).
    @inline(__always)
    func noteMemory() {
        client.inputBufferBytes = decoder.allocatedBytes
        server.engine.noteClientMemory(client)
    }

    /// The malloc blocks of the connection and client objects and the libuv
    /// handle (Swift allocates class instances with malloc on Linux, so an
    /// object's address is its block's; only the addresses are used).
    static func fixedBytes(_ conn: Connection) -> Int {
        malloc_usable_size(Unmanaged.passUnretained(conn).toOpaque())
            + malloc_usable_size(Unmanaged.passUnretained(conn.client).toOpaque()) + malloc_usable_size(conn.handle)
    }

    /// Read back-pressure, for a client whose class has no output limit (Redis
    /// would let its buffer grow without bound): while more than 64 MB wait
    /// for it, its commands wait and it is not read. A class with a limit gets
    /// Redis's behaviour instead: the limit closes the client.
    var outputBackedUp: Bool {
        client.reply.count + client.pendingOutputLength > Server.outputBackpressureBytes
            && server.engine.outputLimit(of: client).isUnlimited
    }

    func copyFrames(_ frames: Range<Int>, into buffer: inout [UInt8]) {
        decoder.copyFrames(frames, into: &buffer)
    }

    func stopReading() {
        if !readingPaused && !closing {
            uv_read_stop(stream)
            readingPaused = true
        }
    }

    func resumeReading() {
        guard readingPaused, !closing, !client.closeAfterReply else { return }
        readingPaused = false
        uv_read_start(stream, onAllocate, onRead)
    }

    /// Sends the pending reply bytes: as much as the socket takes now, the
    /// rest through `uv_write` with a copy that lives until its callback.
    func flush() {
        guard !client.closeASAP else {
            close()  // past its output limit: what it had pending is never sent
            return
        }
        guard !writeInFlight, !closing else { return }
        if client.reply.isEmpty {
            if client.closeAfterReply { close() }
            return
        }
        let pending = client.reply.count
        server.engine.stats.netOutputBytes += pending
        server.engine.stats.writesProcessed += 1
        var sent = 0
        client.reply.bytes.withUnsafeMutableBytes { bytes in
            var buffer = uv_buf_init(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
            let result = uv_try_write(stream, &buffer, 1)
            sent = result >= 0 ? Int(result) : (result == Int32(UV_EAGAIN.rawValue) ? 0 : -1)
        }
        if sent < 0 {
            close()
            return
        }
        if sent < pending {
            // The socket is full: copy the rest for uv_write, which needs it until its callback.
            let rest = pending - sent
            let copy = UnsafeMutableRawPointer.allocate(byteCount: rest, alignment: 1)
            client.reply.bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress! + sent, byteCount: rest) }
            let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
            request.pointee.data = copy
            var buffer = uv_buf_init(copy.assumingMemoryBound(to: CChar.self), UInt32(rest))
            if uv_write(request, stream, &buffer, 1, onWritten) != 0 {
                copy.deallocate()
                request.deallocate()
                close()
                return
            }
            writeInFlight = true
            bytesInFlight = rest
            client.pendingOutputLength = rest
            if outputBackedUp { stopReading() }
        }
        resetReplyBuffer()
        server.engine.noteClientMemory(client)
        if !writeInFlight && client.closeAfterReply { close() }
    }

    /// Empties the reply buffer, giving back the memory a very large reply took.
    private func resetReplyBuffer() {
        if client.reply.bytes.capacity > 1 << 20 {
            client.reply.bytes = []
        } else {
            client.reply.bytes.removeAll(keepingCapacity: true)
        }
    }

    func writeCompleted(status: Int32) {
        writeInFlight = false
        bytesInFlight = 0
        client.pendingOutputLength = 0
        server.engine.noteClientMemory(client)
        if status < 0 {
            close()
            return
        }
        if !client.reply.isEmpty || client.closeAfterReply {
            // A reply that waits for the AOF (a write not yet fsynced under `always`,
            // or not yet written after a failed write) leaves from flushWaitingReplies.
            if server.holdsReplies(of: client) { server.scheduleFlush(self) } else { flush() }
        }
        guard !client.closeAfterReply, !client.closeASAP, !outputBackedUp else { return }
        resumeReading()
        // Commands that waited while it was backed up run now.
        if decoder.bufferedCount > 0 && !client.isBlocked {
            processInput()
            server.scheduleFlush(self)
        }
    }

    func close() {
        guard !closing else { return }
        closing = true
        // Gone from the engine at once (CLIENT LIST, the blocking queues, its
        // subscriptions), as Redis frees a client: not only when libuv's close
        // callback runs, after the next commands of other clients.
        server.engine.disconnect(client)
        let handlePointer = UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)
        if uv_is_closing(handlePointer) == 0 { uv_close(handlePointer, onConnectionClosed) }
    }
}
