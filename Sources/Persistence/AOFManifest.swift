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

    /// Parses a manifest with Redis 7.0's rules and error texts: `#` comments,
    /// keys in any case, unknown keys ignored, no blank lines, one base file,
    /// incremental sequence numbers strictly increasing.
    public static func parse(_ text: String) throws(ParseError) -> AOFManifest {
        var manifest = AOFManifest()
        var lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }  // after the newline that ends the last line
        if lines.isEmpty { throw ParseError(message: "Found an empty AOF manifest") }
        var lastIncrementalSequence = 0
        for rawLine in lines {
            if rawLine.first == UInt8(ascii: "#") { continue }
            let line = Array(rawLine.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
            guard !line.isEmpty, let words = InlineSplitter.split(line), words.count >= 6, words.count % 2 == 0 else {
                throw ParseError(message: "Invalid AOF manifest file format")
            }
            var name: String?, sequence = 0, typeCode: UInt8?
            for index in stride(from: 0, to: words.count, by: 2) {
                let value = words[index + 1]
                switch String(decoding: words[index], as: UTF8.self).lowercased() {
                case "file":
                    if value.contains(UInt8(ascii: "/")) { throw ParseError(message: "File can't be a path, just a filename") }
                    name = String(decoding: value, as: UTF8.self)
                case "seq":
                    sequence = Int(String(decoding: value, as: UTF8.self)) ?? 0
                case "type":
                    typeCode = value.first
                default:
                    break  // keys of later versions are ignored, as Redis ignores them
                }
            }
            guard let name, !name.isEmpty, sequence != 0, let typeCode else {
                throw ParseError(message: "Invalid AOF manifest file format")
            }
            guard let type = FileType(rawValue: String(UnicodeScalar(typeCode))) else {
                throw ParseError(message: "Unknown AOF file type")
            }
            switch type {
            case .base:
                if manifest.base != nil { throw ParseError(message: "Found duplicate base file information") }
            case .incremental:
                if sequence <= lastIncrementalSequence { throw ParseError(message: "Found a non-monotonic sequence number") }
                lastIncrementalSequence = sequence
            case .history:
                break
            }
            manifest.entries.append(Entry(name: name, sequence: sequence, type: type))
        }
        return manifest
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a
    }

    /// The manifest text. A name with spaces, quotes or unprintable bytes is
    /// quoted the way Redis's sdscatrepr quotes it, so both can read it back.
    public func serialized() -> String {
        entries.map { "file \(Self.quotedIfNeeded($0.name)) seq \($0.sequence) type \($0.type.rawValue)\n" }.joined()
    }

    static func quotedIfNeeded(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let plain = !bytes.isEmpty && bytes.allSatisfy {
            $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\")
        }
        if plain { return name }
        let hex = Array("0123456789abcdef")
        var quoted = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): quoted += "\\\\"
            case UInt8(ascii: "\""): quoted += "\\\""
            case 0x0a: quoted += "\\n"
            case 0x0d: quoted += "\\r"
            case 0x09: quoted += "\\t"
            case 0x07: quoted += "\\a"
            case 0x08: quoted += "\\b"
            case 0x20...0x7e: quoted.unicodeScalars.append(UnicodeScalar(byte))
            default: quoted += "\\x\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return quoted + "\""
    }

    /// The manifest for a new AOF: one empty incremental file.
    public static func fresh(baseName: String) -> AOFManifest {
        AOFManifest(entries: [Entry(name: "\(baseName).1.incr.aof", sequence: 1, type: .incremental)])
    }
}
