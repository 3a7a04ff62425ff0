import Persistence
import SwirlBytes

/// Runs commands that come from persistence rather than from a connection:
/// the AOF at start-up, DEBUG RELOAD's snapshot and, later, a master's
/// stream. As Redis's fake AOF client: each command takes the path a
/// client's takes (`Engine.execute`, statistics included) and its reply is
/// dropped.
public final class CommandReplay: CommandSink {
    let engine: Engine
    /// One per file, as Redis makes its fake client per file, so each file starts
    /// in database 0; made by `beginFile`, so no client id is spent on a file that is not read.
    private var client: Client!

    init(engine: Engine) {
        self.engine = engine
    }

    public func isCommand(_ name: Bytes) -> Bool {
        engine.table.lookup(name) != nil
    }

    public func beginFile() {
        client = engine.makeClient()
    }

    public func apply(_ command: [Bytes]) {
        client.args = command
        engine.execute(client)
        client.reply.bytes.removeAll(keepingCapacity: true)
    }
}

extension Engine {
    /// Runs `body` with a replay into this engine, `loading` meanwhile: an expiry
    /// in the past is then stored, not applied, because the DEL that followed it
    /// is in the stream too.
    public func replaying<Result, Failure: Error>(_ body: (CommandReplay) throws(Failure) -> Result) throws(Failure) -> Result {
        loading = true
        defer { loading = false }
        return try body(CommandReplay(engine: self))
    }

    /// Start-up: the files `manifest` lists, from `directory`, into the keyspace (Server's AOFSetup).
    public func loadAOF(_ manifest: AOFManifest, directory: String,
                        log: @escaping (_ warning: Bool, _ message: String) -> Void) throws(AOFReader.Failure) -> AOFReader.Result {
        let reader = AOFReader(directory: directory, loadTruncated: config.aofLoadTruncated, log: log)
        return try replaying { replay throws(AOFReader.Failure) in
            try reader.read(manifest, into: keyspace, commands: replay)
        }
    }
}
