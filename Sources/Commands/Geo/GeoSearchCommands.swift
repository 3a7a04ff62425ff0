import Keyspace
import RESP
import SwirlBytes

/// GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH and
/// GEOSEARCHSTORE: one parser and one search, as Redis 7.0's
/// georadiusGeneric, so the order in which arguments are checked (and so the
/// error a client sees) is Redis's. The points are gathered by GeoSearch.
enum GeoSearchCommands {
    /// Which command runs: where the centre comes from, and what may be stored.
    struct Variant: OptionSet {
        let rawValue: Int
        static let aroundCoordinates = Variant(rawValue: 1)
        static let aroundMember = Variant(rawValue: 2)
        static let noStore = Variant(rawValue: 4)
        static let search = Variant(rawValue: 8)
        static let searchStore = Variant(rawValue: 16)
    }

    static func georadius(_ c: Client) { run(c, sourceIndex: 1, .aroundCoordinates) }
    static func georadiusbymember(_ c: Client) { run(c, sourceIndex: 1, .aroundMember) }
    static func georadiusReadOnly(_ c: Client) { run(c, sourceIndex: 1, [.aroundCoordinates, .noStore]) }
    static func georadiusbymemberReadOnly(_ c: Client) { run(c, sourceIndex: 1, [.aroundMember, .noStore]) }
    static func geosearch(_ c: Client) { run(c, sourceIndex: 1, .search) }
    static func geosearchstore(_ c: Client) { run(c, sourceIndex: 2, [.search, .searchStore]) }

    enum Order { case none, ascending, descending }

    /// The options a search was given.
    struct Request {
        var shape = GeoShape(kind: .radius(0), longitude: 0, latitude: 0, unitInMetres: 0)
        var withDistance = false, withHash = false, withCoordinates = false
        var fromMember = false, fromCoordinates = false, byRadius = false, byBox = false
        var order = Order.none
        var any = false
        var count = 0
        var storeKey: Bytes? = nil
        var storeDistance = false
    }

    private static func run(_ c: Client, sourceIndex: Int, _ variant: Variant) {
        var zset: SortedSetValue? = nil
        switch c.readSortedSet(c.args[sourceIndex]) {
        case .found(let found): zset = found
        case .missing: break
        case .wrongType: c.wrongType(); return
        }
        var request = Request()
        var base: Int
        if variant.contains(.aroundCoordinates) {
            base = 6
            guard let centre = GeoCommands.coordinates(c, at: 2),
                  let radius = distance(c, at: 4) else { return }
            request.shape = GeoShape(kind: .radius(radius.value), longitude: centre.longitude, latitude: centre.latitude,
                                     unitInMetres: radius.unit)
        } else if variant.contains(.aroundMember) {
            base = 5
            // Without the key Redis reads no centre and no radius: only the
            // options decide between an empty array and a STORE's 0.
            if let zset {
                guard let centre = memberPosition(c, zset, c.args[2]), let radius = distance(c, at: 3) else { return }
                request.shape = GeoShape(kind: .radius(radius.value), longitude: centre.longitude,
                                         latitude: centre.latitude, unitInMetres: radius.unit)
            }
        } else {
            base = 2
            if variant.contains(.searchStore) {
                base = 3
                request.storeKey = c.args[1]
            }
        }
        guard parseOptions(c, from: base, variant, zset, &request) else { return }
        guard checkCombination(c, variant, request) else { return }
        guard let zset else {
            if let storeKey = request.storeKey {
                if c.db.delete(storeKey) {
                    c.engine.dirty += 1
                    c.notify(.generic, .del, storeKey)
                }
                c.reply.integer(0)
            } else {
                c.reply.array(0)
            }
            return
        }
        // COUNT keeps the closest: without ANY it implies ASC.
        if request.count != 0 && request.order == .none && !request.any { request.order = .ascending }
        var points = GeoSearch.points(in: zset, request.shape, limit: request.any ? request.count : 0)
        if points.isEmpty && request.storeKey == nil {
            c.reply.array(0)
            return
        }
        let returned = request.count == 0 || points.count < request.count ? points.count : request.count
        if request.order != .none {
            GeoSearch.sort(&points, descending: request.order == .descending, keeping: returned)
        }
        if let storeKey = request.storeKey {
            store(c, points.prefix(returned), request, in: storeKey, variant)
        } else {
            reply(c, points.prefix(returned), request)
        }
    }

