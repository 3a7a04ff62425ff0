import Keyspace
import RESP
import SwirlBytes

/// The string group: reading and writing whole values and ranges.
/// Counters are in StringCounterCommands.swift, LCS in LCSCommand.swift.
enum StringCommands {
    /// The string family's defaults, shared by StringCounterCommands and LCSCommand.
    static let group = CommandGroup("string", keys: .single)

    static func specs() -> [CommandSpec] {
        let strings = group
        let read: CommandFlags = [.readonly, .fast]
        let write: CommandFlags = [.write, .denyOOM]
        return [
            strings.command("get", 2, read, syntax: "key", "Returns the string value of a key.", handler: get),
            strings.command("set", -3, write,
                            syntax: "key value condition:[NX | XX]@2.6.12 [GET]@6.2.0 expiration:[EX seconds:integer@2.6.12"
                                + " | PX milliseconds:integer@2.6.12 | EXAT unix-time-seconds:unix-time@6.2.0"
                                + " | PXAT unix-time-milliseconds:unix-time@6.2.0 | KEEPTTL@6.0.0]",
                            "Sets the string value of a key, ignoring its type.", handler: set),
            strings.command("setnx", 3, write.union(.fast), syntax: "key value",
                            "Set the string value of a key only when the key doesn't exist.", handler: setnx),
            strings.command("setex", 4, write, syntax: "key seconds:integer value",
                            "Sets the string value and expiration time of a key.", since: "2.0.0", handler: setex),
            strings.command("psetex", 4, write, syntax: "key milliseconds:integer value",
                            "Sets both string value and expiration time in milliseconds of a key.", since: "2.6.0",
                            handler: psetex),
            strings.command("getset", 3, write.union(.fast), syntax: "key value",
                            "Returns the previous string value of a key after setting it to a new value.",
                            docNotes: .deprecated(since: "6.2.0", replacedBy: "`SET` with the `!GET` argument"),
                            handler: getset),
            strings.command("getdel", 2, [.write, .fast], syntax: "key",
                            "Returns the string value of a key after deleting the key.", since: "6.2.0", handler: getdel),
            strings.command("getex", -2, [.write, .fast],
                            syntax: "key expiration:[EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time"
                                + " | PXAT unix-time-milliseconds:unix-time | PERSIST]",
                            "Returns the string value of a key after setting its expiration time.", since: "6.2.0",
                            handler: getex),
            strings.command("mget", -2, read, keys: .all, syntax: "key [key ...]",
                            "Atomically returns the string values of one or more keys.", complexity: "O(N)", handler: mget),
            strings.command("mset", -3, write, keys: .pairs, syntax: "key value [key value ...]",
                            "Atomically creates or modifies the string values of one or more keys.", since: "1.0.1",
                            complexity: "O(N)", handler: mset),
            strings.command("msetnx", -3, write, keys: .pairs, syntax: "key value [key value ...]",
                            "Atomically modifies the string values of one or more keys only when all keys don't exist.",
                            since: "1.0.1", complexity: "O(N)", handler: msetnx),
            strings.command("append", 3, write.union(.fast), syntax: "key value",
                            "Appends a string to the value of a key. Creates the key if it doesn't exist.", since: "2.0.0",
                            handler: append),
            strings.command("strlen", 2, read, syntax: "key",
                            "Returns the length of a string value.", since: "2.2.0", handler: strlen),
            strings.command("getrange", 4, [.readonly], syntax: "key start:integer end:integer",
                            "Returns a substring of the string stored at a key.", since: "2.4.0", complexity: "O(N)",
                            handler: getrange),
            strings.command("substr", 4, [.readonly], syntax: "key start:integer end:integer",
                            "Returns a substring from a string value.", complexity: "O(N)",
                            docNotes: .deprecated(since: "2.0.0", replacedBy: "`GETRANGE`"), handler: getrange),
            strings.command("setrange", 4, write, syntax: "key offset:integer value",
                            "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
                            since: "2.2.0", handler: setrange),
        ]
    }

