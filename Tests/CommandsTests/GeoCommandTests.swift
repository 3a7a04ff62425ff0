import XCTest
@testable import Commands
import Keyspace
import RESP
import SwirlBytes

/// The geo commands and their arithmetic. Replies were taken from
/// redis-server 7.0.15; Tests/CompatTests/scripts/geo.redis and
/// test_geo_random.py compare many more with a running Redis byte for byte.
final class GeoCommandTests: PropagationTestCase {
    private func sicily() {
        XCTAssertEqual(run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"), int(2))
    }

    // MARK: - The geohash arithmetic

    func testScoresAreRedisGeohashes() {
        XCTAssertEqual(GeoHash.score(longitude: 13.361389, latitude: 38.115556), 3479099956230698)
        XCTAssertEqual(GeoHash.score(longitude: 15.087269, latitude: 37.502669), 3479447370796909)
        XCTAssertNil(GeoHash.score(longitude: 180.0001, latitude: 0))
        XCTAssertNil(GeoHash.score(longitude: 0, latitude: 85.06))
        XCTAssertNotNil(GeoHash.score(longitude: 180, latitude: -85.05112878), "the limits are inclusive")
    }

    func testDecodingGivesTheCellCentreClamped() {
        let point = GeoHash.decode(score: 3479099956230698)
        XCTAssertEqual(ByteNumbers.formatLongDouble(Float80(point.longitude)), Array("13.36138933897018433".utf8))
        XCTAssertEqual(ByteNumbers.formatLongDouble(Float80(point.latitude)), Array("38.11555639549629859".utf8))
        // Any double decodes (ZADD can store anything): out-of-range cells clamp to the limits.
        let huge = GeoHash.decode(score: 1e300)
        XCTAssertLessThanOrEqual(abs(huge.longitude), 180)
        XCTAssertLessThanOrEqual(abs(huge.latitude), GeoHash.latitudeRange.max)
    }

    func testScoreBitsFollowX86Conversions() {
        XCTAssertEqual(GeoHash.scoreBits(5), 5)
        XCTAssertEqual(GeoHash.scoreBits(-5), UInt64(bitPattern: -5))
        XCTAssertEqual(GeoHash.scoreBits(.infinity), 0, "2^63 subtracted, indefinite, top bit flipped")
        XCTAssertEqual(GeoHash.scoreBits(-.infinity), 0x8000_0000_0000_0000)
        XCTAssertEqual(GeoHash.scoreBits(.nan), 0x8000_0000_0000_0000)
        XCTAssertEqual(GeoHash.scoreBits(9_223_372_036_854_775_808.0), 0x8000_0000_0000_0000)
    }

    func testInterleavingRoundTripsAndNeighboursWrap() {
        let bits = GeoHash.interleave(0x0123_4567, 0x89AB_CDEF)
        XCTAssertEqual(GeoHash.deinterleave(bits), 0x89AB_CDEF_0123_4567)
        // At step 1 the grid is 2x2: east of the east column is the west one.
        let cell = GeoHash(bits: 0b11, step: 1)
        XCTAssertEqual(cell.moved(x: 1, y: 0).bits, 0b01)
        XCTAssertEqual(cell.moved(x: 0, y: 1).bits, 0b10)
        XCTAssertEqual(cell.moved(x: -1, y: -1).bits, 0b00)
        let middle = GeoHash(bits: GeoHash.interleave(5, 9), step: 4)
        XCTAssertEqual(middle.neighbours.north.bits, GeoHash.interleave(6, 9))
        XCTAssertEqual(middle.neighbours.west.bits, GeoHash.interleave(5, 8))
    }

    func testStepEstimateNarrowsTowardsThePoles() {
        XCTAssertEqual(GeoShape.estimateStep(metres: 0, latitude: 0), 26)
        XCTAssertEqual(GeoShape.estimateStep(metres: 1000, latitude: 0), 14)
        XCTAssertEqual(GeoShape.estimateStep(metres: 1000, latitude: 70), 13)
        XCTAssertEqual(GeoShape.estimateStep(metres: 1000, latitude: -81), 12)
        XCTAssertEqual(GeoShape.estimateStep(metres: .infinity, latitude: 0), 1)
    }

    func testDistancesPrintWithFourDecimalsRoundedHalfToEven() {
        func text(_ value: Double) -> String { String(decoding: GeoReplies.distanceText(value), as: UTF8.self) }
        XCTAssertEqual(text(0), "0.0000")
        XCTAssertEqual(text(-0.0), "0.0000")
        XCTAssertEqual(text(1e-9), "0.0000")
        XCTAssertEqual(text(0.00005), "0.0000", "llrint(0.5) is 0")
        XCTAssertEqual(text(0.00025), "0.0002", "llrint(2.5) is 2")
        XCTAssertEqual(text(0.00015), "0.0001", "0.00015 * 10^4 is 1.4999999999999998")
        XCTAssertEqual(text(166274.1516), "166274.1516")
        XCTAssertEqual(text(12.34), "12.3400")
        XCTAssertEqual(text(.infinity), "-922337203685477.5808", "llrint out of range is LLONG_MIN")
        XCTAssertEqual(GeoReplies.fixed6(200), "200.000000")
        XCTAssertEqual(GeoReplies.fixed6(-.infinity), "-inf")
    }

    func testWordsCompareAsCStrings() {
        XCTAssertTrue(GeoReplies.isWord(Bytes("KM"), "km"))
        XCTAssertTrue(GeoReplies.isWord(Bytes([0x6b, 0x6d, 0, 0x78]), "km"), "strcasecmp stops at the NUL")
        XCTAssertFalse(GeoReplies.isWord(Bytes("kmx"), "km"))
        XCTAssertFalse(GeoReplies.isWord(Bytes(""), "km"))
    }

    // MARK: - The partial sort

    func testPartialQuickSortPutsTheWantedPositionsInOrder() {
        var generator = SystemRandomNumberGenerator()
        for size in [1, 2, 6, 7, 8, 40, 41, 200] {
            for keep in Set([1, size / 2, size].filter { $0 >= 1 }) {
                var values = (0..<size).map { _ in Int.random(in: 0..<50, using: &generator) }
                let sorted = values.sorted()
                PartialQuickSort.sort(&values, wanted: 0...(keep - 1)) { $0 < $1 ? -1 : ($0 == $1 ? 0 : 1) }
                XCTAssertEqual(Array(values.prefix(keep)), Array(sorted.prefix(keep)), "size \(size) keep \(keep)")
                XCTAssertEqual(values.sorted(), sorted, "a permutation")
            }
        }
    }

    func testPartialQuickSortTieOrderIsPqsorts() {
        // Keys (i * 7919) % mod tagged by position; the expected permutations
        // are what Redis 7.0.15's pqsort.c gives for the same input (built in
        // C for this test): equal keys end up in its order, not a stable one.
        func sorted(_ n: Int, keep: Int, mod: Int) -> [Int] {
            var items = (0..<n).map { (key: Double(($0 * 7919) % mod), tag: $0) }
            PartialQuickSort.sort(&items, wanted: 0...(keep - 1)) { $0.key > $1.key ? 1 : ($0.key == $1.key ? 0 : -1) }
            return items.map(\.tag)
        }
        XCTAssertEqual(sorted(8, keep: 3, mod: 1), [7, 1, 2, 3, 4, 5, 6, 0])
        XCTAssertEqual(sorted(50, keep: 10, mod: 3),
                       [33, 12, 36, 39, 42, 15, 45, 6, 48, 0, 18, 3, 21, 24, 9, 27, 30, 17, 35, 26, 5, 38, 11, 14, 41,
                        20, 2, 44, 8, 23, 47, 29, 32, 49, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46])
        XCTAssertEqual(sorted(100, keep: 5, mod: 4),
                       [24, 48, 96, 28, 44, 40, 8, 32, 36, 84, 80, 0, 12, 76, 72, 4, 16, 68, 64, 92, 20, 60, 56, 88, 52,
                        99, 3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63, 67, 71, 75, 79, 83, 87, 91, 95,
                        50, 6, 25, 53, 54, 89, 22, 57, 58, 90, 21, 61, 62, 98, 18, 65, 66, 5, 17, 69, 70, 93, 14, 73, 74,
                        94, 13, 77, 78, 1, 10, 81, 82, 2, 34, 9, 33, 37, 38, 85, 30, 41, 42, 86, 29, 45, 46, 97, 26, 49])
    }

    // MARK: - Commands

    func testGeoaddRunsAsZaddAndIsLoggedAsZadd() {
        sicily()
        XCTAssertEqual(logged(includingSelect: false),
                       [["zadd", "Sicily", "3479099956230698", "Palermo", "3479447370796909", "Catania"]])
        XCTAssertEqual(run("GEOADD", "Sicily", "CH", "XX", "13.361389", "38.115556", "Palermo", "15", "37", "New"), int(0))
        XCTAssertTrue(logged().isEmpty, "nothing changed, nothing logged")
        XCTAssertEqual(run("GEOADD", "Sicily", "ch", "13.4", "38.1", "Palermo"), int(1))
        XCTAssertEqual(logged(), [["zadd", "Sicily", "ch", "3479099937378871", "Palermo"]])
        XCTAssertEqual(run("ZSCORE", "Sicily", "Catania"), bulk("3479447370796909"))
        XCTAssertEqual(run("GEOADD", "Sicily", "NX", "XX", "1", "1", "a"), syntaxError)
        XCTAssertEqual(run("GEOADD", "Sicily", "GT", "1", "1", "a"), syntaxError)
        XCTAssertEqual(run("GEOADD", "Sicily", "200", "10", "a"), error("ERR invalid longitude,latitude pair 200.000000,10.000000"))
        XCTAssertEqual(run("GEOADD", "Sicily", "1", "1", "a", "x", "1", "b"), error("ERR value is not a valid float"))
        XCTAssertEqual(run("ZCARD", "Sicily"), int(2), "a bad pair anywhere adds nothing")
        run("SET", "s", "v")
        XCTAssertEqual(run("GEOADD", "s", "1", "1", "a"), wrongType)
    }

    func testGeoposGeohashGeodist() {
        sicily()
        XCTAssertEqual(run("GEOPOS", "Sicily", "Palermo", "nonex"),
                       "*2\r\n*2\r\n" + bulk("13.36138933897018433") + bulk("38.11555639549629859") + "*-1\r\n")
        XCTAssertEqual(run("GEOPOS", "nokey", "a"), "*1\r\n*-1\r\n")
        XCTAssertEqual(run("GEOHASH", "Sicily", "Palermo", "Catania", "nonex"),
                       "*3\r\n" + bulk("sqc8b49rny0") + bulk("sqdtr74hyu0") + null)
        XCTAssertEqual(run("GEODIST", "Sicily", "Palermo", "Catania"), bulk("166274.1516"))
        XCTAssertEqual(run("GEODIST", "Sicily", "Palermo", "Catania", "KM"), bulk("166.2742"))
        XCTAssertEqual(run("GEODIST", "Sicily", "Palermo", "Catania", "mi"), bulk("103.3182"))
        XCTAssertEqual(run("GEODIST", "Sicily", "Palermo", "nonex"), null)
        XCTAssertEqual(run("GEODIST", "nokey", "a", "b", "parsec"), error("ERR unsupported unit provided. please use M, KM, FT, MI"))
        XCTAssertEqual(run("GEODIST", "Sicily", "a", "b", "m", "x"), syntaxError)
        XCTAssertEqual(run("HELLO", "3").isEmpty, false)
        XCTAssertEqual(run("GEOPOS", "Sicily", "Palermo", "nonex"),
                       "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n")
    }

    func testSearchesReplyInRedisOrderAndForm() {
        sicily()
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHHASH", "WITHCOORD", "ASC"),
                       "*2\r\n*4\r\n" + bulk("Catania") + bulk("56.4413") + int(3479447370796909)
                       + "*2\r\n" + bulk("15.08726745843887329") + bulk("37.50266842333162032")
                       + "*4\r\n" + bulk("Palermo") + bulk("190.4424") + int(3479099956230698)
                       + "*2\r\n" + bulk("13.36138933897018433") + bulk("38.11555639549629859"))
        XCTAssertEqual(run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC", "COUNT", "1"),
                       "*1\r\n" + bulk("Palermo"))
        XCTAssertEqual(run("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "ASC"),
                       "*2\r\n" + bulk("Palermo") + bulk("Catania"))
        XCTAssertEqual(run("GEORADIUSBYMEMBER", "Sicily", "nonex", "1", "km"), error("ERR could not decode requested zset member"))
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "-1", "km"), error("ERR radius cannot be negative"))
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "x", "km"), error("ERR need numeric radius"))
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"), error("ERR COUNT must be > 0"))
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY"), error("ERR the ANY argument requires COUNT argument"))
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "d", "WITHDIST"),
                       error("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"))
        XCTAssertEqual(run("GEORADIUS_RO", "Sicily", "15", "37", "1", "km", "STORE", "d"), syntaxError)
        XCTAssertEqual(run("geoSearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "DESC"),
                       error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geoSearch"))
        XCTAssertEqual(run("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "COUNT", "1", "ASC"),
                       error("ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"))
        XCTAssertEqual(run("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "-1", "km"),
                       error("ERR height or width cannot be negative"))
        XCTAssertEqual(run("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"), "*0\r\n")
        XCTAssertEqual(run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT",
                           "9223372036854775807", "ANY"), "*2\r\n" + bulk("Palermo") + bulk("Catania"),
                       "a COUNT at Int64.max overflows nothing")
    }

    func testAnyStopsTheScanInBothEncodings() {
        for (key, limit) in [("compact", "128"), ("large", "2")] {
            run("CONFIG", "SET", "zset-max-listpack-entries", limit)
            for i in 0..<20 { run("GEOADD", key, "10.\(i)", "10", "m\(i)") }
            XCTAssertEqual(run("OBJECT", "ENCODING", key), bulk(key == "large" ? "skiplist" : "listpack"))
            XCTAssertEqual(run("GEOSEARCH", key, "FROMLONLAT", "10", "10", "BYRADIUS", "500", "km", "COUNT", "3", "ANY"),
                           "*3\r\n" + bulk("m0") + bulk("m1") + bulk("m10"), "scan order (10.1 = 10.10), stopped at 3")
            XCTAssertEqual(run("GEOSEARCH", key, "FROMLONLAT", "10.5", "10", "BYRADIUS", "30", "km", "COUNT", "2", "DESC"),
                           "*2\r\n" + bulk("m7") + bulk("m3"), "a tie, in pqsort's order")
        }
    }

    func testStoresReplaceTheDestinationAndAreLoggedAsTyped() {
        sicily()
        _ = logged()
        run("SET", "dst", "string")
        XCTAssertEqual(run("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"), int(2))
        XCTAssertEqual(run("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
                       "*4\r\n" + bulk("Catania") + bulk("56.441257870158204") + bulk("Palermo") + bulk("190.44242984775784"))
        XCTAssertEqual(run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst2"), int(2))
        XCTAssertEqual(run("ZSCORE", "dst2", "Palermo"), bulk("3479099956230698"))
        XCTAssertEqual(run("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"), int(0))
        XCTAssertEqual(run("EXISTS", "dst"), int(0), "no result deletes the destination")
        XCTAssertEqual(run("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "WITHDIST"),
                       error("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"))
        XCTAssertEqual(logged(), [
            ["SET", "dst", "string"],
            ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"],
            ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst2"],
            ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"],
        ])
        run("SET", "dst", "string")
        XCTAssertEqual(run("GEORADIUSBYMEMBER", "nokey", "m", "x", "y", "STORE", "dst"), int(0),
                       "no source: the radius is not even read, the destination goes")
        XCTAssertEqual(run("EXISTS", "dst"), int(0))
    }

    func testGetkeysFindsStoreKeysAsRedisKeySpecs() {
        func keys(_ words: String...) -> [String] { (bulkArray(run(args: words.map { Bytes($0) }, on: client)) ?? []).map { $0 ?? "" } }
        XCTAssertEqual(keys("COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "1", "1", "km", "STOREDIST", "e", "STORE", "d"), ["k", "d", "e"])
        XCTAssertEqual(keys("COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "1", "1", "km", "STORE", "a", "store", "b"), ["k", "a"])
        XCTAssertEqual(keys("COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "1", "1", "km", "WITHDIST", "STOREDIST"), ["k"])
        XCTAssertEqual(keys("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "m", "1", "km", "store", "x", "storedist", "y"), ["k", "x", "y"])
        XCTAssertEqual(keys("COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"), ["d", "s"])
    }

    func testSlowLogAndStatisticsSeeGeoaddAsTyped() {
        run("CONFIG", "SET", "slowlog-log-slower-than", "0")
        run("SLOWLOG", "RESET")
        run("GEOADD", "sl", "1", "1", "a")
        let entry = run("SLOWLOG", "GET", "1")
        XCTAssertTrue(entry.contains(bulk("GEOADD") + bulk("sl") + bulk("1") + bulk("1") + bulk("a")), entry)
        let stats = run("INFO", "commandstats")
        XCTAssertTrue(stats.contains("cmdstat_geoadd:calls=1,"), stats)
        XCTAssertFalse(stats.contains("cmdstat_zadd"), "ZADD ran inside GEOADD, not as a command of its own")
    }

    func testGeoaddInsideMultiIsLoggedAsZaddInTheBlock() {
        run("MULTI")
        run("GEOADD", "g", "13.361389", "38.115556", "Palermo")
        run("GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km")
        XCTAssertEqual(run("EXEC"), "*2\r\n" + int(1) + int(1))
        XCTAssertEqual(logged(includingSelect: false), [
            ["MULTI"], ["zadd", "g", "3479099956230698", "Palermo"],
            ["GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"], ["EXEC"],
        ])
    }

    func testSearchRunsInsideMulti() {
        sicily()
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(run("GEOSEARCH", "Sicily", "FROMMEMBER", "Catania", "BYRADIUS", "1", "m", "WITHDIST"), "+QUEUED\r\n")
        XCTAssertEqual(run("EXEC"), "*1\r\n*1\r\n*2\r\n" + bulk("Catania") + bulk("0.0000"))
    }

    func testKeyspaceEvents() {
        let subscriber = engine.makeClient()
        _ = run(args: [Bytes("PSUBSCRIBE"), Bytes("__keyevent*")], on: subscriber)
        _ = subscriber.reply.take()
        XCTAssertEqual(run("CONFIG", "SET", "notify-keyspace-events", "E$z"), ok)
        run("GEOADD", "g", "1", "1", "a", "2", "2", "b")
        run("GEOADD", "g", "1", "1", "a")
        run("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "500", "km")
        run("GEORADIUS", "g", "1", "1", "500", "km", "STORE", "d")
        var reader = ReplyReader(subscriber.reply.take())
        var events: [String] = []
        while !reader.atEnd, let frame = reader.readFlatArray() { events.append("\(frame[2] ?? "") \(frame[3] ?? "")") }
        XCTAssertEqual(events, ["__keyevent@0__:zadd g", "__keyevent@0__:geosearchstore d", "__keyevent@0__:georadiusstore d"])
    }
}
