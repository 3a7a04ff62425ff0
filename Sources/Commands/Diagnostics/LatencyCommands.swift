import Keyspace
import RESP
import SwirlBytes

/// LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP.
enum LatencyCommands {
    static func specs() -> [CommandSpec] {
        let server = CommandGroup("server", since: "2.8.13")
        let flags: CommandFlags = [.admin, .noscript, .loading, .stale]
        return [
            server.container("latency", "A container for latency diagnostics commands", complexity: "Depends on subcommand.",
                             subcommands: [
                server.command("latest", 2, flags, syntax: "",
                               "Return the latest latency samples for all events.", handler: latest),
                server.command("history", 3, flags, syntax: "event",
                               "Return timestamp-latency samples for the event.", handler: history),
                server.command("reset", -2, flags, syntax: "[event [event ...]]",
                               "Reset latency data for one or more events.", handler: reset),
                server.command("graph", 3, flags, syntax: "event", "Return a latency graph for the event.", handler: graph),
                server.command("doctor", 2, flags, syntax: "",
                               "Return a human readable latency analysis report.", handler: doctor),
                server.command("histogram", -2, flags, syntax: "[command [command ...]]",
                               "Return the cumulative distribution of latencies of a subset of commands or all.",
                               since: "7.0.0",
                               complexity: "O(N) where N is the number of commands with latency information being retrieved.",
                               handler: histogram),
                server.command("help", 2, [.loading, .stale], syntax: "",
                               "Show helpful text about the different subcommands.", handler: help),
            ]),
        ]
    }

    static func latest(_ c: Client) {
        let events = c.engine.latencyMonitor.events.sorted { $0.key < $1.key }
        c.reply.array(events.count)
        for (name, series) in events {
            let last = series.samples.last!
            c.reply.array(4)
            c.reply.bulk(name)
            c.reply.integer(last.time)
            c.reply.integer(last.milliseconds)
            c.reply.integer(series.maximum)
        }
    }

    static func history(_ c: Client) {
        let samples = c.engine.latencyMonitor.events[Text.string(c.args[2])]?.samples ?? []
        c.reply.array(samples.count)
        for sample in samples {
            c.reply.array(2)
            c.reply.integer(sample.time)
            c.reply.integer(sample.milliseconds)
        }
    }

    static func reset(_ c: Client) {
        c.reply.integer(c.engine.latencyMonitor.reset(c.args.dropFirst(2).map(Text.string)))
    }

    static func graph(_ c: Client) {
        let event = Text.string(c.args[2])
        guard let text = c.engine.latencyMonitor.graph(event, now: c.engine.keyspace.now / 1000) else {
            c.reply.error("ERR No samples available for event '\(arg: c.args[2])'" as ErrorText)
            return
        }
        c.reply.verbatim(Array(text.utf8))
    }

    static func doctor(_ c: Client) {
        let monitor = c.engine.latencyMonitor
        var text: String
        if monitor.thresholdMilliseconds == 0 {
            text = "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
        } else if monitor.events.isEmpty {
            text = "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
        } else {
            text = "Dave, I have observed latency spikes in this Redis instance. Here is what I saw:\n\n"
            for (index, (name, series)) in monitor.events.sorted(by: { $0.key < $1.key }).enumerated() {
                let values = series.samples.map(\.milliseconds)
                let average = values.reduce(0, +) / max(1, values.count)
                text += "\(index + 1). \(name): \(values.count) latency spikes (average \(average)ms, all time high \(series.maximum)ms).\n"
            }
            text += "\nCommands over latency-monitor-threshold (\(monitor.thresholdMilliseconds) ms) are what was measured: "
                + "see SLOWLOG GET for which ones, and LATENCY HISTOGRAM for their distribution.\n"
        }
        c.reply.verbatim(Array(text.utf8))
    }

    static func histogram(_ c: Client) {
        let table = c.engine.table
        var specs: [CommandSpec] = []
        if c.args.count == 2 {
            specs = table.all
        } else {
            for name in c.args.dropFirst(2) {
                guard let spec = table.find(fullName: name) else { continue }
                specs += spec.isContainer ? spec.subcommands : [spec]
            }
        }
        let measured = specs.compactMap { spec in c.engine.stats.latency.histogram(id: spec.id).map { (spec.fullName, $0) } }
        c.reply.map(measured.count)
        for (name, histogram) in measured {
            c.reply.bulk(name)
            c.reply.map(2)
            c.reply.bulk("calls")
            c.reply.integer(histogram.total)
            c.reply.bulk("histogram_usec")
            let buckets = histogram.cumulativeBuckets()
            c.reply.map(buckets.count)
            for bucket in buckets {
                c.reply.integer(bucket.micros)
                c.reply.integer(bucket.count)
            }
        }
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "LATENCY", lines: [
            "DOCTOR", "    Return a human readable latency analysis report.",
            "GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>", "    Return time-latency samples for the <event> class.",
            "LATEST", "    Return the latest latency samples for all events.",
            "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ], helpLine: "    Prints this help.")
    }
}
