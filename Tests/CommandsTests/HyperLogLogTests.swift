import XCTest
@testable import Commands
import Keyspace
import SwirlBytes

/// The HyperLogLog format and commands in process. Exact agreement with
/// redis-server (bytes and estimates) is checked by the differential script
/// Tests/CompatTests/scripts/hyperloglog.redis and test_hyperloglog_interop.py.
final class HyperLogLogTests: CommandTestCase {
    func value(_ key: String) -> [UInt8] {
        guard case .string(let bytes)? = engine.keyspace[0].peek(Bytes(key)) else { return [] }
        return bytes.array
    }

    func testMurmurHash64AKnownValues() {
        // MurmurHash64A with seed 0xadc83b19, as Redis computes it (element → register, run).
        let hash = Array("hello".utf8).withUnsafeBytes { HyperLogLog.murmurHash64A($0) }
        let empty = [UInt8]().withUnsafeBytes { HyperLogLog.murmurHash64A($0) }
        XCTAssertNotEqual(hash, empty)
        // The pattern of every element is in 1...51 and its register below 16384.
        for index in 0..<2000 {
            let (register, count) = Array("e\(index)".utf8).withUnsafeBytes { HyperLogLog.pattern(of: $0) }
            XCTAssertTrue(register >= 0 && register < 16384)
            XCTAssertTrue(count >= 1 && count <= 51)
        }
    }

    func testNewHLLIsSparseWithOneXZero() {
        XCTAssertEqual(run("PFADD", "h"), int(1))
        XCTAssertEqual(value("h"), Array("HYLL".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7f, 0xff])
        XCTAssertEqual(run("PFCOUNT", "h"), int(0))
        XCTAssertEqual(value("h")[15], 0, "the cache is valid after PFCOUNT")
        XCTAssertEqual(run("PFDEBUG", "DECODE", "h"), bulk("Z:16384"))
    }

    func testSparseEditsAndCount() {
        XCTAssertEqual(run("PFADD", "h", "a", "b", "c"), int(1))
        XCTAssertEqual(run("PFADD", "h", "a", "b", "c"), int(0))
        XCTAssertEqual(run("PFCOUNT", "h"), int(3))
        XCTAssertEqual(run("PFDEBUG", "ENCODING", "h"), "+sparse\r\n")
        // Registers read back through GETREG match the sparse opcodes.
        let registers = run("PFDEBUG", "GETREG", "h").split(separator: "\r\n").dropFirst().compactMap { Int($0.dropFirst()) }
        XCTAssertEqual(registers.count, 16384)
        XCTAssertEqual(registers.filter { $0 > 0 }.count, 3)
        XCTAssertEqual(run("PFDEBUG", "ENCODING", "h"), "+dense\r\n", "GETREG converts")
        XCTAssertEqual(value("h").count, 12304)
    }

    func testSparseAndDenseAgreeAndPromotionFollowsTheLimit() {
        for element in 0..<5000 {
            run("PFADD", "s", "x\(element)")
            if element % 997 == 0 {
                let sparseCount = run("PFCOUNT", "s")
                run("PFMERGE", "d", "s")
                run("PFDEBUG", "TODENSE", "d")
                XCTAssertEqual(run("PFCOUNT", "d"), sparseCount)
            }
        }
        XCTAssertEqual(run("PFDEBUG", "ENCODING", "s"), "+dense\r\n")
        run("CONFIG", "SET", "hll-sparse-max-bytes", "20")
        run("PFADD", "tiny", "a", "b")
        XCTAssertEqual(run("PFDEBUG", "ENCODING", "tiny"), "+dense\r\n")
    }

    func testEstimatesStayWithinTheStandardError() {
        var bytes = HyperLogLog.makeEmpty()
        for element in 0..<20000 {
            _ = Array("item:\(element)".utf8).withUnsafeBytes { HyperLogLog.add($0, to: &bytes) }
        }
        let estimate = bytes.withUnsafeBytes { HyperLogLog.estimate(HyperLogLog.histogram($0)!) }
        XCTAssertLessThan(abs(Double(estimate) - 20000) / 20000, 0.0081 * 4)
    }

    func testInvalidValues() {
        run("SET", "s", "not an hll at all")
        XCTAssertEqual(run("PFADD", "s", "a"), error("WRONGTYPE Key is not a valid HyperLogLog string value."))
        XCTAssertEqual(run("PFCOUNT", "s"), error("WRONGTYPE Key is not a valid HyperLogLog string value."))
        run("RPUSH", "l", "a")
        XCTAssertEqual(run("PFADD", "l", "a"), wrongType)
        // A sparse body that covers 16383 registers only.
        let corrupt = Array("HYLL".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7f, 0xfe]
        run(args: ["SET", "c", Bytes(corrupt)], on: client)
        XCTAssertEqual(run("PFCOUNT", "c"), error("INVALIDOBJ Corrupted HLL object detected"))
        XCTAssertEqual(run("PFMERGE", "m", "c"), error("INVALIDOBJ Corrupted HLL object detected"))
        XCTAssertEqual(run("PFDEBUG", "TODENSE", "c"), error("INVALIDOBJ Corrupted HLL object detected"))
        XCTAssertEqual(run("PFDEBUG", "GETREG", "nokey"), error("ERR The specified key does not exist"))
        XCTAssertEqual(run("PFDEBUG", "NOPE", "c"), error("ERR Unknown PFDEBUG subcommand 'NOPE'"))
    }

    func testPropagation() {
        engine.propagating = true
        run("PFADD", "h", "a", "b")
        run("PFADD", "h", "a")
        run("PFCOUNT", "h")
        run("PFCOUNT", "h")
        run("PFDEBUG", "TODENSE", "h")
        run("PFDEBUG", "TODENSE", "h")
        let log = String(decoding: engine.aofBuffer, as: UTF8.self)
        XCTAssertEqual(log.components(separatedBy: "PFADD").count - 1, 1)
        XCTAssertEqual(log.components(separatedBy: "PFCOUNT").count - 1, 1, "only the PFCOUNT that stored the cache")
        XCTAssertEqual(log.components(separatedBy: "PFDEBUG").count - 1, 1, "only the conversion")
    }

    func testSelfTestPassesOnASmallRun() {
        XCTAssertNil(HyperLogLogDebugCommands.selfTest(cycles: 3, elements: 20000))
    }
}
