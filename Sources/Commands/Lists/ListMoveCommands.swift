import Keyspace
import RESP
import SwirlBytes

/// LMOVE, RPOPLPUSH and LMPOP: taking elements from one list into another or
/// out of several. Their blocking forms (ListBlockingCommands.swift) share
/// `moveElement`, `multiPopArguments` and `popRange`.
extension ListCommands {
    // MARK: - Moving between lists

    /// LMOVE and RPOPLPUSH: propagated as typed, as Redis 7.0 does.
    private static func move(_ c: Client, fromLeft: Bool, toLeft: Bool) {
        let source = c.args[1]
        switch writeLookup(c, source) {
        case .found(let list): moveElement(c, from: list, at: source, to: c.args[2], fromLeft: fromLeft, toLeft: toLeft)
        case .missing: c.reply.null()
        case .wrongType: c.wrongType()
        }
    }

    /// Moves one element of `list` (at `source`) to the list at `destination`
    /// and replies it; replies WRONGTYPE, moving nothing, when `destination`
    /// holds another type. False in that case.
    @discardableResult
    static func moveElement(_ c: Client, from list: ListValue, at source: Bytes, to destination: Bytes,
                            fromLeft: Bool, toLeft: Bool) -> Bool {
        let target: ListValue?
        switch writeLookup(c, destination) {
        case .found(let found): target = found
        case .missing: target = nil
        case .wrongType:
            c.wrongType()
            return false
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
        c.notify(.list, pushEvent(left: toLeft), destination)
        // With source == destination the list got its element back and stays.
        removed(from: list, at: source, c, popEvent(left: fromLeft))
        c.engine.dirty += 1
        c.reply.bulk(value)
        return true
    }

    static func lmove(_ c: Client) {
        guard let fromLeft = side(c, 3), let toLeft = side(c, 4) else { return }
        move(c, fromLeft: fromLeft, toLeft: toLeft)
    }

    static func rpoplpush(_ c: Client) { move(c, fromLeft: false, toLeft: true) }

    // MARK: - Popping from the first non-empty list

    /// LMOVE's and BLMPOP's `numkeys key [key ...] LEFT|RIGHT [COUNT count]`
    /// starting at `numkeysIndex`, checked in Redis 7.0's order; nil after
    /// replying the error.
    static func multiPopArguments(_ c: Client, numkeysIndex: Int) -> (keys: [Bytes], left: Bool, count: Int64)? {
        guard let numkeys = ByteNumbers.parseInt64(c.args[numkeysIndex]), numkeys > 0 else {
            c.reply.error(Errors.numkeysNotPositive)
            return nil
        }
        guard numkeys < Int64(c.args.count - numkeysIndex - 1) else {
            c.reply.error(Errors.syntax)
            return nil
        }
        let whereIndex = numkeysIndex + 1 + Int(numkeys)
        guard let left = side(c, whereIndex) else { return nil }
        var count: Int64 = -1
        var index = whereIndex + 1
        while index < c.args.count {
            guard count == -1, c.argument(index, is: "COUNT"), index + 1 < c.args.count else {
                c.reply.error(Errors.syntax)
                return nil
            }
            guard let value = ByteNumbers.parseInt64(c.args[index + 1]), value > 0 else {
                c.reply.error("ERR count should be greater than 0")
                return nil
            }
            count = value
            index += 2
        }
        return (Array(c.args[(numkeysIndex + 1)..<whereIndex]), left, count == -1 ? 1 : count)
    }

    /// Pops up to `count` elements of the list at `key`, replied as
    /// `[key, [elements]]` and logged as `LPOP|RPOP key n` with the number
    /// actually popped (Redis 7.0's form for LMPOP and BLMPOP).
    static func popRange(_ c: Client, _ key: Bytes, _ list: ListValue, left: Bool, count: Int64) {
        let popped = Int(min(count, Int64(list.count)))
        c.reply.array(2)
        c.reply.bulk(key)
        c.reply.array(popped)
        for _ in 0..<popped { c.reply.bulk(pop(list, left: left)) }
        removed(from: list, at: key, c, popEvent(left: left))
        c.engine.dirty += 1
        c.propagate(as: [left ? "LPOP" : "RPOP", key, ByteNumbers.decimal(Int64(popped))])
    }

    /// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list.
    static func lmpop(_ c: Client) {
        guard let (keys, left, count) = multiPopArguments(c, numkeysIndex: 1) else { return }
        let served = c.serveFirst(of: keys, type: "list") { c, key, value in
            guard case .list(let list) = value else { return }
            popRange(c, key, list, left: left, count: count)
        }
        if !served { c.reply.nullArray() }
    }
}
