/// The node count of the radix tree Redis would index this stream's blocks
/// with (XINFO STREAM's `radix-tree-nodes`). Redis keys each listpack by its
/// master ID as 16 big-endian bytes in a `rax`, which stays in canonical
/// compressed form: a node per branching point and per key, plus one
/// compressed node per run of single-child steps. Computed from the sorted
/// keys' common prefixes, without building a tree.
extension StreamValue {
    public var radixTreeNodes: Int {
        let keys = blocks.map { Self.raxKey($0.masterID) }
        if keys.isEmpty { return 1 }
        if keys.count == 1 { return 2 }
        var lcps: [Int] = []
        lcps.reserveCapacity(keys.count - 1)
        for index in 0..<(keys.count - 1) { lcps.append(Self.commonPrefix(keys[index], keys[index + 1])) }
        let top = lcps.min()!
        // The head is a compressed node of the common prefix when there is one.
        var nodes = top > 0 ? 1 : 0
        nodes += keys.count
        // Leaves: each hangs from the deeper of its two neighbouring branch points.
        for index in 0..<keys.count {
            let left = index > 0 ? lcps[index - 1] : -1
            let right = index < lcps.count ? lcps[index] : -1
            if 16 - max(left, right) > 1 { nodes += 1 }
        }
        // Branching nodes, and the compressed runs between nested ones.
        var stack: [Int] = [top]
        var branches = 1
        func close(_ depth: Int, parent: Int) {
            if depth - parent > 1 { nodes += 1 }
        }
        for h in lcps {
            var last: Int? = nil
            while let current = stack.last, current > h {
                stack.removeLast()
                if let child = last { close(child, parent: current) }
                last = current
            }
            if let current = stack.last, current < h {
                stack.append(h)
                branches += 1
            }
            if let child = last, let parent = stack.last { close(child, parent: parent) }
        }
        while stack.count > 1 {
            let child = stack.removeLast()
            close(child, parent: stack.last!)
        }
        return nodes + branches
    }

    private static func raxKey(_ id: StreamID) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: id.ms >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: id.seq >> UInt64(shift))) }
        return out
    }

    private static func commonPrefix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var index = 0
        while index < 16 && a[index] == b[index] { index += 1 }
        return index
    }
}
