/// The geohash Redis stores as a sorted-set score: longitude and latitude,
/// each scaled into `2^step` cells of its range, their bits interleaved
/// (latitude in the even bits, longitude in the odd ones). At the full step
/// of 26 that is 52 bits, which a double holds exactly.
///
/// Every formula here follows Redis 7.0.15's geohash.c operation by
/// operation: a GEOPOS or a distance is only byte-identical to Redis's when
/// the same IEEE operations run in the same order.
struct GeoHash: Equatable {
    var bits: UInt64
    var step: UInt8

    /// Redis's HASHISZERO: a neighbour box the search dropped.
    static let none = GeoHash(bits: 0, step: 0)
    var isNone: Bool { bits == 0 && step == 0 }

    /// The full precision: 26 bits per coordinate.
    static let maxStep: UInt8 = 26

    /// A closed interval of one coordinate.
    struct Range {
        var min: Double
        var max: Double
    }

    /// The ranges Redis indexes (EPSG:900913): the poles are out of reach.
    static let longitudeRange = Range(min: -180, max: 180)
    static let latitudeRange = Range(min: -85.05112878, max: 85.05112878)
    /// The ranges of a standard geohash string (GEOHASH re-encodes into these).
    static let standardLatitudeRange = Range(min: -90, max: 90)

    /// The cell a hash names, as ranges of both coordinates.
    struct Area {
        var longitude: Range
        var latitude: Range
    }

    // MARK: - Encoding

    /// The cell of `step` bits per coordinate holding a point, or nil outside
    /// the ranges (Redis's geohashEncode).
    static func encode(longitude: Double, latitude: Double, step: UInt8,
                       longitudeRange: Range = longitudeRange, latitudeRange: Range = latitudeRange) -> GeoHash? {
        guard step >= 1, step <= 32, !longitude.isNaN, !latitude.isNaN else { return nil }
        if longitude > 180 || longitude < -180 || latitude > Self.latitudeRange.max || latitude < Self.latitudeRange.min {
            return nil
        }
        if latitude < latitudeRange.min || latitude > latitudeRange.max
            || longitude < longitudeRange.min || longitude > longitudeRange.max {
            return nil
        }
        var latitudeOffset = (latitude - latitudeRange.min) / (latitudeRange.max - latitudeRange.min)
        var longitudeOffset = (longitude - longitudeRange.min) / (longitudeRange.max - longitudeRange.min)
        let cells = Double(UInt64(1) << UInt64(step))
        latitudeOffset *= cells
        longitudeOffset *= cells
        // Both offsets are in 0...2^step (at most 2^32), so the truncation cannot trap.
        return GeoHash(bits: interleave(UInt32(latitudeOffset), UInt32(longitudeOffset)), step: step)
    }

    /// The 52-bit score of a point given at full precision.
    static func score(longitude: Double, latitude: Double) -> UInt64? {
        encode(longitude: longitude, latitude: latitude, step: maxStep)?.aligned52
    }

    /// The hash shifted to the 52-bit score scale (Redis's geohashAlign52Bits).
    var aligned52: UInt64 { bits << UInt64(52 - Int(step) * 2) }

    // MARK: - Decoding

    /// The cell this hash names (Redis's geohashDecode; never fails for a
    /// hash of a real step).
    func area(longitudeRange: Range = GeoHash.longitudeRange, latitudeRange: Range = GeoHash.latitudeRange) -> Area {
        let separated = GeoHash.deinterleave(bits)
        let latitudeScale = latitudeRange.max - latitudeRange.min
        let longitudeScale = longitudeRange.max - longitudeRange.min
        let latitudeCell = UInt32(truncatingIfNeeded: separated)
        let longitudeCell = UInt32(truncatingIfNeeded: separated >> 32)
        let cells = Double(UInt64(1) << UInt64(step))
        // C adds 1 in 32 bits: a corrupt score's cell 2^32-1 wraps to 0 there too.
        return Area(
            longitude: Range(min: longitudeRange.min + (Double(longitudeCell) * 1.0 / cells) * longitudeScale,
                             max: longitudeRange.min + (Double(longitudeCell &+ 1) * 1.0 / cells) * longitudeScale),
            latitude: Range(min: latitudeRange.min + (Double(latitudeCell) * 1.0 / cells) * latitudeScale,
                            max: latitudeRange.min + (Double(latitudeCell &+ 1) * 1.0 / cells) * latitudeScale))
    }

