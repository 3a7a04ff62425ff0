import Keyspace
import SwirlBytes

/// Gathering the members inside a shape (Redis's membersOfAllNeighbors):
/// each cell to scan is a score range of the sorted set, read in ascending
/// order, and each member in it is decoded and kept when inside the shape.
/// The unsorted result is in that order: cell by cell, by score within a cell.
enum GeoSearch {
    struct Point {
        var member: Bytes
        var score: Double
        var longitude: Double
        var latitude: Double
        /// In metres.
        var distance: Double
    }

    /// The points inside `shape`; with a `limit` (COUNT … ANY) the scan stops
    /// as soon as that many were found.
    static func points(in zset: SortedSetValue, _ shape: GeoShape, limit: Int) -> [Point] {
        var found: [Point] = []
        var previous: GeoHash? = nil
        for cell in shape.cellsToScan where !cell.isNone {
            // With a huge radius neighbouring cells can be the same cell: a
            // cell equal to the one scanned just before is skipped (only that
            // one, as Redis).
            if let previous, previous == cell { continue }
            if limit > 0 && found.count >= limit { break }
            scan(zset, cell, shape, limit: limit, into: &found)
            previous = cell
        }
        return found
    }

    /// The members whose scores fall in `cell`: [its hash, the next hash)
    /// on the 52-bit scale.
    private static func scan(_ zset: SortedSetValue, _ cell: GeoHash, _ shape: GeoShape, limit: Int, into found: inout [Point]) {
        let low = cell.aligned52
        let high = GeoHash(bits: cell.bits &+ 1, step: cell.step).aligned52
        let ranks = zset.ranks(in: ScoreRange(min: Double(low), max: Double(high), maxExclusive: true))
        // Members are read only for the points kept; ANY stops the walk at its count, as Redis's scan.
        zset.scan(ranks: ranks) { score, member in
            let point = GeoHash.decode(score: score)
            if let distance = shape.distanceIfInside(longitude: point.longitude, latitude: point.latitude) {
                found.append(Point(member: member(), score: score, longitude: point.longitude,
                                   latitude: point.latitude, distance: distance))
            }
            return limit == 0 || found.count < limit
        }
    }

    /// Orders by distance. All of them: C's qsort, which glibc runs as a
    /// stable merge sort, so equal distances keep the scan order. Only the
    /// first `keeping` (COUNT without ANY, fewer than found): Redis's pqsort,
    /// whose order for equal distances is its own.
    static func sort(_ points: inout [Point], descending: Bool, keeping: Int) {
        let compare: (Point, Point) -> Int = { a, b in
            let ascending = a.distance > b.distance ? 1 : (a.distance == b.distance ? 0 : -1)
            return descending ? -ascending : ascending
        }
        if keeping == points.count {
            // A stable sort: the original position breaks ties.
            let order = points.indices.sorted { i, j in
                let result = compare(points[i], points[j])
                return result != 0 ? result < 0 : i < j
            }
            points = order.map { points[$0] }
        } else if keeping > 0 {
            PartialQuickSort.sort(&points, wanted: 0...(keeping - 1), by: compare)
        }
    }
}
