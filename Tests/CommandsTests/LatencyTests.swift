import XCTest
@testable import Commands
import RESP
import SwirlBytes

/// The HdrHistogram arithmetic behind INFO latencystats and LATENCY
/// HISTOGRAM (expected figures read off redis-server 7.0), and the latency
/// monitor's events.
final class LatencyTests: CommandTestCase {
    func testHdrBucketsWithTwoSignificantDigits() {
        XCTAssertEqual(Hdr.highestEquivalent(1), 1)
        XCTAssertEqual(Hdr.highestEquivalent(255), 255)
        XCTAssertEqual(Hdr.highestEquivalent(1000), 1003)
        XCTAssertEqual(Hdr.highestEquivalent(2000), 2007)
        XCTAssertEqual(Hdr.highestEquivalent(3000), 3007)
        XCTAssertEqual(Hdr.highestEquivalent(5000), 5023)
        XCTAssertEqual(Hdr.highestEquivalent(32768), 33023)
        XCTAssertEqual(Hdr.lowestEquivalent(66000), 65536)
    }

    func testPercentilesAndCumulativeBuckets() {
        var table = LatencyTable(commandCount: 3)
        for micros: Int64 in [0, 1, 1, 2, 3, 3, 3, 9, 40, 5_000_000] { table.record(id: 1, microseconds: micros) }
        XCTAssertNil(table.histogram(id: 0))
        let histogram = table.histogram(id: 1)!
        XCTAssertEqual(histogram.total, 10)
        XCTAssertEqual(histogram.value(atPercentile: 50), 3007)
        XCTAssertEqual(histogram.value(atPercentile: 10), 1, "0 µs is recorded as 1 ns")
        XCTAssertEqual(histogram.value(atPercentile: 100), Hdr.highestEquivalent(1_000_000_000), "capped at 1 s")
        let buckets = histogram.cumulativeBuckets()
        XCTAssertEqual(buckets.first?.micros, 1)
        XCTAssertEqual(buckets.first?.count, 3)
        XCTAssertEqual(buckets.map(\.count).last, 10)
        XCTAssertEqual(buckets.map(\.count), buckets.map(\.count).sorted(), "cumulative")
    }

    func testInfoLatencystatsAndHistogramReplies() {
        run("SET", "k", "v")
        run("GET", "k")
        let info = run("INFO", "latencystats")
        XCTAssertTrue(info.contains("latency_percentiles_usec_get:p50="), info)
        XCTAssertTrue(info.contains(",p99.9="), info)
        let reply = run("LATENCY", "HISTOGRAM", "get", "nosuch")
        XCTAssertTrue(reply.hasPrefix("*2\r\n$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n"), reply)
        run("CONFIG", "SET", "latency-tracking", "no")
        run("CONFIG", "RESETSTAT")
        run("GET", "k")
        XCTAssertEqual(run("INFO", "latencystats"), "$16\r\n# Latencystats\r\n\r\n")
        XCTAssertTrue(run("CONFIG", "SET", "latency-tracking-info-percentiles", "50 101").hasPrefix("-ERR"))
    }

    func testMonitorKeepsOneSamplePerSecondAndTheMaximum() {
        let monitor = LatencyMonitor()
        monitor.add("command", milliseconds: 5, at: 100)
        monitor.add("command", milliseconds: 9, at: 100)
        monitor.add("command", milliseconds: 2, at: 101)
        XCTAssertEqual(monitor.events["command"]!.samples.map(\.milliseconds), [9, 2])
        XCTAssertEqual(monitor.events["command"]!.maximum, 9)
        for second in 0..<200 { monitor.add("fast-command", milliseconds: 1, at: Int64(second)) }
        XCTAssertEqual(monitor.events["fast-command"]!.samples.count, 160)
        XCTAssertEqual(monitor.reset(["command", "nosuch"]), 1)
        XCTAssertEqual(monitor.reset([]), 1)
    }

    func testSlowCommandsBecomeEvents() {
        run("CONFIG", "SET", "latency-monitor-threshold", "1")
        run("DEBUG", "SLEEP", "0.005")
        XCTAssertTrue(run("LATENCY", "LATEST").hasPrefix("*1\r\n*4\r\n$7\r\ncommand\r\n"))
        XCTAssertTrue(run("LATENCY", "GRAPH", "command").contains("command - high"))
        XCTAssertEqual(run("LATENCY", "GRAPH", "other"), error("ERR No samples available for event 'other'"))
    }
}
