#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

/// Entries packed back to back in one byte buffer, as a Redis listpack keeps
/// them: the small form of lists (an entry is an element) and of sorted sets
/// (an entry is a score and a member). Each entry is its payload's length, the
/// payload, and the length again, written backward, so a walk steps forward or
/// backward alike (a listpack keeps a back-length for the same reason). A
/// length is a `Varint`: one byte below 128. Nine short list elements cost
/// a few dozen bytes instead of nine 32-byte `Bytes`.
///
/// The owner keeps the entry count (and passes it in) and keeps the entries
/// few, so every walk is short and inserting at the front moves little.
/// Reads go through a cursor (a position and the offset of its entry), so the
/// position-by-position loops of LRANGE, LPOS, ZRANGE and iteration step one
/// entry at a time instead of walking from an end each time. Invariant: the
/// cursor names a real entry boundary (position ≤ count); every mutation puts
/// it back at the start.
struct PackedEntries {
    private(set) var bytes: [UInt8] = []
    private var cursorPosition: Int32 = 0
    private var cursorOffset: Int32 = 0

    /// The payload of entry `position` of `count`, valid only inside `body`.
    mutating func withPayload<R>(at position: Int, count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let offset = self.offset(of: position, count: count)
        return bytes.withUnsafeBytes { raw in
            var start = offset
            let length = Varint.read(raw, &start)
            return body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
        }
    }

    /// Visits the payloads from the first, with their positions, while `body` returns true.
    func forEachPayload(_ body: (Int, UnsafeRawBufferPointer) -> Bool) {
        bytes.withUnsafeBytes { raw in
            var offset = 0, position = 0
            while offset < raw.count {
                let length = Varint.read(raw, &offset)
                guard body(position, UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])) else { return }
                offset += length + Varint.size(length)
                position += 1
            }
        }
    }

    /// The position of the first entry whose payload is `wanted`.
    func position(of wanted: Bytes) -> Int? {
        var found: Int?
        wanted.withUnsafeBytes { wanted in
            forEachPayload { position, payload in
                guard payload.count == wanted.count,
                      wanted.count == 0 || memcmp(payload.baseAddress!, wanted.baseAddress!, wanted.count) == 0 else { return true }
                found = position
                return false
            }
        }
        return found
    }

    /// Inserts an entry of `length` payload bytes at `position` (0...count);
    /// `write` fills the payload.
    mutating func insert(at position: Int, count: Int, length: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        let offset = self.offset(of: position, count: count)
        let size = length + 2 * Varint.size(length)
        if offset == bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: size))
        } else {
            bytes.replaceSubrange(offset..<offset, with: repeatElement(0, count: size))
        }
        fill(at: offset, length: length, write)
    }

    mutating func replace(at position: Int, count: Int, length: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        let offset = self.offset(of: position, count: count)
        let end = self.offset(of: position + 1, count: count)
        bytes.replaceSubrange(offset..<end, with: repeatElement(0, count: length + 2 * Varint.size(length)))
        fill(at: offset, length: length, write)
    }

    /// Removes the entries at `range` of `count`.
    mutating func removeSubrange(_ range: Range<Int>, count: Int) {
        guard !range.isEmpty else { return }
        let start = offset(of: range.lowerBound, count: count)
        let end = offset(of: range.upperBound, count: count)
        if end == bytes.count {
            bytes.removeLast(end - start)
        } else {
            bytes.removeSubrange(start..<end)
        }
        resetCursor()
    }

    mutating func removeAll() {
        bytes = []
        resetCursor()
    }

    // MARK: - Walking

    /// The byte offset of entry `position` (`bytes.count` for `count`), walked
    /// from whichever of the start, the cursor and the end is nearest; the
    /// cursor then stays there.
    private mutating func offset(of position: Int, count: Int) -> Int {
        if position == count { return bytes.count }
        var index = Int(cursorPosition), offset = Int(cursorOffset)
        if position < abs(position - index) {
            (index, offset) = (0, 0)
        }
        if count - position < abs(position - index) {
            (index, offset) = (count, bytes.count)
        }
        bytes.withUnsafeBytes { raw in
            while index < position {
                let length = Varint.read(raw, &offset)
                offset += length + Varint.size(length)
                index += 1
            }
            while index > position {
                var end = offset
                let length = Varint.readBackward(raw, &end)
                offset = end - length - Varint.size(length)
                index -= 1
            }
        }
        if offset <= Int(Int32.max) {  // a buffer past 2 GB (only under huge listpack limits) walks without it
            cursorPosition = Int32(index)
            cursorOffset = Int32(offset)
        }
        return offset
    }

    private mutating func resetCursor() {
        cursorPosition = 0
        cursorOffset = 0
    }

    // MARK: - Lengths

    /// Writes the length in front, the payload, and the length behind, into room
    /// already opened at `offset`.
    private mutating func fill(at offset: Int, length: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        let lengthSize = Varint.size(length)
        bytes.withUnsafeMutableBytes { raw in
            var at = offset
            Varint.forEachByte(length) { byte in
                raw[at] = byte
                at += 1
            }
            write(UnsafeMutableRawBufferPointer(rebasing: raw[at..<(at + length)]))
            var back = at + length + lengthSize - 1
            Varint.forEachByte(length) { byte in
                raw[back] = byte
                back -= 1
            }
        }
        resetCursor()
    }
}