    /// The options after the fixed arguments, checked in Redis's order.
    private static func parseOptions(_ c: Client, from base: Int, _ variant: Variant, _ zset: SortedSetValue?,
                                     _ request: inout Request) -> Bool {
        let searching = variant.contains(.search)
        let mayStore = !variant.contains(.noStore) && !searching
        var index = base
        while index < c.args.count {
            let remaining = c.args.count - index - 1
            if c.geoWord(index, is: "withdist") {
                request.withDistance = true
            } else if c.geoWord(index, is: "withhash") {
                request.withHash = true
            } else if c.geoWord(index, is: "withcoord") {
                request.withCoordinates = true
            } else if c.geoWord(index, is: "any") {
                request.any = true
            } else if c.geoWord(index, is: "asc") {
                request.order = .ascending
            } else if c.geoWord(index, is: "desc") {
                request.order = .descending
            } else if c.geoWord(index, is: "count") && remaining >= 1 {
                guard let count = c.integer(at: index + 1) else { return false }
                guard count > 0 else {
                    c.reply.error("ERR COUNT must be > 0")
                    return false
                }
                request.count = Int(count)
                index += 1
            } else if c.geoWord(index, is: "store") && remaining >= 1 && mayStore {
                request.storeKey = c.args[index + 1]
                request.storeDistance = false
                index += 1
            } else if c.geoWord(index, is: "storedist") && remaining >= 1 && mayStore {
                request.storeKey = c.args[index + 1]
                request.storeDistance = true
                index += 1
            } else if c.geoWord(index, is: "storedist") && searching && variant.contains(.searchStore) {
                request.storeDistance = true
            } else if c.geoWord(index, is: "frommember") && remaining >= 1 && searching && !request.fromCoordinates {
                // Without the key the member is not looked up: the parse goes
                // on so that the right reply (or error) follows.
                if let zset {
                    guard let centre = memberPosition(c, zset, c.args[index + 1]) else { return false }
                    request.shape.longitude = centre.longitude
                    request.shape.latitude = centre.latitude
                }
                request.fromMember = true
                index += 1
            } else if c.geoWord(index, is: "fromlonlat") && remaining >= 2 && searching && !request.fromMember {
                guard let centre = GeoCommands.coordinates(c, at: index + 1) else { return false }
                request.shape.longitude = centre.longitude
                request.shape.latitude = centre.latitude
                request.fromCoordinates = true
                index += 2
            } else if c.geoWord(index, is: "byradius") && remaining >= 2 && searching && !request.byBox {
                guard let radius = distance(c, at: index + 1) else { return false }
                request.shape.kind = .radius(radius.value)
                request.shape.unitInMetres = radius.unit
                request.byRadius = true
                index += 2
            } else if c.geoWord(index, is: "bybox") && remaining >= 3 && searching && !request.byRadius {
                guard let box = box(c, at: index + 1) else { return false }
                request.shape.kind = .box(width: box.width, height: box.height)
                request.shape.unitInMetres = box.unit
                request.byBox = true
                index += 3
            } else {
                c.reply.error(Errors.syntax)
                return false
            }
            index += 1
        }
        return true
    }

