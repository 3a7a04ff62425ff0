import XCTest
@testable import Commands
import Keyspace
import Persistence
import RESP
import SwirlBytes

/// A fresh engine and one in-process client per test, and `run` to send a
/// command and read its reply as text (RESP bytes, decoded as UTF-8).
class CommandTestCase: XCTestCase {
    var engine: Engine!
    var client: Client!

    override func setUp() {
        super.setUp()
        engine = Engine(config: Self.testConfig())
        client = engine.makeClient()
    }

    /// The defaults, with DEBUG allowed (Redis 7.0's default is `no`), as the test servers run.
    static func testConfig() -> Config {
        let config = Config()
        config.set("enable-debug-command", "yes")
        return config
    }

    override func tearDown() {
        client = nil
        engine = nil
        super.tearDown()
    }

    /// Runs one command and returns its whole reply, leaving the reply buffer empty.
    @discardableResult
    func run(_ words: String...) -> String {
        run(args: words.map { Bytes($0) }, on: client)
    }

    /// Runs one command with binary arguments on a given client.
    @discardableResult
    func run(args: [Bytes], on client: Client) -> String {
        client.args = args
        engine.execute(client)
        return String(decoding: client.reply.take(), as: UTF8.self)
    }

    /// Runs several commands, failing the test if any reply differs from `expected`.
    func expect(_ pairs: [(command: [String], reply: String)], file: StaticString = #filePath, line: UInt = #line) {
        for (command, reply) in pairs {
            let got = run(args: command.map { Bytes($0) }, on: client)
            XCTAssertEqual(got, reply, command.joined(separator: " "), file: file, line: line)
        }
    }

    /// Redis's bulk string frame for `text`.
    func bulk(_ text: String) -> String { "$\(text.utf8.count)\r\n\(text)\r\n" }

    /// An integer reply frame.
    func int(_ value: Int64) -> String { ":\(value)\r\n" }

    func error(_ text: String) -> String { "-\(text)\r\n" }

    let ok = "+OK\r\n"
    let null = "$-1\r\n"
    let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    let notInteger = "-ERR value is not an integer or out of range\r\n"
    let syntaxError = "-ERR syntax error\r\n"

    /// Milliseconds since the epoch on the real clock (what `execute` uses).
    func nowMilliseconds() -> Int64 { Keyspace.clockMilliseconds() }

    /// Parses an integer reply, or nil.
    func integerValue(_ reply: String) -> Int64? {
        let bytes = Array(reply.utf8)
        guard bytes.first == UInt8(ascii: ":"), bytes.suffix(2) == [13, 10] else { return nil }
        return Int64(String(decoding: bytes.dropFirst().dropLast(2), as: UTF8.self))
    }

    /// The elements of a flat RESP2 array of bulk strings (nil elements as nil).
    func bulkArray(_ reply: String) -> [String?]? {
        var decoder = ReplyReader(Array(reply.utf8))
        return decoder.readFlatArray()
    }
}

/// A minimal reader of RESP replies, enough for arrays of bulk strings and
/// SCAN's two-element reply.
struct ReplyReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func line() -> String? {
        guard let cr = bytes[position...].firstIndex(of: 0x0d), cr + 1 < bytes.count else { return nil }
        let text = String(decoding: bytes[position..<cr], as: UTF8.self)
        position = cr + 2
        return text
    }

    /// A bulk string (nil for `$-1`), or nil with `ok` false on anything else.
    mutating func bulk() -> (ok: Bool, value: String?) {
        guard let header = line(), header.first == "$", let length = Int(header.dropFirst()) else { return (false, nil) }
        if length < 0 { return (true, nil) }
        let value = String(decoding: bytes[position..<(position + length)], as: UTF8.self)
        position += length + 2
        return (true, value)
    }

    mutating func readFlatArray() -> [String?]? {
        guard let header = line(), header.first == "*", let count = Int(header.dropFirst()) else { return nil }
        var elements: [String?] = []
        for _ in 0..<max(0, count) {
            let (ok, value) = bulk()
            guard ok else { return nil }
            elements.append(value)
        }
        return elements
    }

    /// SCAN/HSCAN: `*2`, the cursor, then an array of bulk strings.
    mutating func readScan() -> (cursor: String, elements: [String])? {
        guard line() == "*2" else { return nil }
        let (ok, cursor) = bulk()
        guard ok, let cursor, let elements = readFlatArray() else { return nil }
        return (cursor, elements.map { $0 ?? "" })
    }
}

/// A test case whose engine logs to its AOF buffer, and a reader of what it logged.
class PropagationTestCase: CommandTestCase {
    override func setUp() {
        super.setUp()
        engine.propagating = true
    }

    /// What a rewrite (BGREWRITEAOF) of the keyspace would write, as words.
    func rewriteCommands() -> [[String]] {
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        decoder.append(contentsOf: AOFRewriter.snapshot(engine.keyspace))
        var commands: [[String]] = []
        while let command = try? decoder.next() { commands.append(command.map { String(decoding: $0, as: UTF8.self) }) }
        return commands
    }

    /// The commands appended to the AOF buffer since the last call, as words
    /// (the buffer is emptied); fails the test on invalid or partial RESP.
    func logged(includingSelect: Bool = true) -> [[String]] {
        var decoder = RequestDecoder()
        decoder.allowsInline = false
        decoder.append(contentsOf: engine.aofBuffer)
        engine.aofBuffer.removeAll()
        var commands: [[String]] = []
        do {
            while let command = try decoder.next() { commands.append(command.map { String(decoding: $0, as: UTF8.self) }) }
        } catch {
            XCTFail("AOF buffer is not valid RESP: \(error.message)")
        }
        XCTAssertEqual(decoder.bufferedCount, 0, "AOF buffer ends with a partial command")
        return includingSelect ? commands : commands.filter { $0.first != "SELECT" }
    }
}
