#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// What DEBUG remembers between calls.
struct DebugState {
    /// The snapshot the last DEBUG RELOAD took: what RELOAD NOSAVE loads
    /// (Swirl's stand-in for Redis's dump.rdb, kept in memory; see DebugReload.swift).
    var reloadSnapshot: [UInt8]? = nil
    /// DEBUG QUICKLIST-PACKED-THRESHOLD, validated and kept as Redis does. Swirl's
    /// lists are one ring buffer with no packed/plain nodes, so nothing reads it.
    var quicklistPackedThreshold: UInt64 = 1 << 30
}

/// DEBUG: like Redis 7.0, one command (not a container) whose first argument
/// picks a subcommand; a wrong name or argument count gets one error text.
/// The subcommands that inspect values are in DebugInspection.swift, RELOAD
/// in DebugReload.swift.
enum DebugCommand {
    static func specs() -> [CommandSpec] {
        [
            ServerCommands.group.command("debug", -2, [.admin, .noscript, .loading, .stale], syntax: "",
                                         "A container for debugging commands", complexity: "Depends on subcommand.",
                                         docNotes: .syscmd, handler: debug),
        ]
    }

    /// Redis 7.0 refuses DEBUG unless `enable-debug-command` is `yes`, or `local`
    /// and the client is local (127.0.0.1, ::1 or in-process): the default is `no`.
    static func refusal(_ c: Client) -> String? {
        if c.engine.config.allowsProtectedAction("enable-debug-command", localClient: c.isLocal) { return nil }
        return "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
            + "you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server."
    }

    static func debug(_ c: Client) {
        let count = c.args.count
        switch (Text.lowercased(c.args[1]), count) {
        case ("help", 2): help(c)
        case ("object", 3): DebugInspection.object(c)
        case ("listpack", 3): DebugInspection.listpack(c)
        case ("quicklist", 3...4): DebugInspection.quicklist(c)
        case ("digest", 2): DebugInspection.digest(c)
        case ("digest-value", _): DebugInspection.digestValues(c)
        case ("reload", _): DebugReload.run(c)
        case ("populate", 3...5): populate(c)
        case ("protocol", 3): protocolSample(c)
        case ("error", 3): c.reply.error("\(raw: c.args[2])" as ErrorText)
        case ("log", 3):
            c.engine.hooks.logWarning("DEBUG LOG: \(Text.truncated(c.args[2], Int.max))")
            c.reply.ok()
        case ("sleep", 3): sleep(c)
        case ("set-active-expire", 3):
            c.engine.activeExpireEnabled = cInteger(c.args[2]) != 0
            c.reply.ok()
        case ("quicklist-packed-threshold", 3): packedThreshold(c)
        case ("change-repl-id", 2):
            c.engine.hooks.logWarning("Changing replication IDs after receiving DEBUG change-repl-id")
            c.engine.replicationID = Engine.randomHex()
            c.reply.ok()
        case ("stringmatch-test", 2): stringMatchTest(c)
        case ("config-rewrite-force-all", 2): ConfigCommands.rewriteForcingAll(c)
        default:
            c.reply.error(Errors.subcommandSyntax(c.args[1], container: "DEBUG"))
        }
    }

    /// DEBUG SLEEP seconds: C's `strtod` reading, as Redis (so `abc` sleeps 0 seconds).
    /// Redis blocks its event loop here too: that is what the command is for.
    private static func sleep(_ c: Client) {
        let seconds = cString(c.args[2]).withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
        if seconds > 0 { usleep(useconds_t(min(seconds, 3600) * 1_000_000)) }
        c.reply.ok()
    }

    /// DEBUG QUICKLIST-PACKED-THRESHOLD size: a memory value below 4 GB minus 1 MB; 0 restores 1 GB.
    private static func packedThreshold(_ c: Client) {
        guard let size = Config.memoryValue(Text.string(c.args[2])), size >= 0, size <= (1 << 32) - (1 << 20) else {
            c.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
            return
        }
        c.engine.debugState.quicklistPackedThreshold = size == 0 ? 1 << 30 : UInt64(size)
        c.reply.ok()
    }

    /// DEBUG POPULATE count [prefix] [size]: string keys `prefix:N` (at most 127
    /// bytes, as Redis's buffer) holding `value:N`, NUL-padded or cut to `size`.
    /// Existing keys are kept. Like Redis, nothing is counted as a change, so
    /// nothing reaches the AOF.
    private static func populate(_ c: Client) {
        guard let count = nonNegative(c, at: 2) else { return }
        var size: Int64 = 0
        if c.args.count == 5 {
            guard let parsed = nonNegative(c, at: 4) else { return }
            size = parsed
        }
        var prefix = c.args.count >= 4 ? Array(c.args[3]) : Array("key".utf8)
        if let nul = prefix.firstIndex(of: 0) { prefix.removeSubrange(nul...) }
        for index in 0..<count {
            let key = Bytes((prefix + Array(":\(index)".utf8)).prefix(127))
            if c.db.exists(key) { continue }
            var value = Array("value:\(index)".utf8)
            if size > 0 {
                value = Array(value.prefix(Int(size)))
                value += [UInt8](repeating: 0, count: Int(size) - value.count)
            }
            c.db.add(key, .string(Bytes(value)))
        }
        c.reply.ok()
    }

