#if canImport(Glibc)
import Glibc
#endif
import Commands

/// The start-up lines Redis 7.0 writes and that tools read: the version line,
/// the logo with its `Port:` and `PID:` lines (Redis's test framework waits
/// for ` PID: <pid>` in the server's output), or, without the logo, `Running
/// mode=standalone, port=N.`. The logo is our own drawing; the facts beside
/// it are Redis's.
enum StartupBanner {
    /// Redis logs these at warning level, so they show at every `loglevel`.
    static func starting(_ logger: Logger) {
        logger.warning("oO0OoO0OoO0Oo Swirl is starting oO0OoO0OoO0Oo")
        logger.warning("Swirl version=\(ServerInfo.swirlVersion), Redis version=\(ServerInfo.redisVersion), bits=64, commit=00000000, modified=0, pid=\(getpid()), just started")
    }

    /// Redis shows the logo when asked to (`always-show-logo yes`), or when it
    /// logs to a terminal and not to syslog.
    static func show(_ logger: Logger, config: Config) {
        let toTerminal = !config.syslogEnabled && config.logFile.isEmpty && isatty(STDOUT_FILENO) != 0
        guard toTerminal || config.alwaysShowLogo else {
            logger.notice("Running mode=standalone, port=\(config.port).")
            return
        }
        logger.raw(.notice, logo(port: config.port, pid: getpid()))
    }

    static func logo(port: Int, pid: pid_t) -> String {
        let facts = [
            "Swirl \(ServerInfo.swirlVersion) (Redis \(ServerInfo.redisVersion) compatible) 64 bit",
            "",
            "Running in standalone mode",
            "Port: \(port)",
            "PID: \(pid)",
            "",
            "",
        ]
        let drawing = [
            "            _.-----._         ",
            "         .-'  _.-._  '-.      ",
            "        /   .'  _  '.   \\     ",
            "       |   /  .' '.  \\   |    ",
            "       |   |  \\_.  |  |  |    ",
            "       |   '.     .'  /  |    ",
            "        \\    '---'  .'  /     ",
            "         '-._     _.'_.'      ",
            "             '---'            ",
        ]
        var lines: [String] = []
        for (index, art) in drawing.enumerated() {
            let fact = index >= 1 && index - 1 < facts.count ? facts[index - 1] : ""
            lines.append(fact.isEmpty ? art : art + "   " + fact)
        }
        return "\n" + lines.joined(separator: "\n") + "\n\n"
    }
}
