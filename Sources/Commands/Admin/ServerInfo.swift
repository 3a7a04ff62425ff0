/// Versions Swirl reports. `redis_version` is the Redis release whose
/// behaviour Swirl follows, so clients that check it enable the right features.
public enum ServerInfo {
    public static let redisVersion = "7.0.15"
    public static let swirlVersion = "0.1.0"
}