    /// A count of 0 or more, or nil after Redis's one error for anything else.
    private static func nonNegative(_ c: Client, at index: Int) -> Int64? {
        guard let value = ByteNumbers.parseInt64(c.args[index]), value >= 0 else {
            c.reply.error(Errors.notPositiveCount)
            return nil
        }
        return value
    }

    /// DEBUG PROTOCOL type: one sample reply of each RESP type, Redis's values,
    /// in the client's protocol (what client libraries test their parsers with).
    private static func protocolSample(_ c: Client) {
        switch Text.lowercased(c.args[2]) {
        case "string": c.reply.bulk("Hello World")
        case "integer": c.reply.integer(12345)
        case "double": c.reply.double(3.141)
        case "bignum": c.reply.bigNumber("1234567999999999999999999999999999999")
        case "null": c.reply.null()
        case "array":
            c.reply.array(3)
            for number in 0..<3 { c.reply.integer(number) }
        case "set":
            c.reply.set(3)
            for number in 0..<3 { c.reply.integer(number) }
        case "map":
            c.reply.map(3)
            for number in 0..<3 {
                c.reply.integer(number)
                c.reply.boolean(number == 1)
            }
        case "attrib":
            if c.reply.isRESP3 {
                c.reply.attribute(1)
                c.reply.bulk("key-popularity")
                c.reply.array(2)
                c.reply.bulk("key:123")
                c.reply.integer(90)
            }
            c.reply.bulk("Some real reply following the attribute")
        case "push":
            guard c.reply.isRESP3 else {
                c.reply.error("ERR RESP2 is not supported by this command")
                return
            }
            let start = c.reply.count
            c.reply.push(2)
            c.reply.bulk("server-cpu-usage")
            c.reply.integer(42)
            c.pushed(from: start)
            c.reply.bulk("Some real reply following the push reply")
        case "verbatim": c.reply.verbatim(Array("This is a verbatim\nstring".utf8))
        case "true": c.reply.boolean(true)
        case "false": c.reply.boolean(false)
        default:
            c.reply.error("ERR Wrong protocol type name. Please use one of the following: "
                          + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
        }
    }

    /// DEBUG STRINGMATCH-TEST: random patterns against random strings through
    /// the glob matcher, to show it neither traps nor hangs on odd input.
    private static func stringMatchTest(_ c: Client) {
        var generator = SystemRandomNumberGenerator()
        func randomBytes() -> [UInt8] {
            (0..<Int.random(in: 0..<32, using: &generator)).map { _ in UInt8.random(in: 0..<128, using: &generator) }
        }
        for _ in 0..<50_000 { _ = Glob.matches(randomBytes(), randomBytes()) }
        c.reply.simple("Apparently Redis did not crash: test passed")
    }

    /// Redis 7.0's help text, for the subcommands Swirl has.
    private static func help(_ c: Client) {
        HelpText.reply(c, container: "DEBUG", lines: [
            "CHANGE-REPL-ID", "    Change the replication IDs of the instance.",
            "    Dangerous: should be used only for testing the replication subsystem.",
            "DIGEST", "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
            "ERROR <string>", "    Return a Redis protocol error with <string> as message. Useful for clients",
            "    unit tests to simulate Redis errors.",
            "LOG <message>", "    Write <message> to the server log.",
            "OBJECT <key>", "    Show low level info about `key` and associated value.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "PROTOCOL <type>", "    Reply with a test value of the specified type. <type> can be: string,",
            "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,", "    true, false.",
            "RELOAD [option ...]",
            "    Snapshot the dataset and reload it back to memory (Swirl keeps the snapshot in memory",
            "    instead of an RDB file). Valid <option> values:",
            "    * MERGE: conflicting keys will be loaded from the snapshot.",
            "    * NOFLUSH: the existing database will not be removed before load, but",
            "      conflicting keys make the reload fail (Redis kills the server).",
            "    * NOSAVE: the database will be loaded from the last snapshot taken.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the", "    default.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Sets the threshold for elements to be inserted as plain vs packed nodes",
            "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
            "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.",
            "STRINGMATCH-TEST", "    Run a fuzz tester against the stringmatchlen() function.",
            "LISTPACK <key>", "    Show low level info about the listpack encoding of <key>.",
            "QUICKLIST <key> [<0|1>]", "    Show low level info about the quicklist encoding of <key>.",
            "    The optional argument (0 by default) sets the level of detail",
        ], helpLine: "    Prints this help.")
    }

    // MARK: - C-style number reading, as Redis reads these arguments

    /// The bytes up to the first NUL, NUL-terminated, for C's parsers.
    static func cString(_ bytes: Bytes) -> [CChar] {
        bytes.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
    }

    /// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
    static func cInteger(_ bytes: Bytes) -> Int32 {
        cString(bytes).withUnsafeBufferPointer { atoi($0.baseAddress!) }
    }
}
