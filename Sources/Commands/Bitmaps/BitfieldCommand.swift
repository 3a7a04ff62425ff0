import Keyspace
import RESP
import SwirlBytes

/// BITFIELD and BITFIELD_RO: signed and unsigned integers of 1 to 64 bits
/// (unsigned up to 63: a reply is a signed 64-bit integer) at any bit offset,
/// read, written and incremented with WRAP, SAT or FAIL overflow. All
/// operations are parsed first, then run in order on one in-place string.
enum BitfieldCommand {
    static func specs() -> [CommandSpec] {
        let bitmaps = BitmapCommands.group
        return [
            bitmaps.command("bitfield", -2, [.write, .denyOOM],
                            syntax: "key operation:[GET encoding offset:integer | write:<[OVERFLOW <WRAP | SAT | FAIL>]"
                                + " write_operation:<SET encoding offset:integer value:integer"
                                + " | INCRBY encoding offset:integer increment:integer>>] ...",
                            "Performs arbitrary bitfield integer operations on strings.", since: "3.2.0",
                            complexity: "O(1) for each subcommand specified", handler: bitfield),
            bitmaps.command("bitfield_ro", -2, [.readonly, .fast],
                            syntax: "key [GET encoding offset:integer [GET encoding offset:integer ...]]",
                            "Performs arbitrary read-only bitfield integer operations on strings.", since: "6.0.0",
                            complexity: "O(1) for each subcommand specified", handler: bitfieldReadOnly),
        ]
    }

    static let invalidType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
    static let invalidOverflow = "ERR Invalid OVERFLOW type specified"
    static let readOnlyOnlyGet = "ERR BITFIELD_RO only supports the GET subcommand"

    enum Opcode { case get, set, incrby }

    struct Operation {
        var opcode: Opcode
        var field: BitField
        var offset: UInt64
        var value: Int64
        var overflow: BitField.Overflow
    }

    static func bitfield(_ c: Client) { run(c, readOnlyCommand: false) }
    static func bitfieldReadOnly(_ c: Client) { run(c, readOnlyCommand: true) }

    /// Redis's bitfieldGeneric.
    static func run(_ c: Client, readOnlyCommand: Bool) {
        guard let (operations, highestWrite) = parse(c) else { return }
        let key = c.args[1]
        guard let highestWrite else {
            // Only GETs: a read (a hit or miss), a missing key reads as zeros.
            switch c.readString(key) {
            case .wrongType:
                c.wrongType()
            case .found(let bytes):
                bytes.withUnsafeBytes { reply(c, operations, $0) }
            case .missing:
                reply(c, operations, UnsafeRawBufferPointer(start: nil, count: 0))
            }
            return
        }
        if readOnlyCommand {
            c.reply.error(readOnlyOnlyGet)
            return
        }
        let byteCount = Int(highestWrite >> 3) + 1
        guard let grew = BitOffset.prepareWrite(c, key, byteCount: byteCount) else { return }
        let changes = c.db.mutateString(key) { bytes in
            bytes.withMutableBytes(growingTo: byteCount) { execute(c, operations, $0, grew: grew) }
        } ?? 0
        if changes > 0 {
            c.db.signalModifiedKey(key)
            c.notify(.string, .setbit, key)
            c.engine.dirty += changes
        }
    }

    /// Every operation in order, or nil after replying the first error (Redis
    /// parses them all before touching the key). `highestWrite`: the last bit a
    /// SET or INCRBY reaches, nil when there are only GETs.
    private static func parse(_ c: Client) -> ([Operation], UInt64?)? {
        var operations: [Operation] = []
        var overflow = BitField.Overflow.wrap
        var highestWrite: UInt64?
        var index = 2
        let args = c.args
        while index < args.count {
            let remaining = args.count - index - 1
            let word = args[index]
            let opcode: Opcode
            if CString.equalsIgnoringCase(word, "get") && remaining >= 2 {
                opcode = .get
            } else if CString.equalsIgnoringCase(word, "set") && remaining >= 3 {
                opcode = .set
            } else if CString.equalsIgnoringCase(word, "incrby") && remaining >= 3 {
                opcode = .incrby
            } else if CString.equalsIgnoringCase(word, "overflow") && remaining >= 1 {
                let name = args[index + 1]
                if CString.equalsIgnoringCase(name, "wrap") {
                    overflow = .wrap
                } else if CString.equalsIgnoringCase(name, "sat") {
                    overflow = .sat
                } else if CString.equalsIgnoringCase(name, "fail") {
                    overflow = .fail
                } else {
                    c.reply.error(invalidOverflow)
                    return nil
                }
                index += 2
                continue
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            guard let field = BitField(parsing: args[index + 1]) else {
                c.reply.error(invalidType)
                return nil
            }
            guard let offset = BitOffset.parse(c, args[index + 2], width: field.bits) else { return nil }
            var value: Int64 = 0
            if opcode != .get {
                let last = offset + UInt64(field.bits) - 1
                highestWrite = max(highestWrite ?? 0, last)
                guard let parsed = c.integer(at: index + 3) else { return nil }
                value = parsed
            }
            operations.append(Operation(opcode: opcode, field: field, offset: offset, value: value, overflow: overflow))
            index += opcode == .get ? 3 : 4
        }
        return (operations, highestWrite)
    }

    /// The replies of a GET-only BITFIELD.
    private static func reply(_ c: Client, _ operations: [Operation], _ bytes: UnsafeRawBufferPointer) {
        c.reply.array(operations.count)
        for operation in operations {
            c.reply.integer(operation.field.read(bytes, at: operation.offset))
        }
    }

    /// Runs the operations on the string (already long enough for every write),
    /// replying as it goes; returns how many writes changed it (or wrote to a
    /// string just created or grown, as Redis counts them).
    private static func execute(_ c: Client, _ operations: [Operation], _ bytes: UnsafeMutableRawBufferPointer,
                                grew: Bool) -> Int {
        c.reply.array(operations.count)
        var changes = 0
        for operation in operations {
            let field = operation.field
            let old = field.read(UnsafeRawBufferPointer(bytes), at: operation.offset)
            guard operation.opcode != .get else {
                c.reply.integer(old)
                continue
            }
            let result = operation.opcode == .incrby
                ? field.increment(old, by: operation.value, operation.overflow)
                : field.assign(operation.value, operation.overflow)
            guard let new = result else {
                c.reply.null()  // FAIL: nothing written
                continue
            }
            c.reply.integer(operation.opcode == .incrby ? new : old)
            field.write(new, to: bytes, at: operation.offset)
            if grew || old != new { changes += 1 }
        }
        return changes
    }
}
