import XCTest
@testable import Commands

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
