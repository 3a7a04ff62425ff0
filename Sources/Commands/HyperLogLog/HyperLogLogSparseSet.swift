extension HyperLogLog {
    /// The result of raising one register.
    enum Update { case unchanged, changed, corrupt }

    /// Redis's hllAdd: hashes `element` and raises its register.
    static func add(_ element: UnsafeRawBufferPointer, to bytes: inout [UInt8]) -> Update {
        let (register, count) = pattern(of: element)
        return set(register, count, in: &bytes)
    }

    /// Raises register `index` to `count` in a value of either encoding.
    static func set(_ index: Int, _ count: UInt8, in bytes: inout [UInt8]) -> Update {
        if bytes[4] == dense {
            return bytes.withUnsafeMutableBytes { denseSet($0, index, count) } ? .changed : .unchanged
        }
        return Sparse.set(index, count, in: &bytes)
    }
}

extension HyperLogLog.Sparse {
    typealias HLL = HyperLogLog

    /// Redis's hllSparseSet: finds the opcode covering `index`; a VAL already as
    /// high changes nothing; a one-register VAL or ZERO is rewritten in place;
    /// otherwise the opcode is split (at most XZERO-VAL-XZERO, 5 bytes) and the
    /// tail moved, then neighbouring equal VALs are merged. A value above 32 or
    /// a split that would pass `hll-sparse-max-bytes` turns the HLL dense first.
    static func set(_ index: Int, _ count: UInt8, in bytes: inout [UInt8]) -> HLL.Update {
        guard count <= valMaxValue else { return promote(index, count, &bytes) }
        // Step 1: the opcode at `p` covers registers first ... first + span - 1.
        var p = HLL.headerSize, first = 0, span = 0
        var previous: Int?
        let end = bytes.count
        var opLength = 1
        bytes.withUnsafeBytes { raw in
            while p < end {
                let op = raw[p]
                opLength = 1
                if isZero(op) {
                    span = zeroLength(op)
                } else if isVal(op) {
                    span = valLength(op)
                } else {
                    span = xzeroLength(op, byte(raw, p + 1))
                    opLength = 2
                }
                if index <= first + span - 1 { break }
                previous = p
                p += opLength
                first += span
            }
        }
        guard span != 0, p < end else { return .corrupt }
        let op = bytes[p]
        let runLength = isZero(op) ? zeroLength(op) : isVal(op) ? valLength(op) : span

        // Step 2: the cases that need no split.
        if isVal(op) {
            let old = valValue(op)
            if old >= count { return .unchanged }
            if runLength == 1 {
                bytes[p] = val(count, 1)
                mergeValues(from: previous ?? HLL.headerSize, &bytes)
                return .changed
            }
        }
        if isZero(op) && runLength == 1 {
            bytes[p] = val(count, 1)
            mergeValues(from: previous ?? HLL.headerSize, &bytes)
            return .changed
        }

        // Step 3: split the opcode around the register.
        let last = first + span - 1
        var sequence: [UInt8] = []
        sequence.reserveCapacity(5)
        if isVal(op) {
            let current = valValue(op)
            if index != first { sequence.append(val(current, index - first)) }
            sequence.append(val(count, 1))
            if index != last { sequence.append(val(current, last - index)) }
        } else {
            func zeros(_ length: Int) {
                if length > zeroMaxLength { appendXZero(length, to: &sequence) } else { sequence.append(UInt8(length - 1)) }
            }
            if index != first { zeros(index - first) }
            sequence.append(val(count, 1))
            if index != last { zeros(last - index) }
        }
        let oldLength = isXZero(op) ? 2 : 1
        let delta = sequence.count - oldLength
        if delta > 0 && bytes.count + delta > HLL.sparseMaxBytes { return promote(index, count, &bytes) }
        if p + oldLength <= end {
            bytes.replaceSubrange(p..<(p + oldLength), with: sequence)
        } else {
            // An XZERO cut after its first byte (a corrupt value Redis still edits): Redis
            // writes the sequence there and grows the string by `delta`, so its last byte
            // falls outside the string.
            bytes.removeSubrange(p...)
            bytes.append(contentsOf: sequence)
            bytes.removeLast(bytes.count - (end + delta))
        }
        mergeValues(from: previous ?? HLL.headerSize, &bytes)
        return .changed
    }

    /// Step 4 of Redis's hllSparseSet: from the opcode before the change, up to
    /// five opcodes are visited and adjacent VALs of the same value whose runs
    /// fit one opcode are merged. Then the cached cardinality is marked stale.
    private static func mergeValues(from start: Int, _ bytes: inout [UInt8]) {
        var p = start, budget = 5
        while p < bytes.count {
            guard budget > 0 else { break }
            budget -= 1
            let op = bytes[p]
            if isXZero(op) { p += 2; continue }
            if isZero(op) { p += 1; continue }
            if p + 1 < bytes.count, isVal(bytes[p + 1]) {
                let next = bytes[p + 1]
                let length = valLength(op) + valLength(next)
                if valValue(op) == valValue(next) && length <= valMaxLength {
                    bytes[p + 1] = val(valValue(op), length)
                    bytes.remove(at: p)
                    continue  // the merged opcode may merge with the next one too
                }
            }
            p += 1
        }
        HLL.invalidateCache(&bytes)
    }

    /// Turns the value dense and raises the register there (Redis's `promote:`).
    private static func promote(_ index: Int, _ count: UInt8, _ bytes: inout [UInt8]) -> HLL.Update {
        guard toDense(&bytes) else { return .corrupt }
        _ = bytes.withUnsafeMutableBytes { HLL.denseSet($0, index, count) }
        return .changed
    }
}
