import SwirlBytes
/// Per-command counters for INFO commandstats.
public struct CommandStat {
    public var calls = 0
    public var microseconds: Int64 = 0
    public var rejectedCalls = 0
    public var failedCalls = 0
}

/// The counters INFO stats reports.
public struct ServerStats {
    public var commandsProcessed = 0
    public var connectionsReceived = 0
    public var rejectedConnections = 0
    public var netInputBytes = 0
    public var netOutputBytes = 0
    /// Socket reads and writes (INFO total_reads_processed / total_writes_processed).
    public var readsProcessed = 0
    public var writesProcessed = 0
    /// The AOF rewrite's forks (INFO latest_fork_usec, total_forks).
    public var latestForkMicroseconds: Int64 = 0
    public var totalForks = 0
    /// Indexed by `CommandSpec.id`: an array, so counting a call costs no hashing.
    public var commands: [CommandStat] = [] {
        didSet { if latency.commandCount != commands.count { latency = LatencyTable(commandCount: commands.count) } }
    }
    /// Per-command latency counts (INFO latencystats, LATENCY HISTOGRAM).
    var latency = LatencyTable(commandCount: 0)
    public var errors: [String: Int] = [:]
    public var totalErrorReplies = 0
    public let startTime: Int64
    public var lastSave: Int64

    public init(startTime: Int64) {
        self.startTime = startTime
        self.lastSave = startTime / 1000
    }

    mutating func recordError(_ reply: ArraySlice<UInt8>) {
        totalErrorReplies += 1
        let code = reply.dropFirst().prefix { $0 != 0x20 && $0 != 0x0d }
        errors[String(decoding: code, as: UTF8.self), default: 0] += 1
    }

    public mutating func reset() {
        commandsProcessed = 0
        connectionsReceived = 0
        rejectedConnections = 0
        netInputBytes = 0
        netOutputBytes = 0
        readsProcessed = 0
        writesProcessed = 0
        commands = Array(repeating: CommandStat(), count: commands.count)
        latency = LatencyTable(commandCount: commands.count)
        errors = [:]
        totalErrorReplies = 0
    }
}
