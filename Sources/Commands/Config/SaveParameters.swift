/// `save <seconds> <changes> ...`: Redis's snapshot points, checked as its
/// setConfigSaveOption does (each number read by strtoll, seconds at least 1,
/// changes at least 0, changes kept as a C int).
struct SaveParameters: CustomStringConvertible {
    var points: [(seconds: Int64, changes: Int32)] = []

    /// One `""` word (or none) is the empty list.
    static func parse(_ words: [String]) -> Result<SaveParameters, ConfigError> {
        let words = words == [""] ? [] : words
        let invalid = ConfigError("Invalid save parameters")
        guard words.count % 2 == 0 else { return .failure(invalid) }
        var parsed = SaveParameters()
        for pair in stride(from: 0, to: words.count, by: 2) {
            guard let seconds = Config.strtoll(words[pair]), seconds >= 1,
                  let changes = Config.strtoll(words[pair + 1]), changes >= 0 else { return .failure(invalid) }
            parsed.points.append((seconds, Int32(truncatingIfNeeded: changes)))
        }
        return .success(parsed)
    }

    /// CONFIG GET's form: `3600 1 300 100`.
    var description: String {
        points.map { "\($0.seconds) \($0.changes)" }.joined(separator: " ")
    }
}
