import Keyspace
import RESP
import SwirlBytes

/// EXPIRE and friends, TTL and friends, PERSIST.
enum ExpireCommands {
    enum Unit { case seconds, milliseconds }

    static func specs() -> [CommandSpec] {
        let generic = KeyCommands.group
        let write: CommandFlags = [.write, .fast]
        let read: CommandFlags = [.readonly, .fast]
        return [
            generic.command("expire", -3, write, syntax: "key seconds:integer condition:[NX | XX | GT | LT]@7.0.0",
                            "Sets the expiration time of a key in seconds.") { expire($0, .seconds, relative: true) },
            generic.command("pexpire", -3, write, syntax: "key milliseconds:integer condition:[NX | XX | GT | LT]@7.0.0",
                            "Sets the expiration time of a key in milliseconds.", since: "2.6.0") {
                expire($0, .milliseconds, relative: true)
            },
            generic.command("expireat", -3, write,
                            syntax: "key unix-time-seconds:unix-time condition:[NX | XX | GT | LT]@7.0.0",
                            "Sets the expiration time of a key to a Unix timestamp.", since: "1.2.0") {
                expire($0, .seconds, relative: false)
            },
            generic.command("pexpireat", -3, write,
                            syntax: "key unix-time-milliseconds:unix-time condition:[NX | XX | GT | LT]@7.0.0",
                            "Sets the expiration time of a key to a Unix milliseconds timestamp.", since: "2.6.0") {
                expire($0, .milliseconds, relative: false)
            },
            generic.command("ttl", 2, read, syntax: "key",
                            "Returns the expiration time in seconds of a key.") { ttl($0, .seconds, absolute: false) },
            generic.command("pttl", 2, read, syntax: "key",
                            "Returns the expiration time in milliseconds of a key.", since: "2.6.0") {
                ttl($0, .milliseconds, absolute: false)
            },
            generic.command("expiretime", 2, read, syntax: "key",
                            "Returns the expiration time of a key as a Unix timestamp.", since: "7.0.0") {
                ttl($0, .seconds, absolute: true)
            },
            generic.command("pexpiretime", 2, read, syntax: "key",
                            "Returns the expiration time of a key as a Unix milliseconds timestamp.", since: "7.0.0") {
                ttl($0, .milliseconds, absolute: true)
            },
            generic.command("persist", 2, write, syntax: "key",
                            "Removes the expiration time of a key.", since: "2.2.0", handler: persist),
        ]
    }

    struct Conditions: OptionSet {
        let rawValue: Int
        static let nx = Conditions(rawValue: 1)
        static let xx = Conditions(rawValue: 2)
        static let gt = Conditions(rawValue: 4)
        static let lt = Conditions(rawValue: 8)
    }

    private static func parseConditions(_ c: Client) -> Conditions? {
        var conditions: Conditions = []
        for index in 3..<c.args.count {
            if c.argument(index, is: "NX") { conditions.insert(.nx) }
            else if c.argument(index, is: "XX") { conditions.insert(.xx) }
            else if c.argument(index, is: "GT") { conditions.insert(.gt) }
            else if c.argument(index, is: "LT") { conditions.insert(.lt) }
            else {
                c.reply.error("ERR Unsupported option \(arg: c.args[index])" as ErrorText)
                return nil
            }
        }
        if conditions.contains(.nx) && !conditions.isDisjoint(with: [.xx, .gt, .lt]) {
            c.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible")
            return nil
        }
        if conditions.contains([.gt, .lt]) {
            c.reply.error("ERR GT and LT options at the same time are not compatible")
            return nil
        }
        return conditions
    }

    /// Redis's expireGenericCommand.
    static func expire(_ c: Client, _ unit: Unit, relative: Bool) {
        guard let conditions = parseConditions(c) else { return }
        guard var when = c.integer(at: 2) else { return }
        let name = Text.lowercased(c.args[0])
        if unit == .seconds {
            guard when <= Int64.max / 1000 && when >= Int64.min / 1000 else {
                c.reply.error(Errors.invalidExpireTime(name))
                return
            }
            when *= 1000
        }
        if relative {
            let (sum, overflow) = when.addingReportingOverflow(c.engine.keyspace.now)
            guard !overflow else {
                c.reply.error(Errors.invalidExpireTime(name))
                return
            }
            when = sum
        }
        let key = c.args[1]
        guard c.db.exists(key) else {
            c.reply.integer(0)
            return
        }
        let current = c.db.expireTime(of: key)
        if conditions.contains(.nx) && current != nil
            || conditions.contains(.xx) && current == nil
            || conditions.contains(.gt) && (current == nil || when <= current!)
            || conditions.contains(.lt) && current != nil && when >= current! {
            c.reply.integer(0)
            return
        }
        // An expiry in the past deletes now, except while loading the AOF (the DEL follows it there).
        if when <= c.engine.keyspace.now && !c.engine.loading {
            c.db.delete(key)
            c.notify(.generic, .del, key)
            c.propagate(as: ["DEL", key])
        } else {
            c.db.setExpire(key, at: when)
            c.notify(.generic, .expire, key)
            if !(unit == .milliseconds && !relative) {
                c.propagate(as: ["PEXPIREAT", key, ByteNumbers.decimal(when)])
            }
        }
        c.engine.dirty += 1
        c.reply.integer(1)
    }

    static func ttl(_ c: Client, _ unit: Unit, absolute: Bool) {
        let key = c.args[1]
        guard c.peekValue(key) != nil else {
            c.reply.integer(-2)
            return
        }
        guard let when = c.db.expireTime(of: key) else {
            c.reply.integer(-1)
            return
        }
        let milliseconds = absolute ? when : max(0, when - c.engine.keyspace.now)
        c.reply.integer(unit == .seconds ? roundedSeconds(milliseconds) : milliseconds)
    }

    /// Redis's `(ms + 500) / 1000` without its overflow: PXAT 9223372036854775807
    /// makes EXPIRETIME 9223372036854776 there, where the plain sum would trap.
    static func roundedSeconds(_ milliseconds: Int64) -> Int64 {
        guard milliseconds >= 0 else { return (milliseconds + 500) / 1000 }
        return milliseconds / 1000 + (milliseconds % 1000 + 500) / 1000
    }

    static func persist(_ c: Client) {
        let key = c.args[1]
        guard c.db.exists(key), c.db.persist(key) else {
            c.reply.integer(0)
            return
        }
        c.engine.dirty += 1
        c.notify(.generic, .persist, key)
        c.reply.integer(1)
    }
}
