import XCTest
@testable import Keyspace
import SwirlBytes

final class MemoryFootprintTests: XCTestCase {
    func testHeapBlocksRoundLikeGlibc() {
        XCTAssertEqual(MemoryFootprint.heapBlock(1), 32, "the smallest chunk")
        XCTAssertEqual(MemoryFootprint.heapBlock(24), 32, "24 + 8 header fits 32")
        XCTAssertEqual(MemoryFootprint.heapBlock(25), 48)
        XCTAssertEqual(MemoryFootprint.heapBlock(1000), 1008)
    }

    func testInlineBytesCostNothingOutsideTheirSlot() {
        XCTAssertEqual(MemoryFootprint.heapBytes(Bytes(String(repeating: "x", count: 23))), 0)
        XCTAssertGreaterThanOrEqual(MemoryFootprint.heapBytes(Bytes(String(repeating: "x", count: 24))), 32 + 24)
    }

    /// `stringForm` and `access` sit in the padding between the value and the
    /// 8-aligned expiry time: a slot costs its value plus the expiry.
    func testSlotMetadataLivesInThePaddingAfterTheValue() {
        XCTAssertEqual(MemoryLayout<Slot>.size, (MemoryLayout<RedisValue>.size + 7) / 8 * 8 + 8)
    }

    func testSamplingExtrapolatesFromTheFirstElements() {
        XCTAssertEqual(MemoryFootprint.sampled(10, 5) { $0 < 5 ? 100 : 0 }, 1000, "5 samples of 100, scaled to 10")
        XCTAssertEqual(MemoryFootprint.sampled(10, Int.max) { $0 < 5 ? 100 : 0 }, 500, "all elements: exact")
        XCTAssertEqual(MemoryFootprint.sampled(0, 5) { _ in 100 }, 0)
    }

    func testASetCostsMoreOnceItLeavesTheIntsetForm() {
        let set = SetValue(["1", "2", "3"].map { Bytes($0) })
        let intset = MemoryFootprint.valueBytes(.set(set))
        set.add(Bytes(String(repeating: "m", count: 100)))
        XCTAssertEqual(set.form, .table)
        XCTAssertGreaterThan(MemoryFootprint.valueBytes(.set(set)), intset + 100)
    }

    func testTableOverheadLeavesOutTheInlineKeysAndValues() {
        let keyspace = Keyspace(databaseCount: 1)
        for index in 0..<100 { keyspace[0].set(Bytes("key:\(index)"), .string("v")) }
        let overhead = MemoryFootprint.tableOverhead(keyspace[0])
        let table = MemoryFootprint.tableBytes(keyspace[0].main)
        XCTAssertEqual(table - overhead, 100 * (MemoryLayout<Bytes>.size + MemoryLayout<RedisValue>.size))
        XCTAssertGreaterThan(overhead, keyspace[0].main.bucketCount * 4, "buckets and per-entry bookkeeping")
    }
}
