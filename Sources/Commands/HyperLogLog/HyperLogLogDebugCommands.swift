#if canImport(Glibc)
import Glibc
#endif
import Keyspace
import RESP
import SwirlBytes

/// PFDEBUG (GETREG, DECODE, ENCODING, TODENSE) and PFSELFTEST, Redis's
/// internal commands for looking inside an HLL and checking the code.
enum HyperLogLogDebugCommands {
    static func specs() -> [CommandSpec] {
        let hll = HyperLogLogCommands.group
        return [
            hll.command("pfdebug", 3, [.write, .denyOOM, .admin], keys: KeyPositions(first: 2, last: 2, step: 1),
                        syntax: "subcommand key", "Internal commands for debugging HyperLogLog values.",
                        complexity: "N/A", docNotes: .syscmd, handler: pfdebug),
            hll.command("pfselftest", 1, [.admin], keys: .none, syntax: "",
                        "An internal command for testing HyperLogLog values.", complexity: "N/A",
                        docNotes: .syscmd, handler: pfselftest),
        ]
    }

    static func pfdebug(_ c: Client) {
        let key = c.args[2]
        guard let exists = HyperLogLogCommands.checkHLLForWrite(c, key) else { return }
        guard exists else {
            c.reply.error("ERR The specified key does not exist")
            return
        }
        let name = c.args[1]
        // Redis unshares the value before it even reads the subcommand.
        c.db.setStringForm(key, .raw)
        if CString.equalsIgnoringCase(name, "getreg") {
            let converted = c.db.mutateString(key) { $0.withArray { toDense(c, &$0) } } ?? nil
            guard let converted else { return }
            if converted { c.engine.dirty += 1 }  // the encoding changed: propagated, as Redis forces it
            guard case .string(let value)? = c.db.peek(key) else { return }
            value.withUnsafeBytes { raw in
                c.reply.array(HyperLogLog.registerCount)
                for index in 0..<HyperLogLog.registerCount { c.reply.integer(Int(HyperLogLog.denseRegister(raw, index))) }
            }
        } else if CString.equalsIgnoringCase(name, "decode") {
            guard case .string(let value)? = c.db.peek(key) else { return }
            guard value[4] == HyperLogLog.sparse else {
                c.reply.error("ERR HLL encoding is not sparse")
                return
            }
            c.reply.bulk(value.withUnsafeBytes(decode))
        } else if CString.equalsIgnoringCase(name, "encoding") {
            guard case .string(let value)? = c.db.peek(key) else { return }
            c.reply.simple(value[4] == HyperLogLog.dense ? "dense" : "sparse")
        } else if CString.equalsIgnoringCase(name, "todense") {
            let converted = c.db.mutateString(key) { $0.withArray { toDense(c, &$0) } } ?? nil
            guard let converted else { return }
            if converted { c.engine.dirty += 1 }
            c.reply.integer(converted ? 1 : 0)
        } else {
            c.reply.error("ERR Unknown PFDEBUG subcommand '\(arg: name)'" as ErrorText)
        }
    }

    /// Makes a sparse value dense: true when it converted, false when it was
    /// already dense, nil after replying that it is corrupt.
    private static func toDense(_ c: Client, _ bytes: inout [UInt8]) -> Bool? {
        guard bytes[4] == HyperLogLog.sparse else { return false }
        guard HyperLogLog.Sparse.toDense(&bytes) else {
            c.reply.error(HyperLogLog.corrupted)
            return nil
        }
        return true
    }

    /// The sparse opcodes as text: `Z:16384`, `z:3`, `v:2,1` (value, run), space separated.
    private static func decode(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var text: [UInt8] = []
        var p = HyperLogLog.headerSize
        typealias S = HyperLogLog.Sparse
        while p < raw.count {
            let op = raw[p]
            if !text.isEmpty { text.append(UInt8(ascii: " ")) }
            if S.isZero(op) {
                text += Array("z:\(S.zeroLength(op))".utf8)
                p += 1
            } else if S.isXZero(op) {
                text += Array("Z:\(S.xzeroLength(op, S.byte(raw, p + 1)))".utf8)
                p += 2
            } else {
                text += Array("v:\(S.valValue(op)),\(S.valLength(op))".utf8)
                p += 1
            }
        }
        return text
    }

    // MARK: - PFSELFTEST

    /// Redis's self test: dense registers keep what is written without
    /// disturbing their neighbours, and the estimates of ten million distinct
    /// elements, counted dense and sparse side by side, agree and stay within
    /// six standard errors.
    static func pfselftest(_ c: Client) {
        if let failure = selfTest(cycles: 1000, elements: 10_000_000) {
            c.reply.error(failure)
        } else {
            c.reply.ok()
        }
    }

    static func selfTest(cycles: Int, elements: Int) -> String? {
        var dense = [UInt8](repeating: 0, count: HyperLogLog.denseSize)
        dense[4] = HyperLogLog.dense
        var expected = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<cycles {
            let failure: String? = dense.withUnsafeMutableBytes { raw in
                for index in 0..<HyperLogLog.registerCount {
                    let value = UInt8.random(in: 0...HyperLogLog.registerMax, using: &random)
                    expected[index] = value
                    HyperLogLog.setDenseRegister(raw, index, value)
                }
                for index in 0..<HyperLogLog.registerCount {
                    let value = HyperLogLog.denseRegister(UnsafeRawBufferPointer(raw), index)
                    if value != expected[index] {
                        return "TESTFAILED Register \(index) should be \(expected[index]) but is \(value)"
                    }
                }
                return nil
            }
            if let failure { return failure }
        }
        for index in HyperLogLog.headerSize..<dense.count { dense[index] = 0 }
        var sparse = HyperLogLog.makeEmpty()
        let relativeError = 1.04 / Double(HyperLogLog.registerCount).squareRoot()
        var checkpoint = 1
        let seed = UInt64.random(in: 0...UInt64.max, using: &random)
        for j in 1...elements {
            var element = UInt64(j) ^ seed
            withUnsafeBytes(of: &element) { bytes in
                let (register, count) = HyperLogLog.pattern(of: bytes)
                _ = dense.withUnsafeMutableBytes { HyperLogLog.denseSet($0, register, count) }
                _ = HyperLogLog.add(bytes, to: &sparse)
            }
            guard j == checkpoint else { continue }
            if j < HyperLogLog.sparseMaxBytes / 2 && sparse[4] != HyperLogLog.sparse {
                return "TESTFAILED sparse encoding not used"
            }
            let denseCount = dense.withUnsafeBytes { HyperLogLog.estimate(HyperLogLog.denseHistogram($0)) }
            let sparseCount = sparse.withUnsafeBytes { HyperLogLog.histogram($0).map(HyperLogLog.estimate) }
            if denseCount != sparseCount { return "TESTFAILED dense/sparse disagree" }
            let error = abs(checkpoint - Int(denseCount))
            // Cardinality 10 is allowed an error of 1: collisions make larger ones likely there.
            let allowed = j == 10 ? 1 : Int(ceil(relativeError * 6 * Double(checkpoint)))
            if error > allowed { return "TESTFAILED Too big error. card:\(checkpoint) abserr:\(error)" }
            checkpoint *= 10
        }
        return nil
    }
}
