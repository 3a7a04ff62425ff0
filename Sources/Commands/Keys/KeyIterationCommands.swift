import Keyspace
import RESP
import SwirlBytes

/// KEYS, SCAN and RANDOMKEY: walking the keyspace, never showing an expired key.
enum KeyIterationCommands {
    static func specs() -> [CommandSpec] {
        let generic = KeyCommands.group
        return [
            generic.command("keys", 2, [.readonly], keys: .none, syntax: "pattern:pattern",
                            "Returns all key names that match a pattern.", complexity: "O(N)", handler: keys),
            generic.command("scan", -2, [.readonly], keys: .none,
                            syntax: "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]@6.0.0",
                            "Iterates over the key names in the database.", since: "2.8.0", handler: scan),
            generic.command("randomkey", 1, [.readonly], keys: .none, syntax: "",
                            "Returns a random key name from the database.", handler: randomkey),
        ]
    }

    static func keys(_ c: Client) {
        let pattern = c.args[1]
        let everything = pattern == "*"
        let now = c.engine.keyspace.now
        var found: [Bytes] = []
        // Expired keys are skipped, not deleted: KEYS stays a read-only command, as in Redis.
        c.db.forEachKey { key, slot in
            let live = !slot.hasExpiry || now <= slot.expireAt
            if live && (everything || Glob.matches(pattern, key)) { found.append(key) }
        }
        c.reply.array(found.count)
        for key in found {
            c.reply.bulk(key)
            if c.outputLimitReached() { return }  // closed for its output limit: stop here, as Redis
        }
    }

    static func scan(_ c: Client) {
        guard let cursor = ScanOptions.parseCursor(c, c.args[1]),
              let options = ScanOptions.parse(c, from: 2, allowType: true) else { return }
        var candidates: [Bytes] = []
        var next = cursor
        // Redis's count * 10 wraps for a huge COUNT and then never runs out: saturating is the same.
        var budget = options.count.multipliedReportingOverflow(by: 10).overflow ? Int.max : options.count * 10
        let table = c.db.main
        repeat {
            next = table.scan(cursor: next) { position in candidates.append(table.key(at: position)) }
            budget -= 1
        } while next != 0 && budget > 0 && candidates.count < options.count
        var elements: [Bytes] = []
        for key in candidates where options.matches(key) {
            guard let value = c.db.lookup(key) else { continue }  // expired: deleted now, not returned
            if let wanted = options.typeName, Text.lowercased(wanted) != value.typeName { continue }
            elements.append(key)
        }
        ScanOptions.reply(c, cursor: next, elements: elements)
    }

    static func randomkey(_ c: Client) {
        // Bounded retries: a database full of expired keys must not spin forever.
        for _ in 0..<100 {
            guard let position = c.db.main.randomIndex(using: &c.engine.keyspace.random) else { break }
            let key = c.db.main.key(at: position)
            if c.db.lookup(key) != nil {
                c.reply.bulk(key)
                return
            }
        }
        c.reply.null()
    }
}
