import Keyspace
import RESP
import SwirlBytes

/// MONITOR: clients that receive a line for every command the server runs,
/// in Redis's format: `+<sec>.<usec> [<db> <addr>] "arg" "arg"`.
///
/// As in Redis 7.0, a command is shown after it ran (so `SELECT 3` shows
/// db 3, and the commands of a transaction come before the EXEC that ran
/// them), never when it was refused before running (unknown, wrong arity,
/// NOAUTH), never for admin or `skip_monitor` commands, and with passwords
/// redacted. A monitor behaves as a replica: it may not touch the keyspace.
enum MonitorCommand {
    static func specs() -> [CommandSpec] {
        [
            ServerCommands.group.command("monitor", 1, [.admin, .noscript, .loading, .stale], syntax: "",
                                         "Listen for all requests received by the server in real time", handler: monitor),
        ]
    }

    static func monitor(_ c: Client) {
        if c.transaction != nil {
            // MULTI makes a client expect one reply per command (Redis's DENY_BLOCKING).
            c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client")
            return
        }
        guard !c.isMonitor else { return }  // already one: no reply, as Redis
        c.isMonitor = true
        c.engine.monitors.append(c)
        c.reply.ok()
    }

    /// The refusal a monitor gets for a command that reads or writes keys.
    static let keyspaceRefusal = "ERR Replica can't interact with the keyspace"

    static func refuses(_ spec: CommandSpec) -> Bool {
        !spec.flags.intersection([.write, .readonly, .mayReplicate]).isEmpty
    }

    /// RESET: the client is a monitor no more.
    static func stop(_ c: Client) {
        c.isMonitor = false
        c.engine.monitors.removeAll { $0 === c }
    }

    /// Sends the command `client` just ran to every monitor.
    /// `evenIfSkipped`: EVAL feeds itself before its script runs (it is `skip_monitor` so that
    /// `finishCall` does not feed it again after the script's own commands).
    static func feed(_ spec: CommandSpec, _ client: Client, monitors: [Client], now microseconds: Int64,
                     evenIfSkipped: Bool = false) {
        guard !spec.flags.contains(.admin), evenIfSkipped || !spec.flags.contains(.skipMonitor) else { return }
        var line: [UInt8] = [UInt8(ascii: "+")]
        line += Array("\(microseconds / 1_000_000).".utf8)
        let fraction = String(microseconds % 1_000_000)
        line += Array((String(repeating: "0", count: 6 - fraction.count) + fraction).utf8)
        line += Array(" [\(client.dbIndex) \(client.address)] ".utf8)
        for (index, argument) in client.argsForLogs.enumerated() {
            if index > 0 { line.append(UInt8(ascii: " ")) }
            appendQuoted(argument, to: &line)
        }
        line += [0x0d, 0x0a]
        // A monitor that sent QUIT gets no more output, its own QUIT included
        // (Redis adds nothing to a client closing after its reply).
        for monitor in monitors where !monitor.closeASAP && !monitor.closeAfterReply {
            monitor.reply.raw(line)
            client.engine.noteOutput(monitor)
            _ = monitor.outputLimitReached()  // a monitor is a normal client for the limits, as in Redis
        }
    }

    /// Redis's `sdscatrepr`: quoted, with `\\ \" \n \r \t \a \b` escaped and
    /// other unprintable bytes as `\xHH`.
    static func appendQuoted(_ bytes: Bytes, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): line += [UInt8(ascii: "\\"), byte]
            case 0x0a: line += Array("\\n".utf8)
            case 0x0d: line += Array("\\r".utf8)
            case 0x09: line += Array("\\t".utf8)
            case 0x07: line += Array("\\a".utf8)
            case 0x08: line += Array("\\b".utf8)
            case 0x20...0x7e: line.append(byte)
            default: line += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
