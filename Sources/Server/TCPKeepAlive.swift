internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

extension Server {
    /// `tcp-keepalive`, as Redis's anetKeepAlive on Linux: the first probe
    /// after `seconds` of silence, the next ones a third of that apart, and the
    /// connection is dropped after three unanswered. 0 leaves keepalive off.
    func setKeepAlive(_ handle: UnsafeMutablePointer<uv_tcp_t>, seconds: Int) {
        guard seconds > 0 else { return }
        var fd = uv_os_fd_t()
        guard uv_fileno(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), &fd) == 0 else { return }
        let size = socklen_t(MemoryLayout<Int32>.size)
        var on: Int32 = 1
        var idle = Int32(clamping: seconds)
        var interval = max(1, Int32(clamping: seconds / 3))
        var probes: Int32 = 3
        // A socket option refused leaves the connection as it was: it still works.
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &probes, size)
    }
}
