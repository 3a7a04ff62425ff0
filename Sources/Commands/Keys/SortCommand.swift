import Glibc
import Keyspace
import RESP
import SwirlBytes

/// SORT and SORT_RO over lists, sets and sorted sets: options parsed first,
/// then the key looked up and type-checked, then the elements loaded, their
/// weights computed (BY), sorted, and the LIMIT window answered or stored,
/// each GET pattern resolved per element. The order of those steps is Redis
/// 7.0's, and it decides which error a client sees.
enum SortCommand {
    static func specs() -> [CommandSpec] {
        let generic = KeyCommands.group
        let complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N)."
        let categories = ["@set", "@sortedset", "@list", "@slow", "@dangerous"]
        return [
            generic.command("sort", -2, [.write, .denyOOM],
                            syntax: "key [BY pattern:pattern#1] [LIMIT offset:integer count:integer]"
                                + " [GET pattern:pattern#1 [GET pattern:pattern#1 ...]] order:[ASC | DESC] [sorting:ALPHA]"
                                + " [STORE destination:key#2]",
                            "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
                            complexity: complexity, categories: ["@write"] + categories) {
                sort($0, readOnly: false)
            }.movingKeys(storeKeys),
            generic.command("sort_ro", -2, [.readonly],
                            syntax: "key [BY pattern:pattern#1] [LIMIT offset:integer count:integer]"
                                + " [GET pattern:pattern#1 [GET pattern:pattern#1 ...]] order:[ASC | DESC] [sorting:ALPHA]",
                            "Returns the sorted elements of a list, a set, or a sorted set.", since: "7.0.0",
                            complexity: complexity, categories: ["@read"] + categories) {
                sort($0, readOnly: true)
            }.movingKeys { _ in [1] },
        ]
    }

    /// SORT's keys for COMMAND GETKEYS: the sorted key, and the last STORE's destination.
    static func storeKeys(_ args: [Bytes]) -> [Int]? {
        var keys = [1]
        var index = 2
        while index < args.count {
            if Text.equalsIgnoringCase(args[index], "STORE"), index + 1 < args.count {
                keys = [1, index + 1]
                index += 1
            } else if Text.equalsIgnoringCase(args[index], "LIMIT") {
                index += 2
            } else if Text.equalsIgnoringCase(args[index], "BY") || Text.equalsIgnoringCase(args[index], "GET") {
                index += 1
            }
            index += 1
        }
        return keys
    }

    /// What the options ask for.
    struct Options {
        var descending = false
        var alpha = false
        var offset: Int64 = 0
        var count: Int64 = -1
        var store: Bytes?
        var by: Bytes?
        /// BY with a pattern lacking `*`: keep the container's own order.
        var dontSort = false
        var gets: [Bytes] = []
    }

    /// One element to output and what it sorts by.
    struct Item {
        let element: Bytes
        var score: Double = 0
        var weight: Bytes?
    }

    static func sort(_ c: Client, readOnly: Bool) {
        guard var options = parse(c, readOnly: readOnly) else { return }
        let value = c.readValue(c.args[1])
        switch value {
        case nil, .list?, .set?, .sortedSet?: break
        default:
            c.wrongType()
            return
        }
        // A set has no order of its own, so an unsorted SORT ... STORE would log a
        // result replicas and the AOF cannot reproduce: Redis sorts it by the bytes.
        if options.dontSort, case .set? = value, options.store != nil {
            options.dontSort = false
            options.alpha = true
            options.by = nil
        }
        // Redis converts a sorted set it sorts to a skiplist for good.
        if case .sortedSet(let zset)? = value { zset.convertToSkipList() }
        let total = length(of: value)
        var start = max(0, options.offset)
        var end = options.count < 0 || options.count > total - start ? total - 1 : start + options.count - 1
        if start >= total {
            start = total - 1
            end = total - 2
        }
        if end >= total { end = total - 1 }

        var items: [Item]
        if options.dontSort, let ordered = orderedElements(value, from: start, through: end, descending: options.descending) {
            items = ordered.map { Item(element: $0) }
            end -= start
            start = 0
        } else {
            items = allElements(value).map { Item(element: $0) }
        }
        if !options.dontSort {
            guard weigh(&items, c, options) else {
                c.reply.error("ERR One or more scores can't be converted into double")
                return
            }
            order(&items, options)
        }
        let window = start <= end ? items[Int(start)...Int(end)] : []
        if let destination = options.store {
            store(c, window, options, into: destination)
        } else {
            reply(c, window, options)
        }
    }

    /// The options from argument 2 on; nil after replying an error.
    private static func parse(_ c: Client, readOnly: Bool) -> Options? {
        var options = Options()
        var index = 2
        while index < c.args.count {
            let remaining = c.args.count - index - 1
            if c.argument(index, is: "ASC") {
                options.descending = false
            } else if c.argument(index, is: "DESC") {
                options.descending = true
            } else if c.argument(index, is: "ALPHA") {
                options.alpha = true
            } else if c.argument(index, is: "LIMIT"), remaining >= 2 {
                guard let offset = c.integer(at: index + 1), let count = c.integer(at: index + 2) else { return nil }
                options.offset = offset
                options.count = count
                index += 2
            } else if !readOnly, c.argument(index, is: "STORE"), remaining >= 1 {
                options.store = c.args[index + 1]
                index += 1
            } else if c.argument(index, is: "BY"), remaining >= 1 {
                options.by = c.args[index + 1]
                options.dontSort = !c.args[index + 1].contains(UInt8(ascii: "*"))
                index += 1
            } else if c.argument(index, is: "GET"), remaining >= 1 {
                options.gets.append(c.args[index + 1])
                index += 1
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            index += 1
        }
        return options
    }

    private static func length(of value: RedisValue?) -> Int64 {
        switch value {
        case .list(let list)?: return Int64(list.count)
        case .set(let set)?: return Int64(set.count)
        case .sortedSet(let zset)?: return Int64(zset.count)
        default: return 0
        }
    }

    /// The elements at positions `start...end` in the container's own order
    /// (a list's, a sorted set's by score; reversed for DESC), or nil for a
    /// type without one (a set).
    private static func orderedElements(_ value: RedisValue?, from start: Int64, through end: Int64,
                                        descending: Bool) -> [Bytes]? {
        switch value {
        case .list(let list)?:
            guard start <= end else { return [] }
            return (Int(start)...Int(end)).map { list[descending ? list.count - 1 - $0 : $0] }
        case .sortedSet(let zset)?:
            guard start <= end else { return [] }
            return (Int(start)...Int(end)).map { zset.entry(atRank: descending ? zset.count - 1 - $0 : $0).member }
        case nil:
            return []
        default:
            return nil
        }
    }

    private static func allElements(_ value: RedisValue?) -> [Bytes] {
        switch value {
        case .list(let list)?: return Array(list)
        case .set(let set)?: return set.allMembers
        case .sortedSet(let zset)?: return zset.entries.map(\.member)
        default: return []
        }
    }

    /// Computes each item's sort key; false when a numeric one is not a number.
    private static func weigh(_ items: inout [Item], _ c: Client, _ options: Options) -> Bool {
        var numeric = true
        for position in items.indices {
            let weight: Bytes
            if let pattern = options.by {
                guard let found = dereference(c, pattern, items[position].element) else { continue }
                weight = found
            } else {
                weight = items[position].element
            }
            if options.alpha {
                if options.by != nil { items[position].weight = weight }
            } else if let score = cDouble(weight) {
                items[position].score = score
            } else {
                numeric = false
            }
        }
        return numeric
    }

    /// C's `strtod` over the whole string, as Redis reads a SORT weight: leading
    /// spaces, hex and an empty string (0) are accepted, trailing bytes, overflow
    /// and NaN are not; a NUL ends the string.
    static func cDouble(_ bytes: Bytes) -> Double? {
        var text = bytes.array
        text.append(0)
        return text.withUnsafeBufferPointer { buffer -> Double? in
            let base = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { strtod($0, &end) }
            guard let end, end.pointee == 0, errno != ERANGE, !value.isNaN else { return nil }
            return value
        }
    }

    /// Sorts by score (ties by the element's bytes), or by bytes with ALPHA; a
    /// missing BY weight sorts first. Stable, so equal keys keep their order.
    private static func order(_ items: inout [Item], _ options: Options) {
        let alphaByPattern = options.alpha && options.by != nil
        let ascending: (Item, Item) -> Bool = { a, b in
            if alphaByPattern {
                guard let left = a.weight else { return b.weight != nil }
                guard let right = b.weight else { return false }
                return compare(left, right) < 0
            }
            if options.alpha { return compare(a.element, b.element) < 0 }
            if a.score != b.score { return a.score < b.score }
            return compare(a.element, b.element) < 0
        }
        if options.descending {
            items.sort { ascending($1, $0) }
        } else {
            items.sort(by: ascending)
        }
    }

    /// memcmp order, the shorter first on a common prefix.
    private static func compare(_ a: Bytes, _ b: Bytes) -> Int {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                let common = min(left.count, right.count)
                if common > 0, case let result = memcmp(left.baseAddress!, right.baseAddress!, common), result != 0 {
                    return Int(result)
                }
                return left.count - right.count
            }
        }
    }

    /// The value a BY or GET pattern names for `element`: `#` is the element
    /// itself; the first `*` is replaced by it; `key->field` reads a hash field.
    /// Nil when the pattern has no `*`, the key is missing or of another type.
    static func dereference(_ c: Client, _ pattern: Bytes, _ element: Bytes) -> Bytes? {
        let bytes = pattern.array
        if bytes == [UInt8(ascii: "#")] { return element }
        guard let star = bytes.firstIndex(of: UInt8(ascii: "*")) else { return nil }
        var keyEnd = bytes.count
        var field: [UInt8]?
        if let arrow = firstArrow(in: bytes, after: star + 1), arrow + 2 < bytes.count {
            keyEnd = arrow
            field = Array(bytes[(arrow + 2)...])
        }
        let key = Bytes(bytes[..<star] + element.array + bytes[(star + 1)..<keyEnd])
        switch c.readValue(key) {
        case .string(let value)?:
            return field == nil ? value : nil
        case .hash(let hash)?:
            guard let field else { return nil }
            return hash.get(Bytes(field))
        default:
            return nil
        }
    }

    private static func firstArrow(in bytes: [UInt8], after start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: ">") { return index }
            index += 1
        }
        return nil
    }

    private static func reply(_ c: Client, _ window: ArraySlice<Item>, _ options: Options) {
        c.reply.array(options.gets.isEmpty ? window.count : window.count * options.gets.count)
        for item in window {
            if options.gets.isEmpty { c.reply.bulk(item.element) }
            for pattern in options.gets {
                if let value = dereference(c, pattern, item.element) { c.reply.bulk(value) } else { c.reply.null() }
            }
        }
    }

    /// STORE: the output as a list (a GET that finds nothing stores an empty
    /// string); an empty output deletes the destination.
    private static func store(_ c: Client, _ window: ArraySlice<Item>, _ options: Options, into destination: Bytes) {
        let list = ListValue()
        for item in window {
            if options.gets.isEmpty { list.pushBack(item.element) }
            for pattern in options.gets { list.pushBack(dereference(c, pattern, item.element) ?? Bytes()) }
        }
        if list.isEmpty {
            if c.db.delete(destination) {
                c.engine.dirty += 1
                c.notify(.generic, .del, destination)
            }
        } else {
            c.db.set(destination, .list(list))
            c.engine.dirty += list.count
            c.notify(.list, .sortstore, destination)
        }
        c.reply.integer(list.count)
    }
}
