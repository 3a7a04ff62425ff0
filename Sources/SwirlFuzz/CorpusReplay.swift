#if canImport(Glibc)
import Glibc
#endif

/// Running saved inputs (the checked-in corpus, crash files) through the same
/// entry point libFuzzer calls: what `swift test` and a plain `swirl-fuzz` do.
public enum CorpusReplay {
    /// The regular files named, directories expanded one level, in name order.
    public static func files(in paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            guard let directory = opendir(path) else { return [path] }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if !name.hasPrefix(".") && !name.hasSuffix(".md") { names.append(path + "/" + name) }
            }
            return names.sorted()
        }
    }

    /// A whole file's bytes, or nil when it cannot be read.
    public static func contents(of path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let read = fread(&chunk, 1, chunk.count, file)
            if read > 0 { bytes += chunk[0..<read] }
            if read < chunk.count { break }
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
