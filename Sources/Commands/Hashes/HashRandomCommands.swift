import Keyspace
import RESP
import SwirlBytes

/// HRANDFIELD and HSCAN: reading a hash in pieces.
enum HashRandomCommands {
    static func hrandfield(_ c: Client) {
        guard c.args.count >= 3 else {
            switch c.readHash(c.args[1]) {
            case .found(let hash): c.reply.bulk(hash.pair(at: Int.random(in: 0..<hash.count, using: &c.engine.keyspace.random)).0)
            case .missing: c.reply.null()
            case .wrongType: c.wrongType()
            }
            return
        }
        guard let requested = c.integer(at: 2) else { return }
        guard requested != Int64.min else {
            c.reply.error(Errors.countOutOfRange)
            return
        }
        var withValues = false
        if c.args.count > 4 || (c.args.count == 4 && !c.argument(3, is: "WITHVALUES")) {
            c.reply.error(Errors.syntax)
            return
        } else if c.args.count == 4 {
            withValues = true
            guard requested >= -Int64.max / 2 && requested <= Int64.max / 2 else {
                c.reply.error(Errors.outOfRange)
                return
            }
        }
        let hash: HashValue
        switch c.readHash(c.args[1]) {
        case .found(let found): hash = found
        case .missing: c.reply.raw(emptyArray); return
        case .wrongType: c.wrongType(); return
        }
        let unique = requested >= 0
        let count = Int(requested.magnitude)
        if count == 0 {
            c.reply.raw(emptyArray)
            return
        }
        if !unique || count == 1 {
            // Picks with repetition, made one at a time: the count can be far
            // beyond what fits in memory, and the output limit stops the loop.
            c.reply.array(withValues && !c.reply.isRESP3 ? count * 2 : count)
            for _ in 0..<count {
                reply(c, hash.pair(at: Int.random(in: 0..<hash.count, using: &c.engine.keyspace.random)), withValues: withValues)
                if c.outputLimitReached() { return }
            }
            return
        }
        let positions: [Int]
        if count >= hash.count {
            positions = Array(0..<hash.count)
        } else {
            positions = Array((0..<hash.count).shuffled(using: &c.engine.keyspace.random).prefix(count))
        }
        c.reply.array(withValues && !c.reply.isRESP3 ? positions.count * 2 : positions.count)
        for position in positions { reply(c, hash.pair(at: position), withValues: withValues) }
    }

    private static func reply(_ c: Client, _ pair: (Bytes, Bytes), withValues: Bool) {
        if withValues && c.reply.isRESP3 { c.reply.array(2) }
        c.reply.bulk(pair.0)
        if withValues { c.reply.bulk(pair.1) }
    }

    private static let emptyArray: [UInt8] = Array("*0\r\n".utf8)

    static func hscan(_ c: Client) {
        ScanOptions.scanKey(c, read: c.readHash) { hash, cursor, count, visit in
            hash.scan(cursor: cursor, count: count) { visit($0, $1) }
        }
    }
}
