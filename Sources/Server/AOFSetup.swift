import Commands
import Keyspace
import Persistence
import SwirlBytes
#if canImport(Glibc)
import Glibc
#endif

/// Start-up work for the AOF: find or create the directory and manifest,
/// replay the files, and open the last incremental file for appending.
enum AOFSetup {
    static func open(server: Server) -> Bool {
        let engine = server.engine, config = engine.config, logger = server.logger
        let directory = config.appendDirName
        let manifestName = config.appendFileName + ".manifest"
        let manifestPath = directory + "/" + manifestName
        do {
            try FileIO.makeDirectory(directory)
        } catch {
            logger.warning(error.description)
            return false
        }
        var manifest: AOFManifest
        var manifestChanged = false
        if FileIO.exists(manifestPath) {
            do {
                let text = String(decoding: try FileIO.read(manifestPath), as: UTF8.self)
                manifest = try AOFManifest.parse(text)
            } catch let failure as FileIO.Failure {
                logger.warning(failure.description)
                return false
            } catch {
                logger.warning("Invalid AOF manifest file \(manifestPath): \(error)")
                return false
            }
            let started = Keyspace.clockMicroseconds()
            do {
                let result = try engine.loadAOF(manifest, directory: directory) { warning, message in
                    warning ? logger.warning(message) : logger.notice(message)
                }
                let seconds = Double(Keyspace.clockMicroseconds() - started) / 1e6
                logger.notice("DB loaded from append only file: \(InfoFormat.seconds(seconds)) seconds (\(result.commands) commands)")
            } catch {
                logger.warning(error.description)
                return false
            }
        } else {
            manifest = AOFManifest()
        }
        if manifest.entries.isEmpty {
            manifest = .fresh(baseName: config.appendFileName)
            manifestChanged = true
            logger.notice("Creating AOF incr file \(manifest.entries[0].name) on server start")
        } else if manifest.incrementals.isEmpty {
            let sequence = (manifest.entries.map(\.sequence).max() ?? 0) + 1
            let name = "\(config.appendFileName).\(sequence).incr.aof"
            manifest.entries.append(.init(name: name, sequence: sequence, type: .incremental))
            manifestChanged = true
            logger.notice("Creating AOF incr file \(name) on server start")
        }
        let incremental = manifest.incrementals.last!
        let path = directory + "/" + incremental.name
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else {
            logger.warning("Can't open the append-only file \(path): \(FileIO.errorText())")
            return false
        }
        if manifestChanged {
            do {
                try FileIO.writeAtomically(Array(manifest.serialized().utf8), to: manifestPath, directory: directory)
            } catch {
                logger.warning(error.description)
                return false
            }
        }
        var status = stat()
        fstat(fd, &status)
        server.aofManifest = manifest
        server.aof = AOFWriter(server: server, fd: fd, fileName: incremental.name, policy: config.appendFsync,
                               startingSize: Int(status.st_size))
        // Automatic rewrites measure growth from the size loaded, as Redis does.
        server.maintenance.otherFilesSize = manifest.entries.filter { $0 != incremental }
            .reduce(0) { $0 + FileIO.size(directory + "/" + $1.name) }
        server.maintenance.baseSize = server.maintenance.otherFilesSize + Int(status.st_size)
        engine.propagating = true
        engine.resetAOFSelection()
        return true
    }
}

enum InfoFormat {
    static func seconds(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([value]) { vsnprintf(&buffer, 32, "%.3f", $0) }
        return String(cBuffer: buffer)
    }
}
