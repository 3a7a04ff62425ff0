internal import CLibUV
import Commands
import Keyspace
import Persistence
import SwirlBytes
#if canImport(Glibc)
import Glibc
#endif

/// The BGSAVE child, under every forked child's rules (ForkedChild.swift):
/// killed with its server, no libuv, inherited descriptors closed, a
/// temporary file of its own pid (`temp-<pid>.rdb`) that only the parent,
/// after reaping a successful child, renames to `dbfilename`.
extension Server {
    func runSaveChild(parent: pid_t, report: Int32) -> Never {
        enterForkedChild(parent: parent, report: report)
        guard writeRDB(to: SaveChild.temporaryName(getpid()), parent: parent) else { _exit(1) }
        logger.notice("DB saved on disk")
        leaveForkedChild(logging: "RDB", report: report)
    }

    /// The options every RDB file of this server is written with.
    var rdbOptions: RDBWriter.Options {
        let config = engine.config
        var access = RDBWriter.Access.none
        let policy = config.maxmemoryPolicy
        if policy.hasSuffix("-lru") { access = .idle }
        if case .frequency(_, let decay) = config.accessTracking { access = .frequency(decayMinutes: decay) }
        return RDBWriter.Options(compression: config.rdbCompression, checksum: config.rdbChecksum, access: access)
    }

    func rdbAux(aofBase: Bool) -> [(String, Bytes)] {
        RDBWriter.auxFields(version: ServerInfo.redisVersion, creationTime: Keyspace.clockMilliseconds() / 1000,
                            usedMemory: engine.hooks.usedMemory(), aofBase: aofBase)
    }

    /// The keyspace as an RDB file at `path` (created or emptied), written a
    /// megabyte at a time, synced and closed. On failure the file is removed,
    /// the reason logged as Redis logs it, and false returned. `parent`: the
    /// server a child works for; it stops when that server is gone.
    func writeRDB(to path: String, parent: pid_t?) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            logger.warning("Failed opening the temp RDB file \(path) (in server root dir \(Self.workingDirectory())) for saving: \(FileIO.errorText())")
            return false
        }
        let delay = engine.config.rdbKeySaveDelay
        var failure: Int32 = 0
        var operation = "rdbSaveRio"
        var written = RDBWriter.snapshot(engine.keyspace, options: rdbOptions, aux: rdbAux(aofBase: false),
                                         now: Keyspace.clockMilliseconds(), chunkSize: 1 << 20, afterEachKey: {
            // Redis's debugDelay: a negative delay sleeps 1 µs once in -delay keys.
            if delay > 0 { usleep(UInt32(delay)) } else if delay < 0 && Int.random(in: 0 ..< -delay) == 0 { usleep(1) }
        }) { chunk in
            failure = Self.writeAll(chunk, to: fd)
            return failure == 0
        }
        if written, let parent, getppid() != parent { written = false }
        if written && fsync(fd) != 0 {
            failure = errno
            operation = "fsync"
            written = false
        }
        if close(fd) != 0 && written {
            failure = errno
            operation = "fclose"
            written = false
        }
        guard written else {
            if failure != 0 {
                logger.warning("Write error saving DB on disk(\(operation)): \(String(cString: strerror(failure)))")
            }
            unlink(path)
            return false
        }
        return true
    }

    static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        return getcwd(&buffer, buffer.count) != nil ? String(cBuffer: buffer) : "unknown"
    }
}
