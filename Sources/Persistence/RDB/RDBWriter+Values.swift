import Keyspace
import RESP
import SwirlBytes

/// Values in the encodings Redis 7.0 writes for the same data: a compact
/// hash or sorted set as a listpack, a large one entry by entry (sorted-set
/// scores as binary doubles), a set of few integers as an intset, any other
/// set member by member (listpack sets are Redis 7.2's), a list as a
/// quicklist of listpack nodes of at most 8 KB.
extension RDBWriter {
    static func typeByte(_ value: RedisValue) -> UInt8 {
        switch value {
        case .string: return RDBFormat.string
        case .list: return RDBFormat.listQuicklist2
        case .set(let set): return set.form == .intset ? RDBFormat.setIntset : RDBFormat.set
        case .sortedSet(let zset): return zset.isCompact ? RDBFormat.zsetListpack : RDBFormat.zsetBinary
        case .hash(let hash): return hash.isCompact ? RDBFormat.hashListpack : RDBFormat.hash
        case .stream: return RDBFormat.streamListpacks2
        }
    }

    /// The type byte and the value (the head of a DUMP payload).
    public mutating func value(_ value: RedisValue) {
        buffer.append(Self.typeByte(value))
        writeValueBody(value)
    }

    mutating func writeValueBody(_ value: RedisValue) {
        switch value {
        case .string(let bytes):
            writeString(bytes)
        case .stream(let stream):
            writeStream(stream)
        case .list(let list):
            writeList(list)
        case .set(let set):
            if set.form == .intset {
                writeString(IntsetEncoder.encode(set.integerMembers))
            } else {
                writeLength(set.count)
                set.forEach { writeString($0) }
            }
        case .sortedSet(let zset):
            if zset.isCompact {
                var listpack = ListpackBuilder()
                zset.forEach { member, score in
                    listpack.append(member)
                    listpack.append(Self.scoreText(score))
                }
                writeString(listpack.finish())
            } else {
                // From the highest score down, as Redis: its loader then inserts at the head.
                writeLength(zset.count)
                zset.forEach(ranks: 0..<zset.count, reverse: true) { member, score in
                    writeString(member)
                    writeLittleEndian(score.bitPattern, 8)
                }
            }
        case .hash(let hash):
            if hash.isCompact {
                var listpack = ListpackBuilder()
                hash.forEach { field, value in
                    listpack.append(field)
                    listpack.append(value)
                }
                writeString(listpack.finish())
            } else {
                writeLength(hash.count)
                hash.forEach { field, value in
                    writeString(field)
                    writeString(value)
                }
            }
        }
    }

    /// A score in a listpack: an integral one as Redis's d2string writes it (an
    /// integer, which the listpack then stores as a number), any other in its
    /// shortest form that reads back to the same double. Redis writes `%.17g`
    /// there (0.1 as 0.10000000000000001); both load to the same score, and
    /// printf costs a quarter of a SAVE of fractional scores.
    static func scoreText(_ score: Double) -> Bytes {
        if score.isFinite && score.magnitude < 9_007_199_254_740_992 && score == score.rounded(.towardZero)
            && !(score == 0 && score.sign == .minus) {
            return ByteNumbers.decimal(Int64(score))
        }
        if score.isInfinite { return score > 0 ? "inf" : "-inf" }
        return Bytes(score.description)
    }

    /// A quicklist: its node count, then each node's container and blob.
    private mutating func writeList(_ list: ListValue) {
        var nodes: [(container: Int, blob: [UInt8])] = []
        var node = ListpackBuilder()
        for element in list {
            if element.count >= RDBFormat.plainElementBytes {
                if node.count > 0 { nodes.append((RDBFormat.packedNode, node.finish())); node = ListpackBuilder() }
                nodes.append((RDBFormat.plainNode, element.array))
                continue
            }
            if node.count > 0 && (node.size + element.count + 8 > RDBFormat.listNodeBytes || node.count == 65535) {
                nodes.append((RDBFormat.packedNode, node.finish()))
                node = ListpackBuilder()
            }
            node.append(element)
        }
        if node.count > 0 { nodes.append((RDBFormat.packedNode, node.finish())) }
        writeLength(nodes.count)
        for (container, blob) in nodes {
            writeLength(container)
            writeString(blob)
        }
    }
}
