import Keyspace
import RESP
import SwirlBytes

/// The set group. SINTER, SUNION, SDIFF and their STORE forms and SINTERCARD
/// are in SetAlgebraCommands.swift; SPOP, SRANDMEMBER and SSCAN in
/// SetRandomCommands.swift.
enum SetCommands {
    static func specs() -> [CommandSpec] {
        let sets = CommandGroup("set", keys: .single)
        let read: CommandFlags = [.readonly, .fast]
        let random = SetRandomCommands.self, algebra = SetAlgebraCommands.self
        return [
            sets.command("sadd", -3, [.write, .denyOOM, .fast], syntax: "key member [member ...]",
                         "Adds one or more members to a set. Creates the key if it doesn't exist.", complexity: "O(N)",
                         handler: sadd),
            sets.command("srem", -3, [.write, .fast], syntax: "key member [member ...]",
                         "Removes one or more members from a set. Deletes the set if the last member was removed.",
                         complexity: "O(N)", handler: srem),
            sets.command("scard", 2, read, syntax: "key", "Returns the number of members in a set.", handler: scard),
            sets.command("sismember", 3, read, syntax: "key member",
                         "Determines whether a member belongs to a set.", handler: sismember),
            sets.command("smismember", -3, read, syntax: "key member [member ...]",
                         "Determines whether multiple members belong to a set.", since: "6.2.0", complexity: "O(N)",
                         handler: smismember),
            sets.command("smembers", 2, [.readonly], syntax: "key",
                         "Returns all members of a set.", complexity: "O(N)", handler: smembers),
            sets.command("smove", 4, [.write, .fast], keys: KeyPositions(first: 1, last: 2, step: 1),
                         syntax: "source:key destination:key member",
                         "Moves a member from one set to another.", handler: smove),
            sets.command("spop", -2, [.write, .fast], syntax: "key [count:integer]@3.2.0",
                         "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
                         complexity: "O(N)", handler: random.spop),
            sets.command("srandmember", -2, [.readonly], syntax: "key [count:integer]@2.6.0",
                         "Get one or multiple random members from a set", complexity: "O(N)", handler: random.srandmember),
            sets.command("sscan", -3, [.readonly], syntax: "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
                         "Iterates over members of a set.", since: "2.8.0", complexity: "O(N)", handler: random.sscan),
            sets.command("sinter", -2, [.readonly], keys: .all, syntax: "key [key ...]",
                         "Returns the intersect of multiple sets.", complexity: "O(N*M)", handler: algebra.sinter),
            sets.command("sintercard", -3, [.readonly], keys: .none, syntax: "numkeys:integer key [key ...] [LIMIT limit:integer]",
                         "Returns the number of members of the intersect of multiple sets.", since: "7.0.0",
                         complexity: "O(N*M)", handler: algebra.sintercard).movingKeys(KeyPositions.countedKeys(at: 1)),
            sets.command("sinterstore", -3, [.write, .denyOOM], keys: .all, syntax: "destination:key key [key ...]",
                         "Stores the intersect of multiple sets in a key.", complexity: "O(N*M)", handler: algebra.sinterstore),
            sets.command("sunion", -2, [.readonly], keys: .all, syntax: "key [key ...]",
                         "Returns the union of multiple sets.", complexity: "O(N)", handler: algebra.sunion),
            sets.command("sunionstore", -3, [.write, .denyOOM], keys: .all, syntax: "destination:key key [key ...]",
                         "Stores the union of multiple sets in a key.", complexity: "O(N)", handler: algebra.sunionstore),
            sets.command("sdiff", -2, [.readonly], keys: .all, syntax: "key [key ...]",
                         "Returns the difference of multiple sets.", complexity: "O(N)", handler: algebra.sdiff),
            sets.command("sdiffstore", -3, [.write, .denyOOM], keys: .all, syntax: "destination:key key [key ...]",
                         "Stores the difference of multiple sets in a key.", complexity: "O(N)", handler: algebra.sdiffstore),
        ]
    }

