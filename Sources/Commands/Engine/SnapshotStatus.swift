/// What the Server records of RDB snapshots (SAVE, BGSAVE, save points,
/// start-up loading), read by INFO persistence, LASTSAVE, BGSAVE and
/// BGREWRITEAOF. `ServerStats.lastSave` is the time of the last success.
public struct SnapshotStatus {
    /// `rdb_last_bgsave_status`: false after a failed BGSAVE until one succeeds
    /// (MISCONF refusals while save points exist, as Redis's lastbgsave_status).
    public var lastBackgroundSaveOK = true
    /// Unix seconds a running BGSAVE child started at, nil when none runs.
    public var backgroundSaveStarted: Int64? = nil
    /// A BGSAVE waiting for the AOF rewrite child to finish (BGSAVE SCHEDULE).
    public var backgroundSaveScheduled = false
    public var lastBackgroundSaveSeconds = -1
    /// `rdb_saves`: snapshots started (SAVE and BGSAVE).
    public var saves = 0
    public var lastCopyOnWriteSize = 0
    /// What the start-up load of dump.rdb found.
    public var lastLoadKeysLoaded = 0
    public var lastLoadKeysExpired = 0

    public init() {}

    public var backgroundSaveInProgress: Bool { backgroundSaveStarted != nil }
}
