import XCTest
@testable import RESP

/// A frame may arrive cut anywhere: every cut must decode to the same commands
/// as the whole frame, with nothing returned early and nothing lost.
final class RequestDecoderSplitTests: XCTestCase {
    private func assertSameCommandsAtEverySplit(_ input: [UInt8], expected: [[String]], _ name: String,
                                                file: StaticString = #filePath, line: UInt = #line) {
        for cut in 0...input.count {
            let result = decode(Array(input[..<cut]), Array(input[cut...]))
            switch result {
            case .success(let commands):
                XCTAssertEqual(words(commands), expected, "\(name): split at byte \(cut)", file: file, line: line)
            case .failure(let error):
                XCTFail("\(name): split at byte \(cut) failed with \(error.message)", file: file, line: line)
            }
        }
    }

    private func assertSameCommandsOneByteAtATime(_ input: [UInt8], expected: [[String]], _ name: String,
                                                  file: StaticString = #filePath, line: UInt = #line) {
        var decoder = RequestDecoder()
        let result = decode(input.map { [$0] }, decoder: &decoder)
        XCTAssertEqual(try result.get().map { $0.map { String(decoding: $0, as: UTF8.self) } }, expected,
                       name, file: file, line: line)
        XCTAssertEqual(decoder.bufferedCount, 0, name, file: file, line: line)
    }

    func testEveryFrameKindSplitInTwoAtEveryByte() {
        for sample in frameSamples {
            assertSameCommandsAtEverySplit(bytes(sample.input), expected: sample.commands, sample.name)
        }
    }

    func testEveryFrameKindFedOneByteAtATime() {
        for sample in frameSamples {
            assertSameCommandsOneByteAtATime(bytes(sample.input), expected: sample.commands, sample.name)
        }
    }

    func testAllFrameKindsPipelinedSplitAtEveryByte() {
        let input = frameSamples.flatMap { bytes($0.input) }
        let expected = frameSamples.flatMap(\.commands)
        assertSameCommandsAtEverySplit(input, expected: expected, "pipeline")
        assertSameCommandsOneByteAtATime(input, expected: expected, "pipeline")
    }

    func testCommandsCompletedBeforeTheCutAreReturnedBeforeTheRestArrives() throws {
        let frames = ["*1\r\n$4\r\nPING\r\n", "ECHO a\r\n", "*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n"].map(bytes)
        let input = frames.flatMap { $0 }
        let frameEnds = [frames[0].count, frames[0].count + frames[1].count, input.count]
        for cut in 0...input.count {
            var decoder = RequestDecoder()
            decoder.append(contentsOf: input[..<cut])
            var early = 0
            while try decoder.next() != nil { early += 1 }
            XCTAssertEqual(early, frameEnds.filter { $0 <= cut }.count, "cut at \(cut)")
        }
    }

    func testProtocolErrorIsTheSameWhateverTheSplit() {
        let malformed: [(String, String)] = [
            ("*1\r\nx\r\n", "expected '$', got 'x'"),
            ("*abc\r\n", "invalid multibulk length"),
            ("*1\r\n$-5\r\n", "invalid bulk length"),
            ("SET \"k v\r\n", "unbalanced quotes in request"),
        ]
        for (text, message) in malformed {
            let input = bytes(text)
            for cut in 0...input.count {
                switch decode(Array(input[..<cut]), Array(input[cut...])) {
                case .success(let commands): XCTFail("\(text.debugDescription) cut at \(cut) decoded \(words(commands))")
                case .failure(let error): XCTAssertEqual(error.message, message, "cut at \(cut)")
                }
            }
        }
    }

    func testLargeBulkSplitAtEveryByteAroundItsEdges() {
        let value = String(repeating: "v", count: 40_000)
        let header = bytes("*2\r\n$4\r\nECHO\r\n$40000\r\n").count
        let input = bytes("*2\r\n$4\r\nECHO\r\n$40000\r\n\(value)\r\n")
        let cuts = Array(0...header + 2) + Array((input.count - 4)...input.count) + [header + 20_000]
        for cut in cuts {
            let result = decode(Array(input[..<cut]), Array(input[cut...]))
            XCTAssertEqual(try result.get().first?.last?.count, 40_000, "cut at \(cut)")
        }
    }
}
