import Keyspace
import RESP
import SwirlBytes

/// The bitmap group: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (here) and
/// BITFIELD / BITFIELD_RO (BitfieldCommand.swift). A bitmap is a string value:
/// GET, APPEND and SETRANGE see the same bytes, bit 0 being the most
/// significant bit of the first byte. Redis's bitops.c settles the semantics.
enum BitmapCommands {
    static let group = CommandGroup("bitmap", keys: .single)

    static func specs() -> [CommandSpec] {
        let bitmaps = group
        return [
            bitmaps.command("setbit", 4, [.write, .denyOOM], syntax: "key offset:integer value:integer",
                            "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
                            since: "2.2.0", handler: setbit),
            bitmaps.command("getbit", 3, [.readonly, .fast], syntax: "key offset:integer",
                            "Returns a bit value by offset.", since: "2.2.0", handler: getbit),
            bitmaps.command("bitcount", -2, [.readonly],
                            syntax: "key index:[start:integer end:integer index_unit:[BYTE | BIT]@7.0.0]",
                            "Counts the number of set bits (population counting) in a string.", since: "2.6.0",
                            complexity: "O(N)", handler: bitcount),
            bitmaps.command("bitpos", -3, [.readonly],
                            syntax: "key bit:integer index:[start:integer end_index:[end:integer index_unit:[BYTE | BIT]@7.0.0]]",
                            "Finds the first set (1) or clear (0) bit in a string.", since: "2.8.7",
                            complexity: "O(N)", handler: bitpos),
            bitmaps.command("bitop", -4, [.write, .denyOOM], keys: KeyPositions(first: 2, last: -1, step: 1),
                            syntax: "operation destkey:key key [key ...]",
                            "Performs bitwise operations on multiple strings, and stores the result.", since: "2.6.0",
                            complexity: "O(N)", handler: bitop),
        ] + BitfieldCommand.specs()
    }

    static let bitNotInteger = "ERR bit is not an integer or out of range"
    static let bitArgument = "ERR The bit argument must be 1 or 0."
    static let notSingleSource = "ERR BITOP NOT must be called with a single source key."

    // MARK: - SETBIT, GETBIT

    static func setbit(_ c: Client) {
        guard let offset = BitOffset.parse(c, c.args[2]) else { return }
        guard let on = ByteNumbers.parseInt64(c.args[3]), on & ~1 == 0 else {
            c.reply.error(bitNotInteger)
            return
        }
        let key = c.args[1]
        let byteIndex = Int(offset >> 3)
        guard let grew = BitOffset.prepareWrite(c, key, byteCount: byteIndex + 1) else { return }
        let mask = UInt8(0x80) >> UInt8(offset & 7)
        let old = c.db.mutateString(key) { bytes -> UInt8 in
            bytes.withMutableBytes(growingTo: byteIndex + 1) { raw in
                let byte = raw[byteIndex]
                raw[byteIndex] = on == 1 ? byte | mask : byte & ~mask
                return byte & mask
            }
        } ?? 0
        // Redis signals, notifies and propagates only when something changed.
        if grew || (old != 0) != (on == 1) {
            c.db.signalModifiedKey(key)
            c.notify(.string, .setbit, key)
            c.engine.dirty += 1
        }
        c.reply.integer(old != 0 ? 1 : 0)
    }

