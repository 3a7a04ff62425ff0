import Keyspace
import RESP
import SwirlBytes

/// The geo family: points kept in a sorted set, each member's score the
/// 52-bit geohash of its position (GeoHash.swift), as Redis 7.0 keeps them,
/// so ZRANGE, ZREM and the AOF see ordinary sorted sets. This file holds the
/// specs, GEOADD, GEOPOS, GEOHASH and GEODIST; the searches (GEORADIUS …
/// GEOSEARCHSTORE) are in GeoSearchCommands.swift.
enum GeoCommands {
    static func specs() -> [CommandSpec] {
        let geo = CommandGroup("geo", since: "3.2.0", complexity: "O(log(N))", keys: .single)
        let read: CommandFlags = [.readonly]
        let search = GeoSearchCommands.self
        let unit = "unit:<M | KM | FT | MI>"
        let radiusOptions = "[WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count:integer [ANY]@6.2.0] order:[ASC | DESC]"
        let from = "from:<FROMMEMBER member | FROMLONLAT longitude:double latitude:double>"
        let by = "by:<BYRADIUS radius:double \(unit) | BYBOX width:double height:double \(unit)>"
        let searchComplexity = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area"
            + " around the shape provided as the filter and M is the number of items inside the shape"
        let radiusComplexity = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular"
            + " area delimited by center and radius and M is the number of items inside the index."
        return [
            geo.command("geoadd", -5, [.write, .denyOOM],
                        syntax: "key condition:[NX | XX]@6.2.0 [change:CH]@6.2.0"
                            + " longitude:double latitude:double member [longitude latitude member ...]",
                        "Adds one or more members to a geospatial index. The key is created if it doesn't exist.",
                        complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
                        handler: geoadd),
            geo.command("geodist", -4, read, syntax: "key member1 member2 [\(unit)]",
                        "Returns the distance between two members of a geospatial index.", handler: geodist),
            geo.command("geohash", -2, read, syntax: "key [member [member ...]]",
                        "Returns members from a geospatial index as geohash strings.",
                        complexity: "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
                        handler: geohash),
            geo.command("geopos", -2, read, syntax: "key [member [member ...]]",
                        "Returns the longitude and latitude of members from a geospatial index.",
                        complexity: "O(N) where N is the number of members requested.", handler: geopos),
            geo.command("georadius", -6, [.write, .denyOOM],
                        syntax: "key longitude:double latitude:double radius:double \(unit) \(radiusOptions)"
                            + " [STORE key#1] [STOREDIST key#2]",
                        "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.",
                        complexity: radiusComplexity,
                        docNotes: .deprecated(since: "6.2.0", replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"),
                        handler: search.georadius).movingKeys(storeKeys(from: 6)),
            geo.command("georadiusbymember", -5, [.write, .denyOOM],
                        syntax: "key member radius:double \(unit) \(radiusOptions) [STORE key#1] [STOREDIST key#2]",
                        "Queries a geospatial index for members within a distance from a member, optionally stores the result.",
                        complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular"
                            + " area delimited by center and radius and M is the number of items inside the index.",
                        docNotes: .deprecated(since: "6.2.0", replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"),
                        handler: search.georadiusbymember).movingKeys(storeKeys(from: 5)),
            geo.command("georadius_ro", -6, read,
                        syntax: "key longitude:double latitude:double radius:double \(unit) \(radiusOptions)",
                        "Returns members from a geospatial index that are within a distance from a coordinate.",
                        since: "3.2.10", complexity: radiusComplexity,
                        docNotes: .deprecated(since: "6.2.0", replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument"),
                        handler: search.georadiusReadOnly),
            geo.command("georadiusbymember_ro", -5, read,
                        syntax: "key member radius:double \(unit) \(radiusOptions)",
                        "Returns members from a geospatial index that are within a distance from a member.",
                        since: "3.2.10", complexity: radiusComplexity,
                        docNotes: .deprecated(since: "6.2.0", replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"),
                        handler: search.georadiusbymemberReadOnly),
            geo.command("geosearch", -7, read,
                        syntax: "key \(from) \(by) order:[ASC | DESC] [COUNT count:integer [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]",
                        "Queries a geospatial index for members inside an area of a box or a circle.",
                        since: "6.2.0", complexity: searchComplexity, handler: search.geosearch),
            geo.command("geosearchstore", -8, [.write, .denyOOM], keys: KeyPositions(first: 1, last: 2, step: 1),
                        syntax: "destination:key source:key \(from) \(by) order:[ASC | DESC] [COUNT count:integer [ANY]] [STOREDIST]",
                        "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.",
                        since: "6.2.0", complexity: searchComplexity, handler: search.geosearchstore),
        ]
    }

    /// GEORADIUS's keys as Redis 7.0's key specs find them: the source, the
    /// key after the first STORE, then the key after the first STOREDIST
    /// (each keyword searched from `first` on, case-insensitively).
    private static func storeKeys(from first: Int) -> ([Bytes]) -> [Int]? {
        return { args in
            var keys = [1]
            for keyword: StaticString in ["STORE", "STOREDIST"] {
                guard first < args.count,
                      let found = args[first...].firstIndex(where: { Text.equalsIgnoringCase($0, keyword) }),
                      found + 1 < args.count else { continue }
                keys.append(found + 1)
            }
            return keys
        }
    }

    // MARK: - GEOADD

    /// GEOADD key [NX|XX] [CH] longitude latitude member …: every pair checked,
    /// then run as the ZADD Redis rewrites it into (scores the 52-bit
    /// geohashes), which is also what the AOF gets.
    static func geoadd(_ c: Client) {
        var nx = false, xx = false
        var first = 2
        while first < c.args.count {
            if c.geoWord(first, is: "NX") { nx = true }
            else if c.geoWord(first, is: "XX") { xx = true }
            else if !c.geoWord(first, is: "CH") { break }
            first += 1
        }
        guard (c.args.count - first) % 3 == 0, !(nx && xx) else {
            c.reply.error(Errors.syntax)
            return
        }
        var zadd: [Bytes] = [Bytes("zadd")]
        zadd.reserveCapacity(first + (c.args.count - first) / 3 * 2)
        zadd.append(contentsOf: c.args[1..<first])
        for position in stride(from: first, to: c.args.count, by: 3) {
            guard let point = coordinates(c, at: position) else { return }
            // In range, so encoding succeeds.
            let score = GeoHash.score(longitude: point.longitude, latitude: point.latitude) ?? 0
            zadd.append(ByteNumbers.decimal(Int64(score)))
            zadd.append(c.args[position + 2])
        }
        let typed = c.args
        c.args = zadd
        SortedSetCommands.zadd(c)
        c.propagate(as: zadd)
        // The slow log and MONITOR show the command as typed, as Redis's original argv.
        c.args = typed
    }

    // MARK: - GEOPOS, GEOHASH, GEODIST

    static func geopos(_ c: Client) {
        guard let zset = sortedSetOrNil(c) else { return }
        c.reply.array(c.args.count - 2)
        for member in c.args.dropFirst(2) {
            guard let score = zset?.score(of: member) else {
                c.reply.nullArray()
                continue
            }
            let point = GeoHash.decode(score: score)
            c.reply.array(2)
            GeoReplies.coordinate(c, point.longitude)
            GeoReplies.coordinate(c, point.latitude)
        }
    }

    private static let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz".utf8)

    /// GEOHASH: the standard 11-character geohash, from the position decoded
    /// and encoded again over latitudes ±90 (Redis indexes ±85.05); the 11th
    /// character stands for bits a 52-bit hash lacks, always "0".
    static func geohash(_ c: Client) {
        guard let zset = sortedSetOrNil(c) else { return }
        c.reply.array(c.args.count - 2)
        for member in c.args.dropFirst(2) {
            guard let score = zset?.score(of: member) else {
                c.reply.null()
                continue
            }
            let point = GeoHash.decode(score: score)
            let bits = GeoHash.encode(longitude: point.longitude, latitude: point.latitude, step: GeoHash.maxStep,
                                      latitudeRange: GeoHash.standardLatitudeRange)?.bits ?? 0
            var text = [UInt8](repeating: alphabet[0], count: 11)
            for index in 0..<10 {
                text[index] = alphabet[Int((bits >> UInt64(52 - (index + 1) * 5)) & 0x1f)]
            }
            c.reply.bulk(text)
        }
    }

    /// GEODIST key member1 member2 [unit]: the unit is read before the key.
    static func geodist(_ c: Client) {
        var unitInMetres = 1.0
        if c.args.count == 5 {
            guard let unit = unit(c, at: 4) else { return }
            unitInMetres = unit
        } else if c.args.count > 5 {
            c.reply.error(Errors.syntax)
            return
        }
        let zset: SortedSetValue
        switch c.readSortedSet(c.args[1]) {
        case .found(let found): zset = found
        case .missing: c.reply.null(); return
        case .wrongType: c.wrongType(); return
        }
        guard let score1 = zset.score(of: c.args[2]), let score2 = zset.score(of: c.args[3]) else {
            c.reply.null()
            return
        }
        let a = GeoHash.decode(score: score1), b = GeoHash.decode(score: score2)
        GeoReplies.distance(c, GeoShape.distance(a.longitude, a.latitude, b.longitude, b.latitude) / unitInMetres)
    }

    /// The sorted set at args[1] (nil inside when absent), or nil after WRONGTYPE.
    private static func sortedSetOrNil(_ c: Client) -> SortedSetValue?? {
        switch c.readSortedSet(c.args[1]) {
        case .found(let zset): return .some(zset)
        case .missing: return .some(nil)
        case .wrongType: c.wrongType(); return nil
        }
    }

    // MARK: - Arguments

    /// A longitude and latitude at `index` and `index + 1`, each a valid
    /// float, together in Redis's range; nil after replying its error.
    static func coordinates(_ c: Client, at index: Int) -> (longitude: Double, latitude: Double)? {
        guard let longitude = c.double(at: index), let latitude = c.double(at: index + 1) else { return nil }
        if longitude < -180 || longitude > 180
            || latitude < GeoHash.latitudeRange.min || latitude > GeoHash.latitudeRange.max {
            c.reply.error("ERR invalid longitude,latitude pair " + GeoReplies.fixed6(longitude) + "," + GeoReplies.fixed6(latitude))
            return nil
        }
        return (longitude, latitude)
    }

    /// Metres per unit named at `index` (m, km, ft, mi, any case), or nil after the error.
    static func unit(_ c: Client, at index: Int) -> Double? {
        if c.geoWord(index, is: "m") { return 1 }
        if c.geoWord(index, is: "km") { return 1000 }
        if c.geoWord(index, is: "ft") { return 0.3048 }
        if c.geoWord(index, is: "mi") { return 1609.34 }
        c.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI")
        return nil
    }
}
