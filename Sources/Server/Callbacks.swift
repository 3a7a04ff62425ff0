internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

// libuv's C callbacks. They live at top level (a @convention(c) closure
// inside a class method crashes this compiler) and find their Swift object
// through the handle's `data` pointer, unretained: the Server keeps every
// object alive for as long as its handle is open.

// `_withUnsafeGuaranteedRef` lends the object without a retain/release pair per
// callback; safe because the owners (Server.connections, main) outlive the call.
func withConnection(of handle: UnsafeMutableRawPointer?, _ body: (Connection) -> Void) {
    let data = handle!.assumingMemoryBound(to: uv_handle_t.self).pointee.data!
    Unmanaged<Connection>.fromOpaque(data)._withUnsafeGuaranteedRef(body)
}

func withServer(of loop: UnsafeMutablePointer<uv_loop_t>?, _ body: (Server) -> Void) {
    Unmanaged<Server>.fromOpaque(loop!.pointee.data!)._withUnsafeGuaranteedRef(body)
}

let onNewConnection: uv_connection_cb = { listener, status in
    guard status >= 0, let listener else { return }
    withServer(of: listener.pointee.loop) { $0.accept(from: listener) }
}

/// Every read lands in the server's one scratch buffer and is copied into the
/// connection's decoder at once, so idle connections hold no read buffer.
let onAllocate: uv_alloc_cb = { handle, _, buffer in
    withServer(of: handle!.pointee.loop) { owner in
        buffer!.pointee = uv_buf_init(owner.readScratch.assumingMemoryBound(to: CChar.self), UInt32(Server.readScratchSize))
    }
}

let onRead: uv_read_cb = { stream, count, buffer in
    withConnection(of: stream) { conn in
        if count < 0 {
            conn.close()
            return
        }
        guard count > 0, let base = buffer?.pointee.base else { return }
        conn.server.received(UnsafeRawBufferPointer(start: base, count: count), on: conn)
    }
}

let onWritten: uv_write_cb = { request, status in
    guard let request else { return }
    request.pointee.data?.deallocate()
    let stream = request.pointee.handle
    request.deallocate()
    guard let stream else { return }
    withConnection(of: stream) { $0.writeCompleted(status: status) }
}

let onConnectionClosed: uv_close_cb = { handle in
    guard let handle else { return }
    // A strong reference here, not a lent one: `forget` drops the table's reference.
    let conn = Unmanaged<Connection>.fromOpaque(handle.pointee.data!).takeUnretainedValue()
    conn.server.forget(conn)
    handle.deallocate()
}

let onHandleClosed: uv_close_cb = { handle in
    handle?.deallocate()
}

/// Runs before the loop blocks, like Redis's beforeSleep.
let onBeforeSleep: uv_prepare_cb = { prepare in
    withServer(of: prepare!.pointee.loop) { $0.beforeSleep() }
}

let onCron: uv_timer_cb = { timer in
    withServer(of: timer!.pointee.loop) { $0.cron() }
}

let onBlockingTimeout: uv_timer_cb = { timer in
    withServer(of: timer!.pointee.loop) { $0.blockingTimerFired() }
}

let onEvictionIdle: uv_idle_cb = { idle in
    withServer(of: idle!.pointee.loop) { $0.evictionStep() }
}

let onSignal: uv_signal_cb = { handle, signal in
    withServer(of: handle!.pointee.loop) { $0.signalReceived(signal) }
}

let onAOFWritten: uv_fs_cb = { request in
    withServer(of: request!.pointee.loop) { $0.aof?.writeCompleted() }
}

let onAOFSynced: uv_fs_cb = { request in
    withServer(of: request!.pointee.loop) { $0.aof?.syncCompleted() }
}

/// Closes every handle still open at shutdown.
let closeAnyHandle: uv_walk_cb = { handle, _ in
    guard let handle, uv_is_closing(handle) == 0 else { return }
    // Only connections set `data`: listeners and the loop's own handles leave it nil.
    if handle.pointee.type == UV_TCP || handle.pointee.type == UV_NAMED_PIPE, handle.pointee.data != nil {
        withConnection(of: handle) { $0.close() }
    } else {
        uv_close(handle, onHandleClosed)
    }
}
