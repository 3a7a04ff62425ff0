import Keyspace
import RESP
import SwirlBytes

/// PFADD, PFCOUNT and PFMERGE (here), PFDEBUG and PFSELFTEST
/// (HyperLogLogDebugCommands.swift). An HLL is a string value in Redis's
/// format (HyperLogLog.swift): GET and SET move it between servers as it is.
enum HyperLogLogCommands {
    static let group = CommandGroup("hyperloglog", since: "2.8.9", keys: .single)

    static func specs() -> [CommandSpec] {
        let hll = group
        return [
            hll.command("pfadd", -2, [.write, .denyOOM, .fast], syntax: "key [element [element ...]]",
                        "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.",
                        complexity: "O(1) to add every element.", handler: pfadd),
            hll.command("pfcount", -2, [.readonly], keys: .all, syntax: "key [key ...]",
                        "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).",
                        complexity: "O(1) with a very small average constant time when called with a single key. "
                            + "O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
                        handler: pfcount),
            hll.command("pfmerge", -2, [.write, .denyOOM], keys: .all, syntax: "destkey:key sourcekey:key ...",
                        "Merges one or more HyperLogLog values into a single key.",
                        complexity: "O(N) to merge N HyperLogLogs, but with high constant times.", handler: pfmerge),
        ] + HyperLogLogDebugCommands.specs()
    }

    /// The value at `key` checked to be an HLL (nil after replying WRONGTYPE or
    /// Redis's not-an-HLL error); `.missing` when absent. Counts a hit or miss.
    static func readHLL(_ c: Client, _ key: Bytes) -> Typed<Bytes>? {
        switch c.readString(key) {
        case .missing: return .missing
        case .wrongType: c.wrongType(); return nil
        case .found(let bytes):
            guard HyperLogLog.isValid(bytes) else {
                c.reply.error(HyperLogLog.notValid)
                return nil
            }
            return .found(bytes)
        }
    }

    /// The same for a write (Redis's lookupKeyWrite: no hit or miss counted),
    /// reporting only whether the key exists, so the caller's in-place change
    /// finds the value unshared. nil after replying an error.
    @inline(never)
    static func checkHLLForWrite(_ c: Client, _ key: Bytes) -> Bool? {
        switch c.db.lookup(key) {
        case nil: return false
        case .string(let bytes)?:
            guard HyperLogLog.isValid(bytes) else {
                c.reply.error(HyperLogLog.notValid)
                return nil
            }
            return true
        case .some:
            c.wrongType()
            return nil
        }
    }

    // MARK: - PFADD

    static func pfadd(_ c: Client) {
        let key = c.args[1]
        guard let exists = checkHLLForWrite(c, key) else { return }
        let elements = c.args[2...]
        var updated = 0
        var corrupt = false
        func addAll(_ bytes: inout [UInt8]) {
            for element in elements {
                switch element.withUnsafeBytes({ HyperLogLog.add($0, to: &bytes) }) {
                case .changed: updated += 1
                case .unchanged: break
                case .corrupt: corrupt = true; return
                }
            }
        }
        if exists {
            c.db.mutateString(key) { value in
                value.withArray { bytes in
                    addAll(&bytes)
                    if updated > 0 && !corrupt { HyperLogLog.invalidateCache(&bytes) }
                }
            }
        } else {
            var bytes = HyperLogLog.makeEmpty()
            addAll(&bytes)
            updated += 1  // the key was created
            HyperLogLog.invalidateCache(&bytes)
            c.db.add(key, .string(Bytes(bytes)))
            c.db.setStringForm(key, .raw)
        }
        if corrupt {
            // Registers raised before the corruption was met stay raised, as in Redis, unsignalled.
            c.reply.error(HyperLogLog.corrupted)
            return
        }
        if updated > 0 {
            c.db.signalModifiedKey(key)
            c.notify(.string, .pfadd, key)
            c.engine.dirty += updated
        }
        c.reply.integer(updated > 0 ? 1 : 0)
    }

    // MARK: - PFCOUNT

