import Keyspace
import RESP
import SwirlBytes

/// The generic group: keys of any type, and the database-wide DBSIZE,
/// FLUSHDB, FLUSHALL and SWAPDB (Redis's server group). Expiry is in
/// ExpireCommands.swift, iteration (KEYS, SCAN, RANDOMKEY) in
/// KeyIterationCommands.swift, SORT in SortCommand.swift, OBJECT in ObjectCommand.swift.
enum KeyCommands {
    /// The generic family's defaults, shared by the files of Keys/.
    static let group = CommandGroup("generic", keys: .single)

    static func specs() -> [CommandSpec] {
        let generic = group, server = ServerCommands.group
        let twoKeys = KeyPositions(first: 1, last: 2, step: 1)
        return [
            generic.command("del", -2, [.write], keys: .all, syntax: "key [key ...]",
                            "Deletes one or more keys.", complexity: "O(N)", handler: del),
            generic.command("unlink", -2, [.write, .fast], keys: .all, syntax: "key [key ...]",
                            "Asynchronously deletes one or more keys.", since: "4.0.0", handler: del),
            generic.command("exists", -2, [.readonly, .fast], keys: .all, syntax: "key [key ...]",
                            "Determines whether one or more keys exist.", complexity: "O(N)", handler: exists),
            generic.command("type", 2, [.readonly, .fast], syntax: "key",
                            "Determines the type of value stored at a key.", handler: type),
            generic.command("rename", 3, [.write], keys: twoKeys, syntax: "key newkey:key",
                            "Renames a key and overwrites the destination.", handler: rename),
            generic.command("renamenx", 3, [.write, .fast], keys: twoKeys, syntax: "key newkey:key",
                            "Renames a key only when the target key name doesn't exist.", handler: renamenx),
            generic.command("move", 3, [.write, .fast], syntax: "key db:integer",
                            "Moves a key to another database.", handler: move),
            generic.command("copy", -3, [.write, .denyOOM], keys: twoKeys,
                            syntax: "source:key destination:key [DB destination-db:integer] [REPLACE]",
                            "Copies the value of a key to a new key.", since: "6.2.0", complexity: "O(N)", handler: copy),
            generic.command("touch", -2, [.readonly, .fast], keys: .all, syntax: "key [key ...]",
                            "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
                            since: "3.2.1", complexity: "O(N)", handler: touch),
            server.command("dbsize", 1, [.readonly, .fast], syntax: "",
                           "Returns the number of keys in the database.", handler: dbsize),
            server.command("flushdb", -1, [.write], syntax: "async:[ASYNC@4.0.0 | SYNC@6.2.0]",
                           "Removes all keys from the current database.", complexity: "O(N)", handler: flushdb),
            server.command("flushall", -1, [.write], syntax: "async:[ASYNC@4.0.0 | SYNC@6.2.0]",
                           "Removes all keys from all databases.", complexity: "O(N)", handler: flushall),
            server.command("swapdb", 3, [.write, .fast], syntax: "index1:integer index2:integer",
                           "Swaps two Redis databases.", since: "4.0.0", complexity: "O(N)", handler: swapdb),
        ]
    }

    static func del(_ c: Client) {
        var removed = 0
        for key in c.args.dropFirst() {
            _ = c.db.expireIfNeeded(key)
            if c.db.delete(key) {
                removed += 1
                c.notify(.generic, .del, key)
            }
        }
        c.engine.dirty += removed
        c.reply.integer(removed)
    }

    static func exists(_ c: Client) {
        var found = 0
        // Each key is read (Redis's lookupKeyRead): a keyspace hit or a miss.
        for key in c.args.dropFirst() where c.peekValue(key) != nil { found += 1 }
        c.reply.integer(found)
    }

    static func touch(_ c: Client) { exists(c) }

    static func type(_ c: Client) {
        c.reply.simple(c.peekValue(c.args[1])?.typeName ?? "none")
    }

    static func rename(_ c: Client) { renameGeneric(c, onlyIfAbsent: false) }
    static func renamenx(_ c: Client) { renameGeneric(c, onlyIfAbsent: true) }

    private static func renameGeneric(_ c: Client, onlyIfAbsent: Bool) {
        let source = c.args[1], target = c.args[2]
        guard let value = c.db.lookup(source) else {
            c.reply.error(Errors.noSuchKey)
            return
        }
        if source == target {
            if onlyIfAbsent { c.reply.integer(0) } else { c.reply.ok() }
            return
        }
        let expiry = c.db.expireTime(of: source), form = c.db.peekSlot(source)?.stringForm ?? .byContent
        if c.db.exists(target) {
            if onlyIfAbsent {
                c.reply.integer(0)
                return
            }
            c.db.delete(target)
        }
        c.db.delete(source)
        c.db.add(target, value)
        c.db.setStringForm(target, form)
        if let expiry { c.db.setExpire(target, at: expiry) }
        c.engine.dirty += 1
        c.notify(.generic, .renameFrom, source)
        c.notify(.generic, .renameTo, target)
        if onlyIfAbsent { c.reply.integer(1) } else { c.reply.ok() }
    }

