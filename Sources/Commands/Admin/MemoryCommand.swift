import Keyspace
import RESP
import SwirlBytes

/// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. The figures
/// are Swirl's own (MemoryFootprint for keys, MemoryOverview for the
/// process), under Redis's names and in its order.
enum MemoryCommand {
    static func specs() -> [CommandSpec] {
        let server = CommandGroup("server", since: "4.0.0")
        let mayBeSlow = "Depends on how much memory is allocated, could be slow"
        return [
            server.container("memory", "A container for memory diagnostics commands",
                             complexity: "Depends on subcommand.", subcommands: [
                // In the order Redis 7.0 lists them.
                server.command("purge", 2, [], syntax: "", "Ask the allocator to release memory", complexity: mayBeSlow,
                               handler: purge),
                server.command("help", 2, [.loading, .stale], syntax: "",
                               "Show helpful text about the different subcommands", handler: help),
                server.command("doctor", 2, [], syntax: "", "Outputs memory problems report", handler: doctor),
                server.command("malloc-stats", 2, [], syntax: "", "Show allocator internal stats", complexity: mayBeSlow,
                               handler: mallocStats),
                server.command("stats", 2, [], syntax: "", "Show memory usage details", handler: stats),
                server.command("usage", -3, [.readonly], keys: KeyPositions(first: 2, last: 2, step: 1),
                               syntax: "key [SAMPLES count:integer]", "Estimate the memory usage of a key",
                               complexity: "O(N) where N is the number of samples.", handler: usage),
            ]),
        ]
    }

    /// MEMORY USAGE key [SAMPLES count]: the key's bytes (MemoryFootprint.keyUsage);
    /// aggregates sample `count` elements (default 5, 0 for all). Not an access.
    static func usage(_ c: Client) {
        var samples = 5
        var index = 3
        while index < c.args.count {
            guard c.argument(index, is: "SAMPLES"), index + 1 < c.args.count else {
                c.reply.error(Errors.syntax)
                return
            }
            guard let count = c.integer(at: index + 1) else { return }
            guard count >= 0 else {
                c.reply.error(Errors.syntax)
                return
            }
            samples = count == 0 ? Int.max : Int(count)
            index += 2
        }
        guard let slot = c.db.peekSlot(c.args[2]) else {
            c.reply.null()
            return
        }
        c.reply.integer(MemoryFootprint.keyUsage(c.db, c.args[2], slot.value, samples: samples))
    }

    /// MEMORY STATS: Redis 7.0's fields in its order. Swirl keeps no separate
    /// expires table, no replication backlog, scripts or cluster links: those are 0.
    static func stats(_ c: Client) {
        let overview = MemoryOverview(c.engine)
        let active = max(overview.used, c.engine.hooks.allocatorActive())
        let net = max(1, overview.netUsage)
        func ratio(_ a: Int, _ b: Int) -> Double { Double(Float(a) / Float(max(1, b))) }
        func percent(_ a: Int, _ b: Int) -> Double { Double(Float(a) * 100 / Float(max(1, b))) }

        c.reply.map(27 + overview.tables.count)
        let head: [(String, Int)] = [
            ("peak.allocated", overview.peak), ("total.allocated", overview.used),
            ("startup.allocated", overview.startup), ("replication.backlog", 0), ("clients.slaves", 0),
            ("clients.normal", overview.clientBuffers), ("cluster.links", 0), ("aof.buffer", overview.aofBuffer),
            ("lua.caches", 0), ("functions.caches", 0),
        ]
        for (name, value) in head { field(c, name, value) }
        for table in overview.tables {
            c.reply.bulk("db.\(table.db)")
            c.reply.map(3)
            field(c, "overhead.hashtable.main", table.bytes)
            field(c, "overhead.hashtable.expires", 0)
            field(c, "overhead.hashtable.slot-to-keys", 0)
        }
        field(c, "overhead.total", overview.overhead)
        field(c, "keys.count", overview.keys)
        field(c, "keys.bytes-per-key", overview.keys > 0 ? overview.netUsage / overview.keys : 0)
        field(c, "dataset.bytes", overview.dataset)
        field(c, "dataset.percentage", percent(overview.dataset, net))
        field(c, "peak.percentage", percent(overview.used, overview.peak))
        field(c, "allocator.allocated", overview.used)
        field(c, "allocator.active", active)
        field(c, "allocator.resident", overview.rss)
        field(c, "allocator-fragmentation.ratio", ratio(active, overview.used))
        field(c, "allocator-fragmentation.bytes", active - overview.used)
        field(c, "allocator-rss.ratio", ratio(overview.rss, active))
        field(c, "allocator-rss.bytes", overview.rss - active)
        // The allocator's resident figure is the process's here, so nothing lies between them.
        field(c, "rss-overhead.ratio", 1.0)
        field(c, "rss-overhead.bytes", 0)
        field(c, "fragmentation", ratio(overview.rss, overview.used))
        field(c, "fragmentation.bytes", overview.rss - overview.used)
    }

