internal import CLibUV
import Commands
#if canImport(Glibc)
import Glibc
#endif

extension MemoryStats {
    /// Bytes malloc has handed out and not taken back, from glibc's
    /// `mallinfo2` (INFO used_memory, like Redis's allocator figure).
    static func allocatedBytes() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }

    /// Bytes malloc holds from the system: its arenas, free chunks included,
    /// and its mmapped blocks (MEMORY STATS allocator.active).
    static func activeBytes() -> Int {
        let info = mallinfo2()
        return Int(info.arena) + Int(info.hblkhd)
    }

    /// glibc's `malloc_info` report (XML), for MEMORY MALLOC-STATS.
    static func allocatorReport() -> String {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { return "Stats not supported for the current allocator" }
        malloc_info(0, stream)
        fclose(stream)
        defer { free(buffer) }
        return buffer.map { String(cString: $0) } ?? ""
    }

    /// The allocator figures and MEMORY PURGE (`malloc_trim`), for the engine.
    static func installAllocatorHooks(_ engine: Engine) {
        engine.hooks.allocatorActive = { activeBytes() }
        engine.hooks.allocatorReport = { allocatorReport() }
        engine.hooks.purgeMemory = { _ = malloc_trim(0) }
    }
}
