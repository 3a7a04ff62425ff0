import Commands
import Keyspace
import RESP
import SwirlBytes

/// Replays the AOF through the command table at start-up.
///
/// A file whose last command is cut short (a crash mid-write) is truncated
/// back to its last complete command when it is the last file and
/// `aof-load-truncated` is on, as Redis does; anything malformed earlier
/// stops the start with the file name and offset.
public struct AOFLoader {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Result {
        public var commands = 0
        public var truncatedFiles: [String] = []
    }

    let engine: Engine
    let directory: String
    let log: (_ warning: Bool, _ message: String) -> Void

    public init(engine: Engine, directory: String, log: @escaping (Bool, String) -> Void) {
        self.engine = engine
        self.directory = directory
        self.log = log
    }

    public func load(_ manifest: AOFManifest) throws(Failure) -> Result {
        var result = Result()
        engine.loading = true
        defer { engine.loading = false }
        let files = manifest.loadOrder
        for (position, entry) in files.enumerated() {
            let isLast = position == files.count - 1
            let path = directory + "/" + entry.name
            guard FileIO.exists(path) else {
                // Redis tolerates a missing empty incremental file only when it is the last one.
                if isLast && entry.type == .incremental { continue }
                throw Failure(description: "The AOF file \(entry.name) doesn't exist")
            }
            try loadFile(path: path, name: entry.name, isLast: isLast, into: &result)
        }
        return result
    }

    private func loadFile(path: String, name: String, isLast: Bool, into result: inout Result) throws(Failure) {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw Failure(description: error.description) }
        var commandsStart = 0
        if bytes.starts(with: Array("REDIS".utf8)) {
            // Redis's base files (and old preamble AOFs) are RDB; AOF commands may follow the RDB part.
            commandsStart = try loadRDB(bytes, name: name, into: &result)
        }
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        decoder.append(contentsOf: bytes[commandsStart...])
        let client = engine.makeClient()
        var transaction: [[Bytes]]? = nil
        var transactionStart = 0
        while true {
            let command: [Bytes]?
            do {
                command = try decoder.next()
            } catch {
                throw Failure(description: "Bad file format reading the append only file \(name) at offset "
                              + "\(decoder.endOfLastCommand): \(error.message). Make a backup of your AOF file, "
                              + "then fix or truncate it at that offset")
            }
            guard let command else { break }
            if Text.equalsIgnoringCase(command[0], "MULTI") {
                transaction = []
                transactionStart = decoder.endOfLastCommand - encodedLength(command)
            } else if Text.equalsIgnoringCase(command[0], "EXEC"), let queued = transaction {
                for queuedCommand in queued { run(queuedCommand, client, &result) }
                transaction = nil
            } else if engine.table.lookup(command[0]) == nil {
                throw Failure(description: "Unknown command '\(Text.truncated(command[0], 128))' reading the "
                              + "append only file \(name) at offset \(decoder.endOfLastCommand)")
            } else if transaction != nil {
                transaction!.append(command)
            } else {
                run(command, client, &result)
            }
        }
        // Bytes past the last complete command mean the file was cut mid-command
        // (the decoder may already have consumed the header lines of that command).
        let incompleteTail = commandsStart + decoder.endOfLastCommand < bytes.count
        guard incompleteTail || transaction != nil else { return }
        let validLength = commandsStart + (transaction != nil ? transactionStart : decoder.endOfLastCommand)
        guard isLast && engine.config.aofLoadTruncated else {
            throw Failure(description: "Unexpected end of file reading the append only file \(name) at offset "
                          + "\(validLength). You can enable aof-load-truncated to load it anyway")
        }
        log(true, "!!! Warning: short read while loading the AOF file \(name)!!!")
        if transaction != nil { log(true, "Revert incomplete MULTI/EXEC transaction in AOF file \(name)") }
        log(true, "!!! Truncating the AOF \(name) at offset \(validLength) !!!")
        guard FileIO.truncate(path, to: validLength) else {
            throw Failure(description: "Error truncating the AOF file \(name): \(FileIO.errorText())")
        }
        log(true, "AOF \(name) loaded anyway because aof-load-truncated is enabled")
        result.truncatedFiles.append(name)
    }

    /// Loads the RDB part of a file; returns where the AOF commands after it start.
    private func loadRDB(_ bytes: [UInt8], name: String, into result: inout Result) throws(Failure) -> Int {
        var reader = RDBReader(bytes)
        do {
            try reader.read { entry in
                guard entry.db < engine.keyspace.count else {
                    throw RDBReader.Failure("a key in database \(entry.db), beyond `databases`")
                }
                let db = engine.keyspace[entry.db]
                switch entry.value {
                case .string(let value):
                    db.set(entry.key, .string(value))
                case .hash(let pairs):
                    let hash = HashValue()
                    for (field, value) in pairs { hash.set(field, value) }
                    db.set(entry.key, .hash(hash))
                case .set(let members):
                    db.set(entry.key, .set(SetValue(members)))
                case .list(let elements):
                    db.set(entry.key, .list(ListValue(elements)))
                case .sortedSet(let entries):
                    let longest = entries.reduce(0) { max($0, $1.0.count) }
                    let zset = SortedSetValue(expectedCount: entries.count, longestMember: longest)
                    for (member, score) in entries {
                        if let old = zset.score(of: member) {
                            zset.update(member, from: old, to: score)
                        } else {
                            zset.insert(member, score)
                        }
                    }
                    db.set(entry.key, .sortedSet(zset))
                }
                if let when = entry.expireAt { db.setExpire(entry.key, at: when) }
                result.commands += 1
            }
        } catch {
            throw Failure(description: "Can't load the RDB part of \(name) at offset \(reader.position): \(error)")
        }
        return min(bytes.count, reader.position + 8)  // the 8-byte checksum after EOF
    }

    private func run(_ command: [Bytes], _ client: Client, _ result: inout Result) {
        client.args = command
        engine.execute(client)
        client.reply.bytes.removeAll(keepingCapacity: true)
        result.commands += 1
    }

    private func encodedLength(_ command: [Bytes]) -> Int {
        var bytes: [UInt8] = []
        CommandEncoder.append(command, to: &bytes)
        return bytes.count
    }
}
