internal import CLibUV
import Commands
#if canImport(Glibc)
import Glibc
#endif

/// Serving other clients while a script is busy (Redis's
/// processEventsWhileBlocked), from inside the script's count hook.
///
/// libuv's `uv_run` is not reentrant, and the hook runs inside a read
/// callback of the outer `uv_run`, so the loop is not run again. Instead,
/// at each hook (every 100,000 Lua instructions) the Server does by hand the
/// little the busy state needs, with plain system calls on the descriptors
/// libuv owns: `accept` on each listener (the new socket is given to libuv
/// with `uv_tcp_open`, as an accepted one would be), a non-blocking `recv`
/// on every other connection, whose commands then run as usual (the engine
/// answers BUSY to everything but allow-busy commands and SHUTDOWN NOSAVE),
/// and `uv_try_write` of their replies (`Connection.flush`). The caller's
/// connection is not read: its next commands wait for its script. libuv's
/// watchers are untouched (level-triggered epoll simply finds less to read
/// later); closing a connection is `uv_close`, which libuv allows anywhere.
/// The engine's input batch (the caller's frames awaiting the AOF, the
/// current client) is set aside meanwhile (`Engine.suspendInput`).
extension Server {
    func pollWhileScriptBusy(caller: Client) {
        let suspended = engine.suspendInput()
        defer { engine.resumeInput(suspended) }
        for listener in listeners { acceptWhileBusy(UnsafeMutableRawPointer(listener).assumingMemoryBound(to: uv_stream_t.self), isUnix: false) }
        if let unix = unixListener { acceptWhileBusy(UnsafeMutableRawPointer(unix).assumingMemoryBound(to: uv_stream_t.self), isUnix: true) }
        for conn in Array(connections.values) where conn.client !== caller && !conn.closing && !conn.readingPaused {
            readWhileBusy(conn)
        }
        if shutdownRequested { engine.scripting.abandonRunningScript() }
    }

    private func acceptWhileBusy(_ listener: UnsafeMutablePointer<uv_stream_t>, isUnix: Bool) {
        var listenerFD = uv_os_fd_t()
        guard uv_fileno(UnsafeMutableRawPointer(listener).assumingMemoryBound(to: uv_handle_t.self), &listenerFD) == 0 else { return }
        while true {
            // The listener is non-blocking (libuv made it so): -1 once none waits. uv_tcp_open makes the socket non-blocking.
            let fd = Glibc.accept(listenerFD, nil, nil)
            guard fd >= 0 else { return }
            let stream: UnsafeMutablePointer<uv_stream_t>
            let opened: Int32
            if isUnix {
                let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
                uv_pipe_init(loop, pipe, 0)
                stream = UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_stream_t.self)
                opened = uv_pipe_open(pipe, fd)
            } else {
                let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
                uv_tcp_init(loop, tcp)
                stream = UnsafeMutableRawPointer(tcp).assumingMemoryBound(to: uv_stream_t.self)
                opened = uv_tcp_open(tcp, fd)
            }
            stream.pointee.data = nil
            guard opened == 0 else {
                Glibc.close(fd)
                uv_close(UnsafeMutableRawPointer(stream).assumingMemoryBound(to: uv_handle_t.self), onHandleClosed)
                continue
            }
            adopt(stream, isUnix: isUnix)
        }
    }

    private func readWhileBusy(_ conn: Connection) {
        var fd = uv_os_fd_t()
        guard uv_fileno(UnsafeMutableRawPointer(conn.handle).assumingMemoryBound(to: uv_handle_t.self), &fd) == 0 else { return }
        let count = recv(fd, readScratch, Server.readScratchSize, Int32(MSG_DONTWAIT))
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            conn.close()
            return
        }
        guard count > 0 else { return }
        received(UnsafeRawBufferPointer(start: readScratch, count: count), on: conn)
        if !conn.closing { conn.flush() }
    }
}
