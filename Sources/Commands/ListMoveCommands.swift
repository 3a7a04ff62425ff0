import Keyspace
import RESP
import SwirlBytes

/// LMOVE, RPOPLPUSH and LMPOP: taking elements from one list into another or out of several.
extension ListCommands {
    // MARK: - Moving between lists

    /// LMOVE and RPOPLPUSH: propagated as typed, as Redis 7.0 does.
    private static func move(_ c: Client, fromLeft: Bool, toLeft: Bool) {
        let source = c.args[1], destination = c.args[2]
        let list: ListValue
        switch writeLookup(c, source) {
        case .found(let found): list = found
        case .missing:
            c.reply.null()
            return
        case .wrongType:
            c.wrongType()
            return
        }
        let target: ListValue?
        switch writeLookup(c, destination) {
        case .found(let found): target = found
        case .missing: target = nil
        case .wrongType:
            c.wrongType()
            return
        }
        let value = pop(list, left: fromLeft)
        let receiver: ListValue
        if let target {
            receiver = target
            c.db.signalModifiedKey(destination)
        } else {
            receiver = ListValue()
            c.db.add(destination, .list(receiver))
        }
        if toLeft { receiver.pushFront(value) } else { receiver.pushBack(value) }
        // With source == destination the list got its element back and stays.
        removed(from: list, at: source, c)
        c.server.dirty += 1
        c.reply.bulk(value)
    }

    static func lmove(_ c: Client) {
        guard let fromLeft = side(c, 3), let toLeft = side(c, 4) else { return }
        move(c, fromLeft: fromLeft, toLeft: toLeft)
    }

    static func rpoplpush(_ c: Client) { move(c, fromLeft: false, toLeft: true) }

    /// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first
    /// non-empty list, logged as LPOP/RPOP key count as Redis 7.0 does.
    static func lmpop(_ c: Client) {
        guard let numkeys = ByteNumbers.parseInt64(c.args[1]), numkeys > 0 else {
            c.reply.error("ERR numkeys should be greater than 0")
            return
        }
        guard numkeys < Int64(c.args.count - 2) else {
            c.reply.error(Errors.syntax)
            return
        }
        let whereIndex = 2 + Int(numkeys)
        guard let left = side(c, whereIndex) else { return }
        var count: Int64 = -1
        var index = whereIndex + 1
        while index < c.args.count {
            guard count == -1, c.argument(index, is: "COUNT"), index + 1 < c.args.count else {
                c.reply.error(Errors.syntax)
                return
            }
            guard let value = ByteNumbers.parseInt64(c.args[index + 1]), value > 0 else {
                c.reply.error("ERR count should be greater than 0")
                return
            }
            count = value
            index += 2
        }
        if count == -1 { count = 1 }
        for key in c.args[2..<whereIndex] {
            switch writeLookup(c, key) {
            case .missing: continue
            case .wrongType:
                c.wrongType()
                return
            case .found(let list):
                let popped = Int(min(count, Int64(list.count)))
                c.reply.array(2)
                c.reply.bulk(key)
                c.reply.array(popped)
                for _ in 0..<popped { c.reply.bulk(pop(list, left: left)) }
                removed(from: list, at: key, c)
                c.server.dirty += 1
                c.propagate(as: [left ? "LPOP" : "RPOP", key, ByteNumbers.decimal(Int64(popped))])
                return
            }
        }
        c.reply.nullArray()
    }
}
