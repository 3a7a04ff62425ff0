/// Changing a string's bytes where they lie: the bit and HyperLogLog commands
/// rewrite a few bytes of a value that may be megabytes long, so they must not
/// copy it (Redis changes its sds in place).
extension Bytes {
    /// Runs `body` over the bytes, grown first with zero bytes to at least
    /// `minimumCount`. A heap string's array is taken out of the value before
    /// it is changed, so when the caller holds the only reference (the keyspace
    /// released its copy) nothing is copied, and growth is the array's
    /// geometric growth: linear over a run of appends.
    public mutating func withMutableBytes<R>(growingTo minimumCount: Int = 0,
                                             _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        let target = Swift.max(count, minimumCount)
        if target > Bytes.inlineCapacity {
            return try withArray { array in
                if array.count < target { array.append(contentsOf: repeatElement(0, count: target - array.count)) }
                return try array.withUnsafeMutableBytes(body)
            }
        }
        guard case .inline(let w0, let w1, let w2) = storage else {
            preconditionFailure("a heap string is longer than the inline capacity")
        }
        var words = (w0, w1, w2)
        // The padding past the old length is zero (the inline invariant), so growing only sets the length.
        let result = try Swift.withUnsafeMutableBytes(of: &words) { raw -> R in
            raw[23] = UInt8(truncatingIfNeeded: target)
            return try body(UnsafeMutableRawBufferPointer(rebasing: raw[0..<target]))
        }
        storage = .inline(words.0, words.1, words.2)
        return result
    }

    /// Runs `body` on the bytes as an array that may change length (the
    /// HyperLogLog sparse form inserts and removes opcodes). A heap string's
    /// own array is lent, unique when the caller holds the only reference;
    /// the result is stored back inline when it fits.
    public mutating func withArray<R>(_ body: (inout [UInt8]) throws -> R) rethrows -> R {
        var array: [UInt8]
        switch storage {
        case .heap(let stored):
            array = stored
            storage = .inline(0, 0, 0)  // release our reference so `array` is unique
        case .inline:
            array = self.array
        }
        defer { self = Bytes(array) }
        return try body(&array)
    }
}
