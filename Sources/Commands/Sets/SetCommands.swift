import Keyspace
import RESP
import SwirlBytes

/// The set group. SINTER, SUNION, SDIFF and their STORE forms and SINTERCARD
/// are in SetAlgebraCommands.swift; SPOP, SRANDMEMBER and SSCAN in
/// SetRandomCommands.swift.
enum SetCommands {
    static func specs() -> [CommandSpec] {
        let read: CommandFlags = [.readonly, .fast]
        func cmd(_ name: String, _ arity: Int, _ flags: CommandFlags, _ summary: String, since: String = "1.0.0",
                 complexity: String = "O(1)", keys: KeyPositions = .single, _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, keys: keys, group: "set", summary: summary,
                        since: since, complexity: complexity, handler: handler)
        }
        let all = KeyPositions.all
        return [
            cmd("sadd", -3, [.write, .denyOOM, .fast], "Adds one or more members to a set. Creates the key if it doesn't exist.", complexity: "O(N)", sadd),
            cmd("srem", -3, [.write, .fast], "Removes one or more members from a set. Deletes the set if the last member was removed.", complexity: "O(N)", srem),
            cmd("scard", 2, read, "Returns the number of members in a set.", scard),
            cmd("sismember", 3, read, "Determines whether a member belongs to a set.", sismember),
            cmd("smismember", -3, read, "Determines whether multiple members belong to a set.", since: "6.2.0", complexity: "O(N)", smismember),
            cmd("smembers", 2, [.readonly], "Returns all members of a set.", complexity: "O(N)", smembers),
            cmd("smove", 4, [.write, .fast], "Moves a member from one set to another.", keys: KeyPositions(first: 1, last: 2, step: 1), smove),
            cmd("spop", -2, [.write, .fast], "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", complexity: "O(N)", SetRandomCommands.spop),
            cmd("srandmember", -2, [.readonly], "Get one or multiple random members from a set", complexity: "O(N)", SetRandomCommands.srandmember),
            cmd("sscan", -3, [.readonly], "Iterates over members of a set.", since: "2.8.0", complexity: "O(N)", SetRandomCommands.sscan),
            cmd("sinter", -2, [.readonly], "Returns the intersect of multiple sets.", complexity: "O(N*M)", keys: all, SetAlgebraCommands.sinter),
            cmd("sintercard", -3, [.readonly], "Returns the number of members of the intersect of multiple sets.", since: "7.0.0", complexity: "O(N*M)", keys: .none, SetAlgebraCommands.sintercard).movingKeys(KeyPositions.countedKeys(at: 1)),
            cmd("sinterstore", -3, [.write, .denyOOM], "Stores the intersect of multiple sets in a key.", complexity: "O(N*M)", keys: all, SetAlgebraCommands.sinterstore),
            cmd("sunion", -2, [.readonly], "Returns the union of multiple sets.", complexity: "O(N)", keys: all, SetAlgebraCommands.sunion),
            cmd("sunionstore", -3, [.write, .denyOOM], "Stores the union of multiple sets in a key.", complexity: "O(N)", keys: all, SetAlgebraCommands.sunionstore),
            cmd("sdiff", -2, [.readonly], "Returns the difference of multiple sets.", complexity: "O(N)", keys: all, SetAlgebraCommands.sdiff),
            cmd("sdiffstore", -3, [.write, .denyOOM], "Stores the difference of multiple sets in a key.", complexity: "O(N)", keys: all, SetAlgebraCommands.sdiffstore),
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
        c.engine.dirty += 1
        // The destination changed only if the member was new there: a WATCH on it
        // (or a tracking client) must not see a move into a set that already had it.
        if target.add(member) {
            c.engine.dirty += 1
            c.db.signalModifiedKey(destination)
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