    private static func field(_ c: Client, _ name: String, _ value: Int) {
        c.reply.bulk(name)
        c.reply.integer(value)
    }

    private static func field(_ c: Client, _ name: String, _ value: Double) {
        c.reply.bulk(name)
        c.reply.double(value)
    }

    /// MEMORY DOCTOR: Redis's texts when there is too little data to judge and
    /// when nothing is wrong; Swirl's own lines for what it checks (a peak well
    /// above current use, fragmentation, large client buffers).
    static func doctor(_ c: Client) {
        let overview = MemoryOverview(c.engine)
        var report: String
        if overview.netUsage < 5 * 1024 * 1024 {
            report = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used "
                + "in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam "
                + "and I will be back to our programming as soon as I finished rebooting.\n"
        } else {
            var issues: [String] = []
            if Double(overview.peak) > Double(overview.used) * 1.5 {
                issues.append(" * Peak memory: the peak (\(MemoryStats.human(overview.peak))) is more than 1.5 times the "
                              + "memory in use now (\(MemoryStats.human(overview.used))). The process may keep pages it "
                              + "no longer needs: MEMORY PURGE gives free memory back to the system.")
            }
            if Double(overview.rss) > Double(overview.used) * 1.4 && overview.rss - overview.used > 10 * 1024 * 1024 {
                issues.append(" * High fragmentation: the resident set (\(MemoryStats.human(overview.rss))) is more than "
                              + "1.4 times what malloc handed out. MEMORY PURGE may return part of it.")
            }
            let clients = max(1, c.engine.clients.count)
            if overview.clientBuffers / clients > 200 * 1024 {
                issues.append(" * Big client buffers: clients hold \(MemoryStats.human(overview.clientBuffers)) of "
                              + "query and reply buffers, more than 200k each on average. Check for slow readers "
                              + "(CLIENT LIST) and client-output-buffer-limit.")
            }
            report = issues.isEmpty
                ? "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
                : "Sam, I found these memory issues in this instance:\n\n" + issues.joined(separator: "\n\n") + "\n"
        }
        c.reply.verbatim(Array(report.utf8))
    }

    /// MEMORY MALLOC-STATS: glibc's `malloc_info` report (XML), through the Server layer.
    static func mallocStats(_ c: Client) {
        c.reply.verbatim(Array(c.engine.hooks.allocatorReport().utf8))
    }

    /// MEMORY PURGE: glibc's `malloc_trim(0)`, through the Server layer.
    static func purge(_ c: Client) {
        c.engine.hooks.purgeMemory()
        c.reply.ok()
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "MEMORY", lines: [
            "DOCTOR", "    Return memory problems reports.",
            "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
            "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS", "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ], helpLine: "    Prints this help.")
    }
}
