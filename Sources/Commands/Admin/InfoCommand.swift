#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes


/// INFO [section ...]: Redis's sections and field names.
enum InfoCommand {
    static func specs() -> [CommandSpec] {
        [
            ServerCommands.group.command("info", -1, [.loading, .stale], syntax: "[section [section ...]]",
                                         "Returns information and statistics about the server.", handler: info),
        ]
    }

    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                                  "modules", "errorstats", "cluster", "keyspace"]

    static func info(_ c: Client) {
        var wanted: [String] = []
        let requested = c.args.dropFirst().map(Text.lowercased)
        if requested.isEmpty || requested.contains("default") { wanted = defaultSections }
        if requested.contains("all") || requested.contains("everything") {
            wanted = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
                      "commandstats", "errorstats", "latencystats", "cluster", "keyspace"]
        }
        for name in requested where !["default", "all", "everything"].contains(name) && !wanted.contains(name) {
            wanted.append(name)
        }
        var text = ""
        for name in wanted {
            guard let fields = section(c, name) else { continue }
            if !text.isEmpty { text += "\r\n" }
            text += "# \(title(name))\r\n"
            for (key, value) in fields { text += "\(key):\(value)\r\n" }
        }
        c.reply.verbatim(Array(text.utf8))
    }

    private static func title(_ name: String) -> String {
        switch name {
        case "cpu": return "CPU"
        case "commandstats": return "Commandstats"
        case "errorstats": return "Errorstats"
        case "latencystats": return "Latencystats"
        default: return name.prefix(1).uppercased() + name.dropFirst()
        }
    }

    static func section(_ c: Client, _ name: String) -> [(String, String)]? {
        let engine = c.engine
        switch name {
        case "server": return InfoSections.server(engine)
        case "clients": return InfoSections.clients(engine)
        case "memory": return InfoSections.memory(engine)
        case "persistence": return InfoSections.persistence(engine)
        case "stats": return InfoSections.stats(engine)
        case "replication": return InfoSections.replication(engine)
        case "cpu": return InfoSections.cpu()
        case "modules": return []
        case "cluster": return [("cluster_enabled", "0")]
        case "errorstats":
            return engine.stats.errors.sorted { $0.key < $1.key }.map { ("errorstat_\($0.key)", "count=\($0.value)") }
        case "commandstats":
            return measuredCommands(engine).map { spec in
                let stat = engine.stats.commands[spec.id]
                let perCall = stat.calls > 0 ? Double(stat.microseconds) / Double(stat.calls) : 0
                return ("cmdstat_\(spec.fullName)", "calls=\(stat.calls),usec=\(stat.microseconds),usec_per_call=\(format2(perCall)),rejected_calls=\(stat.rejectedCalls),failed_calls=\(stat.failedCalls)")
            }
        case "latencystats":
            let percentiles = engine.config.latencyPercentiles
            return measuredCommands(engine).compactMap { spec in
                guard let histogram = engine.stats.latency.histogram(id: spec.id) else { return nil }
                let values = percentiles.map { "p\(formattedPercentile($0))=\(formatted(Double(histogram.value(atPercentile: $0)) / 1000, "%.3f"))" }
                return ("latency_percentiles_usec_\(spec.fullName)", values.joined(separator: ","))
            }
        case "keyspace":
            return engine.keyspace.databases.filter { $0.count > 0 }.map { db in
                ("db\(db.id)", "keys=\(db.count),expires=\(db.volatileCount),avg_ttl=0")
            }
        default:
            return nil
        }
    }

    /// Commands called or rejected at least once, by name.
    private static func measuredCommands(_ engine: Engine) -> [CommandSpec] {
        engine.table.all.filter { engine.stats.commands[$0.id].calls + engine.stats.commands[$0.id].rejectedCalls > 0 }
            .sorted { $0.fullName < $1.fullName }
    }

    /// `50`, `99`, `99.9`: C's `%f` with the trailing zeros cut, as Redis names percentiles.
    static func formattedPercentile(_ value: Double) -> String {
        var text = formatted(value, "%f")
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func format2(_ value: Double) -> String { formatted(value, "%.2f") }
    static func format6(_ value: Double) -> String { formatted(value, "%.6f") }

    static func formatted(_ value: Double, _ format: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, 64, format, $0) }
        return String(cBuffer: buffer)
    }
}
