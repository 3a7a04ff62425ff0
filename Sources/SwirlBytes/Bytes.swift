/// A binary-safe byte string: keys, values, arguments.
///
/// Up to 23 bytes live inline in the value itself, so most keys, counters and
/// small values cost no heap allocation at all (the decoder makes one per
/// argument, the keyspace one per key and value): Redis gets the same effect
/// from its embedded strings. Longer strings are a `[UInt8]`.
///
/// Invariant: a string of at most `inlineCapacity` bytes is always `.inline`,
/// so equal strings have the same case and `==` never compares across cases.
@frozen
public struct Bytes: Sendable {
    public static let inlineCapacity = 23

    @usableFromInline
    @frozen
    enum Storage: Sendable {
        /// Little-endian bytes in the three words; the top byte of `w2` is the length.
        case inline(UInt64, UInt64, UInt64)
        case heap([UInt8])
    }

    @usableFromInline var storage: Storage

    @inlinable
    init(storage: Storage) { self.storage = storage }

    public init() { storage = .inline(0, 0, 0) }

    @inlinable
    public init(_ array: [UInt8]) {
        if array.count <= Bytes.inlineCapacity {
            self = array.withUnsafeBytes { Bytes(copying: $0) }
        } else {
            storage = .heap(array)
        }
    }

    @inlinable
    public init(copying raw: UnsafeRawBufferPointer) {
        let count = raw.count
        if count > Bytes.inlineCapacity {
            storage = .heap(Array(raw))
            return
        }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            if count > 0 { target.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: count) }
            target[23] = UInt8(truncatingIfNeeded: count)
        }
        storage = .inline(words.0, words.1, words.2)
    }

    @inlinable
    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if let array = bytes as? [UInt8] {
            self.init(array)
        } else {
            self.init(Array(bytes))
        }
    }

    public init(_ text: String) { self.init(Array(text.utf8)) }

    @inlinable
    public var count: Int {
        switch storage {
        case .inline(_, _, let w2): return Int(truncatingIfNeeded: w2 >> 56)
        case .heap(let array): return array.count
        }
    }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// The bytes, valid only inside `body`.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .inline(let w0, let w1, let w2):
            var words = (w0, w1, w2)
            let count = Int(truncatingIfNeeded: w2 >> 56)
            return try Swift.withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        case .heap(let array):
            return try array.withUnsafeBytes(body)
        }
    }

    /// The raw words of an inline string, for hashing them without copying bytes.
    public enum HashableStorage { case inline(UInt64, UInt64, UInt64), heap }

    @inlinable
    public var storageForHashing: HashableStorage {
        switch storage {
        case .inline(let w0, let w1, let w2): return .inline(w0, w1, w2)
        case .heap: return .heap
        }
    }

    /// A `[UInt8]` copy (free for heap strings: arrays are copy-on-write).
    @inlinable
    public var array: [UInt8] {
        switch storage {
        case .inline: return withUnsafeBytes { Array($0) }
        case .heap(let array): return array
        }
    }

    /// The string with ASCII `A`–`Z` turned to `a`–`z` (command names, option
    /// words). An inline string is lowercased a word at a time: a command lookup
    /// pays a few instructions rather than a loop over its bytes.
    @inlinable
    public var asciiLowercased: Bytes {
        switch storage {
        case .inline(let w0, let w1, let w2):
            // The length byte (at most 23) and the zero padding are never uppercase letters.
            return Bytes(storage: .inline(Self.lowercasedWord(w0), Self.lowercasedWord(w1), Self.lowercasedWord(w2)))
        case .heap(let array):
            return Bytes(storage: .heap(array.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }))
        }
    }

    /// Sets bit 5 of each byte in `A`–`Z`, eight bytes in parallel: adding to the
    /// low seven bits of a byte carries into its top bit when the byte is at least
    /// `A` (and again at least `[`), never into the next byte.
    @inlinable
    static func lowercasedWord(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let low7 = word & ~highs
        let atLeastA = (low7 &+ ones &* (0x80 - 0x41)) & highs
        let atLeastBracket = (low7 &+ ones &* (0x80 - 0x5b)) & highs
        let upper = atLeastA & ~atLeastBracket & ~word & highs
        return word | (upper >> 2)
    }

    /// Appends bytes, moving to the heap when the string outgrows the inline space.
    public mutating func append<C: Collection>(contentsOf other: C) where C.Element == UInt8 {
        if case .heap(var array) = storage {
            storage = .inline(0, 0, 0)  // release our reference so `array` is unique and grows in place
            array.append(contentsOf: other)
            storage = .heap(array)
        } else {
            var array = self.array
            array.append(contentsOf: other)
            self = Bytes(array)
        }
    }
}

extension Bytes: RandomAccessCollection {
    public typealias Index = Int
    public typealias Element = UInt8
    public typealias SubSequence = Slice<Bytes>

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable
    public subscript(position: Int) -> UInt8 {
        switch storage {
        case .inline(let w0, let w1, let w2):
            precondition(position >= 0 && position < Int(truncatingIfNeeded: w2 >> 56), "Bytes index out of range")
            let word = position < 8 ? w0 : (position < 16 ? w1 : w2)
            return UInt8(truncatingIfNeeded: word >> (UInt64(position & 7) * 8))
        case .heap(let array):
            return array[position]
        }
    }

    @inlinable
    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try withUnsafeBytes { try body($0.bindMemory(to: UInt8.self)) }
    }
}

extension Bytes: Equatable {
    @inlinable
    public static func == (a: Bytes, b: Bytes) -> Bool {
        switch (a.storage, b.storage) {
        case (.inline(let a0, let a1, let a2), .inline(let b0, let b1, let b2)):
            return a0 == b0 && a1 == b1 && a2 == b2
        case (.heap(let x), .heap(let y)):
            return x == y
        default:
            return false
        }
    }
}

extension Bytes: Hashable {
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension Bytes: ExpressibleByStringLiteral {
    public init(stringLiteral text: String) { self.init(text) }
}

extension Bytes: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { String(decoding: array, as: UTF8.self) }
    public var debugDescription: String { "Bytes(\(String(reflecting: description)))" }
}
