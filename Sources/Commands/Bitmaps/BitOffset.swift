import Keyspace
import RESP
import SwirlBytes

/// What SETBIT, GETBIT and BITFIELD share: parsing a bit offset and making a
/// string long enough to write at one.
enum BitOffset {
    static let error = "ERR bit offset is not an integer or out of range"

    /// The longest string the bit commands may make (`proto-max-bulk-len`),
    /// cached by `Engine.applyConfig` because SETBIT reads it on every call.
    nonisolated(unsafe) static var maxBytes: Int64 = 512 * 1024 * 1024

    /// Redis's getBitOffsetFromArgument: a non-negative integer whose byte lies
    /// below `proto-max-bulk-len` (at least 4 GB while loading: Redis obeys its
    /// AOF). With `width` (BITFIELD), `#n` means n × width; the product wraps as
    /// Redis's C multiplication does and is checked after, so `#2305843009213693952`
    /// with u8 is offset 0 there too. nil after replying the error.
    static func parse(_ c: Client, _ argument: Bytes, width: Int = 0) -> UInt64? {
        let useHash = width > 0 && argument.first == UInt8(ascii: "#")
        let digits = useHash ? Bytes(argument.dropFirst()) : argument
        guard var offset = ByteNumbers.parseInt64(digits) else {
            c.reply.error(error)
            return nil
        }
        if useHash { offset = offset &* Int64(width) }
        // While loading, Redis skips the limit (a file written under a larger one must
        // load); Swirl keeps a ceiling of 4 GB there rather than attempt any size.
        let limit = c.engine.loading ? max(maxBytes, 1 << 32) : maxBytes
        guard offset >= 0, (offset >> 3) < limit else {
            c.reply.error(error)
            return nil
        }
        return UInt64(offset)
    }

    /// Redis's lookupStringForBitCommand: the string at `key` is created (zeros)
    /// when absent; whether it was created or must grow to `byteCount` (the
    /// caller grows it as it writes, in one pass), nil after replying WRONGTYPE.
    static func prepareWrite(_ c: Client, _ key: Bytes, byteCount: Int) -> Bool? {
        switch currentLength(c.db, key) {
        case .missing:
            c.db.add(key, .string(Bytes([UInt8](repeating: 0, count: byteCount))))
            c.db.setStringForm(key, .raw)
            return true
        case .found(let length):
            return length < byteCount
        case .wrongType:
            c.wrongType()
            return nil
        }
    }

    /// The length of the string at `key`, counted as an access (lookupKeyWrite).
    /// Only the length leaves: holding the value would make the next in-place
    /// write copy it.
    @inline(never)
    private static func currentLength(_ db: Database, _ key: Bytes) -> Typed<Int> {
        switch db.lookup(key) {
        case nil: return .missing
        case .string(let bytes)?: return .found(bytes.count)
        case .some: return .wrongType
        }
    }
}

/// Redis compares option words with strcasecmp, which stops at a NUL byte:
/// `and\0x` is AND there, so it is here.
enum CString {
    static func equalsIgnoringCase(_ argument: Bytes, _ word: StaticString) -> Bool {
        let end = argument.firstIndex(of: 0) ?? argument.count
        guard end == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            for index in 0..<end where argument[index] | 0x20 != expected[index] | 0x20 {
                // `| 0x20` folds ASCII case; only letters reach here from the words used.
                return false
            }
            return true
        }
    }
}
