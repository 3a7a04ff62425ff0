import Keyspace
import RESP
import SwirlBytes

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
enum LCSCommand {
    static func specs() -> [CommandSpec] {
        [
            StringCommands.group.command("lcs", -3, [.readonly], keys: KeyPositions(first: 1, last: 2, step: 1),
                                         syntax: "key1:key key2:key#0 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]",
                                         "Finds the longest common substring.", since: "7.0.0", complexity: "O(N*M)",
                                         handler: lcs),
        ]
    }

    static func lcs(_ c: Client) {
        // Redis checks the types before the options.
        func bytes(_ value: RedisValue?) -> [UInt8]? {
            switch value {
            case nil: return []
            case .string(let bytes)?: return bytes.array
            case .some: return nil
            }
        }
        // Both keys are read (hit or miss) before either is type-checked.
        let first = c.readValue(c.args[1]), second = c.readValue(c.args[2])
        guard let a = bytes(first), let b = bytes(second) else {
            c.reply.error("ERR The specified keys must contain string values")
            return
        }
        var wantLength = false, wantIndexes = false, withMatchLength = false
        var minMatchLength: Int64 = 0
        var index = 3
        while index < c.args.count {
            if c.argument(index, is: "IDX") {
                wantIndexes = true
            } else if c.argument(index, is: "LEN") {
                wantLength = true
            } else if c.argument(index, is: "WITHMATCHLEN") {
                withMatchLength = true
            } else if c.argument(index, is: "MINMATCHLEN") && index + 1 < c.args.count {
                guard let value = c.integer(at: index + 1) else { return }
                minMatchLength = max(0, value)
                index += 1
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 1
        }
        if wantIndexes && wantLength {
            c.reply.error("ERR If you want both the length and indexes, please just use IDX.")
            return
        }
        // Redis's checks, in its order; the table's size is computed with overflow
        // checks (two strings near 4 GB would overflow it, a trap).
        guard a.count < Int(UInt32.max) - 1, b.count < Int(UInt32.max) - 1 else {
            c.reply.error("ERR String too long for LCS")
            return
        }
        let width = b.count + 1
        let (cells, overflow) = (a.count + 1).multipliedReportingOverflow(by: width)
        guard !overflow, cells <= Int.max / 4 else {
            c.reply.error("ERR Insufficient memory, failed allocating transient memory for LCS")
            return
        }
        guard cells * 4 <= c.engine.config.protoMaxBulkLen else {
            c.reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
            return
        }
        // table[i * width + j] is the LCS length of a[..<i] and b[..<j].
        var table = [UInt32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                table[i * width + j] = a[i - 1] == b[j - 1]
                    ? table[(i - 1) * width + j - 1] + 1
                    : max(table[(i - 1) * width + j], table[i * width + j - 1])
            }
        }
        let length = Int(table[a.count * width + b.count])
        if wantLength && !wantIndexes {
            c.reply.integer(length)
            return
        }
        // Walk back from the end, collecting the common string and the matching ranges.
        var common = [UInt8](repeating: 0, count: length)
        var matches = ReplyBuffer(protocolVersion: c.protocolVersion)
        var matchCount = 0
        var i = a.count, j = b.count, remaining = length
        var aStart = a.count, aEnd = 0, bStart = 0, bEnd = 0
        while i > 0 && j > 0 {
            var emit = false
            if a[i - 1] == b[j - 1] {
                common[remaining - 1] = a[i - 1]
                if aStart == a.count {
                    aStart = i - 1; aEnd = i - 1; bStart = j - 1; bEnd = j - 1
                } else if aStart == i && bStart == j {
                    aStart -= 1; bStart -= 1
                } else {
                    emit = true
                }
                if aStart == 0 || bStart == 0 { emit = true }
                remaining -= 1; i -= 1; j -= 1
            } else {
                if table[(i - 1) * width + j] > table[i * width + j - 1] { i -= 1 } else { j -= 1 }
                if aStart != a.count { emit = true }
            }
            if emit {
                let matchLength = aEnd - aStart + 1
                if wantIndexes && (minMatchLength == 0 || Int64(matchLength) >= minMatchLength) {
                    matches.array(withMatchLength ? 3 : 2)
                    matches.array(2); matches.integer(aStart); matches.integer(aEnd)
                    matches.array(2); matches.integer(bStart); matches.integer(bEnd)
                    if withMatchLength { matches.integer(matchLength) }
                    matchCount += 1
                }
                aStart = a.count
            }
        }
        if wantIndexes {
            c.reply.map(2)
            c.reply.bulk("matches")
            c.reply.array(matchCount)
            c.reply.raw(matches.bytes)
            c.reply.bulk("len")
            c.reply.integer(length)
        } else {
            c.reply.bulk(common)
        }
    }
}
