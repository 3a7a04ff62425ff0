internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// What every forked child (the AOF rewrite, BGSAVE) does first and last.
/// Its only thread is the loop thread, at an instant where it held no lock;
/// it runs no libuv code and touches nothing the parent could adopt by
/// mistake: its files carry its own pid and only the parent renames them.
extension Server {
    /// Enters the child: killed when the server dies (an orphan must not go on
    /// writing into a directory a restarted server owns; Redis's orphan runs to
    /// its end, into names nobody adopts), or gone at once if the server died
    /// before that took effect; default signal handlers (libuv's would report
    /// through the parent's loop); the log marked `C`; inherited descriptors
    /// closed but `report` and the log; the OOM killer's first choice (the
    /// third `oom-score-adj-values`), as Redis's forks.
    func enterForkedChild(parent: pid_t, report: Int32) {
        _ = swirl_set_parent_death_signal(SIGKILL)
        if getppid() != parent { _exit(1) }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        logger.role = "C"
        closeInheritedDescriptors(keeping: [report, logger.descriptor])
        oomScore.apply(config: engine.config, as: .backgroundChild)
    }

    /// Leaves a child that succeeded: logs its copy-on-write bytes as Redis
    /// does (`Fork CoW for <what>: …`) and sends them to the parent on `report`.
    func leaveForkedChild(logging what: String, report: Int32) -> Never {
        let cow = copyOnWriteBytes()
        logger.notice("Fork CoW for \(what): current \(cow >> 20) MB, peak \(cow >> 20) MB, average \(cow >> 20) MB")
        if report >= 0 {
            var value = Int64(cow)
            _ = withUnsafeBytes(of: &value) { write(report, $0.baseAddress, $0.count) }
        }
        _exit(0)
    }
}