    /// A database index argument (SELECT, MOVE, COPY … DB), or nil after replying
    /// Redis's error: its getIntFromObjectOrReply names the C int range.
    static func databaseIndex(_ c: Client, at index: Int) -> Int? {
        guard let value = c.integer(at: index) else { return nil }
        guard value >= Int64(Int32.min), value <= Int64(Int32.max) else {
            c.reply.error("ERR value is out of range, value must between \(Int32.min) and \(Int32.max)")
            return nil
        }
        guard value >= 0 && value < Int64(c.engine.keyspace.count) else {
            c.reply.error(Errors.dbIndexOutOfRange)
            return nil
        }
        return Int(value)
    }

    static func move(_ c: Client) {
        let key = c.args[1]
        guard let target = databaseIndex(c, at: 2) else { return }
        guard target != c.dbIndex else {
            c.reply.error(Errors.sameObject)
            return
        }
        let destination = c.engine.keyspace[target]
        guard let value = c.db.lookup(key), !destination.exists(key) else {
            c.reply.integer(0)
            return
        }
        let expiry = c.db.expireTime(of: key)
        destination.add(key, value)
        destination.setStringForm(key, c.db.peekSlot(key)?.stringForm ?? .byContent)
        if let expiry { destination.setExpire(key, at: expiry) }
        c.db.delete(key)
        c.engine.dirty += 1
        c.notify(.generic, .moveFrom, key)
        c.engine.notify(.generic, .moveTo, key, db: target)
        c.reply.integer(1)
    }

    static func copy(_ c: Client) {
        let source = c.args[1], target = c.args[2]
        var destination = c.db
        var replace = false
        var index = 3
        while index < c.args.count {
            if c.argument(index, is: "REPLACE") {
                replace = true
            } else if c.argument(index, is: "DB") && index + 1 < c.args.count {
                guard let db = databaseIndex(c, at: index + 1) else { return }
                destination = c.engine.keyspace[db]
                index += 1
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 1
        }
        if source == target && destination === c.db {
            c.reply.error(Errors.sameObject)
            return
        }
        guard let value = c.db.lookup(source) else {
            c.reply.integer(0)
            return
        }
        if destination.exists(target) {
            guard replace else {
                c.reply.integer(0)
                return
            }
            destination.delete(target)
        }
        destination.add(target, value.duplicate())
        let form = c.db.peekSlot(source)?.stringForm ?? .byContent
        destination.setStringForm(target, form == .byContent ? .unsharedCopy : form)
        if let expiry = c.db.expireTime(of: source) { destination.setExpire(target, at: expiry) }
        c.engine.dirty += 1
        c.engine.notify(.generic, .copyTo, target, db: destination.id)
        c.reply.integer(1)
    }

    static func dbsize(_ c: Client) { c.reply.integer(c.db.count) }

    /// FLUSHDB/FLUSHALL accept ASYNC or SYNC; both run synchronously here.
    private static func flushMode(_ c: Client) -> Bool {
        if c.args.count > 2 || (c.args.count == 2 && !c.argument(1, is: "ASYNC") && !c.argument(1, is: "SYNC")) {
            c.reply.error(Errors.syntax)
            return false
        }
        return true
    }

    static func flushdb(_ c: Client) {
        guard flushMode(c) else { return }
        c.engine.dirty += max(1, c.db.count)
        c.db.removeAll()
        c.engine.trackingFlushed(by: c)
        c.reply.ok()
    }

    static func flushall(_ c: Client) {
        guard flushMode(c) else { return }
        c.engine.dirty += max(1, c.engine.keyspace.totalKeys)
        c.engine.keyspace.flushAll()
        c.engine.trackingFlushed(by: c)
        c.reply.ok()
    }

    static func swapdb(_ c: Client) {
        guard let first = ByteNumbers.parseInt64(c.args[1]), first >= Int64(Int32.min), first <= Int64(Int32.max) else {
            c.reply.error("ERR invalid first DB index")
            return
        }
        guard let second = ByteNumbers.parseInt64(c.args[2]), second >= Int64(Int32.min), second <= Int64(Int32.max) else {
            c.reply.error("ERR invalid second DB index")
            return
        }
        let count = Int64(c.engine.keyspace.count)
        guard first >= 0, first < count, second >= 0, second < count else {
            c.reply.error(Errors.dbIndexOutOfRange)
            return
        }
        if first != second {
            c.engine.keyspace.swap(Int(first), Int(second))
        }
        c.engine.dirty += 1
        c.reply.ok()
    }
}
