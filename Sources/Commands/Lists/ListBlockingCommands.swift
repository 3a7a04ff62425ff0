import Keyspace
import RESP
import SwirlBytes

/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP. Each parses its arguments in
/// Redis 7.0's order and hands a `BlockingRequest` to `serveOrBlock`: served
/// at once like its non-blocking form when a list is there, else blocked
/// (BlockedClients.swift). What they log is Redis 7.0's, read from its AOF:
/// `LPOP|RPOP key` for BLPOP/BRPOP, `LPOP|RPOP key n` for BLMPOP, `RPOPLPUSH
/// src dst` for BRPOPLPUSH, and for BLMOVE `LMOVE src dst` with the client's
/// own LEFT/RIGHT words when served at once but lowercase `left`/`right` when
/// served after blocking.
extension ListCommands {
    static func blockingSpecs() -> [CommandSpec] {
        let lists = group
        let flags: CommandFlags = [.write, .noscript, .blocking]
        let moveFlags: CommandFlags = [.write, .denyOOM, .noscript, .blocking]
        let keysBeforeTimeout = KeyPositions(first: 1, last: -2, step: 1)
        let twoKeys = KeyPositions(first: 1, last: 2, step: 1)
        return [
            lists.command("blpop", -3, flags, keys: keysBeforeTimeout, syntax: "key [key ...] timeout:double",
                          "Removes and returns the first element in a list, or blocks until one is available. Deletes the list if the last element was popped.",
                          since: "2.0.0", complexity: "O(N) where N is the number of provided keys.", handler: blpop),
            lists.command("brpop", -3, flags, keys: keysBeforeTimeout, syntax: "key [key ...] timeout:double",
                          "Removes and returns the last element in a list, or blocks until one is available. Deletes the list if the last element was popped.",
                          since: "2.0.0", complexity: "O(N) where N is the number of provided keys.", handler: brpop),
            lists.command("blmove", 6, moveFlags, keys: twoKeys,
                          syntax: "source:key destination:key wherefrom:<LEFT | RIGHT> whereto:<LEFT | RIGHT> timeout:double",
                          "Pops an element from a list, pushes it to another list and returns it, or blocks until one is available. Deletes the list if the last element was moved.",
                          since: "6.2.0", handler: blmove),
            lists.command("brpoplpush", 4, moveFlags, keys: twoKeys, syntax: "source:key destination:key timeout:double",
                          "Pops an element from a list, pushes it to another list and returns it, or blocks until one is available. Deletes the list if the last element was popped.",
                          since: "2.2.0",
                          docNotes: .deprecated(since: "6.2.0", replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments"),
                          handler: brpoplpush),
            lists.command("blmpop", -5, [.write, .blocking], keys: .none,
                          syntax: "timeout:double numkeys:integer key [key ...] where:<LEFT | RIGHT> [COUNT count:integer]",
                          "Pops the first elements from one of several lists, or blocks until one is available. Deletes the list if the last element was popped.",
                          since: "7.0.0",
                          complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
                          handler: blmpop).movingKeys(KeyPositions.countedKeys(at: 2)),
        ]
    }

    static func blpop(_ c: Client) { blockingPop(c, left: true) }
    static func brpop(_ c: Client) { blockingPop(c, left: false) }

    /// BLPOP/BRPOP key [key ...] timeout: replies `[key, element]`.
    private static func blockingPop(_ c: Client, left: Bool) {
        guard let deadline = BlockingTimeout.deadline(c, at: c.args.count - 1) else { return }
        let keys = Array(c.args[1..<(c.args.count - 1)])
        c.serveOrBlock(BlockingRequest(keys: keys, type: "list", deadline: deadline) { c, key, value in
            guard case .list(let list) = value else { return }
            c.reply.array(2)
            c.reply.bulk(key)
            c.reply.bulk(pop(list, left: left))
            removed(from: list, at: key, c, popEvent(left: left))
            c.engine.dirty += 1
            c.propagate(as: [left ? "LPOP" : "RPOP", key])
        })
    }

    /// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
    static func blmove(_ c: Client) {
        guard let fromLeft = side(c, 3), let toLeft = side(c, 4),
              let deadline = BlockingTimeout.deadline(c, at: 5) else { return }
        blockingMove(c, deadline: deadline, fromLeft: fromLeft, toLeft: toLeft) { c in
            // Served at once, Redis logs the client's own words; after blocking, its lowercase ones.
            let sides = c.isBlocked ? [Bytes(fromLeft ? "left" : "right"), Bytes(toLeft ? "left" : "right")]
                                    : [c.args[3], c.args[4]]
            return ["LMOVE", c.args[1], c.args[2]] + sides
        }
    }

    /// BRPOPLPUSH source destination timeout (BLMOVE … RIGHT LEFT).
    static func brpoplpush(_ c: Client) {
        guard let deadline = BlockingTimeout.deadline(c, at: 3) else { return }
        blockingMove(c, deadline: deadline, fromLeft: false, toLeft: true) { c in ["RPOPLPUSH", c.args[1], c.args[2]] }
    }

    /// Waits on the source only; a destination of another type answers WRONGTYPE
    /// when the element would move, leaving it in the source (and unblocking).
    private static func blockingMove(_ c: Client, deadline: Int64, fromLeft: Bool, toLeft: Bool,
                                     logged: @escaping (Client) -> [Bytes]) {
        let destination = c.args[2]
        let request = BlockingRequest(keys: [c.args[1]], type: "list", deadline: deadline,
                                      emptyReply: { $0.reply.null() }) { c, source, value in
            guard case .list(let list) = value else { return }
            if moveElement(c, from: list, at: source, to: destination, fromLeft: fromLeft, toLeft: toLeft) {
                c.propagate(as: logged(c))
            }
        }
        c.serveOrBlock(request)
    }

    /// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the
    /// arguments are checked before the timeout, as Redis 7.0 does.
    static func blmpop(_ c: Client) {
        guard let (keys, left, count) = multiPopArguments(c, numkeysIndex: 2),
              let deadline = BlockingTimeout.deadline(c, at: 1) else { return }
        c.serveOrBlock(BlockingRequest(keys: keys, type: "list", deadline: deadline) { c, key, value in
            guard case .list(let list) = value else { return }
            popRange(c, key, list, left: left, count: count)
        })
    }
}
