internal import CLibUV
import Commands
import Keyspace
import Persistence
import SwirlBytes
#if canImport(Glibc)
import Glibc
#endif

/// `swirl-server [config-file] [--name value ...]`, as `redis-server` takes it:
/// configuration, data directory, AOF replay, listeners, then the loop.
public enum Launcher {
    public static func main(_ arguments: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var options = Array(arguments.dropFirst())
        if let first = options.first {
            if first == "--help" || first == "-h" {
                print(usage)
                return 0
            }
            if first == "--config-table" {
                // docs/CONFIG.md is this output (a test checks it is current).
                print(ConfigTableDoc.markdown, terminator: "")
                return 0
            }
            if first == "--version" || first == "-v" {
                print("Swirl server v=\(ServerInfo.swirlVersion) redis_version=\(ServerInfo.redisVersion) bits=64 libuv=\(String(cString: uv_version_string()))")
                return 0
            }
        }
        let config = Config()
        var absoluteConfigPath: String? = nil
        // Before `dir` moves the working directory.
        let executablePath = absolutePath(arguments.first ?? "swirl-server")
        var text = ""
        do {
            if let first = options.first, !first.hasPrefix("--") {
                absoluteConfigPath = absolutePath(first)
                options.removeFirst()
                text = try ConfigFile.readFile(first)
            }
            text += "\n" + ConfigFile.lines(fromArguments: options)
            try ConfigFile.apply(text, to: config, changeDirectory: true)
        } catch {
            printError(error.line != 0 ? error.report : error.reason + "\n")
            return 1
        }
        // `dir` moved the working directory while the configuration was read, as in Redis.
        let logger = Logger(path: config.logFile, level: Logger.Level(name: config.logLevel))
        logger.notice("oO0OoO0OoO0Oo Swirl is starting oO0OoO0OoO0Oo")
        logger.notice("Swirl version=\(ServerInfo.swirlVersion), redis_version=\(ServerInfo.redisVersion), bits=64, pid=\(getpid()), just started")
        logger.notice(absoluteConfigPath == nil ? "Configuration loaded (no config file, using defaults and command-line options)" : "Configuration loaded")
        raiseOpenFileLimit(config: config, logger: logger)
        if config.maxmemory > 0 && config.maxmemory < 1024 * 1024 {
            logger.warning("WARNING: You specified a maxmemory value that is less than 1MB (current value is \(config.maxmemory) bytes). Are you sure this is what you really want?")
        }
        if let warning = config.ignoredSettingsWarning { logger.warning(warning) }

        let engine = Engine(config: config)
        engine.configFilePath = absoluteConfigPath
        engine.executablePath = executablePath
        let server = Server(engine: engine, logger: logger)
        engine.startupMemory = engine.hooks.usedMemory()
        logger.notice("Server initialized")
        if config.appendOnly {
            guard AOFSetup.open(server: server) else { return 1 }
        }
        guard server.listen(addresses: config.bind, port: config.port), !server.listeners.isEmpty else {
            logger.warning("Failed listening on port \(config.port) (tcp), aborting.")
            return 1
        }
        logger.notice("Ready to accept connections tcp")
        server.run()
        return 0
    }

    static let usage = """
    Usage: ./swirl-server [/path/to/swirl.conf] [options] [-]
           ./swirl-server - (read config from stdin)
           ./swirl-server -v or --version
           ./swirl-server -h or --help
           ./swirl-server --config-table (every parameter, its default and whether Swirl honours it, as docs/CONFIG.md)

    Examples:
           ./swirl-server (run the server with default conf)
           ./swirl-server /etc/swirl/6379.conf
           ./swirl-server --port 7777
           ./swirl-server --port 7777 --appendfsync always
           ./swirl-server /etc/myswirl.conf --loglevel verbose
    """

    static func printError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(cBuffer: buffer) + "/" + path
    }

    /// Like Redis: make room for maxclients plus a few descriptors of our own,
    /// lowering maxclients when the system refuses.
    static func raiseOpenFileLimit(config: Config, logger: Logger) {
        let wanted = rlim_t(config.maxClients + 32)
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur >= wanted { return }
        var raised = rlimit(rlim_cur: min(wanted, limit.rlim_max), rlim_max: limit.rlim_max)
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) != 0 {
            raised.rlim_cur = limit.rlim_cur
        }
        if raised.rlim_cur < wanted {
            let clients = max(1, Int(raised.rlim_cur) - 32)
            config.set("maxclients", String(clients))
            logger.warning("You requested maxclients of \(wanted - 32) requiring at least \(wanted) max file descriptors.")
            logger.warning("Server can't set maximum open files to \(wanted) because of OS error: \(String(cString: strerror(errno))).")
            logger.warning("Current maximum open files is \(raised.rlim_cur). maxclients has been reduced to \(clients) to compensate for low ulimit.")
        }
    }
}
