internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// `unixsocket` and `unixsocketperm`: a libuv pipe listening on a socket file,
/// whose clients go through `accept` like TCP ones. As Redis 7.0: the file is
/// removed before binding (a stale one from a killed server would fail the
/// bind), given `unixsocketperm` when that is not 0, and removed at shutdown.
/// Both parameters are immutable in 7.0, so the socket lives as long as the server.
extension Server {
    /// The longest path a `sockaddr_un` holds, with its terminating NUL.
    static let unixPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// Listens on `path`; returns Redis's reason when it cannot.
    func listenUnix(path: String, permissions: UInt32, backlog: Int32) -> String? {
        // libuv 1.44 would cut a long path short and bind somewhere else.
        let length = path.utf8.count
        guard length < Self.unixPathCapacity else {
            return "unix socket path too long (\(length)), must be under \(Self.unixPathCapacity)"
        }
        unlink(path)
        let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
        uv_pipe_init(loop, pipe, 0)
        pipe.pointee.data = nil
        let handle = UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_handle_t.self)
        var status = uv_pipe_bind(pipe, path)
        if status == 0 && permissions != 0 && chmod(path, mode_t(permissions)) != 0 {
            status = -errno
        }
        if status == 0 {
            status = uv_listen(UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_stream_t.self), backlog, onNewConnection)
        }
        guard status == 0 else {
            uv_close(handle, onHandleClosed)
            return String(cString: uv_strerror(status))
        }
        unixListener = pipe
        unixSocketPath = path
        return nil
    }

    /// At shutdown: stop listening and remove the socket file, with Redis's log lines.
    func closeUnixListener() {
        guard let pipe = unixListener else { return }
        unixListener = nil
        logger.notice("Removing the unix socket file.")
        if unlink(unixSocketPath) != 0 {
            logger.warning("Error removing the unix socket file: \(String(cString: strerror(errno)))")
        }
        // libuv unlinks a bound pipe's path when it closes it too; the file is gone by then.
        let handle = UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_handle_t.self)
        if uv_is_closing(handle) == 0 { uv_close(handle, onHandleClosed) }
    }
}
