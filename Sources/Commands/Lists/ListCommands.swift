import Keyspace
import RESP
import SwirlBytes

/// The list group (non-blocking commands). Argument checks come in Redis
/// 7.0's order: some commands parse their numbers before looking the key up,
/// others after, and the error a client sees depends on it.
enum ListCommands {
    /// The list family's defaults, shared by the blocking commands.
    static let group = CommandGroup("list", keys: .single)

    static func specs() -> [CommandSpec] {
        let lists = group
        let write: CommandFlags = [.write, .denyOOM, .fast]
        let twoKeys = KeyPositions(first: 1, last: 2, step: 1)
        return [
            lists.command("lpush", -3, write, syntax: "key element [element ...]",
                          "Prepends one or more elements to a list. Creates the key if it doesn't exist.", complexity: "O(N)",
                          handler: lpush),
            lists.command("rpush", -3, write, syntax: "key element [element ...]",
                          "Appends one or more elements to a list. Creates the key if it doesn't exist.", complexity: "O(N)",
                          handler: rpush),
            lists.command("lpushx", -3, write, syntax: "key element [element ...]",
                          "Prepends one or more elements to a list only when the list exists.", since: "2.2.0",
                          complexity: "O(N)", handler: lpushx),
            lists.command("rpushx", -3, write, syntax: "key element [element ...]",
                          "Appends one or more elements to a list only when the list exists.", since: "2.2.0",
                          complexity: "O(N)", handler: rpushx),
            lists.command("lpop", -2, [.write, .fast], syntax: "key [count:integer]@6.2.0",
                          "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
                          complexity: "O(N)", handler: lpop),
            lists.command("rpop", -2, [.write, .fast], syntax: "key [count:integer]@6.2.0",
                          "Returns and removes the last elements of the list. Deletes the list if the last element was popped.",
                          complexity: "O(N)", handler: rpop),
            lists.command("llen", 2, [.readonly, .fast], syntax: "key", "Returns the length of a list.", handler: llen),
            lists.command("lindex", 3, [.readonly], syntax: "key index:integer",
                          "Returns an element from a list by its index.", complexity: "O(N)", handler: lindex),
            lists.command("lset", 4, [.write, .denyOOM], syntax: "key index:integer element",
                          "Sets the value of an element in a list by its index.", complexity: "O(N)", handler: lset),
            lists.command("lrange", 4, [.readonly], syntax: "key start:integer stop:integer",
                          "Returns a range of elements from a list.", complexity: "O(S+N)", handler: lrange),
            lists.command("ltrim", 4, [.write], syntax: "key start:integer stop:integer",
                          "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
                          complexity: "O(N)", handler: ltrim),
            lists.command("lrem", 4, [.write], syntax: "key count:integer element",
                          "Removes elements from a list. Deletes the list if the last element was removed.",
                          complexity: "O(N+M)", handler: lrem),
            lists.command("linsert", 5, [.write, .denyOOM], syntax: "key where:<BEFORE | AFTER> pivot element",
                          "Inserts an element before or after another element in a list.", since: "2.2.0",
                          complexity: "O(N)", handler: linsert),
            lists.command("lpos", -3, [.readonly],
                          syntax: "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]",
                          "Returns the index of matching elements in a list.", since: "6.0.6", complexity: "O(N)",
                          handler: lpos),
            lists.command("lmove", 5, [.write, .denyOOM], keys: twoKeys,
                          syntax: "source:key destination:key wherefrom:<LEFT | RIGHT> whereto:<LEFT | RIGHT>",
                          "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
                          since: "6.2.0", handler: lmove),
            lists.command("rpoplpush", 3, [.write, .denyOOM], keys: twoKeys, syntax: "source:key destination:key",
                          "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
                          since: "1.2.0",
                          docNotes: .deprecated(since: "6.2.0", replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments"),
                          handler: rpoplpush),
            lists.command("lmpop", -4, [.write], keys: .none,
                          syntax: "numkeys:integer key [key ...] where:<LEFT | RIGHT> [COUNT count:integer]",
                          "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
                          since: "7.0.0", complexity: "O(N+M)", handler: lmpop).movingKeys(KeyPositions.countedKeys(at: 1)),
        ]
    }

    // MARK: - Helpers

    /// The list at `key` for a write (Redis's lookupKeyWrite: no hit/miss count).
    static func writeLookup(_ c: Client, _ key: Bytes) -> Typed<ListValue> {
        switch c.db.lookup(key) {
        case .none: return .missing
        case .list(let list)?: return .found(list)
        case .some: return .wrongType
        }
    }

    /// LEFT or RIGHT at `index`: true for LEFT, nil after a syntax error.
    static func side(_ c: Client, _ index: Int) -> Bool? {
        if c.argument(index, is: "LEFT") { return true }
        if c.argument(index, is: "RIGHT") { return false }
        c.reply.error(Errors.syntax)
        return nil
    }

    /// A list index (negative from the tail) as a position, nil when outside.
    private static func position(_ index: Int64, in list: ListValue) -> Int? {
        let resolved = index < 0 ? Int64(list.count) + index : index
        return resolved >= 0 && resolved < Int64(list.count) ? Int(resolved) : nil
    }

    /// After elements left `list` in place: publishes `event`, then deletes the key
    /// once empty (with its `del` event), else tells WATCH.
    static func removed(from list: ListValue, at key: Bytes, _ c: Client, _ event: KeyspaceEvent) {
        c.notify(.list, event, key)
        if list.isEmpty {
            c.db.delete(key)
            c.notify(.generic, .del, key)
        } else {
            c.db.signalModifiedKey(key)
        }
    }

    static func popEvent(left: Bool) -> KeyspaceEvent { left ? .lpop : .rpop }
    static func pushEvent(left: Bool) -> KeyspaceEvent { left ? .lpush : .rpush }

    static func pop(_ list: ListValue, left: Bool) -> Bytes {
        (left ? list.popFront() : list.popBack())!
    }

    // MARK: - Push

    private static func push(_ c: Client, left: Bool, onlyIfExists: Bool) {
        let key = c.args[1]
        let list: ListValue
        switch writeLookup(c, key) {
        case .found(let existing):
            list = existing
            c.db.signalModifiedKey(key)
        case .missing:
            if onlyIfExists {
                c.reply.integer(0)
                return
            }
            list = ListValue()
            c.db.add(key, .list(list))
        case .wrongType:
            c.wrongType()
            return
        }
        for element in c.args.dropFirst(2) {
            if left { list.pushFront(element) } else { list.pushBack(element) }
        }
        c.engine.dirty += c.args.count - 2
        c.notify(.list, pushEvent(left: left), key)
        c.reply.integer(list.count)
    }

    static func lpush(_ c: Client) { push(c, left: true, onlyIfExists: false) }
    static func rpush(_ c: Client) { push(c, left: false, onlyIfExists: false) }
    static func lpushx(_ c: Client) { push(c, left: true, onlyIfExists: true) }
    static func rpushx(_ c: Client) { push(c, left: false, onlyIfExists: true) }

    // MARK: - Pop

    private static func popCommand(_ c: Client, left: Bool) {
        guard c.args.count <= 3 else {
            c.reply.error(Errors.wrongArity(left ? "lpop" : "rpop"))
            return
        }
        var count: Int? = nil
        if c.args.count == 3 {
            guard let value = ByteNumbers.parseInt64(c.args[2]), value >= 0 else {
                c.reply.error(Errors.notPositiveCount)
                return
            }
            count = Int(value)
        }
        let key = c.args[1]
        switch writeLookup(c, key) {
        case .missing:
            if count == nil { c.reply.null() } else { c.reply.nullArray() }
        case .wrongType:
            c.wrongType()
        case .found(let list):
            guard let count else {
                c.reply.bulk(pop(list, left: left))
                removed(from: list, at: key, c, popEvent(left: left))
                c.engine.dirty += 1
                return
            }
            guard count > 0 else {
                c.reply.array(0)
                return
            }
            let popped = min(count, list.count)
            c.reply.array(popped)
            for _ in 0..<popped { c.reply.bulk(pop(list, left: left)) }
            removed(from: list, at: key, c, popEvent(left: left))
            c.engine.dirty += 1
        }
    }

    static func lpop(_ c: Client) { popCommand(c, left: true) }
    static func rpop(_ c: Client) { popCommand(c, left: false) }

    // MARK: - Reading

    static func llen(_ c: Client) {
        switch c.readList(c.args[1]) {
        case .found(let list): c.reply.integer(list.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func lindex(_ c: Client) {
        switch c.readList(c.args[1]) {
        case .found(let list):
            guard let index = c.integer(at: 2) else { return }
            if let at = position(index, in: list) { c.reply.bulk(list[at]) } else { c.reply.null() }
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    static func lrange(_ c: Client) {
        guard let start = c.integer(at: 2), let end = c.integer(at: 3) else { return }
        switch c.readList(c.args[1]) {
        case .found(let list):
            guard let range = clamp(start, end, count: list.count) else {
                c.reply.array(0)
                return
            }
            c.reply.array(range.count)
            for at in range { c.reply.bulk(list[at]) }
        case .missing: c.reply.array(0)
        case .wrongType: c.wrongType()
        }
    }

    /// LRANGE's and LTRIM's reading of start and end; nil when nothing is in range.
    private static func clamp(_ start: Int64, _ end: Int64, count: Int) -> ClosedRange<Int>? {
        let length = Int64(count)
        var start = start < 0 ? length &+ start : start
        var end = end < 0 ? length &+ end : end
        if start < 0 { start = 0 }
        if start > end || start >= length { return nil }
        if end >= length { end = length - 1 }
        return Int(start)...Int(end)
    }

    static func lpos(_ c: Client) {
        var rank: Int64 = 1
        var count: Int64? = nil
        var maxlen: Int64 = 0
        var index = 3
        while index < c.args.count {
            let hasValue = index + 1 < c.args.count
            if c.argument(index, is: "RANK") && hasValue {
                guard let value = c.integer(at: index + 1) else { return }
                guard value != 0 else {
                    c.reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                    return
                }
                rank = value
            } else if c.argument(index, is: "COUNT") && hasValue {
                guard let value = ByteNumbers.parseInt64(c.args[index + 1]), value >= 0 else {
                    c.reply.error("ERR COUNT can't be negative")
                    return
                }
                count = value
            } else if c.argument(index, is: "MAXLEN") && hasValue {
                guard let value = ByteNumbers.parseInt64(c.args[index + 1]), value >= 0 else {
                    c.reply.error("ERR MAXLEN can't be negative")
                    return
                }
                maxlen = value
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 2
        }
        let list: ListValue
        switch c.readList(c.args[1]) {
        case .found(let found): list = found
        case .missing:
            if count == nil { c.reply.null() } else { c.reply.array(0) }
            return
        case .wrongType:
            c.wrongType()
            return
        }
        // Redis negates a negative rank in a C long: RANK of LONG_MIN stays negative,
        // so every match qualifies and COUNT never stops the search. Wrapping keeps that.
        let fromTail = rank < 0
        let wanted = fromTail ? 0 &- rank : rank
        let element = c.args[2]
        var matches: Int64 = 0
        var positions: [Int] = []
        var examined: Int64 = 0
        for step in 0..<list.count {
            if maxlen != 0 && examined >= maxlen { break }
            examined += 1
            let at = fromTail ? list.count - 1 - step : step
            guard list[at] == element else { continue }
            matches += 1
            guard matches >= wanted else { continue }
            positions.append(at)
            if count == nil { break }
            if let count, count != 0, matches &- wanted &+ 1 >= count { break }
        }
        if count == nil {
            if let first = positions.first { c.reply.integer(first) } else { c.reply.null() }
        } else {
            c.reply.array(positions.count)
            for at in positions { c.reply.integer(at) }
        }
    }

    // MARK: - Changing elements

    static func lset(_ c: Client) {
        let key = c.args[1]
        switch writeLookup(c, key) {
        case .found(let list):
            guard let index = c.integer(at: 2) else { return }
            guard let at = position(index, in: list) else {
                c.reply.error("ERR index out of range")
                return
            }
            list[at] = c.args[3]
            c.db.signalModifiedKey(key)
            c.engine.dirty += 1
            c.notify(.list, .lset, key)
            c.reply.ok()
        case .missing: c.reply.error(Errors.noSuchKey)
        case .wrongType: c.wrongType()
        }
    }

    static func ltrim(_ c: Client) {
        guard let start = c.integer(at: 2), let end = c.integer(at: 3) else { return }
        let key = c.args[1]
        switch writeLookup(c, key) {
        case .found(let list):
            let left: Int, right: Int
            if let range = clamp(start, end, count: list.count) {
                (left, right) = (range.lowerBound, list.count - 1 - range.upperBound)
            } else {
                (left, right) = (list.count, 0)
            }
            list.trim(left: left, right: right)
            removed(from: list, at: key, c, .ltrim)  // Redis signals even when nothing went
            c.engine.dirty += left + right
            c.reply.ok()
        case .missing: c.reply.ok()
        case .wrongType: c.wrongType()
        }
    }

    static func lrem(_ c: Client) {
        guard let limit = c.integer(at: 2) else { return }
        let key = c.args[1]
        switch writeLookup(c, key) {
        case .found(let list):
            let magnitude = limit == Int64.min ? Int.max : Int(abs(limit))
            let count = list.remove(c.args[3], limit: magnitude, fromTail: limit < 0)
            if count > 0 {
                removed(from: list, at: key, c, .lrem)
                c.engine.dirty += count
            }
            c.reply.integer(count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }

    static func linsert(_ c: Client) {
        let after: Bool
        if c.argument(2, is: "AFTER") {
            after = true
        } else if c.argument(2, is: "BEFORE") {
            after = false
        } else {
            c.reply.error(Errors.syntax)
            return
        }
        let key = c.args[1]
        switch writeLookup(c, key) {
        case .found(let list):
            guard let pivot = list.firstIndex(of: c.args[3]) else {
                c.reply.integer(-1)
                return
            }
            list.insert(c.args[4], at: after ? pivot + 1 : pivot)
            c.db.signalModifiedKey(key)
            c.engine.dirty += 1
            c.notify(.list, .linsert, key)
            c.reply.integer(list.count)
        case .missing: c.reply.integer(0)
        case .wrongType: c.wrongType()
        }
    }
}
