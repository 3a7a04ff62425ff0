#if canImport(Glibc)
import Glibc
#endif

/// Small synchronous file helpers for start-up work (reading the AOF and its
/// manifest) that happens before the event loop runs.
public enum FileIO {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The file's size in bytes, 0 when it cannot be read.
    public static func size(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "Can't open \(path): \(errorText())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var status = stat()
        if fstat(fd, &status) == 0 { bytes.reserveCapacity(Int(status.st_size)) }  // one allocation, no regrowth copies
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "Can't read \(path): \(errorText())")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Writes a whole file through a temporary name and rename, then fsyncs the
    /// directory, so a crash leaves either the old file or the new one.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(Failure) {
        let file = try AtomicFile(path: path, directory: directory)
        do {
            try file.write(bytes)
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }

    /// A file written in pieces under a temporary name, renamed into place once
    /// complete and synced (`writeAtomically` for contents made piece by piece).
    public struct AtomicFile {
        let path: String, temporary: String, directory: String
        let fd: Int32

        public init(path: String, directory: String) throws(Failure) {
            self.path = path
            self.temporary = path + ".tmp"
            self.directory = directory
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw Failure(description: "Can't create \(temporary): \(errorText())") }
        }

        public func write(_ bytes: [UInt8]) throws(Failure) {
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw Failure(description: "Can't write \(temporary): \(errorText())") }
                written += count
            }
        }

        /// fsync, close, rename over `path`, fsync the directory.
        public func commit() throws(Failure) {
            fsync(fd)
            close(fd)
            guard rename(temporary, path) == 0 else { throw Failure(description: "Can't rename \(temporary): \(errorText())") }
            syncDirectory(directory)
        }

        public func abandon() {
            close(fd)
            unlink(temporary)
        }
    }

    public static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    public static func makeDirectory(_ path: String) throws(Failure) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Failure(description: "Can't create directory \(path): \(errorText())")
        }
    }

    public static func truncate(_ path: String, to length: Int) -> Bool {
        Glibc.truncate(path, off_t(length)) == 0
    }

    public static func errorText() -> String { String(cString: strerror(errno)) }
}
