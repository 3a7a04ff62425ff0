import XCTest
import SwirlBytes
@testable import Commands

/// The argument syntax notation (CommandSyntax.swift), every command's
/// declared `syntax` against its arity, and COMMAND DOCS replies compared
/// with the bytes Redis 7.0.15 returns.
final class CommandDocsTests: CommandTestCase {
    typealias A = ArgumentDoc

    func parse(_ syntax: String, file: StaticString = #filePath, line: UInt = #line) -> [ArgumentDoc] {
        do {
            return try CommandSyntax.parse(syntax)
        } catch {
            XCTFail("\(error) in \"\(syntax)\"", file: file, line: line)
            return []
        }
    }

    func parseError(_ syntax: String) -> CommandSyntax.ParseError? {
        do {
            _ = try CommandSyntax.parse(syntax)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - The notation

    func testWordsTypesAndKeys() {
        XCTAssertEqual(parse("key value"), [A("key", .key, keySpecIndex: 0), A("value", .string)])
        XCTAssertEqual(parse("key start:integer increment:double pattern:pattern when:unix-time other:string"), [
            A("key", .key, keySpecIndex: 0), A("start", .integer), A("increment", .double),
            A("pattern", .pattern), A("when", .unixTime), A("other", .string),
        ])
        XCTAssertEqual(parse(""), [])
    }

    func testKeysAreNumberedUnlessAnIndexIsWritten() {
        XCTAssertEqual(parse("source:key destination:key"),
                       [A("source", .key, keySpecIndex: 0), A("destination", .key, keySpecIndex: 1)])
        XCTAssertEqual(parse("key1:key key2:key#0 key3:key"), [
            A("key1", .key, keySpecIndex: 0), A("key2", .key, keySpecIndex: 0), A("key3", .key, keySpecIndex: 1),
        ])
    }

    func testDocumentedRepetition() {
        XCTAssertEqual(parse("key [key ...]"), [A("key", .key, keySpecIndex: 0, flags: .multiple)])
        XCTAssertEqual(parse("key field value [field value ...]"), [
            A("key", .key, keySpecIndex: 0),
            A("field_value", .block, flags: .multiple, arguments: [A("field", .string), A("value", .string)]),
        ])
        XCTAssertEqual(parse("key value [key value ...]"), [
            A("key_value", .block, flags: .multiple,
              arguments: [A("key", .key, keySpecIndex: 0), A("value", .string)]),
        ])
        XCTAssertEqual(parse("[section [section ...]]"), [A("section", .string, flags: [.optional, .multiple])])
        // The repeated words may leave out the type.
        XCTAssertEqual(parse("id:integer [id ...]"), [A("id", .integer, flags: .multiple)])
        // A repeated token and argument: multiple_token.
        XCTAssertEqual(parse("[GET pattern:pattern [GET pattern:pattern ...]]"),
                       [A("pattern", .pattern, token: "GET", flags: [.optional, .multiple, .multipleToken])])
        // Not a repetition of what precedes: `...` applies to the last word.
        XCTAssertEqual(parse("key [member ...]"),
                       [A("key", .key, keySpecIndex: 0), A("member", .string, flags: [.optional, .multiple])])
    }

    func testEllipsisSuffix() {
        XCTAssertEqual(parse("key ... count:integer"),
                       [A("key", .key, keySpecIndex: 0, flags: .multiple), A("count", .integer)])
        XCTAssertEqual(parse("parameter:<parameter> ..."), [
            A("parameter", .block, flags: .multiple, arguments: [A("parameter", .string)]),
        ])
        XCTAssertEqual(parse("<a b> ..."),
                       [A("a_b", .block, flags: .multiple, arguments: [A("a", .string), A("b", .string)])])
    }

    func testTokens() {
        XCTAssertEqual(parse("cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]@6.0.0"), [
            A("cursor", .integer),
            A("pattern", .pattern, token: "MATCH", flags: .optional),
            A("count", .integer, token: "COUNT", flags: .optional),
            A("type", .string, token: "TYPE", since: "6.0.0", flags: .optional),
        ])
        XCTAssertEqual(parse("[REPLACE] [ABSTTL] STORE destination:key LIMIT"), [
            A("replace", .pureToken, token: "REPLACE", flags: .optional),
            A("absttl", .pureToken, token: "ABSTTL", flags: .optional),
            A("destination", .key, keySpecIndex: 0, token: "STORE"),
            A("limit", .pureToken, token: "LIMIT"),
        ])
        XCTAssertEqual(parse("new-format:NEW LIB-NAME"), [
            A("new-format", .pureToken, token: "NEW"), A("lib-name", .pureToken, token: "LIB-NAME"),
        ])
        XCTAssertEqual(parse("id:<\"*\" | id> [\"~\" count:integer]"), [
            A("id", .oneof, arguments: [A("*", .pureToken, token: "*"), A("id", .string)]),
            A("count", .integer, token: "~", flags: .optional),
        ])
    }

    func testOneofAndLabels() {
        XCTAssertEqual(parse("[NX | XX]"), [
            A("nx_xx", .oneof, flags: .optional,
              arguments: [A("nx", .pureToken, token: "NX"), A("xx", .pureToken, token: "XX")]),
        ])
        XCTAssertEqual(parse("key value condition:[NX | XX]@2.6.12 [GET]@6.2.0 expiration:[EX seconds:integer@2.6.12"
                             + " | PX milliseconds:integer@2.6.12 | EXAT unix-time-seconds:unix-time@6.2.0"
                             + " | PXAT unix-time-milliseconds:unix-time@6.2.0 | KEEPTTL@6.0.0]"), [
            A("key", .key, keySpecIndex: 0), A("value", .string),
            A("condition", .oneof, since: "2.6.12", flags: .optional,
              arguments: [A("nx", .pureToken, token: "NX"), A("xx", .pureToken, token: "XX")]),
            A("get", .pureToken, token: "GET", since: "6.2.0", flags: .optional),
            A("expiration", .oneof, flags: .optional, arguments: [
                A("seconds", .integer, token: "EX", since: "2.6.12"),
                A("milliseconds", .integer, token: "PX", since: "2.6.12"),
                A("unix-time-seconds", .unixTime, token: "EXAT", since: "6.2.0"),
                A("unix-time-milliseconds", .unixTime, token: "PXAT", since: "6.2.0"),
                A("keepttl", .pureToken, token: "KEEPTTL", since: "6.0.0"),
            ]),
        ])
        // A required oneof, and alternatives of several words become blocks.
        XCTAssertEqual(parse("<LEFT | RIGHT> <count:integer | ALL | FROM start:integer end:integer>"), [
            A("left_right", .oneof, arguments: [A("left", .pureToken, token: "LEFT"), A("right", .pureToken, token: "RIGHT")]),
            A("count_all_start_end", .oneof, arguments: [
                A("count", .integer), A("all", .pureToken, token: "ALL"),
                A("start_end", .block, token: "FROM", arguments: [A("start", .integer), A("end", .integer)]),
            ]),
        ])
    }

    func testTokensOnGroupsAndBlocks() {
        XCTAssertEqual(parse("[TYPE <NORMAL | MASTER>]@5.0.0 [ID id:<client-id:integer [client-id ...]>]@6.2.0"), [
            A("normal_master", .oneof, token: "TYPE", since: "5.0.0", flags: .optional,
              arguments: [A("normal", .pureToken, token: "NORMAL"), A("master", .pureToken, token: "MASTER")]),
            A("id", .block, token: "ID", since: "6.2.0", flags: .optional,
              arguments: [A("client-id", .integer, flags: .multiple)]),
        ])
        XCTAssertEqual(parse("arguments:[protover:integer [AUTH username password] [SETNAME clientname]]"), [
            A("arguments", .block, flags: .optional, arguments: [
                A("protover", .integer),
                A("username_password", .block, token: "AUTH", flags: .optional,
                  arguments: [A("username", .string), A("password", .string)]),
                A("clientname", .string, token: "SETNAME", flags: .optional),
            ]),
        ])
        XCTAssertEqual(parse("key options:[count:integer [WITHVALUES]]"), [
            A("key", .key, keySpecIndex: 0),
            A("options", .block, flags: .optional,
              arguments: [A("count", .integer), A("withvalues", .pureToken, token: "WITHVALUES", flags: .optional)]),
        ])
    }

    func testErrors() {
        XCTAssertEqual(parseError("key [value"), CommandSyntax.ParseError(message: "missing ']'", position: 10))
        XCTAssertEqual(parseError("key value]")?.position, 9)
        XCTAssertEqual(parseError("[NX | XX>")?.position, 8)
        XCTAssertEqual(parseError("[]")?.message, "empty group or alternative")
        XCTAssertEqual(parseError("[NX | ]")?.message, "empty group or alternative")
        XCTAssertEqual(parseError("count:number")?.message, "unknown type 'number'")
        XCTAssertEqual(parseError("count:block")?.message, "unknown type 'block'")
        XCTAssertEqual(parseError("@1.0.0 key")?.message, "'@1.0.0' must follow an argument")
        XCTAssertEqual(parseError("value#1")?.message, "'#1' must follow a key or pattern")
        XCTAssertNil(parseError("[BY pattern:pattern#1]"), "a pattern may name keys (SORT BY)")
        XCTAssertEqual(parseError("... key")?.message, "'...' must follow an argument")
        XCTAssertEqual(parseError("key .. value")?.message, "stray '.'")
        XCTAssertEqual(parseError("condition: key")?.message, "label 'condition:' must precede '[' or '<'")
        XCTAssertEqual(parseError("Mixed")?.message, "bad argument name 'Mixed'")
        XCTAssertEqual(parseError("\"unterminated")?.position, 0)
    }

    /// Hints redis-cli 7.0.15 showed while typing each command and a space,
    /// against Redis 7.0.15 (and now Swirl).
    func testRenderedLikeRedisCliHints() {
        let hints: [(String, String)] = [
            ("hset", "key field value [field value ...]"),
            ("set", "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]"),
            ("getex", "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]"),
            ("expire", "key seconds [NX|XX|GT|LT]"),
            ("scan", "cursor [MATCH pattern] [COUNT count] [TYPE type]"),
            ("config|get", "parameter [parameter ...]"),
            ("config|set", "parameter value [parameter value ...]"),
            ("client|list", "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]"),
            ("hello", "[protover [AUTH username password] [SETNAME clientname]]"),
            ("lcs", "key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]"),
            ("copy", "source destination [DB destination-db] [REPLACE]"),
            ("command|list", "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]"),
            ("hrandfield", "key [count [WITHVALUES]]"),
            ("shutdown", "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"),
            ("flushall", "[ASYNC|SYNC]"),
            ("mset", "key value [key value ...]"),
            ("del", "key [key ...]"),
            ("info", "[section [section ...]]"),
            ("auth", "[username] password"),
            ("hscan", "key cursor [MATCH pattern] [COUNT count]"),
            ("getset", "key value"),
        ]
        for (name, hint) in hints {
            XCTAssertEqual(engine.table.find(fullName: Bytes(name)).map { ArgumentDoc.render($0.arguments) }, hint, name)
        }
    }

    // MARK: - The table

    /// Every command and subcommand, in table order.
    var everySpec: [CommandSpec] { engine.table.all }

    func testEverySyntaxParses() {
        for spec in everySpec {
            XCTAssertNoThrow(try CommandSyntax.parse(spec.syntax), spec.fullName)
        }
    }

    /// The fewest and the most words `arguments` take (nil: no limit).
    func wordCount(_ arguments: [ArgumentDoc]) -> (min: Int, max: Int?) {
        var total = (min: 0, max: Optional(0))
        for argument in arguments {
            var words: (min: Int, max: Int?)
            switch argument.type {
            case .pureToken: words = (1, 1)
            case .block: words = wordCount(argument.arguments)
            case .oneof:
                let choices = argument.arguments.map { wordCount([$0]) }
                let maxima = choices.map(\.max)
                words = (choices.map(\.min).min() ?? 0, maxima.contains { $0 == nil } ? nil : maxima.compactMap { $0 }.max())
            default: words = (1, 1)
            }
            if argument.token != nil && argument.type != .pureToken {
                words = (words.min + 1, words.max.map { $0 + 1 })
            }
            if argument.flags.contains(.optional) { words.min = 0 }
            if argument.flags.contains(.multiple) { words.max = nil }
            total = (total.min + words.min, total.max.flatMap { sum in words.max.map { sum + $0 } })
        }
        return total
    }

    /// A command's syntax says how many words it takes, and its arity says it
    /// again: they must agree. An exact arity takes exactly that many words;
    /// a minimum arity needs that many (optional arguments count none, a
    /// repeated one counts once). This catches a forgotten syntax (a command
    /// that needs arguments documented with none), a wrong arity, and a
    /// syntax that lost or gained a required argument.
    func testSyntaxAgreesWithArity() {
        // Where the syntax does not count every word the arity does: DEBUG
        // (a `syscmd`, documented without arguments as in Redis), COMMAND
        // GETKEYS (declared without its arguments) and CLIENT KILL (each of
        // its new-format filters is optional, but one must be there); PFMERGE
        // (Redis 7.0 documents a source key as required, yet takes none).
        let documentedApart: Set = ["debug", "command|getkeys", "client|kill", "pfmerge"]
        var disagreeing: [String] = []
        for spec in everySpec where !(spec.isContainer && spec.syntax.isEmpty) {
            guard !documentedApart.contains(spec.fullName) else { continue }
            let fixed = spec.fullName.contains("|") ? 2 : 1
            let words = wordCount(spec.arguments)
            let agrees = spec.arity > 0 ? words.min == spec.arity - fixed && words.max == spec.arity - fixed
                                        : words.min == -spec.arity - fixed
            if !agrees { disagreeing.append("\(spec.fullName) (arity \(spec.arity), syntax \"\(spec.syntax)\")") }
        }
        XCTAssertEqual(disagreeing, [])
    }

    func testEveryCommandIsDeclaredOnce() {
        var seen: Set<String> = []
        for spec in everySpec {
            XCTAssertTrue(seen.insert(spec.fullName).inserted, "\(spec.fullName) declared twice")
        }
    }

    // MARK: - COMMAND DOCS, against Redis 7.0.15's bytes

    /// The reply from `field` on (summaries, complexities and history are
    /// Swirl's own, so the comparison starts after them).
    func docs(_ name: String, from field: String, resp3: Bool = false) -> String {
        if resp3 { run("HELLO", "3") }
        let reply = run("COMMAND", "DOCS", name)
        guard let start = reply.range(of: bulk(field)) else { return "no \(field) in \(reply)" }
        return String(reply[start.lowerBound...])
    }

    func testArgumentsMatchRedis() {
        XCTAssertEqual(docs("set", from: "arguments"), Self.set2)
        XCTAssertEqual(docs("hset", from: "arguments"), Self.hset2)
        XCTAssertEqual(docs("config|get", from: "arguments"), Self.configGet2)
        XCTAssertEqual(docs("hello", from: "arguments"), Self.hello2)
        XCTAssertEqual(docs("lcs", from: "arguments"), Self.lcs2)
        XCTAssertEqual(docs("scan", from: "arguments"), Self.scan2)
        XCTAssertEqual(docs("expire", from: "arguments"), Self.expire2)
        XCTAssertEqual(docs("getex", from: "arguments"), Self.getex2)
        XCTAssertEqual(docs("getset", from: "doc_flags"), Self.getset2)
    }

    func testArgumentsMatchRedisInRESP3() {
        XCTAssertEqual(docs("set", from: "arguments", resp3: true), Self.set3)
        XCTAssertEqual(docs("client|list", from: "arguments"), Self.clientList3)
        XCTAssertEqual(docs("copy", from: "arguments"), Self.copy3)
        XCTAssertEqual(docs("getset", from: "doc_flags"), Self.getset3)
    }

    func testFieldCountsAndOrder() {
        // getset: summary, since, group, complexity, doc_flags, deprecated_since, replaced_by, arguments.
        XCTAssertTrue(run("COMMAND", "DOCS", "getset").hasPrefix("*2\r\n$6\r\ngetset\r\n*16\r\n$7\r\nsummary\r\n"))
        // No arguments: no arguments field, as in Redis.
        let dbsize = run("COMMAND", "DOCS", "dbsize")
        XCTAssertTrue(dbsize.hasPrefix("*2\r\n$6\r\ndbsize\r\n*8\r\n"))
        XCTAssertFalse(dbsize.contains("arguments"))
        XCTAssertTrue(run("COMMAND", "DOCS", "debug").hasSuffix("$9\r\ndoc_flags\r\n*1\r\n+syscmd\r\n"))
        // A container: its subcommands, each with its arguments, and none of its own.
        let config = run("COMMAND", "DOCS", "config")
        XCTAssertTrue(config.hasPrefix("*2\r\n$6\r\nconfig\r\n*10\r\n"))
        XCTAssertTrue(config.contains("$11\r\nsubcommands\r\n"))
        XCTAssertTrue(config.contains(bulk("config|get") + "*10\r\n"))
        XCTAssertTrue(config.contains(Self.configGet2))
        // Several commands at once, unknown names left out.
        let both = run("COMMAND", "DOCS", "get", "nosuchcommand", "substr")
        XCTAssertTrue(both.hasPrefix("*4\r\n$3\r\nget\r\n*10\r\n"))
        XCTAssertTrue(both.contains("$6\r\nsubstr\r\n*16\r\n"))
        XCTAssertTrue(both.hasSuffix("$11\r\nreplaced_by\r\n$10\r\n`GETRANGE`\r\n$9\r\narguments\r\n*3\r\n"
                                     + "*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"
                                     + "*4\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"
                                     + "*4\r\n$4\r\nname\r\n$3\r\nend\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"))
    }

    func testAllDocsHaveArgumentsForEveryCommand() {
        let reply = run("COMMAND", "DOCS")
        XCTAssertTrue(reply.hasPrefix("*\(engine.table.count * 2)\r\n"))
        XCTAssertTrue(reply.contains(Self.hset2))
    }

    // MARK: - Redis 7.0.15's replies (observed with redis-cli / a raw socket)

    /// `COMMAND DOCS set` over RESP2, from `arguments` on.
    static let set2 =
        "$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n" +
        "*10\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$6\r\n" +
        "2.6.12\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n" +
        "$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n*6\r\n$4\r\nname\r\n" +
        "$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n*10\r\n$4\r\nname\r\n" +
        "$3\r\nget\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nsince\r\n" +
        "$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$10\r\nexpiration\r\n" +
        "$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n*8\r\n" +
        "$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nEX\r\n" +
        "$5\r\nsince\r\n$6\r\n2.6.12\r\n*8\r\n$4\r\nname\r\n$12\r\nmilliseconds\r\n$4\r\ntype\r\n$7\r\n" +
        "integer\r\n$5\r\ntoken\r\n$2\r\nPX\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n*8\r\n$4\r\nname\r\n" +
        "$17\r\nunix-time-seconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nEXAT\r\n" +
        "$5\r\nsince\r\n$5\r\n6.2.0\r\n*8\r\n$4\r\nname\r\n$22\r\nunix-time-milliseconds\r\n$4\r\n" +
        "type\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nPXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n*8\r\n" +
        "$4\r\nname\r\n$7\r\nkeepttl\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nKEEPTTL\r\n" +
        "$5\r\nsince\r\n$5\r\n6.0.0\r\n"

    /// `COMMAND DOCS set` over RESP3, from `arguments` on.
    static let set3 =
        "$9\r\narguments\r\n*5\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n" +
        "%5\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$6\r\n" +
        "2.6.12\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n" +
        "$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nname\r\n" +
        "$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n%5\r\n$4\r\nname\r\n" +
        "$3\r\nget\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nsince\r\n" +
        "$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$10\r\nexpiration\r\n" +
        "$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n%4\r\n" +
        "$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nEX\r\n" +
        "$5\r\nsince\r\n$6\r\n2.6.12\r\n%4\r\n$4\r\nname\r\n$12\r\nmilliseconds\r\n$4\r\ntype\r\n$7\r\n" +
        "integer\r\n$5\r\ntoken\r\n$2\r\nPX\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n%4\r\n$4\r\nname\r\n" +
        "$17\r\nunix-time-seconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nEXAT\r\n" +
        "$5\r\nsince\r\n$5\r\n6.2.0\r\n%4\r\n$4\r\nname\r\n$22\r\nunix-time-milliseconds\r\n$4\r\n" +
        "type\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nPXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n%4\r\n" +
        "$4\r\nname\r\n$7\r\nkeepttl\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nKEEPTTL\r\n" +
        "$5\r\nsince\r\n$5\r\n6.0.0\r\n"

    /// `COMMAND DOCS hset` over RESP2, from `arguments` on.
    static let hset2 =
        "$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$11\r\nfield_value\r\n$4\r\ntype\r\n$5\r\nblock\r\n" +
        "$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n" +
        "$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"

    /// `COMMAND DOCS getset` over RESP2, from `doc_flags` on.
    static let getset2 =
        "$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\n" +
        "replaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\n" +
        "name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\n" +
        "name\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"

    /// `COMMAND DOCS getset` over RESP3, from `doc_flags` on.
    static let getset3 =
        "$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\n" +
        "replaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\n" +
        "name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\n" +
        "name\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"

    /// `COMMAND DOCS client|list` over RESP3, from `arguments` on.
    static let clientList3 =
        "$9\r\narguments\r\n*2\r\n%6\r\n$4\r\nname\r\n$28\r\nnormal_master_replica_pubsub\r\n$4\r\n" +
        "type\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$4\r\nTYPE\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\nflags\r\n" +
        "~1\r\n+optional\r\n$9\r\narguments\r\n*4\r\n%3\r\n$4\r\nname\r\n$6\r\nnormal\r\n$4\r\ntype\r\n" +
        "$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nNORMAL\r\n%3\r\n$4\r\nname\r\n$6\r\nmaster\r\n$4\r\n" +
        "type\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nMASTER\r\n%3\r\n$4\r\nname\r\n$7\r\nreplica\r\n" +
        "$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nREPLICA\r\n%3\r\n$4\r\nname\r\n$6\r\n" +
        "pubsub\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nPUBSUB\r\n%6\r\n$4\r\nname\r\n" +
        "$2\r\nid\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$2\r\nID\r\n$5\r\nsince\r\n$5\r\n" +
        "6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$9\r\n" +
        "client-id\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n"

    /// `COMMAND DOCS config|get` over RESP2, from `arguments` on.
    static let configGet2 =
        "$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$5\r\nblock\r\n" +
        "$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$9\r\nparameter\r\n" +
        "$4\r\ntype\r\n$6\r\nstring\r\n"

    /// `COMMAND DOCS hello` over RESP2, from `arguments` on.
    static let hello2 =
        "$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$9\r\narguments\r\n$4\r\ntype\r\n$5\r\nblock\r\n" +
        "$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$8\r\nprotover\r\n" +
        "$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$17\r\nusername_password\r\n$4\r\ntype\r\n" +
        "$5\r\nblock\r\n$5\r\ntoken\r\n$4\r\nAUTH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n" +
        "*2\r\n*4\r\n$4\r\nname\r\n$8\r\nusername\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n" +
        "$8\r\npassword\r\n$4\r\ntype\r\n$6\r\nstring\r\n*8\r\n$4\r\nname\r\n$10\r\nclientname\r\n" +
        "$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$7\r\nSETNAME\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"

    /// `COMMAND DOCS lcs` over RESP2, from `arguments` on.
    static let lcs2 =
        "$9\r\narguments\r\n*6\r\n*6\r\n$4\r\nname\r\n$4\r\nkey1\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$4\r\nkey2\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$3\r\nlen\r\n$4\r\ntype\r\n$10\r\npure-token\r\n" +
        "$5\r\ntoken\r\n$3\r\nLEN\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$3\r\nidx\r\n" +
        "$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nIDX\r\n$5\r\nflags\r\n*1\r\n+optional\r\n" +
        "*8\r\n$4\r\nname\r\n$3\r\nlen\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$11\r\nMINMATCHLEN\r\n" +
        "$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$12\r\nwithmatchlen\r\n$4\r\ntype\r\n" +
        "$10\r\npure-token\r\n$5\r\ntoken\r\n$12\r\nWITHMATCHLEN\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"

    /// `COMMAND DOCS copy` over RESP3, from `arguments` on.
    static let copy3 =
        "$9\r\narguments\r\n*4\r\n%3\r\n$4\r\nname\r\n$6\r\nsource\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n%3\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n" +
        "$14\r\nkey_spec_index\r\n:1\r\n%4\r\n$4\r\nname\r\n$14\r\ndestination-db\r\n$4\r\ntype\r\n" +
        "$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nDB\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\n" +
        "name\r\n$7\r\nreplace\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nREPLACE\r\n" +
        "$5\r\nflags\r\n~1\r\n+optional\r\n"

    /// `COMMAND DOCS scan` over RESP2, from `arguments` on.
    static let scan2 =
        "$9\r\narguments\r\n*4\r\n*4\r\n$4\r\nname\r\n$6\r\ncursor\r\n$4\r\ntype\r\n$7\r\ninteger\r\n" +
        "*8\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$5\r\n" +
        "MATCH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n" +
        "$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\n" +
        "name\r\n$4\r\ntype\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nTYPE\r\n$5\r\nsince\r\n" +
        "$5\r\n6.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"

    /// `COMMAND DOCS expire` over RESP2, from `arguments` on.
    static let expire2 =
        "$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n" +
        "*10\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n" +
        "7.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*4\r\n*6\r\n$4\r\nname\r\n$2\r\n" +
        "nx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n*6\r\n$4\r\nname\r\n$2\r\n" +
        "xx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n*6\r\n$4\r\nname\r\n$2\r\n" +
        "gt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nGT\r\n*6\r\n$4\r\nname\r\n$2\r\n" +
        "lt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nLT\r\n"

    /// `COMMAND DOCS getex` over RESP2, from `arguments` on.
    static let getex2 =
        "$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n" +
        "key_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$10\r\nexpiration\r\n$4\r\ntype\r\n$5\r\noneof\r\n" +
        "$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$7\r\nseconds\r\n" +
        "$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nEX\r\n*6\r\n$4\r\nname\r\n$12\r\nmilliseconds\r\n" +
        "$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nPX\r\n*6\r\n$4\r\nname\r\n$17\r\nunix-time-seconds\r\n" +
        "$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nEXAT\r\n*6\r\n$4\r\nname\r\n$22\r\n" +
        "unix-time-milliseconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nPXAT\r\n*6\r\n" +
        "$4\r\nname\r\n$7\r\npersist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nPERSIST\r\n"
}
