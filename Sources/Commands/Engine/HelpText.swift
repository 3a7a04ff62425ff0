/// The HELP subcommand reply: Redis's header line, the lines, and the HELP line.
enum HelpText {
    static func reply(_ c: Client, container: String, lines: [String], helpLine: String = "    Print this help.") {
        let all = ["\(container) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"] + lines
            + ["HELP", helpLine]
        c.reply.array(all.count)
        for line in all { c.reply.simple(line) }
    }
}
