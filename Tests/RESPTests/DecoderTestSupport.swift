import XCTest
@testable import RESP
import SwirlBytes

/// Bytes of a string literal, so frames read as they appear on the wire.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Commands as strings, for readable assertions (test data is ASCII or UTF-8).
func words(_ commands: [[Bytes]]) -> [[String]] {
    commands.map { $0.map { String(decoding: $0.array, as: UTF8.self) } }
}

/// Feeds `pieces` one after the other, draining the decoder after each append.
/// Returns the commands in order, or the first protocol error.
func decode(_ pieces: [[UInt8]], decoder: inout RequestDecoder) -> Result<[[Bytes]], ProtocolError> {
    var commands: [[Bytes]] = []
    for piece in pieces {
        decoder.append(contentsOf: piece)
        do {
            while let command = try decoder.next() { commands.append(command) }
        } catch {
            return .failure(error)
        }
    }
    return .success(commands)
}

func decode(_ pieces: [UInt8]..., limits: RequestDecoder.Limits = .init()) -> Result<[[Bytes]], ProtocolError> {
    var decoder = RequestDecoder(limits: limits)
    return decode(pieces, decoder: &decoder)
}

/// The commands a complete input decodes to, failing the test on a protocol error.
func decodeWhole(_ input: String, file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
    switch decode(bytes(input)) {
    case .success(let commands): return words(commands)
    case .failure(let error):
        XCTFail("unexpected protocol error: \(error.message)", file: file, line: line)
        return []
    }
}

/// The protocol error an input produces, or nil (with a test failure) when it decodes.
func decodeError(_ input: [UInt8], limits: RequestDecoder.Limits = .init(),
                 file: StaticString = #filePath, line: UInt = #line) -> String? {
    switch decode(input, limits: limits) {
    case .success(let commands):
        XCTFail("expected a protocol error, decoded \(words(commands))", file: file, line: line)
        return nil
    case .failure(let error):
        return error.message
    }
}
