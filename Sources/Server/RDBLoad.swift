import Commands
import Keyspace
import Persistence
import SwirlBytes
#if canImport(Glibc)
import Glibc
#endif

/// Start-up loading of `dbfilename` when the AOF is off, as Redis's
/// loadDataFromDisk: no file is an empty dataset; a file that does not read
/// stops the start. Keys whose time has passed are not loaded (a master's
/// rule), and a key's idle time or frequency is kept when the policy records it.
enum RDBLoad {
    static func load(server: Server) -> Bool {
        let engine = server.engine, config = engine.config, logger = server.logger
        let name = config.dbFileName
        guard FileIO.exists(name) else { return true }
        let started = Keyspace.clockMicroseconds()
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(name)
        } catch {
            logger.warning("Fatal error loading the DB: \(error.description). Exiting.")
            return false
        }
        var reader = RDBReader(bytes)
        var loaded = 0, expired = 0
        let now = Keyspace.clockMilliseconds()
        let keyspace = engine.keyspace
        let tracking = config.accessTracking
        keyspace.loading = true
        defer { keyspace.loading = false }
        do {
            // A hint beyond what the file's bytes could hold is a corrupt one: no reservation then.
            let sizeHint = { (db: Int, keys: Int, _: Int) in
                if db < keyspace.count && keys <= bytes.count / 2 { keyspace[db].reserve(keyspace[db].count + keys) }
            }
            try reader.read(verifyChecksum: config.rdbChecksum, sizeHint: sizeHint) { entry in
                guard entry.db < keyspace.count else {
                    throw LoadFailure("FATAL: Data file was created with a Redis server configured to handle more than \(keyspace.count) databases. Exiting")
                }
                if let when = entry.expireAt, when < now {
                    expired += 1
                    return
                }
                entry.store(in: keyspace[entry.db], tracking: tracking, now: now)
                loaded += 1
            }
        } catch {
            logger.warning("Internal error in RDB reading offset \(reader.position) of \(name): \(error)")
            logger.warning("Fatal error loading the DB: Invalid argument. Exiting.")
            return false
        }
        let aux = Dictionary(reader.aux, uniquingKeysWith: { first, _ in first })
        if let version = aux["redis-ver"] { logger.notice("Loading RDB produced by version \(version)") }
        if let created = aux["ctime"].flatMap({ Int64($0.description) }) {
            logger.notice("RDB age \(now / 1000 - created) seconds")
        }
        if let memory = aux["used-mem"].flatMap({ Int($0.description) }) {
            let hundredths = memory * 100 / (1 << 20)
            let fraction = hundredths % 100 < 10 ? "0\(hundredths % 100)" : "\(hundredths % 100)"
            logger.notice("RDB memory usage when created \(hundredths / 100).\(fraction) Mb")
        }
        if reader.emptyKeysSkipped > 0 { logger.warning("Done loading RDB, empty keys skipped: \(reader.emptyKeysSkipped).") }
        logger.notice("Done loading RDB, keys loaded: \(loaded), keys expired: \(expired).")
        engine.snapshots.lastLoadKeysLoaded = loaded
        engine.snapshots.lastLoadKeysExpired = expired
        let seconds = Double(Keyspace.clockMicroseconds() - started) / 1e6
        logger.notice("DB loaded from disk: \(InfoFormat.seconds(seconds)) seconds")
        return true
    }

    struct LoadFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
