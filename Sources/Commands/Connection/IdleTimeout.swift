import Keyspace

/// `timeout`: Redis's clientsCronHandleTimeout. Once a second the Server asks
/// about each connection; a client idle for more than `timeout` seconds is
/// closed, unless it is a monitor, blocked, or in pub/sub mode (they wait on
/// purpose), as in Redis.
extension Engine {
    public func idleTimedOut(_ client: Client, nowMilliseconds: Int64) -> Bool {
        let limit = config.idleTimeout
        guard limit > 0, !client.isMonitor, client.blocked == nil, client.subscriptions == nil else { return false }
        // Whole seconds on both sides, as Redis's unixtime.
        return nowMilliseconds / 1000 - client.lastInteraction / 1000 > Int64(limit)
    }
}