    static func sadd(_ c: Client) {
        let key = c.args[1]
        let set: SetValue
        switch c.db.lookup(key) {
        case .none:
            set = SetValue()
            c.db.add(key, .set(set))
        case .set(let found)?:
            set = found
        case .some:
            c.wrongType()
            return
        }
        var added = 0
        for member in c.args.dropFirst(2) where set.add(member) { added += 1 }
        if added > 0 {
            c.db.signalModifiedKey(key)
            c.notify(.set, .sadd, key)
        }
        c.engine.dirty += added
        c.reply.integer(added)
    }

    static func srem(_ c: Client) {
        let key = c.args[1]
        switch c.lookupSetForWrite(key) {
        case .found(let set):
            var removed = 0, keyRemoved = false
            for member in c.args.dropFirst(2) where set.remove(member) {
                removed += 1
                if set.isEmpty {
                    c.db.delete(key)
                    keyRemoved = true
                    break
                }
            }
            if removed > 0 {
                c.db.signalModifiedKey(key)
                c.notify(.set, .srem, key)
                if keyRemoved { c.notify(.generic, .del, key) }
            }
            c.engine.dirty += removed
            c.reply.integer(removed)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func scard(_ c: Client) {
        switch c.readSet(c.args[1]) {
        case .found(let set): c.reply.integer(set.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func sismember(_ c: Client) {
        switch c.readSet(c.args[1]) {
        case .found(let set): c.reply.integer(set.contains(c.args[2]) ? 1 : 0)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func smismember(_ c: Client) {
        var found: SetValue? = nil
        switch c.readSet(c.args[1]) {
        case .found(let set): found = set
        case .missing: break
        case .wrongType: c.wrongType(); return
        }
        c.reply.array(c.args.count - 2)
        for member in c.args.dropFirst(2) {
            c.reply.integer(found?.contains(member) == true ? 1 : 0)
        }
    }

    /// SMEMBERS is SINTER of one key, as in Redis.
    static func smembers(_ c: Client) {
        switch c.readSet(c.args[1]) {
        case .found(let set): replyMembers(c, set)
        case .missing: c.reply.set(0)
        case .wrongType: c.wrongType()
        }
    }

    static func smove(_ c: Client) {
        let source = c.args[1], destination = c.args[2], member = c.args[3]
        let sourceValue = c.db.lookup(source)
        let destinationValue = c.db.lookup(destination)
        guard let sourceValue else {
            c.reply.integer(0)
            return
        }
        guard case .set(let sourceSet) = sourceValue else { c.wrongType(); return }
        var destinationSet: SetValue? = nil
        if let destinationValue {
            guard case .set(let found) = destinationValue else { c.wrongType(); return }
            destinationSet = found
        }
        if destinationSet === sourceSet {
            c.reply.integer(sourceSet.contains(member) ? 1 : 0)
            return
        }
        guard sourceSet.remove(member) else {
            c.reply.integer(0)
            return
        }
        c.notify(.set, .srem, source)
        if sourceSet.isEmpty {
            c.db.delete(source)
            c.notify(.generic, .del, source)
        }
        let target: SetValue
        if let destinationSet {
            target = destinationSet
        } else {
            target = SetValue()
            c.db.add(destination, .set(target))
        }
        c.db.signalModifiedKey(source)
        c.db.signalModifiedKey(destination)
        c.engine.dirty += 1
        if target.add(member) {
            c.engine.dirty += 1
            c.notify(.set, .sadd, destination)
        }
        c.reply.integer(1)
    }

    /// A whole set as a set reply (RESP3 `~`), in the set's own order.
    static func replyMembers(_ c: Client, _ set: SetValue) {
        c.reply.set(set.count)
        set.forEach { c.reply.bulk($0) }
    }
}

extension Client {
    /// The set at `key`, counting a keyspace hit or miss as Redis's lookupKeyRead does.
    func readSet(_ key: Bytes) -> Typed<SetValue> {
        switch db.lookup(key) {
        case .none:
            countMiss(key)
            return .missing
        case .set(let set)?:
            engine.keyspace.stats.keyspaceHits += 1
            return .found(set)
        case .some:
            engine.keyspace.stats.keyspaceHits += 1
            return .wrongType
        }
    }

    /// The set at `key` for a write: no hit/miss counted, as Redis's lookupKeyWrite.
    func lookupSetForWrite(_ key: Bytes) -> Typed<SetValue> {
        switch db.lookup(key) {
        case .none: return .missing
        case .set(let set)?: return .found(set)
        case .some: return .wrongType
        }
    }
}
