import RESP

/// Redis 7's multi-part AOF manifest: which files make the AOF, in order.
///
/// Each line reads `file <name> seq <n> type <b|h|i>`: one base file (`b`),
/// history files being deleted (`h`), and incremental files (`i`) in
/// sequence order. Swirl writes only incremental files in AOF format.
public struct AOFManifest: Equatable, Sendable {
    public enum FileType: String, Sendable { case base = "b", history = "h", incremental = "i" }

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var sequence: Int
        public var type: FileType

        public init(name: String, sequence: Int, type: FileType) {
            self.name = name
            self.sequence = sequence
            self.type = type
        }
    }

    public var entries: [Entry] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    public var base: Entry? { entries.first { $0.type == .base } }
    public var incrementals: [Entry] { entries.filter { $0.type == .incremental } }

    /// The files to replay, base first.
    public var loadOrder: [Entry] { (base.map { [$0] } ?? []) + incrementals }

    public struct ParseError: Error, Equatable { public let message: String }

    public static func parse(_ text: String) throws(ParseError) -> AOFManifest {
        var manifest = AOFManifest()
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " }) { continue }
            guard let words = InlineSplitter.split(Array(line.utf8)), words.count % 2 == 0 else {
                throw ParseError(message: "Invalid AOF manifest file format")
            }
            var name: String?, sequence: Int?, type: FileType?
            for index in stride(from: 0, to: words.count, by: 2) {
                let value = String(decoding: words[index + 1], as: UTF8.self)
                switch String(decoding: words[index], as: UTF8.self) {
                case "file": name = value
                case "seq": sequence = Int(value)
                case "type": type = FileType(rawValue: value)
                default: break  // fields of later versions are ignored, as Redis ignores unknown keys
                }
            }
            guard let name, let sequence, let type, !name.contains("/") else {
                throw ParseError(message: "Invalid AOF manifest file format")
            }
            manifest.entries.append(Entry(name: name, sequence: sequence, type: type))
        }
        if manifest.entries.filter({ $0.type == .base }).count > 1 {
            throw ParseError(message: "Found duplicate base file information")
        }
        return manifest
    }

    public func serialized() -> String {
        entries.map { "file \($0.name) seq \($0.sequence) type \($0.type.rawValue)\n" }.joined()
    }

    /// The manifest for a new AOF: one empty incremental file.
    public static func fresh(baseName: String) -> AOFManifest {
        AOFManifest(entries: [Entry(name: "\(baseName).1.incr.aof", sequence: 1, type: .incremental)])
    }
}
