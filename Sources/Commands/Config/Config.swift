import Keyspace

/// Every configuration parameter of Redis 7.0.15, defined once (the tables in
/// ConfigTable+*.swift): the config file, the command line, CONFIG
/// GET/SET/REWRITE, INFO and docs/CONFIG.md all read them. Values are kept in
/// the form CONFIG GET shows.
public final class Config {
    public static let parameters: [Parameter] =
        serverParameters + persistenceParameters + memoryParameters + securityParameters
        + replicationParameters + clusterParameters

    /// Each parameter by its name and by its alias.
    private static let byName: [String: Parameter] = {
        var table: [String: Parameter] = [:]
        for parameter in parameters {
            precondition(table[parameter.name] == nil, "parameter \(parameter.name) declared twice")
            table[parameter.name] = parameter
            if let alias = parameter.alias { table[alias] = parameter }
        }
        return table
    }()

    /// Every name CONFIG GET patterns match, aliases beside their parameter:
    /// in Redis an alias is a config entry of its own.
    static let allNames: [(name: String, parameter: Parameter)] = parameters.flatMap { parameter in
        [(parameter.name, parameter)] + (parameter.alias.map { [($0, parameter)] } ?? [])
    }

    private(set) var values: [String: String] = [:]
    /// `notify-keyspace-events` as set.
    public private(set) var keyspaceEventClasses: NotifyClasses = []
    /// `rename-command` directives of the config file, in order (`to` empty:
    /// the command is removed). The engine's command table applies them.
    public internal(set) var commandRenames: [(from: String, to: String)] = []
    /// Whether a config file's first `save` line replaced the default yet
    /// (later lines add to it, as in Redis).
    private var saveReadFromFile = false

    public init() {
        for parameter in Self.parameters { values[parameter.name] = parameter.defaultValue }
    }

    /// A parameter by its name or alias (lower case).
    public static func parameter(named name: String) -> Parameter? { byName[name] }

    public subscript(name: String) -> String? {
        Self.parameter(named: name).flatMap { values[$0.name] }
    }

    /// The value as CONFIG GET prints it.
    public func displayValue(_ name: String) -> String { self[name] ?? "" }

    /// Sets a parameter as CONFIG SET does (a several-word parameter's value is
    /// split at each space); returns Redis's reason on a bad value.
    @discardableResult
    public func set(_ name: String, _ value: String) -> String? {
        guard let parameter = Self.parameter(named: name) else { return "Bad directive or wrong number of arguments" }
        // sdssplitlen: an empty value is no words, and two spaces make an empty word.
        let words = !parameter.kind.takesSeveralWords ? [value]
            : value.isEmpty ? [] : value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        return set(parameter, words: words, fromFile: false)
    }

    /// Sets a parameter from its words: a config file line's arguments, or
    /// CONFIG SET's value split. In a file, `save` lines add up.
    func set(_ parameter: Parameter, words: [String], fromFile: Bool) -> String? {
        let current = values[parameter.name] ?? ""
        switch Self.parse(words, for: parameter, current: current) {
        case .failure(let error):
            return error.reason
        case .success(var shown):
            if case .save = parameter.kind, fromFile {
                // The file's first `save` line replaces the default, later ones add points; `save ""` empties.
                if saveReadFromFile && words != [""] && !current.isEmpty {
                    shown = shown.isEmpty ? current : current + " " + shown
                }
                saveReadFromFile = true
            }
            // Redis's apply step raises a backlog under 16 KB to 16 KB (CONFIG SET only; a file's value stays).
            if parameter.name == "repl-backlog-size", !fromFile, let size = Int64(shown), size < 16 * 1024 { shown = "16384" }
            // Kept parsed from the words: the shown form drops `n` next to `A`, but the class stays on (as in Redis).
            let events = parameter.kind.isKeyspaceEvents ? NotifyClasses(parsing: words[0]) : nil
            store(parameter, shown, events: events)
            return nil
        }
    }

    /// Puts back a value `self[name]` gave, as stored (a failed CONFIG SET's rollback).
    func restore(_ name: String, _ stored: String) {
        guard let parameter = Self.parameter(named: name) else { return }
        store(parameter, stored, events: parameter.kind.isKeyspaceEvents ? NotifyClasses(parsing: stored) : nil)
    }

    private func store(_ parameter: Parameter, _ shown: String, events: NotifyClasses?) {
        if parameter.kind.isKeyspaceEvents { keyspaceEventClasses = events ?? [] }
        // Redis clamps hz into 1…500 when it is set.
        if parameter.name == "hz", let hz = Int64(shown) {
            values[parameter.name] = String(min(500, max(1, hz)))
            return
        }
        values[parameter.name] = shown
    }

    /// The parameters Swirl does not honour that are set to other than their
    /// default: named in a warning at start-up.
    public var ignoredSettings: [String] {
        Self.parameters.filter { !$0.honoured && values[$0.name] != $0.defaultValue }.map(\.name)
    }

    /// The start-up warning naming `ignoredSettings`, nil when there are none.
    public var ignoredSettingsWarning: String? {
        let names = ignoredSettings
        guard !names.isEmpty else { return nil }
        return "WARNING: accepted but not honoured by Swirl (see docs/CONFIG.md): " + names.joined(separator: ", ")
    }
}
