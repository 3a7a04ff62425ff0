import Commands
import RESP
import SwirlBytes

/// The few commands the fuzzer does not run, because what they do cannot be
/// bounded inside one process and one input (each one's arithmetic is still
/// covered with smaller numbers, and by the unit tests with the large ones):
///
/// - `DEBUG SLEEP` stops the process for up to an hour: that is its purpose.
/// - `DEBUG POPULATE` with more than 10,000 keys or values over 64 KB: it
///   creates what it is asked to (Redis aborts when the allocation fails).
/// - A negative count below -100,000 for SRANDMEMBER, HRANDFIELD and
///   ZRANDMEMBER: the reply has that many elements by definition (Redis, too,
///   builds it until an output limit closes the client).
/// - `CONFIG SET` of `proto-max-bulk-len` or `client-query-buffer-limit`: the
///   session lowers them to 1 MB so SETRANGE, APPEND and LCS stay fast; raising
///   them again would let one input allocate gigabytes.
/// - `PFSELFTEST` adds ten million elements (seconds per call, whatever its
///   input); the same code paths run under PFADD, PFCOUNT and PFMERGE.
/// - Commands that end the process (`SHUTDOWN`) are harmless here: the engine's
///   default hooks refuse them.
enum FuzzBounds {
    static let maxPopulateKeys: Int64 = 10_000
    static let maxPopulateValue: Int64 = 64 * 1024
    static let maxRandomCount: Int64 = 100_000

    /// True when `args` must not run in the fuzzer (see above).
    static func skips(_ args: [Bytes]) -> Bool {
        guard let name = args.first else { return false }
        func word(_ index: Int, is text: StaticString) -> Bool {
            index < args.count && Text.equalsIgnoringCase(args[index], text)
        }
        func number(_ index: Int) -> Int64? {
            index < args.count ? ByteNumbers.parseInt64(args[index]) : nil
        }
        if Text.equalsIgnoringCase(name, "debug") {
            if word(1, is: "sleep") { return true }
            if word(1, is: "populate") {
                return (number(2) ?? 0) > maxPopulateKeys || (number(4) ?? 0) > maxPopulateValue
            }
            return false
        }
        if Text.equalsIgnoringCase(name, "pfselftest") { return true }
        if Text.equalsIgnoringCase(name, "srandmember") || Text.equalsIgnoringCase(name, "hrandfield")
            || Text.equalsIgnoringCase(name, "zrandmember") {
            return (number(2) ?? 0) < -maxRandomCount
        }
        if Text.equalsIgnoringCase(name, "config") && word(1, is: "set") {
            return args.dropFirst(2).contains {
                Text.equalsIgnoringCase($0, "proto-max-bulk-len") || Text.equalsIgnoringCase($0, "client-query-buffer-limit")
            }
        }
        return false
    }
}
