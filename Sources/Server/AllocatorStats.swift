internal import CAllocCounter
internal import CLibUV  // its shim brings glibc's <malloc.h>
import Commands
#if canImport(Glibc)
import Glibc
#endif

/// Used memory from glibc's malloc, counted as Redis counts its own: every
/// allocation function is interposed (Sources/CAllocCounter) and adds or
/// subtracts its block's usable size, so reading the figure before every
/// command is one load (docs/ARCHITECTURE.md, Memory and eviction).
enum AllocatorCounter {
    /// Starts counting the loop thread's allocations without atomics; false
    /// when the process's malloc is not the interposed one (nothing is counted).
    static func start() -> Bool {
        swirl_alloc_counter_register_loop_thread()
        return swirl_alloc_counter_active() != 0
    }

    @inline(__always)
    static var used: Int { swirl_allocated_bytes() }
}

extension MemoryStats {
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

    /// Bytes malloc holds from the system: its arenas, free chunks included,
    /// and its mmapped blocks (MEMORY STATS allocator.active). `mallinfo2`
    /// walks the free chunks: MEMORY STATS only, never INFO or the cron.
    static func activeBytes() -> Int {
        let info = mallinfo2()
        return Int(info.arena) + Int(info.hblkhd)
    }

    /// Used memory, the allocator figures, MALLOC-STATS and MEMORY PURGE (`malloc_trim`)
    /// for the engine. False when the counter is not in effect: used memory is then the RSS.
    static func installAllocatorHooks(_ engine: Engine) -> Bool {
        engine.hooks.allocatorActive = { activeBytes() }
        engine.hooks.allocatorReport = { allocatorReport() }
        engine.hooks.purgeMemory = { _ = malloc_trim(0) }
        guard AllocatorCounter.start() else { return false }
        engine.hooks.usedMemory = { AllocatorCounter.used }
        return true
    }
}