    static func get(_ c: Client) {
        switch c.readString(c.args[1]) {
        case .found(let value): c.reply.bulk(value)
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    static func set(_ c: Client) {
        guard let options = StringSetOptions.parse(c, from: 3, for: .set) else { return }
        store(c, key: c.args[1], value: c.args[2], options)
    }

    /// Redis's setGenericCommand: the conditions, GET, the store and its AOF form.
    /// Inlined into SET and its variants, as it was before it grew its keyspace events (measured).
    @inline(__always)
    static func store(_ c: Client, key: Bytes, value: Bytes, _ options: StringSetOptions,
                      replyInteger: Bool = false) {
        // Only GET, NX and XX need the old value; a plain SET leaves the lazy expiry
        // of a stale key and the access stamp to `set` (copying the old value out
        // cost a cache miss).
        let readsOld = options.get || options.condition != .none
        var current = readsOld ? c.db.lookup(key) : nil
        if options.get {
            // GET reads the key as GET does: a keyspace hit or miss.
            switch current {
            case .string(let old)?:
                c.engine.keyspace.stats.keyspaceHits += 1
                c.reply.bulk(old)
            case nil:
                c.countMiss(key)
                c.reply.null()
            case .some:
                c.engine.keyspace.stats.keyspaceHits += 1
                c.wrongType()
                return
            }
            // Redis reads the key for GET, then looks it up again to write: two accesses (OBJECT FREQ).
            if current != nil { current = c.db.lookup(key) }
        }
        if (options.condition == .ifAbsent && current != nil) || (options.condition == .ifPresent && current == nil) {
            if replyInteger { c.reply.integer(0) } else if !options.get { c.reply.null() }
            return
        }
        var keepTTL = false
        if case .keepTTL = options.expiry { keepTTL = true }
        c.db.set(key, .string(value), keepTTL: keepTTL, touching: !readsOld)
        c.engine.dirty += 1
        c.notify(.string, .set, key)
        if case .at(let when, let unit) = options.expiry {
            c.db.setExpire(key, at: when)
            c.notify(.generic, .expire, key)
            if unit != .unixMilliseconds {
                c.propagate(as: ["SET", key, value, "PXAT", ByteNumbers.decimal(when)])
            }
        }
        if replyInteger { c.reply.integer(1) } else if !options.get { c.reply.ok() }
    }

    static func setnx(_ c: Client) {
        var options = StringSetOptions()
        options.condition = .ifAbsent
        store(c, key: c.args[1], value: c.args[2], options, replyInteger: true)
    }

    static func setex(_ c: Client) { setWithExpiry(c, unit: .seconds, name: "setex") }
    static func psetex(_ c: Client) { setWithExpiry(c, unit: .milliseconds, name: "psetex") }

    private static func setWithExpiry(_ c: Client, unit: StringSetOptions.Unit, name: String) {
        guard let when = StringSetOptions.absoluteMilliseconds(c, c.args[2], unit, commandName: name) else { return }
        var options = StringSetOptions()
        options.expiry = .at(milliseconds: when, unit: unit)
        store(c, key: c.args[1], value: c.args[3], options)
    }

    static func getset(_ c: Client) {
        let key = c.args[1]
        switch c.readString(key) {
        case .found(let old): c.reply.bulk(old)
        case .missing: c.reply.null()
        case .wrongType: c.wrongType(); return
        }
        c.db.set(key, .string(c.args[2]))
        c.engine.dirty += 1
        c.notify(.string, .set, key)
        c.propagate(as: ["SET", key, c.args[2]])
    }

    static func getdel(_ c: Client) {
        let key = c.args[1]
        switch c.readString(key) {
        case .found(let value):
            c.reply.bulk(value)
            c.db.delete(key)
            c.engine.dirty += 1
            c.notify(.generic, .del, key)
            c.propagate(as: ["DEL", key])
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    static func getex(_ c: Client) {
        let key = c.args[1]
        // Redis checks the option words, then the key, then the expire value.
        guard var options = StringSetOptions.parseSyntax(c, from: 2, for: .getex) else { return }
        let value: Bytes
        switch c.readString(key) {
        case .found(let found): value = found
        case .missing: c.reply.null(); return
        case .wrongType: c.wrongType(); return
        }
        guard options.resolveExpiry(c, for: .getex) else { return }
        c.reply.bulk(value)
        switch options.expiry {
        case .at(let when, let unit):
            if (unit == .unixSeconds || unit == .unixMilliseconds) && when <= c.engine.keyspace.now && !c.engine.loading {
                c.db.delete(key)
                c.notify(.generic, .del, key)
                c.propagate(as: ["DEL", key])
            } else {
                c.db.setExpire(key, at: when)
                c.notify(.generic, .expire, key)
                c.propagate(as: ["PEXPIREAT", key, ByteNumbers.decimal(when)])
            }
            c.engine.dirty += 1
        case .persist:
            if c.db.persist(key) {
                c.notify(.generic, .persist, key)
                c.propagate(as: ["PERSIST", key])
                c.engine.dirty += 1
            }
        case .none, .keepTTL:
            break
        }
    }

    static func mget(_ c: Client) {
        c.reply.array(c.args.count - 1)
        for key in c.args.dropFirst() {
            if case .found(let value) = c.readString(key) { c.reply.bulk(value) } else { c.reply.null() }
        }
    }

    static func mset(_ c: Client) {
        guard c.args.count % 2 == 1 else {
            c.reply.error(Errors.wrongArity("mset"))
            return
        }
        for index in stride(from: 1, to: c.args.count, by: 2) {
            c.db.set(c.args[index], .string(c.args[index + 1]))
            c.notify(.string, .set, c.args[index])
        }
        c.engine.dirty += (c.args.count - 1) / 2
        c.reply.ok()
    }

    static func msetnx(_ c: Client) {
        guard c.args.count % 2 == 1 else {
            c.reply.error(Errors.wrongArity("msetnx"))
            return
        }
        for index in stride(from: 1, to: c.args.count, by: 2) where c.db.exists(c.args[index]) {
            c.reply.integer(0)
            return
        }
        for index in stride(from: 1, to: c.args.count, by: 2) {
            c.db.set(c.args[index], .string(c.args[index + 1]))
            c.notify(.string, .set, c.args[index])
        }
        c.engine.dirty += (c.args.count - 1) / 2
        c.reply.integer(1)
    }

    static func append(_ c: Client) {
        let key = c.args[1], suffix = c.args[2]
        switch c.db.lookup(key) {
        case nil:
            c.db.add(key, .string(suffix))
            c.reply.integer(suffix.count)
        case .string(let current)?:
            guard current.count + suffix.count <= c.engine.config.protoMaxBulkLen else {
                c.reply.error(Errors.stringTooLong)
                return
            }
            let length = c.db.modify(key) { value -> Int in
                guard case .string(var bytes) = value else { return 0 }
                value = .string(Bytes())  // release the stored copy so `bytes` is unique and grows in place
                bytes.append(contentsOf: suffix)
                value = .string(bytes)
                return bytes.count
            } ?? 0
            c.db.setStringForm(key, .raw)
            c.reply.integer(length)
        case .some:
            c.wrongType()
            return
        }
        c.engine.dirty += 1
        c.notify(.string, .append, key)
    }

    static func strlen(_ c: Client) {
        switch c.readString(c.args[1]) {
        case .found(let value): c.reply.integer(value.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func getrange(_ c: Client) {
        guard var start = c.integer(at: 2), var end = c.integer(at: 3) else { return }
        let value: Bytes
        switch c.readString(c.args[1]) {
        case .found(let found): value = found
        case .missing: c.reply.bulk([UInt8]()); return
        case .wrongType: c.wrongType(); return
        }
        if start < 0 && end < 0 && start > end {
            c.reply.bulk([UInt8]())
            return
        }
        let length = Int64(value.count)
        if start < 0 { start += length }
        if end < 0 { end += length }
        start = max(start, 0)
        end = max(end, 0)
        if end >= length { end = length - 1 }
        if start > end || length == 0 {
            c.reply.bulk([UInt8]())
            return
        }
        c.reply.bulk(value[Int(start)...Int(end)])
    }

    static func setrange(_ c: Client) {
        let key = c.args[1], patch = c.args[3]
        guard let offset = c.integer(at: 2) else { return }
        guard offset >= 0 else {
            c.reply.error(Errors.offsetOutOfRange)
            return
        }
        let current = c.db.lookup(key)
        var bytes: [UInt8]
        switch current {
        case nil:
            if patch.isEmpty { c.reply.integer(0); return }
            bytes = []
        case .string(let existing)?:
            if patch.isEmpty { c.reply.integer(existing.count); return }
            bytes = existing.array
        case .some:
            c.wrongType()
            return
        }
        // Checked: an offset near Int64.max plus the patch's length would trap (Redis checks the sum too).
        let (end, overflow) = offset.addingReportingOverflow(Int64(patch.count))
        guard !overflow, end <= Int64(c.engine.config.protoMaxBulkLen) else {
            c.reply.error(Errors.stringTooLong)
            return
        }
        let start = Int(offset), stop = Int(end)
        if bytes.count < stop { bytes.append(contentsOf: repeatElement(0, count: stop - bytes.count)) }
        bytes.replaceSubrange(start..<stop, with: patch)
        c.db.set(key, .string(Bytes(bytes)), keepTTL: true)
        c.db.setStringForm(key, .raw)
        c.engine.dirty += 1
        c.notify(.string, .setrange, key)
        c.reply.integer(bytes.count)
    }
}
