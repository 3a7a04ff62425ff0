/// Redis's pqsort (Bentley and McIlroy's quicksort, as in NetBSD's qsort,
/// that skips the partitions outside the positions wanted): what GEOSEARCH
/// and GEORADIUS use when COUNT keeps fewer results than were found. It is
/// not a stable sort, so members at equal distances come out in an order
/// only this exact sequence of comparisons and swaps reproduces; hence the
/// same algorithm, step for step, on an array of indices.
enum PartialQuickSort {
    /// Sorts `items` enough that positions `wanted` hold what a full sort
    /// would put there; `compare` returns <0, 0 or >0 as C's comparators do.
    static func sort<T>(_ items: inout [T], wanted: ClosedRange<Int>, by compare: @escaping (T, T) -> Int) {
        guard items.count > 1 else { return }
        var sorter = Sorter(items: items, compare: compare, wanted: wanted)
        sorter.sort(start: 0, count: items.count)
        items = sorter.items
    }

    private struct Sorter<T> {
        var items: [T]
        let compare: (T, T) -> Int
        let wanted: ClosedRange<Int>

        func cmp(_ i: Int, _ j: Int) -> Int { compare(items[i], items[j]) }

        /// The median of three positions, with the comparisons C's med3 makes.
        func median(_ a: Int, _ b: Int, _ c: Int) -> Int {
            cmp(a, b) < 0
                ? (cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a))
                : (cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c))
        }

        /// Swaps the runs [a, a+n) and [b, b+n) element by element.
        mutating func swapRuns(_ a: Int, _ b: Int, _ n: Int) {
            for k in 0..<max(n, 0) { items.swapAt(a + k, b + k) }
        }

        /// Whether the run [start, start+count) holds a wanted position.
        func touchesWanted(_ start: Int, _ count: Int) -> Bool {
            let end = start + count
            let bothBefore = wanted.lowerBound < start && wanted.upperBound < start
            let bothAfter = wanted.lowerBound >= end && wanted.upperBound >= end
            return !(bothBefore || bothAfter)
        }

        mutating func sort(start initialStart: Int, count initialCount: Int) {
            var a = initialStart, n = initialCount
            while true {
                if n < 7 {
                    // Insertion sort of a short run.
                    var m = a + 1
                    while m < a + n {
                        var l = m
                        while l > a && cmp(l - 1, l) > 0 {
                            items.swapAt(l, l - 1)
                            l -= 1
                        }
                        m += 1
                    }
                    return
                }
                var pm = a + n / 2
                if n > 7 {
                    var pl = a, pn = a + n - 1
                    if n > 40 {
                        let d = n / 8
                        pl = median(pl, pl + d, pl + 2 * d)
                        pm = median(pm - d, pm, pm + d)
                        pn = median(pn - 2 * d, pn - d, pn)
                    }
                    pm = median(pl, pm, pn)
                }
                items.swapAt(a, pm)
                // Partition around items[a]: equal keys gather at both ends, then move to the middle.
                var pa = a + 1, pb = a + 1
                var pc = a + n - 1, pd = a + n - 1
                while true {
                    while pb <= pc {
                        let result = cmp(pb, a)
                        if result > 0 { break }
                        if result == 0 {
                            items.swapAt(pa, pb)
                            pa += 1
                        }
                        pb += 1
                    }
                    while pb <= pc {
                        let result = cmp(pc, a)
                        if result < 0 { break }
                        if result == 0 {
                            items.swapAt(pc, pd)
                            pd -= 1
                        }
                        pc -= 1
                    }
                    if pb > pc { break }
                    items.swapAt(pb, pc)
                    pb += 1
                    pc -= 1
                }
                let pn = a + n
                var r = min(pa - a, pb - pa)
                swapRuns(a, pb - r, r)
                r = min(pd - pc, pn - pd - 1)
                swapRuns(pb, pn - r, r)
                r = pb - pa
                if r > 1 && touchesWanted(a, r) { sort(start: a, count: r) }
                r = pd - pc
                guard r > 1 else { return }
                // The right part loops instead of recursing, as in C.
                a = pn - r
                n = r
                guard touchesWanted(a, n) else { return }
            }
        }
    }
}
