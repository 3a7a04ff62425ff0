/// A fast generator (wyrand) for what must be random but not secret: eviction
/// samples and LFU's counter increments, as Redis uses `random()`/`rand()`.
/// `SystemRandomNumberGenerator` asks the kernel (a `getrandom` system call)
/// on every draw: at the memory limit, where every write samples keys, that
/// was a fifth of the server's time (perf).
public struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    /// Seeded once from the system generator.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0xA076_1D64_78BD_642F
        let product = state.multipliedFullWidth(by: state ^ 0xE703_7ED1_A0B4_28DB)
        return product.high ^ product.low
    }
}
