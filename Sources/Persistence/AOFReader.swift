import Keyspace
import RESP
import SwirlBytes

/// Reads the AOF a manifest lists, base first, at start-up: a base file's RDB
/// part goes straight into the keyspace, every command to a sink (the
/// engine's `CommandReplay`, which runs them).
///
/// A file whose last command is cut short (a crash mid-write) is truncated
/// back to its last complete command when it is the last file and
/// `aof-load-truncated` is on, as Redis does; anything malformed earlier
/// stops the start with the file name and offset.
public struct AOFReader {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Result {
        public var commands = 0
        public var truncatedFiles: [String] = []
    }

    let directory: String
    /// `aof-load-truncated`.
    let loadTruncated: Bool
    let log: (_ warning: Bool, _ message: String) -> Void

    public init(directory: String, loadTruncated: Bool, log: @escaping (Bool, String) -> Void) {
        self.directory = directory
        self.loadTruncated = loadTruncated
        self.log = log
    }

    /// `fileSink` makes the sink of each file: a file's commands start in database 0, as
    /// they do in Redis, whose loader makes a client per file. The loading flag is the
    /// caller's: on while this runs, so no expiry applies mid-load.
    public func read<Sink: CommandSink>(_ manifest: AOFManifest, into keyspace: Keyspace,
                                        fileSink: () -> Sink) throws(Failure) -> Result {
        var result = Result()
        let files = manifest.loadOrder
        // Every file the manifest names must be there before anything loads, the
        // last incremental one included: as Redis (which sizes them all first), a
        // start that would come up with part of the data refuses instead.
        for entry in files where !FileIO.exists(directory + "/" + entry.name) {
            throw Failure(description: "Unable to obtain the AOF file \(entry.name) length. stat: \(FileIO.errorText())")
        }
        for (position, entry) in files.enumerated() {
            try readFile(path: directory + "/" + entry.name, name: entry.name, isLast: position == files.count - 1,
                         keyspace: keyspace, fileSink: fileSink, into: &result)
        }
        return result
    }

    private func readFile<Sink: CommandSink>(path: String, name: String, isLast: Bool, keyspace: Keyspace,
                                             fileSink: () -> Sink, into result: inout Result) throws(Failure) {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw Failure(description: error.description) }
        var commandsStart = 0
        if bytes.starts(with: Array("REDIS".utf8)) {
            // Redis's base files (and old preamble AOFs) are RDB; AOF commands may follow the RDB part.
            commandsStart = try loadRDB(bytes, name: name, into: keyspace, &result)
        }
        let outcome: AOFCommandReader.Outcome
        do {
            outcome = try AOFCommandReader.read(bytes[commandsStart...], into: fileSink())
        } catch {
            switch error {
            case .malformed(let error, let offset):
                throw Failure(description: "Bad file format reading the append only file \(name) at offset "
                              + "\(offset): \(error.message). Make a backup of your AOF file, "
                              + "then fix or truncate it at that offset")
            case .unknownCommand(_, let offset):
                throw Failure(description: "\(error.reason) reading the append only file \(name) at offset \(offset)")
            }
        }
        result.commands += outcome.commands
        guard let truncation = outcome.truncation else { return }
        let validLength = commandsStart + truncation.validLength
        guard isLast && loadTruncated else {
            throw Failure(description: "Unexpected end of file reading the append only file \(name) at offset "
                          + "\(validLength). You can enable aof-load-truncated to load it anyway")
        }
        log(true, "!!! Warning: short read while loading the AOF file \(name)!!!")
        if truncation.openTransaction { log(true, "Revert incomplete MULTI/EXEC transaction in AOF file \(name)") }
        log(true, "!!! Truncating the AOF \(name) at offset \(validLength) !!!")
        guard FileIO.truncate(path, to: validLength) else {
            throw Failure(description: "Error truncating the AOF file \(name): \(FileIO.errorText())")
        }
        log(true, "AOF \(name) loaded anyway because aof-load-truncated is enabled")
        result.truncatedFiles.append(name)
    }

    /// Loads the RDB part of a file; returns where the AOF commands after it start.
    private func loadRDB(_ bytes: [UInt8], name: String, into keyspace: Keyspace, _ result: inout Result) throws(Failure) -> Int {
        var reader = RDBReader(bytes)
        do {
            try reader.read { entry in
                guard entry.db < keyspace.count else {
                    throw RDBReader.Failure("a key in database \(entry.db), beyond `databases`")
                }
                let db = keyspace[entry.db]
                db.set(entry.key, entry.value)
                if let when = entry.expireAt { db.setExpire(entry.key, at: when) }
                result.commands += 1
            }
        } catch {
            throw Failure(description: "Can't load the RDB part of \(name) at offset \(reader.position): \(error)")
        }
        return reader.position  // past the checksum after EOF
    }
}
