#if canImport(Glibc)
import Glibc
#endif

/// What a geo search looks for: a circle or an axis-aligned box (in metres
/// along the meridian and the parallel) around a centre, and how Redis 7.0
/// turns it into the cells to scan (geohash_helper.c), with its distance
/// formula. Every expression keeps Redis's operation order, so the IEEE
/// results (and the members found at the edge of a radius) are the same.
struct GeoShape {
    enum Kind {
        case radius(Double)
        case box(width: Double, height: Double)
    }

    var kind: Kind
    var longitude: Double
    var latitude: Double
    /// Metres per unit of the shape's numbers (m 1, km 1000, ft 0.3048, mi 1609.34).
    var unitInMetres: Double

    /// Redis's mean earth radius for WGS-84, in metres.
    static let earthRadius = 6372797.560856
    /// Half the Mercator world's width: the radius at which one cell spans everything.
    static let mercatorMax = 20037726.37

    static func radians(_ degrees: Double) -> Double { degrees * (Double.pi / 180.0) }
    static func degrees(_ radians: Double) -> Double { radians / (Double.pi / 180.0) }

    // MARK: - Distances

    /// Metres between two latitudes along a meridian.
    static func latitudeDistance(_ latitude1: Double, _ latitude2: Double) -> Double {
        earthRadius * fabs(radians(latitude2) - radians(latitude1))
    }

    /// The haversine distance in metres (Redis's geohashGetDistance).
    static func distance(_ longitude1: Double, _ latitude1: Double, _ longitude2: Double, _ latitude2: Double) -> Double {
        let longitude1r = radians(longitude1), longitude2r = radians(longitude2)
        let v = sin((longitude2r - longitude1r) / 2)
        // Same meridian: the cheaper formula, as Redis (its result can differ in the last bit).
        if v == 0.0 { return latitudeDistance(latitude1, latitude2) }
        let latitude1r = radians(latitude1), latitude2r = radians(latitude2)
        let u = sin((latitude2r - latitude1r) / 2)
        let a = u * u + cos(latitude1r) * cos(latitude2r) * v * v
        return 2.0 * earthRadius * asin(sqrt(a))
    }

    /// The distance from the centre to a point when the point is inside the
    /// shape, else nil (Redis's geoWithinShape after decoding).
    func distanceIfInside(longitude x: Double, latitude y: Double) -> Double? {
        switch kind {
        case .radius(let radius):
            let distance = GeoShape.distance(longitude, latitude, x, y)
            return distance > radius * unitInMetres ? nil : distance
        case .box(let width, let height):
            let widthMetres = width * unitInMetres, heightMetres = height * unitInMetres
            // The latitude test first: it is the cheaper one.
            if GeoShape.latitudeDistance(y, latitude) > heightMetres / 2 { return nil }
            if GeoShape.distance(x, y, longitude, y) > widthMetres / 2 { return nil }
            return GeoShape.distance(longitude, latitude, x, y)
        }
    }

    // MARK: - The cells to scan

    /// The bounding box: min longitude, min latitude, max longitude, max latitude.
    var bounds: (minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double) {
        let height: Double, width: Double
        switch kind {
        case .radius(let radius):
            height = unitInMetres * radius
            width = unitInMetres * radius
        case .box(let boxWidth, let boxHeight):
            height = unitInMetres * (boxHeight / 2)
            width = unitInMetres * (boxWidth / 2)
        }
        let latitudeDelta = GeoShape.degrees(height / GeoShape.earthRadius)
        let longitudeDeltaTop = GeoShape.degrees(width / GeoShape.earthRadius / cos(GeoShape.radians(latitude + latitudeDelta)))
        let longitudeDeltaBottom = GeoShape.degrees(width / GeoShape.earthRadius / cos(GeoShape.radians(latitude - latitudeDelta)))
        // The hemispheres narrow in opposite directions: the wider edge decides.
        let longitudeDelta = latitude < 0 ? longitudeDeltaBottom : longitudeDeltaTop
        return (longitude - longitudeDelta, latitude - latitudeDelta, longitude + longitudeDelta, latitude + latitudeDelta)
    }

    /// The coarsest step whose cells still cover `metres` around a point at
    /// `latitude` (Redis's geohashEstimateStepsByRadius).
    static func estimateStep(metres: Double, latitude: Double) -> UInt8 {
        if metres == 0 { return 26 }
        var range = metres
        var step = 1
        while range < mercatorMax {
            range *= 2
            step += 1
        }
        step -= 2
        // Cells narrow towards the poles.
        if latitude > 66 || latitude < -66 {
            step -= 1
            if latitude > 80 || latitude < -80 { step -= 1 }
        }
        return UInt8(Swift.min(Swift.max(step, 1), 26))
    }

    /// The cells to scan, in Redis's order: the centre's cell, then north,
    /// south, east, west, north-east, north-west, south-east, south-west;
    /// cells that cannot hold a match are `GeoHash.none`.
    var cellsToScan: [GeoHash] {
        let (minLongitude, minLatitude, maxLongitude, maxLatitude) = bounds
        let metres: Double
        switch kind {
        case .radius(let radius): metres = radius * unitInMetres
        case .box(let width, let height): metres = sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) * unitInMetres
        }
        var step = GeoShape.estimateStep(metres: metres, latitude: latitude)
        // The centre is in range (parsed or decoded), so encoding succeeds.
        var hash = GeoHash.encode(longitude: longitude, latitude: latitude, step: step) ?? .none
        var around = hash.neighbours
        // Near a cell's edge the estimate can be one step too fine: a neighbour
        // would not reach the bounding box's edge.
        let tooFine = around.north.area().latitude.max < maxLatitude
            || around.south.area().latitude.min > minLatitude
            || around.east.area().longitude.max < maxLongitude
            || around.west.area().longitude.min > minLongitude
        if step > 1 && tooFine {
            step -= 1
            hash = GeoHash.encode(longitude: longitude, latitude: latitude, step: step) ?? .none
            around = hash.neighbours
        }
        if step >= 2 {
            // Drop the neighbours on a side the centre cell already covers.
            let area = hash.area()
            if area.latitude.min < minLatitude { around.south = .none; around.southWest = .none; around.southEast = .none }
            if area.latitude.max > maxLatitude { around.north = .none; around.northEast = .none; around.northWest = .none }
            if area.longitude.min < minLongitude { around.west = .none; around.southWest = .none; around.northWest = .none }
            if area.longitude.max > maxLongitude { around.east = .none; around.southEast = .none; around.northEast = .none }
        }
        return [hash, around.north, around.south, around.east, around.west,
                around.northEast, around.northWest, around.southEast, around.southWest]
    }
}
