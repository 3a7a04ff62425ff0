import Keyspace
import RESP
import SwirlBytes

/// The hash group. HRANDFIELD and HSCAN are in HashRandomCommands.swift.
enum HashCommands {
    static func specs() -> [CommandSpec] {
        let read: CommandFlags = [.readonly, .fast]
        let write: CommandFlags = [.write, .denyOOM, .fast]
        let hashes = CommandGroup("hash", since: "2.0.0", keys: .single)
        return [
            hashes.command("hset", -4, write, syntax: "key field value [field value ...]",
                           "Creates or modifies the value of a field in a hash.", complexity: "O(N)", handler: hset),
            hashes.command("hsetnx", 4, write, syntax: "key field value",
                           "Sets the value of a field in a hash only when the field doesn't exist.", handler: hsetnx),
            hashes.command("hmset", -4, write, syntax: "key field value [field value ...]",
                           "Sets the values of multiple fields.", complexity: "O(N)",
                           docNotes: .deprecated(since: "4.0.0", replacedBy: "`HSET` with multiple field-value pairs"),
                           handler: hmset),
            hashes.command("hget", 3, read, syntax: "key field", "Returns the value of a field in a hash.", handler: hget),
            hashes.command("hmget", -3, read, syntax: "key field [field ...]",
                           "Returns the values of all fields in a hash.", complexity: "O(N)", handler: hmget),
            hashes.command("hgetall", 2, [.readonly], syntax: "key",
                           "Returns all fields and values in a hash.", complexity: "O(N)", handler: hgetall),
            hashes.command("hkeys", 2, [.readonly], syntax: "key",
                           "Returns all fields in a hash.", complexity: "O(N)", handler: hkeys),
            hashes.command("hvals", 2, [.readonly], syntax: "key",
                           "Returns all values in a hash.", complexity: "O(N)", handler: hvals),
            hashes.command("hdel", -3, [.write, .fast], syntax: "key field [field ...]",
                           "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
                           complexity: "O(N)", handler: hdel),
            hashes.command("hexists", 3, read, syntax: "key field",
                           "Determines whether a field exists in a hash.", handler: hexists),
            hashes.command("hlen", 2, read, syntax: "key", "Returns the number of fields in a hash.", handler: hlen),
            hashes.command("hstrlen", 3, read, syntax: "key field",
                           "Returns the length of the value of a field.", since: "3.2.0", handler: hstrlen),
            hashes.command("hincrby", 4, write, syntax: "key field increment:integer",
                           "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.",
                           handler: hincrby),
            hashes.command("hincrbyfloat", 4, write, syntax: "key field increment:double",
                           "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.",
                           since: "2.6.0", handler: hincrbyfloat),
            hashes.command("hrandfield", -2, [.readonly], syntax: "key options:[count:integer [WITHVALUES]]",
                           "Returns one or more random fields from a hash.", since: "6.2.0", complexity: "O(N)",
                           handler: HashRandomCommands.hrandfield),
            hashes.command("hscan", -3, [.readonly], syntax: "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
                           "Iterates over fields and values of a hash.", since: "2.8.0", complexity: "O(N)",
                           handler: HashRandomCommands.hscan),
        ]
    }

    /// Sets the field/value pairs from argument 2 on; the count of new fields, or nil after an error.
    private static func setPairs(_ c: Client, name: String) -> Int? {
        guard c.args.count % 2 == 0 else {
            c.reply.error(Errors.wrongArity(name))
            return nil
        }
        guard let hash = c.writableHash(c.args[1]) else { return nil }
        var added = 0
        for index in stride(from: 2, to: c.args.count, by: 2) where hash.set(c.args[index], c.args[index + 1]) {
            added += 1
        }
        c.engine.dirty += (c.args.count - 2) / 2
        c.notify(.hash, .hset, c.args[1])
        return added
    }

    static func hset(_ c: Client) {
        if let added = setPairs(c, name: "hset") { c.reply.integer(added) }
    }

    static func hmset(_ c: Client) {
        if setPairs(c, name: "hmset") != nil { c.reply.ok() }
    }

    static func hsetnx(_ c: Client) {
        if case .found(let hash) = c.readHash(c.args[1]), hash.get(c.args[2]) != nil {
            c.reply.integer(0)
            return
        }
        guard let hash = c.writableHash(c.args[1]) else { return }
        hash.set(c.args[2], c.args[3])
        c.engine.dirty += 1
        c.notify(.hash, .hset, c.args[1])
        c.reply.integer(1)
    }

