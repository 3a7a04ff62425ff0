internal import CLibUV
import Commands
#if canImport(Glibc)
import Glibc
#endif

/// Who may connect, decided when a connection is accepted: the `maxclients`
/// limit and protected mode, with Redis's replies, sent before the close.
extension Server {
    /// Redis's text, word for word (clients and scripts look for it).
    static let protectedModeDenial = "-DENIED Redis is running in protected mode because protected "
        + "mode is enabled and no password is set for the default user. "
        + "In this mode connections are only accepted from the loopback interface. "
        + "If you want to connect from external computers to Redis you "
        + "may adopt one of the following solutions: "
        + "1) Just disable protected mode sending the command "
        + "'CONFIG SET protected-mode no' from the loopback interface "
        + "by connecting to Redis from the same host the server is "
        + "running, however MAKE SURE Redis is not publicly accessible "
        + "from internet if you do so. Use CONFIG REWRITE to make this "
        + "change permanent. "
        + "2) Alternatively you can just disable the protected mode by "
        + "editing the Redis configuration file, and setting the protected "
        + "mode option to 'no', and then restarting the server. "
        + "3) If you started the server manually just for testing, restart "
        + "it with the '--protected-mode no' option. "
        + "4) Setup a an authentication password for the default user. "
        + "NOTE: You only need to do one of the above things in order for "
        + "the server to start accepting connections from the outside.\r\n"

    /// The refusal for a connection just accepted, or nil to let it in. As in
    /// Redis, `maxclients` is checked first, then protected mode: with
    /// `protected-mode yes` and no password, only local clients (`isLocal`) come in.
    func admissionRefusal(isLocal: Bool) -> String? {
        if connections.count >= engine.config.maxClients { return "-\(Errors.maxClients)\r\n" }
        if !isLocal && engine.config.protectedMode && !engine.passwordRequired { return Self.protectedModeDenial }
        return nil
    }

    /// Writes `message` if the socket takes it now (it is new, so it does), counts a rejected connection, closes.
    func refuse(_ handle: UnsafeMutablePointer<uv_stream_t>, with message: String) {
        var bytes = Array(message.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var buffer = uv_buf_init(raw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(raw.count))
            _ = uv_try_write(handle, &buffer, 1)
        }
        engine.stats.rejectedConnections += 1
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self), onHandleClosed)
    }

    /// Redis's islocalClient: the peer is exactly 127.0.0.1 or ::1 (the rest of
    /// 127.0.0.0/8 is not local to Redis, and neither is this machine's own
    /// address on another interface).
    static func peerIsLocal(_ handle: UnsafeMutablePointer<uv_tcp_t>) -> Bool {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            uv_tcp_getpeername(handle, UnsafeMutableRawPointer($0).assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard status == 0 else { return false }
        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: &storage) { raw in
            switch family {
            case AF_INET:
                return raw.load(fromByteOffset: MemoryLayout<sockaddr_in>.offset(of: \.sin_addr)!, as: UInt32.self)
                    == UInt32(0x7f00_0001).bigEndian
            case AF_INET6:
                let offset = MemoryLayout<sockaddr_in6>.offset(of: \.sin6_addr)!
                let address = raw[offset..<(offset + 16)]
                return address.dropLast().allSatisfy { $0 == 0 } && address.last == 1
            default:
                return false
            }
        }
    }
}
