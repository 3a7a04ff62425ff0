internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

// libuv's C callbacks. They live at top level (a @convention(c) closure
// inside a class method crashes this compiler) and find their Swift object
// through the handle's `data` pointer, unretained: the Server keeps every
// object alive for as long as its handle is open.

func connection(of handle: UnsafeMutableRawPointer?) -> Connection {
    let data = handle!.assumingMemoryBound(to: uv_handle_t.self).pointee.data!
    return Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue()
}

func server(of loop: UnsafeMutablePointer<uv_loop_t>?) -> Server {
    Unmanaged<Server>.fromOpaque(loop!.pointee.data!).takeUnretainedValue()
}

let onNewConnection: uv_connection_cb = { listener, status in
    guard status >= 0, let listener else { return }
    server(of: listener.pointee.loop).accept(from: listener)
}

/// Every read lands in the server's one scratch buffer and is copied into the
/// connection's decoder at once, so idle connections hold no read buffer.
let onAllocate: uv_alloc_cb = { handle, _, buffer in
    let owner = server(of: handle!.pointee.loop)
    buffer!.pointee = uv_buf_init(owner.readScratch.assumingMemoryBound(to: CChar.self), UInt32(Server.readScratchSize))
}

let onRead: uv_read_cb = { stream, count, buffer in
    let conn = connection(of: stream)
    if count < 0 {
        conn.close()
        return
    }
    guard count > 0, let base = buffer?.pointee.base else { return }
    conn.server.received(UnsafeRawBufferPointer(start: base, count: count), on: conn)
}

let onWritten: uv_write_cb = { request, status in
    guard let request else { return }
    request.pointee.data?.deallocate()
    let stream = request.pointee.handle
    request.deallocate()
    guard let stream else { return }
    connection(of: stream).writeCompleted(status: status)
}

let onConnectionClosed: uv_close_cb = { handle in
    guard let handle else { return }
    let conn = connection(of: handle)
    conn.server.forget(conn)
    handle.deallocate()
}

let onHandleClosed: uv_close_cb = { handle in
    handle?.deallocate()
}

/// Runs before the loop blocks, like Redis's beforeSleep.
let onBeforeSleep: uv_prepare_cb = { prepare in
    server(of: prepare!.pointee.loop).beforeSleep()
}

let onCron: uv_timer_cb = { timer in
    server(of: timer!.pointee.loop).cron()
}

let onSignal: uv_signal_cb = { handle, signal in
    server(of: handle!.pointee.loop).signalReceived(signal)
}

let onAOFWritten: uv_fs_cb = { request in
    server(of: request!.pointee.loop).aof?.writeCompleted()
}

let onAOFSynced: uv_fs_cb = { request in
    server(of: request!.pointee.loop).aof?.syncCompleted()
}

/// Closes every handle still open at shutdown.
let closeAnyHandle: uv_walk_cb = { handle, _ in
    guard let handle, uv_is_closing(handle) == 0 else { return }
    if handle.pointee.type == UV_TCP, handle.pointee.data != nil {
        connection(of: handle).close()
    } else {
        uv_close(handle, onHandleClosed)
    }
}