    static func hget(_ c: Client) {
        switch c.readHash(c.args[1]) {
        case .found(let hash):
            if let value = hash.get(c.args[2]) { c.reply.bulk(value) } else { c.reply.null() }
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    static func hmget(_ c: Client) {
        var found: HashValue? = nil
        switch c.readHash(c.args[1]) {
        case .found(let hash): found = hash
        case .missing: break
        case .wrongType: c.wrongType(); return
        }
        c.reply.array(c.args.count - 2)
        for field in c.args.dropFirst(2) {
            if let value = found?.get(field) { c.reply.bulk(value) } else { c.reply.null() }
        }
    }

    /// HGETALL, HKEYS, HVALS: the whole hash in its order.
    private static func reply(_ c: Client, fields: Bool, values: Bool) {
        switch c.readHash(c.args[1]) {
        case .found(let hash):
            if fields && values { c.reply.map(hash.count) } else { c.reply.array(hash.count) }
            hash.forEach { field, value in
                if fields { c.reply.bulk(field) }
                if values { c.reply.bulk(value) }
            }
        case .missing:
            if fields && values { c.reply.map(0) } else { c.reply.array(0) }
        case .wrongType:
            c.wrongType()
        }
    }

    static func hgetall(_ c: Client) { reply(c, fields: true, values: true) }
    static func hkeys(_ c: Client) { reply(c, fields: true, values: false) }
    static func hvals(_ c: Client) { reply(c, fields: false, values: true) }

    static func hdel(_ c: Client) {
        let key = c.args[1]
        switch c.readHash(key) {
        case .found(let hash):
            var removed = 0, keyRemoved = false
            for field in c.args.dropFirst(2) where hash.remove(field) {
                removed += 1
                if hash.count == 0 {
                    c.db.delete(key)
                    keyRemoved = true
                    break
                }
            }
            if removed > 0 {
                c.db.signalModifiedKey(key)  // fields removed in place: tell WATCH
                c.notify(.hash, .hdel, key)
                if keyRemoved { c.notify(.generic, .del, key) }
            }
            c.engine.dirty += removed
            c.reply.integer(removed)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func hexists(_ c: Client) {
        switch c.readHash(c.args[1]) {
        case .found(let hash): c.reply.integer(hash.get(c.args[2]) == nil ? 0 : 1)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func hlen(_ c: Client) {
        switch c.readHash(c.args[1]) {
        case .found(let hash): c.reply.integer(hash.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func hstrlen(_ c: Client) {
        switch c.readHash(c.args[1]) {
        case .found(let hash): c.reply.integer(hash.get(c.args[2])?.count ?? 0)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func hincrby(_ c: Client) {
        guard let amount = c.integer(at: 3) else { return }
        let existing = c.lookupForWrite(c.args[1], as: \.hash)
        if case .wrongType = existing { c.wrongType(); return }
        var current: Int64 = 0
        if case .found(let hash) = existing, let text = hash.get(c.args[2]) {
            guard let value = ByteNumbers.parseInt64(text) else {
                c.reply.error(Errors.hashNotInteger)
                return
            }
            current = value
        }
        let (sum, overflow) = current.addingReportingOverflow(amount)
        guard !overflow else {
            c.reply.error(Errors.overflow)
            return
        }
        guard let hash = c.writableHash(c.args[1]) else { return }
        hash.set(c.args[2], ByteNumbers.decimal(sum))
        c.engine.dirty += 1
        c.notify(.hash, .hincrby, c.args[1])
        c.reply.integer(sum)
    }

    static func hincrbyfloat(_ c: Client) {
        guard let amount = ByteNumbers.parseLongDouble(c.args[3]) else {
            c.reply.error(Errors.notFloat)
            return
        }
        guard amount.isFinite else {
            c.reply.error("ERR value is NaN or Infinity")
            return
        }
        let existing = c.lookupForWrite(c.args[1], as: \.hash)
        if case .wrongType = existing { c.wrongType(); return }
        var current: Float80 = 0
        if case .found(let hash) = existing, let text = hash.get(c.args[2]) {
            guard let value = ByteNumbers.parseLongDouble(text) else {
                c.reply.error(Errors.hashNotFloat)
                return
            }
            current = value
        }
        let sum = current + amount
        guard sum.isFinite else {
            c.reply.error(Errors.nanOrInfinity)
            return
        }
        guard let hash = c.writableHash(c.args[1]) else { return }
        let text = Bytes(ByteNumbers.formatLongDouble(sum))
        hash.set(c.args[2], text)
        c.engine.dirty += 1
        c.notify(.hash, .hincrbyfloat, c.args[1])
        c.reply.bulk(text)
        c.propagate(as: ["HSET", c.args[1], c.args[2], text])
    }
}
