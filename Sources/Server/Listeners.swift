internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// The listening sockets: opening them at start, moving them when CONFIG SET
/// changes `port` or `bind`, and the addresses CLIENT LIST shows.
extension Server {
    /// Binds every address of `bind` on `port`; a `-` prefix marks an address
    /// whose failure is fine. False when another failed: then nothing stays bound.
    func listen(addresses: [String], port: Int) -> Bool {
        for entry in addresses {
            let optional = entry.hasPrefix("-")
            var address = optional ? String(entry.dropFirst()) : entry
            if address == "*" { address = "0.0.0.0" }
            if address == "::*" { address = "::" }
            if let failure = listen(address: address, port: port) {
                if optional { continue }
                logger.warning("Warning: Could not create server TCP listening socket \(address):\(port): \(failure)")
                closeListeners()
                return false
            }
        }
        boundPort = port
        return true
    }

    func closeListeners() {
        for listener in listeners {
            let handle = UnsafeMutableRawPointer(listener).assumingMemoryBound(to: uv_handle_t.self)
            if uv_is_closing(handle) == 0 { uv_close(handle, onHandleClosed) }
        }
        listeners.removeAll()
        boundPort = 0
    }

    /// CONFIG SET port / bind, as Redis 7.0's changeListenPort and
    /// changeBindAddr: the old listeners close first (libuv closes their
    /// sockets at once and binds with SO_REUSEADDR, so a rollback to the old
    /// values can listen again), then the new ones open; port 0 listens on no
    /// TCP port. Returns Redis's error text when they cannot.
    func changeListeners(_ parameter: String) -> String? {
        closeListeners()
        let port = engine.config.port
        guard port != 0 else { return nil }
        if listen(addresses: engine.config.bind, port: port) { return nil }
        if parameter == "port" { return "Unable to listen on this port. Check server logs." }
        logger.warning("Failed to bind")
        return "Failed to bind to specified addresses."
    }

    private func listen(address: String, port: Int) -> String? {
        var storage = sockaddr_storage()
        let isIPv6 = address.contains(":")
        let parsed = withUnsafeMutablePointer(to: &storage) { pointer -> Int32 in
            isIPv6
                ? uv_ip6_addr(address, Int32(port), UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr_in6.self))
                : uv_ip4_addr(address, Int32(port), UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr_in.self))
        }
        guard parsed == 0 else { return "invalid address" }
        let handle = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop, handle)
        handle.pointee.data = nil
        let flags: UInt32 = isIPv6 ? UInt32(UV_TCP_IPV6ONLY.rawValue) : 0
        var status = withUnsafePointer(to: &storage) {
            uv_tcp_bind(handle, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), flags)
        }
        if status == 0 {
            status = uv_listen(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_stream_t.self), engine.config.tcpBacklog, onNewConnection)
        }
        guard status == 0 else {
            uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), onHandleClosed)
            return String(cString: uv_strerror(status))
        }
        listeners.append(handle)
        return nil
    }

    /// `ip:port` of either end of a TCP handle.
    static func address(of handle: UnsafeMutablePointer<uv_tcp_t>, peer: Bool) -> String {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer -> Int32 in
            let address = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr.self)
            return peer ? uv_tcp_getpeername(handle, address, &length) : uv_tcp_getsockname(handle, address, &length)
        }
        guard status == 0 else { return "" }
        var text = [CChar](repeating: 0, count: 64)
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer -> String in
            let raw = UnsafeRawPointer(pointer)
            if family == sa_family_t(AF_INET6) {
                let address = raw.assumingMemoryBound(to: sockaddr_in6.self)
                uv_ip6_name(address, &text, text.count)
                return "\(String(cBuffer: text)):\(UInt16(bigEndian: address.pointee.sin6_port))"
            }
            let address = raw.assumingMemoryBound(to: sockaddr_in.self)
            uv_ip4_name(address, &text, text.count)
            return "\(String(cBuffer: text)):\(UInt16(bigEndian: address.pointee.sin_port))"
        }
    }
}