    /// The point a sorted-set score stands for: the centre of its cell,
    /// clamped to the indexed ranges (Redis's decodeGeohash).
    static func decode(score: Double) -> (longitude: Double, latitude: Double) {
        let area = GeoHash(bits: scoreBits(score), step: maxStep).area()
        var longitude = (area.longitude.min + area.longitude.max) / 2
        longitude = Swift.min(Swift.max(longitude, longitudeRange.min), longitudeRange.max)
        var latitude = (area.latitude.min + area.latitude.max) / 2
        latitude = Swift.min(Swift.max(latitude, latitudeRange.min), latitudeRange.max)
        return (longitude, latitude)
    }

    /// C's `(uint64_t)score` as x86-64 compiles it (the platform Redis runs
    /// on here): a score need not be a geohash (ZADD can put any double), and
    /// an out-of-range conversion gives the CPU's "integer indefinite"
    /// (0x8000000000000000), with values from 2^63 up converted as value - 2^63
    /// with the top bit flipped. Swift would trap instead.
    static func scoreBits(_ score: Double) -> UInt64 {
        let twoTo63 = 9_223_372_036_854_775_808.0
        let indefinite: UInt64 = 0x8000_0000_0000_0000
        func truncated(_ value: Double) -> UInt64 {
            guard value >= -twoTo63, value < twoTo63 else { return indefinite }  // NaN fails both
            return UInt64(bitPattern: Int64(value))
        }
        if score >= twoTo63 { return truncated(score - twoTo63) ^ indefinite }
        return truncated(score)
    }

    // MARK: - Neighbours

    /// The eight cells around this one, in the order Redis searches them
    /// after the cell itself: north, south, east, west, north-east,
    /// north-west, south-east, south-west.
    struct Neighbours {
        var north, south, east, west, northEast, northWest, southEast, southWest: GeoHash
    }

    var neighbours: Neighbours {
        Neighbours(north: moved(x: 0, y: 1), south: moved(x: 0, y: -1),
                   east: moved(x: 1, y: 0), west: moved(x: -1, y: 0),
                   northEast: moved(x: 1, y: 1), northWest: moved(x: -1, y: 1),
                   southEast: moved(x: 1, y: -1), southWest: moved(x: -1, y: -1))
    }

    /// The cell `x` steps east (longitude, the odd bits) and `y` north
    /// (latitude, the even bits), wrapping around at the ends of the grid.
    func moved(x: Int, y: Int) -> GeoHash {
        var hash = self
        hash.bits = GeoHash.step(hash.bits, by: x, lane: 0xAAAA_AAAA_AAAA_AAAA, step: step)
        hash.bits = GeoHash.step(hash.bits, by: y, lane: 0x5555_5555_5555_5555, step: step)
        return hash
    }

    /// Adds ±1 to the coordinate whose bits are `lane`: the other lane's bit
    /// positions are filled with ones so the carry (or borrow) runs across them.
    private static func step(_ bits: UInt64, by direction: Int, lane: UInt64, step: UInt8) -> UInt64 {
        if direction == 0 { return bits }
        let width = UInt64(64 - Int(step) * 2)
        var moving = bits & lane
        let staying = bits & ~lane
        let filler = ~lane >> width
        if direction > 0 {
            moving = moving &+ (filler &+ 1)
        } else {
            moving |= filler
            moving = moving &- (filler &+ 1)
        }
        moving &= lane >> width
        return moving | staying
    }

    // MARK: - Bit interleaving

    /// Spreads `low`'s bits into the even positions and `high`'s into the odd ones.
    static func interleave(_ low: UInt32, _ high: UInt32) -> UInt64 {
        spread(UInt64(low)) | (spread(UInt64(high)) << 1)
    }

    /// The inverse: even bits into the low 32, odd bits into the high 32.
    static func deinterleave(_ bits: UInt64) -> UInt64 {
        squeeze(bits) | (squeeze(bits >> 1) << 32)
    }

    private static func spread(_ value: UInt64) -> UInt64 {
        var v = value
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F
        v = (v | (v << 2)) & 0x3333_3333_3333_3333
        v = (v | (v << 1)) & 0x5555_5555_5555_5555
        return v
    }

    private static func squeeze(_ value: UInt64) -> UInt64 {
        var v = value & 0x5555_5555_5555_5555
        v = (v | (v >> 1)) & 0x3333_3333_3333_3333
        v = (v | (v >> 2)) & 0x0F0F_0F0F_0F0F_0F0F
        v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF
        v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF
        v = (v | (v >> 16)) & 0x0000_0000_FFFF_FFFF
        return v
    }
}
