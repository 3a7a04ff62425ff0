import Keyspace
import RESP
import SwirlBytes

extension AOFRewriter {
    /// A stream as Redis 7.0's rewrite writes it: an XADD per entry (an empty
    /// stream is `XADD key MAXLEN 0 0-1 x y`), XSETID with the counters, then
    /// per group in name order XGROUP CREATE … ENTRIESREAD, and per consumer in
    /// name order its pending entries as XCLAIM … TIME RETRYCOUNT JUSTID FORCE,
    /// or XGROUP CREATECONSUMER when it has none.
    static func appendStream(_ key: Bytes, _ stream: StreamValue, to out: inout [UInt8]) {
        if stream.length > 0 {
            stream.forEach(from: .zero, to: .max) { entry in
                var command: [Bytes] = ["XADD", key, entry.id.bytes]
                command.append(contentsOf: entry.pairs)
                CommandEncoder.append(command, to: &out)
                return true
            }
        } else {
            CommandEncoder.append(["XADD", key, "MAXLEN", "0", "0-1", "x", "y"], to: &out)
        }
        CommandEncoder.append(["XSETID", key, stream.lastID.bytes,
                               "ENTRIESADDED", ByteNumbers.decimal(Int64(bitPattern: stream.entriesAdded)),
                               "MAXDELETEDID", stream.maxDeletedID.bytes], to: &out)
        for group in stream.sortedGroups {
            CommandEncoder.append(["XGROUP", "CREATE", key, group.name, group.lastID.bytes,
                                   "ENTRIESREAD", ByteNumbers.decimal(group.entriesRead)], to: &out)
            for consumer in group.sortedConsumers {
                if consumer.pending.isEmpty {
                    CommandEncoder.append(["XGROUP", "CREATECONSUMER", key, group.name, consumer.name], to: &out)
                    continue
                }
                consumer.pending.forEach { id, pending in
                    CommandEncoder.append(["XCLAIM", key, group.name, consumer.name, "0", id.bytes,
                                           "TIME", ByteNumbers.decimal(pending.deliveryTime),
                                           "RETRYCOUNT", ByteNumbers.decimal(pending.deliveryCount),
                                           "JUSTID", "FORCE"], to: &out)
                    return true
                }
            }
        }
    }
}
