import SwirlBytes

/// The small form of a list: its elements back to back in one byte buffer, as
/// a Redis listpack keeps them. Each entry is the element's length (one byte),
/// its bytes, and its length again, so a walk steps forward or backward alike
/// (a listpack keeps a back-length for the same reason). Nine short elements
/// cost a few dozen bytes instead of nine 32-byte `Bytes` in a ring.
///
/// Only lists of at most `maxCount` elements of at most `maxElementLength`
/// bytes are packed (`ListValue` moves a list that outgrows that to its ring),
/// so every walk is short and pushing at the front moves at most ~8 KB.
///
/// Reads go through a cursor (a position and the offset of its entry), so the
/// position-by-position loops of LRANGE, LPOS, LINDEX and iteration step one
/// entry at a time instead of walking from an end each time. Invariant: the
/// cursor names a real entry boundary (position ≤ count); every mutation puts
/// it back at the start.
struct PackedList {
    static let maxElementLength = 64
    static let maxCount = 128

    private(set) var bytes: [UInt8] = []
    private var cursorPosition: Int32 = 0
    private var cursorOffset: Int32 = 0

    static func fits(_ element: Bytes) -> Bool { element.count <= maxElementLength }

    /// The element at `position` of a list of `count` elements.
    mutating func element(at position: Int, count: Int) -> Bytes {
        let offset = self.offset(of: position, count: count)
        return bytes.withUnsafeBytes { raw in
            let length = Int(raw[offset])
            return Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[(offset + 1)..<(offset + 1 + length)]))
        }
    }

    mutating func append(_ element: Bytes) {
        bytes.append(UInt8(element.count))
        element.withUnsafeBytes { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(element.count))
        resetCursor()
    }

    mutating func insert(_ element: Bytes, at position: Int, count: Int) {
        if position == count { return append(element) }
        let offset = self.offset(of: position, count: count)
        bytes.replaceSubrange(offset..<offset, with: repeatElement(0, count: element.count + 2))
        write(element, at: offset)
    }

    mutating func replace(at position: Int, count: Int, with element: Bytes) {
        let offset = self.offset(of: position, count: count)
        bytes.replaceSubrange(offset..<(offset + Int(bytes[offset]) + 2), with: repeatElement(0, count: element.count + 2))
        write(element, at: offset)
    }

    mutating func removeFirst() -> Bytes {
        let first = element(at: 0, count: 1)
        bytes.removeSubrange(0..<(first.count + 2))
        resetCursor()
        return first
    }

    mutating func removeLast(count: Int) -> Bytes {
        let last = element(at: count - 1, count: count)
        bytes.removeLast(last.count + 2)
        resetCursor()
        return last
    }

    /// Removes positions `range` of a list of `count` elements.
    mutating func removeSubrange(_ range: Range<Int>, count: Int) {
        guard !range.isEmpty else { return }
        let start = offset(of: range.lowerBound, count: count)
        let end = offset(of: range.upperBound, count: count)
        bytes.removeSubrange(start..<end)
        resetCursor()
    }

    mutating func removeAll() {
        bytes = []
        resetCursor()
    }

    /// The byte offset of entry `position` (`bytes.count` for `count`), walked
    /// from whichever of the start, the cursor and the end is nearest; the
    /// cursor then stays there.
    private mutating func offset(of position: Int, count: Int) -> Int {
        var index = Int(cursorPosition), offset = Int(cursorOffset)
        if position < abs(position - index) {
            (index, offset) = (0, 0)
        }
        if count - position < abs(position - index) {
            (index, offset) = (count, bytes.count)
        }
        bytes.withUnsafeBytes { raw in
            while index < position {
                offset += Int(raw[offset]) + 2
                index += 1
            }
            while index > position {
                offset -= Int(raw[offset - 1]) + 2
                index -= 1
            }
        }
        cursorPosition = Int32(index)
        cursorOffset = Int32(offset)
        return offset
    }

    private mutating func resetCursor() {
        cursorPosition = 0
        cursorOffset = 0
    }

    /// Fills the room opened for `element` at `offset` (no temporary entry array).
    private mutating func write(_ element: Bytes, at offset: Int) {
        let length = element.count
        bytes.withUnsafeMutableBytes { raw in
            raw[offset] = UInt8(length)
            element.withUnsafeBytes { source in
                if length > 0 { (raw.baseAddress! + offset + 1).copyMemory(from: source.baseAddress!, byteCount: length) }
            }
            raw[offset + 1 + length] = UInt8(length)
        }
        resetCursor()
    }
}
