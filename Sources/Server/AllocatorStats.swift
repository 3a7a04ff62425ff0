internal import CLibUV
import Commands

extension MemoryStats {
    /// Bytes malloc has handed out and not taken back, from glibc's
    /// `mallinfo2` (INFO used_memory, like Redis's allocator figure).
    static func allocatedBytes() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }
}
