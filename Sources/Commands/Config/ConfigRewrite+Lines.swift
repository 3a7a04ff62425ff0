/// The line(s) CONFIG REWRITE writes for each kind of parameter, in Redis
/// 7.0's form (config.c's rewrite functions).
extension ConfigRewrite {
    mutating func write(_ parameter: Config.Parameter, _ value: String, directory: String) {
        let name = parameter.name
        let isDefault = value == parameter.defaultValue
        switch parameter.kind {
        case .bool, .choice, .flags, .integer, .octal, .oomScoreAdjValues:
            rewrite(name, "\(name) \(value)", force: !isDefault)
        case .memory, .unsignedMemory:
            rewrite(name, "\(name) \(Self.memory(value))", force: !isDefault)
        case .memoryOrPercent:
            rewrite(name, "\(name) \(value.hasSuffix("%") ? value : Self.memory(value))", force: !isDefault)
        case .string:
            rewrite(name, "\(name) \(ConfigFile.quote(value))", force: !isDefault)
        case .optionalString:
            // Empty is unset: no line, so the next start leaves it unset.
            if value.isEmpty { markProcessed(name) } else { rewrite(name, "\(name) \(ConfigFile.quote(value))", force: true) }
        case .directory:
            rewrite(name, "\(name) \(ConfigFile.quote(directory))", force: true)
        case .save:
            // An empty list is written as `save ""`, or the next start would take the default.
            if value.isEmpty { rewrite(name, "save \"\"", force: true) }
            let words = value.split(separator: " ")
            for pair in stride(from: 0, to: words.count, by: 2) {
                rewrite(name, "save \(words[pair]) \(words[pair + 1])", force: true)
            }
            markProcessed(name)
        case .outputBufferLimits:
            let current = OutputBufferLimits.settings(value), defaults = OutputBufferLimits.settings(parameter.defaultValue)
            for clientClass in OutputBufferLimits.classes {
                guard let setting = current[clientClass] else { continue }
                rewrite(name, "\(name) \(clientClass == "slave" ? "replica" : clientClass) \(Self.memory(setting.hard)) "
                        + "\(Self.memory(setting.soft)) \(setting.seconds)", force: setting != defaults[clientClass])
            }
        case .percentiles:
            rewrite(name, "\(name) \(value.isEmpty ? "\"\"" : value)", force: true)
        case .keyspaceEvents:
            rewrite(name, "\(name) \(ConfigFile.quote(value))", force: !value.isEmpty)
        case .bind:
            if isDefault { markProcessed(name) } else { rewrite(name, "\(name) \(value.isEmpty ? "\"\"" : value)", force: true) }
        case .replicaOf:
            if value.isEmpty { markProcessed(name) } else { rewrite(name, "\(name) \(value)", force: true) }
        }
    }

    /// A byte count as Redis writes it back: in gb, mb or kb when it divides evenly.
    static func memory(_ text: String) -> String {
        UInt64(text).map(memory) ?? text
    }

    static func memory(_ bytes: UInt64) -> String {
        // Redis prints these through a long long; past 2^63 Swirl prints the unsigned
        // number (Redis's "-1" for 2^64-1 would not load again).
        for (unit, size) in [("gb", UInt64(1) << 30), ("mb", 1 << 20), ("kb", 1 << 10)] where bytes != 0 && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return String(bytes)
    }
}
