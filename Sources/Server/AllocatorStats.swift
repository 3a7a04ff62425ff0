internal import CJemalloc
import Commands
#if canImport(Glibc)
import Glibc
#endif

/// Used memory from jemalloc, the allocator swirl-server links (as Redis
/// does), cheap enough to read before every command.
///
/// jemalloc keeps, per thread, the bytes it has handed out and taken back
/// (`thread.allocatedp` / `thread.deallocatedp`: counters updated on every
/// allocation, read through two pointers). The loop thread makes nearly every
/// allocation, so its net count plus an offset is the used memory; the offset,
/// what other threads and start-up hold, is corrected from `stats.allocated`
/// (a `mallctl("epoch")` refresh, about 30 µs) once per cron tick. Between two
/// ticks the figure is exact for the loop thread's own allocations.
///
/// glibc's own figure, `mallinfo2`, walks every free chunk under the arena
/// lock: measured 51 ms with 100,000 free chunks and 329 ms with 1,000,000
/// (docs/PERFORMANCE.md), so it cannot be read per command, nor even per
/// second on a large, fragmented heap.
final class AllocatorCounters {
    private let allocated: UnsafeMutablePointer<UInt64>
    private let deallocated: UnsafeMutablePointer<UInt64>
    private var offset = 0

    /// nil when the process does not run on jemalloc (its mallctl then fails).
    init?() {
        guard let allocated: UnsafeMutablePointer<UInt64> = Self.read("thread.allocatedp"),
              let deallocated: UnsafeMutablePointer<UInt64> = Self.read("thread.deallocatedp") else { return nil }
        self.allocated = allocated
        self.deallocated = deallocated
        refresh()
    }

    /// Bytes allocated and not freed, by every thread (INFO used_memory).
    @inline(__always)
    var used: Int { Int(truncatingIfNeeded: allocated.pointee &- deallocated.pointee) &+ offset }

    /// Re-reads jemalloc's totals and corrects the offset (cron).
    func refresh() {
        let net = Int(truncatingIfNeeded: allocated.pointee &- deallocated.pointee)
        offset = Self.statistic("stats.allocated") - net
    }

    /// A jemalloc statistic after an epoch refresh: `stats.allocated`, `.active`, `.resident`.
    static func statistic(_ name: String) -> Int {
        // Writing any value to `epoch` makes jemalloc refresh the statistics it reports.
        var epoch: UInt64 = 1
        _ = mallctl("epoch", nil, nil, &epoch, MemoryLayout<UInt64>.size)
        let value: Int? = read(name)
        return value ?? 0
    }

    static func read<T>(_ name: String) -> T? {
        let value = UnsafeMutablePointer<T>.allocate(capacity: 1)
        defer { value.deallocate() }
        var size = MemoryLayout<T>.size
        guard mallctl(name, value, &size, nil, 0) == 0 else { return nil }
        return value.pointee
    }

    /// `jemalloc-5.3.0`, INFO mem_allocator as Redis writes it.
    static var name: String {
        let version: UnsafePointer<CChar>? = read("version")
        guard let version else { return "libc" }
        let text = String(cString: version)
        return "jemalloc-" + (text.split(separator: "-").first.map(String.init) ?? text)
    }

    /// jemalloc's `malloc_stats_print` report (MEMORY MALLOC-STATS, as Redis's).
    static func report() -> String {
        final class Sink { var text = "" }
        let sink = Sink()
        malloc_stats_print({ context, line in
            guard let context, let line else { return }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().text += String(cString: line)
        }, Unmanaged.passUnretained(sink).toOpaque(), nil)
        return sink.text
    }

    /// MEMORY PURGE: every arena gives its dirty pages back (Redis's jemalloc_purge).
    static func purge() {
        _ = mallctl("arena.4096.purge", nil, nil, nil, 0)
    }
}

extension MemoryStats {
    /// The allocator's figures and MEMORY PURGE, for the engine. Without jemalloc
    /// (a build that does not link it) the figures fall back to RSS.
    static func installAllocatorHooks(_ engine: Engine) -> AllocatorCounters? {
        guard let counters = AllocatorCounters() else { return nil }
        engine.hooks.usedMemory = { counters.used }
        engine.hooks.allocatorName = AllocatorCounters.name
        engine.hooks.allocatorFigures = {
            (AllocatorCounters.statistic("stats.allocated"), AllocatorCounters.read("stats.active") ?? 0,
             AllocatorCounters.read("stats.resident") ?? 0)
        }
        engine.hooks.allocatorReport = { AllocatorCounters.report() }
        engine.hooks.purgeMemory = { AllocatorCounters.purge() }
        return counters
    }
}
