internal import CLibUV
import Commands
import Keyspace
import Persistence
#if canImport(Glibc)
import Glibc
#endif

/// What the forked rewrite child does: it holds the keyspace as it was at
/// the fork (copy-on-write pages), writes it into a temporary file of its
/// own, and leaves with `_exit` (ForkedChild.swift: what every child does).
extension Server {
    func runRewriteChild(parent: pid_t, report: Int32) -> Never {
        enterForkedChild(parent: parent, report: report)
        let pid = getpid()
        guard writeBase(pid: pid, parent: parent) else { _exit(1) }
        logger.notice("Successfully created the temporary AOF base file \(RewriteChild.finishedName(pid))")
        leaveForkedChild(logging: "AOF rewrite", report: report)
    }

    /// The keyspace as an RDB file or as commands, written a megabyte at a time into
    /// `temp-rewriteaof-<pid>.aof`, synced, and renamed to
    /// `temp-rewriteaof-bg-<pid>.aof` for the parent to adopt, as Redis's
    /// rewriteAppendOnlyFile (with its log lines). The parent is checked
    /// before the last steps: an orphan leaves nothing that looks finished.
    private func writeBase(pid: pid_t, parent: pid_t) -> Bool {
        let writing = RewriteChild.writingName(pid)
        let fd = open(writing, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            logger.warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): \(FileIO.errorText())")
            return false
        }
        let delay = engine.config.rdbKeySaveDelay
        var failure: Int32 = 0
        let afterEachKey = {
            // Redis's debugDelay: a negative delay sleeps 1 µs once in -delay keys.
            if delay > 0 { usleep(UInt32(delay)) } else if delay < 0 && Int.random(in: 0 ..< -delay) == 0 { usleep(1) }
        }
        let write = { (chunk: [UInt8]) -> Bool in
            failure = Self.writeAll(chunk, to: fd)
            return failure == 0
        }
        // The base as RDB (`aof-use-rdb-preamble yes`, its name ends in .rdb) or as commands.
        var written = engine.config.aofUseRDBPreamble
            ? RDBWriter.snapshot(engine.keyspace, options: rdbOptions, aux: rdbAux(aofBase: true), now: Keyspace.clockMilliseconds(),
                                 chunkSize: 1 << 20, afterEachKey: afterEachKey, write: write)
            : AOFRewriter.snapshot(engine.keyspace, chunkSize: 1 << 20, afterEachKey: afterEachKey, write: write)
        if written && getppid() != parent { written = false }
        if written && fsync(fd) != 0 {
            failure = errno
            written = false
        }
        if close(fd) != 0 && written {
            failure = errno
            written = false
        }
        guard written, getppid() == parent else {
            if failure != 0 {
                logger.warning("Write error writing append only file on disk: \(String(cString: strerror(failure)))")
            }
            unlink(writing)
            return false
        }
        guard rename(writing, RewriteChild.finishedName(pid)) == 0 else {
            logger.warning("Error moving temp append only file on the final destination: \(FileIO.errorText())")
            unlink(writing)
            return false
        }
        return true
    }

    /// write(2) until all of `bytes` is written; 0, or the errno that stopped it.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32 {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += count
        }
        return 0
    }

    /// Closes what the child inherited (client sockets, the listeners, the
    /// loop's descriptors, the AOF) but `keeping`, so a connection the parent
    /// closes during the rewrite ends at once rather than when the child exits.
    func closeInheritedDescriptors(keeping: [Int32]) {
        guard let directory = opendir("/proc/self/fd") else { return }
        var inherited: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd > 2, !keeping.contains(fd) { inherited.append(fd) }
        }
        closedir(directory)  // its own descriptor was listed too; closing it again below fails harmlessly
        for fd in inherited { close(fd) }
    }

    /// The pages this process no longer shares with the server (Private_Dirty,
    /// as Redis's zmalloc_get_private_dirty), for INFO aof_last_cow_size.
    func copyOnWriteBytes() -> Int {
        guard let text = try? FileIO.read("/proc/self/smaps_rollup") else { return 0 }
        var kilobytes = 0
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Private_Dirty:") {
            kilobytes += Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return kilobytes * 1024
    }
}