    /// The checks after the options, in Redis's order.
    private static func checkCombination(_ c: Client, _ variant: Variant, _ request: Request) -> Bool {
        if request.storeKey != nil && (request.withDistance || request.withHash || request.withCoordinates) {
            let name = variant.contains(.searchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
            c.reply.error("ERR \(name) is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
            return false
        }
        // These name the command as the client typed it.
        if variant.contains(.search) && !(request.fromMember || request.fromCoordinates) {
            c.reply.error(ErrorText(bytes: Array("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ".utf8)
                + commandName(c)))
            return false
        }
        if variant.contains(.search) && !(request.byRadius || request.byBox) {
            c.reply.error(ErrorText(bytes: Array("ERR exactly one of BYRADIUS and BYBOX can be specified for ".utf8) + commandName(c)))
            return false
        }
        if request.any && request.count == 0 {
            c.reply.error("ERR the ANY argument requires COUNT argument")
            return false
        }
        return true
    }

    /// The command's name as typed, up to a NUL (Redis formats it with %s).
    private static func commandName(_ c: Client) -> [UInt8] {
        c.args[0].withUnsafeBytes { raw in Array(raw.prefix { $0 != 0 }) }
    }

    // MARK: - Arguments

    /// The position of a member, or nil after "could not decode requested zset member".
    private static func memberPosition(_ c: Client, _ zset: SortedSetValue, _ member: Bytes) -> (longitude: Double, latitude: Double)? {
        guard let score = zset.score(of: member) else {
            c.reply.error("ERR could not decode requested zset member")
            return nil
        }
        return GeoHash.decode(score: score)
    }

    /// `radius unit` at `index` (Redis's extractDistanceOrReply).
    private static func distance(_ c: Client, at index: Int) -> (value: Double, unit: Double)? {
        guard let radius = ByteNumbers.parseDouble(c.args[index]) else {
            c.reply.error("ERR need numeric radius")
            return nil
        }
        if radius < 0 {
            c.reply.error("ERR radius cannot be negative")
            return nil
        }
        guard let unit = GeoCommands.unit(c, at: index + 1) else { return nil }
        return (radius, unit)
    }

    /// `width height unit` at `index` (Redis's extractBoxOrReply).
    private static func box(_ c: Client, at index: Int) -> (width: Double, height: Double, unit: Double)? {
        guard let width = ByteNumbers.parseDouble(c.args[index]) else {
            c.reply.error("ERR need numeric width")
            return nil
        }
        guard let height = ByteNumbers.parseDouble(c.args[index + 1]) else {
            c.reply.error("ERR need numeric height")
            return nil
        }
        if height < 0 || width < 0 {
            c.reply.error("ERR height or width cannot be negative")
            return nil
        }
        guard let unit = GeoCommands.unit(c, at: index + 2) else { return nil }
        return (width, height, unit)
    }

    // MARK: - Results

    private static func reply(_ c: Client, _ points: ArraySlice<GeoSearch.Point>, _ request: Request) {
        let extras = (request.withDistance ? 1 : 0) + (request.withHash ? 1 : 0) + (request.withCoordinates ? 1 : 0)
        c.reply.array(points.count)
        for point in points {
            if extras > 0 { c.reply.array(extras + 1) }
            c.reply.bulk(point.member)
            if request.withDistance { GeoReplies.distance(c, point.distance / request.shape.unitInMetres) }
            // A found point's score is a geohash below 2^53: exact as an integer.
            if request.withHash { c.reply.integer(Int64(point.score)) }
            if request.withCoordinates {
                c.reply.array(2)
                GeoReplies.coordinate(c, point.longitude)
                GeoReplies.coordinate(c, point.latitude)
            }
        }
    }

    /// STORE / STOREDIST / GEOSEARCHSTORE: the points as a new sorted set,
    /// scored by geohash or by distance in the request's unit.
    private static func store(_ c: Client, _ points: ArraySlice<GeoSearch.Point>, _ request: Request, in key: Bytes,
                              _ variant: Variant) {
        let longest = points.reduce(0) { max($0, $1.member.count) }
        let result = SortedSetValue(expectedCount: points.count, longestMember: longest)
        for point in points {
            let score = request.storeDistance ? point.distance / request.shape.unitInMetres : point.score
            if let old = result.score(of: point.member) {
                result.update(point.member, from: old, to: score)
            } else {
                result.insert(point.member, score)
            }
        }
        let event: KeyspaceEvent = variant.contains(.search) ? .geosearchstore : .georadiusstore
        c.storeResult(.sortedSet(result), count: points.count, in: key, .zset, event)
        // Redis counts each stored member as a change.
        if points.count > 1 { c.engine.dirty += points.count - 1 }
    }
}
