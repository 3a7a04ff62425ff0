import Persistence
import SwirlBytes

/// Runs commands that come from persistence rather than from a connection:
/// the AOF at start-up (one replay per file), DEBUG RELOAD's snapshot and,
/// later, a master's stream. As Redis's fake AOF client: each command takes
/// the path a client's takes (`Engine.execute`, statistics included) and its
/// reply is dropped.
public final class CommandReplay: CommandSink {
    let engine: Engine
    /// Its own client, so the commands start in database 0. Authenticated
    /// whatever `requirepass` says, as Redis's AOF client is: the file's
    /// commands were already allowed when they were first run.
    let client: Client
    /// The engine's, held here too: `engine.table` would be retained and released per
    /// lookup (measured with callgrind); `let`s read from `self` are borrowed.
    let table: CommandTable

    public init(into engine: Engine) {
        self.engine = engine
        client = engine.makeClient()
        client.authenticated = true
        table = engine.table
    }

    public func isCommand(_ name: Bytes) -> Bool {
        table.lookupLoading(name) != nil
    }

    public func apply(_ command: [Bytes]) {
        client.args = command
        engine.execute(client)
        client.reply.bytes.removeAll(keepingCapacity: true)
    }
}

extension Engine {
    /// Runs `body` with `loading` on: an expiry in the past is then stored, not
    /// applied, because the DEL that followed it is in the file too.
    public func whileLoading<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        loading = true
        defer { loading = false }
        return try body()
    }

    /// Start-up: the files `manifest` lists, from `directory`, into the keyspace (Server's AOFSetup).
    public func loadAOF(_ manifest: AOFManifest, directory: String,
                        log: @escaping (_ warning: Bool, _ message: String) -> Void) throws(AOFReader.Failure) -> AOFReader.Result {
        let reader = AOFReader(directory: directory, loadTruncated: config.aofLoadTruncated, log: log)
        return try whileLoading { () throws(AOFReader.Failure) in
            try reader.read(manifest, into: keyspace) { CommandReplay(into: self) }
        }
    }
}
