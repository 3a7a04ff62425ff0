import Keyspace
import RESP
import SwirlBytes

/// INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT: numbers stored as decimal strings.
enum StringCounterCommands {
    static func specs() -> [CommandSpec] {
        let strings = StringCommands.group
        let flags: CommandFlags = [.write, .denyOOM, .fast]
        return [
            strings.command("incr", 2, flags, syntax: "key",
                            "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.") {
                incrementBy($0, 1)
            },
            strings.command("decr", 2, flags, syntax: "key",
                            "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.") {
                incrementBy($0, -1)
            },
            strings.command("incrby", 3, flags, syntax: "key increment:integer",
                            "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
                            handler: incrby),
            strings.command("decrby", 3, flags, syntax: "key decrement:integer",
                            "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
                            handler: decrby),
            strings.command("incrbyfloat", 3, flags, syntax: "key increment:double",
                            "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
                            since: "2.6.0", handler: incrbyfloat),
        ]
    }

    static func incrby(_ c: Client) {
        guard let amount = c.integer(at: 2) else { return }
        incrementBy(c, amount)
    }

    static func decrby(_ c: Client) {
        guard let amount = c.integer(at: 2) else { return }
        guard amount != Int64.min else {
            c.reply.error("ERR decrement would overflow")
            return
        }
        incrementBy(c, -amount)
    }

    /// The shared body: parse the stored value, add with an overflow check, keep the TTL.
    static func incrementBy(_ c: Client, _ amount: Int64) {
        let key = c.args[1]
        var current: Int64 = 0
        let exists: Bool
        switch c.db.lookup(key) {
        case nil:
            exists = false
        case .string(let bytes)?:
            guard let value = ByteNumbers.parseInt64(bytes) else {
                c.reply.error(Errors.notInteger)
                return
            }
            current = value
            exists = true
        case .some:
            c.wrongType()
            return
        }
        let (sum, overflow) = current.addingReportingOverflow(amount)
        guard !overflow else {
            c.reply.error(Errors.overflow)
            return
        }
        let stored = RedisValue.string(ByteNumbers.decimal(sum))
        if exists { c.db.set(key, stored, keepTTL: true) } else { c.db.add(key, stored) }
        c.engine.dirty += 1
        c.notify(.string, .incrby, key)
        c.reply.integer(sum)
    }

    static func incrbyfloat(_ c: Client) {
        let key = c.args[1]
        var current: Float80 = 0
        let exists: Bool
        switch c.db.lookup(key) {
        case nil:
            exists = false
        case .string(let bytes)?:
            guard let value = ByteNumbers.parseLongDouble(bytes) else {
                c.reply.error(Errors.notFloat)
                return
            }
            current = value
            exists = true
        case .some:
            c.wrongType()
            return
        }
        guard let increment = ByteNumbers.parseLongDouble(c.args[2]) else {
            c.reply.error(Errors.notFloat)
            return
        }
        let sum = current + increment
        guard sum.isFinite else {
            c.reply.error(Errors.nanOrInfinity)
            return
        }
        let text = Bytes(ByteNumbers.formatLongDouble(sum))
        if exists { c.db.set(key, .string(text), keepTTL: true) } else { c.db.add(key, .string(text)) }
        c.db.setStringForm(key, .notInteger)
        c.engine.dirty += 1
        c.notify(.string, .incrbyfloat, key)
        c.reply.bulk(text)
        // Replaying the increment could round differently: log the result, as Redis does.
        c.propagate(as: ["SET", key, text, "KEEPTTL"])
    }
}
