import Keyspace
import RESP
import SwirlBytes

/// SLOWLOG GET / LEN / RESET / HELP.
enum SlowLogCommands {
    static func specs() -> [CommandSpec] {
        let server = CommandGroup("server", since: "2.2.12")
        let flags: CommandFlags = [.admin, .loading, .stale]
        return [
            server.container("slowlog", "A container for slow log commands", complexity: "Depends on subcommand.",
                             subcommands: [
                server.command("get", -2, flags, syntax: "[count:integer]", "Get the slow log's entries",
                               complexity: "O(N) where N is the number of entries returned", handler: get),
                server.command("len", 2, flags, syntax: "", "Get the slow log's length", handler: len),
                server.command("reset", 2, flags, syntax: "", "Clear all entries from the slow log",
                               complexity: "O(N) where N is the number of entries in the slowlog", handler: reset),
                server.command("help", 2, [.loading, .stale], syntax: "",
                               "Show helpful text about the different subcommands", since: "6.2.0", handler: help),
            ]),
        ]
    }

    static func get(_ c: Client) {
        guard c.args.count <= 3 else {
            c.reply.error(Errors.subcommandSyntax(c.args[1], container: "SLOWLOG"))
            return
        }
        var count = 10
        if c.args.count == 3 {
            guard let value = ByteNumbers.parseInt64(c.args[2]), value >= -1 else {
                c.reply.error("ERR count should be greater than or equal to -1")
                return
            }
            count = value == -1 ? Int.max : Int(clamping: value)
        }
        let log = c.engine.slowlog.entries
        let shown = min(count, log.count)
        c.reply.array(shown)
        for entry in log.reversed().prefix(shown) {
            c.reply.array(6)
            c.reply.integer(entry.id)
            c.reply.integer(entry.unixSeconds)
            c.reply.integer(entry.microseconds)
            c.reply.array(entry.args.count)
            for argument in entry.args { c.reply.bulk(argument) }
            c.reply.bulk(entry.address)
            c.reply.bulk(entry.name)
        }
    }

    static func len(_ c: Client) { c.reply.integer(c.engine.slowlog.entries.count) }

    static func reset(_ c: Client) {
        c.engine.slowlog.reset()
        c.reply.ok()
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "SLOWLOG", lines: [
            "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN", "    Return the length of the slowlog.",
            "RESET", "    Reset the slowlog.",
        ], helpLine: "    Prints this help.")
    }
}
