/// Passwords, ACL and TLS: Redis 7.0.15's parameters of those areas (the TLS
/// ones exist in a Redis built with TLS, as Debian's is).
extension Config {
    static let securityParameters: [Parameter] = [
        .text("requirepass", sensitive: true),
        .text("aclfile", unsetWhenEmpty: false, immutable: true).ignored(Why.acl),
        .number("acllog-max-len", 128, 0...longMax).ignored(Why.acl),
        .oneOf("acl-pubsub-default", "resetchannels", ["allchannels", "resetchannels"]).ignored(Why.acl),
    ] + tlsParameters.map { $0.ignored(Why.tls) }

    private static let tlsParameters: [Parameter] = [
        .number("tls-port", 0, 0...65535),
        .number("tls-session-cache-size", 20 * 1024, 0...intMax),
        .number("tls-session-cache-timeout", 300, 0...intMax),
        .yesNo("tls-cluster", false),
        .yesNo("tls-replication", false),
        .oneOf("tls-auth-clients", "yes", ["no", "yes", "optional"]),
        .yesNo("tls-prefer-server-ciphers", false),
        .yesNo("tls-session-caching", true),
        .text("tls-cert-file"),
        .text("tls-key-file"),
        .text("tls-key-file-pass"),
        .text("tls-client-cert-file"),
        .text("tls-client-key-file"),
        .text("tls-client-key-file-pass"),
        .text("tls-dh-params-file"),
        .text("tls-ca-cert-file"),
        .text("tls-ca-cert-dir"),
        .text("tls-protocols"),
        .text("tls-ciphers"),
        .text("tls-ciphersuites"),
    ]
}