    static func pfcount(_ c: Client) {
        if c.args.count > 2 {
            countUnion(c)
            return
        }
        let key = c.args[1]
        switch examine(c, key) {
        case nil:
            return
        case .missing?:
            c.reply.integer(0)
        case .cached(let cardinality)?:
            c.db.setStringForm(key, .raw)  // Redis unshares the value even to read its cache
            c.reply.integer(Int64(bitPattern: cardinality))
        case .corrupt?:
            c.reply.error(HyperLogLog.corrupted)
        case .estimated(let cardinality)?:
            // The cache is part of the value: PFCOUNT changes the string and is propagated, as in Redis.
            c.db.mutateString(key) { bytes in
                bytes.withMutableBytes { HyperLogLog.storeCardinality(cardinality, in: $0) }
            }
            c.db.signalModifiedKey(key)
            c.engine.dirty += 1
            c.reply.integer(Int64(bitPattern: cardinality))
        }
    }

    enum Examined { case missing, cached(UInt64), estimated(UInt64), corrupt }

    /// What PFCOUNT of one key finds. The value does not outlive this call, so
    /// storing the estimate in it afterwards changes it in place.
    @inline(never)
    private static func examine(_ c: Client, _ key: Bytes) -> Examined? {
        guard let found = readHLL(c, key) else { return nil }
        guard case .found(let value) = found else { return .missing }
        return value.withUnsafeBytes { raw in
            if let cached = HyperLogLog.cachedCardinality(raw) { return .cached(cached) }
            guard let histogram = HyperLogLog.histogram(raw) else { return .corrupt }
            return .estimated(HyperLogLog.estimate(histogram))
        }
    }

    /// PFCOUNT of several keys: the estimate of their union, registers merged
    /// one per byte; nothing is cached.
    private static func countUnion(_ c: Client) {
        var registers = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        for key in c.args.dropFirst() {
            guard let found = readHLL(c, key) else { return }
            guard case .found(let value) = found else { continue }
            guard merge(value, into: &registers) else {
                c.reply.error(HyperLogLog.corrupted)
                return
            }
        }
        c.reply.integer(Int64(bitPattern: HyperLogLog.estimate(HyperLogLog.histogram(registers: registers))))
    }

    /// Redis's hllMerge: false for a corrupt sparse value.
    static func merge(_ value: Bytes, into registers: inout [UInt8]) -> Bool {
        value.withUnsafeBytes { raw in
            guard raw[4] == HyperLogLog.dense else { return HyperLogLog.Sparse.merge(raw, into: &registers) }
            HyperLogLog.mergeDense(raw, into: &registers)
            return true
        }
    }

    // MARK: - PFMERGE

    static func pfmerge(_ c: Client) {
        var registers = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        var anyDense = false
        // The destination is read as a source too (it is the first key).
        for key in c.args.dropFirst() {
            guard let found = readHLL(c, key) else { return }
            guard case .found(let value) = found else { continue }
            if value[4] == HyperLogLog.dense { anyDense = true }
            guard merge(value, into: &registers) else {
                c.reply.error(HyperLogLog.corrupted)
                return
            }
        }
        let key = c.args[1]
        var valid = true
        func write(_ bytes: inout [UInt8]) {
            // A dense source makes the destination dense at once rather than through promotions.
            if anyDense && !HyperLogLog.Sparse.toDense(&bytes) {
                valid = false
                return
            }
            for (index, value) in registers.enumerated() where value != 0 {
                _ = HyperLogLog.set(index, value, in: &bytes)
            }
            HyperLogLog.invalidateCache(&bytes)
        }
        if c.db.exists(key) {
            _ = c.db.lookup(key)  // Redis's lookupKeyWrite: an access
            c.db.mutateString(key) { $0.withArray(write) }
        } else {
            var bytes = HyperLogLog.makeEmpty()
            write(&bytes)
            c.db.add(key, .string(Bytes(bytes)))
            c.db.setStringForm(key, .raw)
        }
        guard valid else {
            c.reply.error(HyperLogLog.corrupted)
            return
        }
        c.db.signalModifiedKey(key)
        c.notify(.string, .pfadd, key)
        c.engine.dirty += 1
        c.reply.ok()
    }
}
