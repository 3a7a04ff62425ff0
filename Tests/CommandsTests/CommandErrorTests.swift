import XCTest
@testable import Commands
import SwirlBytes

/// The error texts of the command path: unknown commands, arity, subcommands.
final class CommandErrorTests: CommandTestCase {
    func testUnknownCommandListsItsArguments() {
        XCTAssertEqual(run("foobar", "a", "b"), error("ERR unknown command 'foobar', with args beginning with: 'a' 'b' "))
        XCTAssertEqual(run("foobar"), error("ERR unknown command 'foobar', with args beginning with: "))
        XCTAssertEqual(run("FOOBAR", "arg with space"),
                       error("ERR unknown command 'FOOBAR', with args beginning with: 'arg with space' "))
    }

    func testUnknownCommandArgumentListIsCapped() {
        let long = String(repeating: "x", count: 200)
        let reply = run("nosuch", long, "second")
        XCTAssertEqual(reply, error("ERR unknown command 'nosuch', with args beginning with: '\(String(repeating: "x", count: 128))' "))
    }

    func testWrongArity() {
        XCTAssertEqual(run("GET"), error("ERR wrong number of arguments for 'get' command"))
        XCTAssertEqual(run("get", "a", "b"), error("ERR wrong number of arguments for 'get' command"))
        XCTAssertEqual(run("SET", "k"), error("ERR wrong number of arguments for 'set' command"))
        XCTAssertEqual(run("EXPIRE"), error("ERR wrong number of arguments for 'expire' command"))
        XCTAssertEqual(run("CLIENT"), error("ERR wrong number of arguments for 'client' command"))
        XCTAssertEqual(run("CLIENT", "SETNAME"), error("ERR wrong number of arguments for 'client|setname' command"))
    }

    func testUnknownSubcommand() {
        XCTAssertEqual(run("CLIENT", "foo"), error("ERR unknown subcommand 'foo'. Try CLIENT HELP."))
        XCTAssertEqual(run("config", "foo"), error("ERR unknown subcommand 'foo'. Try CONFIG HELP."))
    }

    func testSubcommandsAreCaseInsensitive() {
        XCTAssertEqual(run("cLiEnT", "iD"), int(Int64(client.id)))
    }

    func testRejectedCommandsChangeNothing() {
        run("GET")
        run("SET", "k")
        run("nosuch", "k", "v")
        XCTAssertEqual(engine.keyspace.totalKeys, 0)
        XCTAssertEqual(engine.dirty, 0)
    }

    func testFailedCommandsAreCountedInStats() {
        run("GET")
        run("SET", "k", "v", "EX", "0")
        XCTAssertEqual(engine.commandStat("get")?.rejectedCalls, 1)
        XCTAssertEqual(engine.commandStat("set")?.failedCalls, 1)
        XCTAssertEqual(engine.commandStat("set")?.calls, 1)
    }
}

/// Arguments echoed in error replies keep their bytes: `a\xffb` comes back as
/// `a\xffb` (Redis's `%s`), cut at a NUL, and at 128 bytes only where Redis
/// prints `%.128s`. Checked against redis-server 7.0.15.
final class ErrorBytesTests: CommandTestCase {
    private let odd = Bytes([0x61, 0xff, 0x62])  // a\xffb

    private func reply(_ args: [Bytes]) -> [UInt8] {
        client.args = args
        engine.execute(client)
        return client.reply.take()
    }

    private func error(_ parts: [UInt8]...) -> [UInt8] { [UInt8(ascii: "-")] + parts.joined() + [0x0d, 0x0a] }

    func testUnknownCommandsAndSubcommands() {
        let ab = odd.array
        XCTAssertEqual(reply(["foo", odd]), error(bytes("ERR unknown command 'foo', with args beginning with: '"), ab, bytes("' ")))
        XCTAssertEqual(reply([odd]), error(bytes("ERR unknown command '"), ab, bytes("', with args beginning with: ")))
        XCTAssertEqual(reply(["foo", Bytes([0x61, 0x00, 0x62]), "c"]),
                       error(bytes("ERR unknown command 'foo', with args beginning with: 'a' 'c' ")), "cut at a NUL, as %s")
        for container in ["CONFIG", "CLIENT", "PUBSUB", "SLOWLOG", "OBJECT", "MEMORY", "LATENCY", "COMMAND"] {
            XCTAssertEqual(reply([Bytes(container), odd]),
                           error(bytes("ERR unknown subcommand '"), ab, bytes("'. Try \(container) HELP.")), container)
        }
        XCTAssertEqual(reply(["DEBUG", odd, "x", "y", "z"]),
                       error(bytes("ERR unknown subcommand or wrong number of arguments for '"), ab, bytes("'. Try DEBUG HELP.")))
    }

    func testOptionErrorsEchoTheWholeArgument() {
        let ab = odd.array
        let long = Bytes([UInt8](repeating: 0xfe, count: 200))
        XCTAssertEqual(reply(["HELLO", "2", long]), error(bytes("ERR Syntax error in HELLO option '"), long.array, bytes("'")),
                       "%s: not cut at 128")
        XCTAssertEqual(reply(["EXPIRE", "k", "10", odd]), error(bytes("ERR Unsupported option "), ab))
        XCTAssertEqual(reply(["CLIENT", "KILL", "TYPE", odd]), error(bytes("ERR Unknown client type '"), ab, bytes("'")))
        XCTAssertEqual(reply(["CLIENT", "KILL", "USER", odd]), error(bytes("ERR No such user '"), ab, bytes("'")))
        XCTAssertEqual(reply(["CLIENT", "LIST", "TYPE", odd]), error(bytes("ERR Unknown client type '"), ab, bytes("'")))
        XCTAssertEqual(reply(["CONFIG", "SET", odd, "1"]),
                       error(bytes("ERR Unknown option or number of arguments for CONFIG SET - '"), ab, bytes("'")))
        XCTAssertEqual(reply(["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", Bytes([0x61, 0xff]), "PREFIX", odd]),
                       error(bytes("ERR Prefix 'a"), [0xff], bytes("' overlaps with another provided prefix '"), ab,
                             bytes("'. Prefixes for a single client must not overlap.")))
    }

    func testRejectionsInATransactionKeepTheBytes() {
        run("MULTI")
        XCTAssertEqual(reply(["foo", odd]), error(bytes("ERR unknown command 'foo', with args beginning with: '"), odd.array, bytes("' ")))
        XCTAssertEqual(run("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