    static func getbit(_ c: Client) {
        guard let offset = BitOffset.parse(c, c.args[2]) else { return }
        switch c.readString(c.args[1]) {
        case .found(let bytes):
            let byteIndex = offset >> 3
            guard byteIndex < UInt64(bytes.count) else { c.reply.integer(0); return }
            let byte = bytes[Int(byteIndex)]
            c.reply.integer(Int(byte >> (7 - UInt8(offset & 7))) & 1)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    // MARK: - BITCOUNT, BITPOS

    static func bitcount(_ c: Client) {
        let bytes: Bytes
        switch c.readString(c.args[1]) {
        case .found(let found): bytes = found
        case .missing: c.reply.integer(0); return
        case .wrongType: c.wrongType(); return
        }
        let range: BitRange
        switch c.args.count {
        case 2:
            range = BitRange(start: 0, end: Int64(bytes.count) - 1)
        case 4, 5:
            guard let start = c.integer(at: 2), let end = c.integer(at: 3) else { return }
            // Both negative and reversed: empty before the unit is even read (Redis's order).
            if start < 0 && end < 0 && start > end { c.reply.integer(0); return }
            guard let isBit = unit(c, at: 4) else { return }
            range = BitRange(start: start, end: end, length: bytes.count, isBit: isBit)
        default:
            c.reply.error(Errors.syntax)
            return
        }
        guard range.start <= range.end else { c.reply.integer(0); return }
        let count = bytes.withUnsafeBytes { raw -> Int in
            let start = Int(range.start), end = Int(range.end)
            var total = BitScan.popcount(UnsafeRawBufferPointer(rebasing: raw[start...end]))
            // Bits of the edge bytes outside a BIT range were counted: take them off.
            total -= (raw[start] & range.firstMask).nonzeroBitCount
            total -= (raw[end] & range.lastMask).nonzeroBitCount
            return total
        }
        c.reply.integer(count)
    }

    /// BYTE or BIT at `index` if given (nil after replying a syntax error); false = BYTE.
    private static func unit(_ c: Client, at index: Int) -> Bool? {
        guard index < c.args.count else { return false }
        if CString.equalsIgnoringCase(c.args[index], "bit") { return true }
        if CString.equalsIgnoringCase(c.args[index], "byte") { return false }
        c.reply.error(Errors.syntax)
        return nil
    }

    static func bitpos(_ c: Client) {
        guard let bit = c.integer(at: 2) else { return }
        guard bit == 0 || bit == 1 else {
            c.reply.error(bitArgument)
            return
        }
        let bytes: Bytes
        switch c.readString(c.args[1]) {
        case .found(let found): bytes = found
        case .missing: c.reply.integer(bit == 1 ? -1 : 0); return
        case .wrongType: c.wrongType(); return
        }
        var range: BitRange
        var endGiven = false
        switch c.args.count {
        case 3:
            range = BitRange(start: 0, end: Int64(bytes.count) - 1)
        case 4, 5, 6:
            guard let start = c.integer(at: 3) else { return }
            guard let isBit = unit(c, at: 5) else { return }
            var end: Int64
            if c.args.count >= 5 {
                guard let given = c.integer(at: 4) else { return }
                end = given
                endGiven = true
            } else {
                // Past the end: clamped to the last byte or bit below.
                end = isBit ? Int64(bytes.count) * 8 + 7 : Int64(bytes.count) - 1
            }
            range = BitRange(start: start, end: end, length: bytes.count, isBit: isBit)
        default:
            c.reply.error(Errors.syntax)
            return
        }
        guard range.start <= range.end else { c.reply.integer(-1); return }
        let found = bytes.withUnsafeBytes { raw in firstBit(Int(bit), in: raw, range) }
        // With an explicit end, a range of all ones holds no 0: the zero padding is not in the range.
        if endGiven && bit == 0 && found == nil {
            c.reply.integer(-1)
            return
        }
        if let found {
            c.reply.integer(found)
        } else {
            // No match: the first bit past the range for 0 (zero padding), -1 for 1.
            c.reply.integer(bit == 1 ? -1 : (Int(range.end) + 1) * 8)
        }
    }

    /// The position of the first `bit` in the byte range, the edge bits outside
    /// a BIT range excluded; nil when the range has none.
    private static func firstBit(_ bit: Int, in raw: UnsafeRawBufferPointer, _ range: BitRange) -> Int? {
        let start = Int(range.start), end = Int(range.end)
        // Masked edge bytes read as the bit we are not looking for.
        func edge(_ byte: UInt8, _ mask: UInt8) -> UInt8 { bit == 1 ? byte & ~mask : byte | mask }
        var first = raw[start], last = raw[end]
        first = edge(first, range.firstMask)
        if start == end { first = edge(first, range.lastMask) } else { last = edge(last, range.lastMask) }
        func search(_ byte: UInt8) -> Int? {
            let lead = bit == 1 ? byte.leadingZeroBitCount : (~byte).leadingZeroBitCount
            return lead < 8 ? lead : nil
        }
        if let hit = search(first) { return start * 8 + hit }
        if start == end { return nil }
        if end - start > 1 {
            let middle = UnsafeRawBufferPointer(rebasing: raw[(start + 1)..<end])
            let position = BitScan.firstBit(bit, in: middle)
            if position >= 0 && position < middle.count * 8 { return (start + 1) * 8 + position }
        }
        if let hit = search(last) { return end * 8 + hit }
        return nil
    }

    // MARK: - BITOP

    static func bitop(_ c: Client) {
        let operation: BitScan.Operation
        let name = c.args[1]
        if CString.equalsIgnoringCase(name, "and") {
            operation = .and
        } else if CString.equalsIgnoringCase(name, "or") {
            operation = .or
        } else if CString.equalsIgnoringCase(name, "xor") {
            operation = .xor
        } else if CString.equalsIgnoringCase(name, "not") {
            operation = .not
        } else {
            c.reply.error(Errors.syntax)
            return
        }
        if operation == .not && c.args.count != 4 {
            c.reply.error(notSingleSource)
            return
        }
        var sources: [Bytes?] = []
        sources.reserveCapacity(c.args.count - 3)
        var length = 0
        for key in c.args[3...] {
            switch c.readString(key) {
            case .found(let bytes):
                sources.append(bytes)
                length = max(length, bytes.count)
            case .missing: sources.append(nil)
            case .wrongType: c.wrongType(); return
            }
        }
        let destination = c.args[2]
        if length > 0 {
            let result = BitScan.combine(operation, sources, length: length)
            c.db.set(destination, .string(Bytes(result)))
            c.db.setStringForm(destination, .raw)
            c.engine.dirty += 1
            c.notify(.string, .set, destination)
        } else if c.db.delete(destination) {
            c.engine.dirty += 1
            c.notify(.generic, .del, destination)
        }
        c.reply.integer(length)
    }
}

/// A BITCOUNT or BITPOS range made inclusive byte positions, with Redis's
/// conversion of negative indexes and clamping; for a BIT range, masks of the
/// edge bytes' bits that lie outside it.
struct BitRange {
    var start: Int64
    var end: Int64
    var firstMask: UInt8 = 0
    var lastMask: UInt8 = 0

    init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    init(start: Int64, end: Int64, length: Int, isBit: Bool) {
        // A string is at most proto-max-bulk-len bytes, so its bit length fits (Redis asserts it).
        let total = isBit ? Int64(length) * 8 : Int64(length)
        var start = start < 0 ? total + start : start
        var end = end < 0 ? total + end : end
        start = max(start, 0)
        end = max(end, 0)
        if end >= total { end = total - 1 }
        if isBit && start <= end {
            firstMask = ~UInt8(truncatingIfNeeded: (1 << (8 - (start & 7))) - 1)
            lastMask = UInt8(truncatingIfNeeded: (1 << (7 - (end & 7))) - 1)
            start >>= 3
            end >>= 3
        }
        self.start = start
        self.end = end
    }
}
