import XCTest
@testable import Commands
import SwirlBytes

/// PING, ECHO, SELECT, HELLO, RESET, QUIT and CLIENT ID/SETNAME/GETNAME.
final class ConnectionCommandTests: CommandTestCase {
    private func helloReply(proto: Int, id: Int) -> String {
        let fields = bulk("server") + bulk("redis") + bulk("version") + bulk("7.0.15") + bulk("proto") + int(Int64(proto))
            + bulk("id") + int(Int64(id)) + bulk("mode") + bulk("standalone") + bulk("role") + bulk("master")
            + bulk("modules") + "*0\r\n"
        return (proto == 3 ? "%7\r\n" : "*14\r\n") + fields
    }

    func testPing() {
        XCTAssertEqual(run("PING"), "+PONG\r\n")
        XCTAssertEqual(run("PING", "hello"), bulk("hello"))
        XCTAssertEqual(run("PING", "a", "b"), error("ERR wrong number of arguments for 'ping' command"))
    }

    func testEcho() {
        XCTAssertEqual(run("ECHO", "hi"), bulk("hi"))
        XCTAssertEqual(run("ECHO", ""), bulk(""))
        XCTAssertEqual(run("ECHO"), error("ERR wrong number of arguments for 'echo' command"))
    }

    func testSelectSwitchesDatabases() {
        run("SET", "k", "zero")
        XCTAssertEqual(run("SELECT", "1"), ok)
        XCTAssertEqual(client.dbIndex, 1)
        XCTAssertEqual(run("GET", "k"), null)
        run("SET", "k", "one")
        XCTAssertEqual(run("SELECT", "0"), ok)
        XCTAssertEqual(run("GET", "k"), bulk("zero"))
    }

    func testSelectErrors() {
        XCTAssertEqual(run("SELECT", "16"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("SELECT", "-1"), error("ERR DB index is out of range"))
        XCTAssertEqual(run("SELECT", "x"), notInteger)
        XCTAssertEqual(client.dbIndex, 0)
    }

    func testSelectIsPerClient() {
        let other = engine.makeClient()
        run("SELECT", "3")
        XCTAssertEqual(other.dbIndex, 0)
    }

    func testHelloSwitchesTheReplyShapes() {
        run("SET", "s", "v")
        run("HSET", "h", "f", "v")
        XCTAssertEqual(run("GET", "nope"), null)
        XCTAssertEqual(run("HELLO", "3"), helloReply(proto: 3, id: client.id))
        XCTAssertEqual(client.protocolVersion, 3)
        XCTAssertEqual(run("GET", "nope"), "_\r\n")
        XCTAssertEqual(run("HGETALL", "h"), "%1\r\n\(bulk("f"))\(bulk("v"))")
        XCTAssertEqual(run("PING"), "+PONG\r\n")
        XCTAssertEqual(run("HELLO", "2"), helloReply(proto: 2, id: client.id))
        XCTAssertEqual(run("GET", "nope"), null)
        XCTAssertEqual(run("HGETALL", "h"), "*2\r\n\(bulk("f"))\(bulk("v"))")
    }

    func testHelloWithoutVersionKeepsTheProtocol() {
        XCTAssertEqual(run("HELLO"), helloReply(proto: 2, id: client.id))
        run("HELLO", "3")
        XCTAssertEqual(run("HELLO"), helloReply(proto: 3, id: client.id))
    }

    func testHelloOptions() {
        XCTAssertEqual(run("HELLO", "3", "SETNAME", "named"), helloReply(proto: 3, id: client.id))
        XCTAssertEqual(run("CLIENT", "GETNAME"), bulk("named"))
        XCTAssertEqual(run("HELLO", "2", "AUTH", "default", "anything"), helloReply(proto: 2, id: client.id),
                       "the default user has no password")
    }

    func testHelloErrors() {
        XCTAssertEqual(run("HELLO", "4"), error("NOPROTO unsupported protocol version"))
        XCTAssertEqual(run("HELLO", "1"), error("NOPROTO unsupported protocol version"))
        XCTAssertEqual(run("HELLO", "x"), error("ERR Protocol version is not an integer or out of range"))
        XCTAssertEqual(run("HELLO", "3", "FOO"), error("ERR Syntax error in HELLO option 'FOO'"))
        XCTAssertEqual(run("HELLO", "3", "SETNAME", "bad name"),
                       error("ERR Client names cannot contain spaces, newlines or special characters."))
        XCTAssertEqual(client.protocolVersion, 2, "a refused HELLO changes nothing")
        XCTAssertEqual(run("CLIENT", "GETNAME"), null)
    }

    func testResetRestoresTheDefaults() {
        run("HELLO", "3")
        run("SELECT", "4")
        run("CLIENT", "SETNAME", "someone")
        XCTAssertEqual(run("RESET"), "+RESET\r\n")
        XCTAssertEqual(client.dbIndex, 0)
        XCTAssertEqual(client.protocolVersion, 2)
        XCTAssertEqual(run("CLIENT", "GETNAME"), null)
        XCTAssertEqual(run("GET", "nope"), null)
    }

    func testResetForgetsAuthenticationMonitorAndReplyOff() {
        XCTAssertEqual(run("CONFIG", "SET", "requirepass", "pw"), ok)
        XCTAssertEqual(run("AUTH", "pw"), ok)
        XCTAssertEqual(run("RESET"), "+RESET\r\n")
        XCTAssertEqual(run("GET", "k"), error("NOAUTH Authentication required."))
        XCTAssertEqual(run("AUTH", "pw"), ok)
        XCTAssertEqual(run("CLIENT", "REPLY", "OFF"), "")
        XCTAssertEqual(run("RESET"), "+RESET\r\n", "RESET ends REPLY OFF before it answers")
        run("AUTH", "pw")
        XCTAssertEqual(run("CLIENT", "REPLY", "SKIP"), "")
        XCTAssertEqual(run("RESET"), "", "a SKIP already in force swallows RESET's reply, as in Redis")
        run("AUTH", "pw")
        XCTAssertEqual(run("MONITOR"), ok)
        XCTAssertEqual(run("RESET"), "+RESET\r\n")
        XCTAssertFalse(client.isMonitor)
        XCTAssertTrue(engine.monitors.isEmpty)
    }

    func testQuitRepliesOKAndAsksToClose() {
        XCTAssertFalse(client.closeAfterReply)
        XCTAssertEqual(run("QUIT"), ok)
        XCTAssertTrue(client.closeAfterReply)
    }

    func testClientIdentity() {
        XCTAssertEqual(run("CLIENT", "ID"), int(Int64(client.id)))
        XCTAssertNotEqual(engine.makeClient().id, client.id, "ids are unique")
        XCTAssertEqual(run("CLIENT", "GETNAME"), null)
        XCTAssertEqual(run("CLIENT", "SETNAME", "myname"), ok)
        XCTAssertEqual(run("CLIENT", "GETNAME"), bulk("myname"))
        XCTAssertEqual(run("client", "setname", ""), ok, "an empty name clears it")
        XCTAssertEqual(run("CLIENT", "GETNAME"), null)
    }

    func testClientNameValidation() {
        let invalid = error("ERR Client names cannot contain spaces, newlines or special characters.")
        XCTAssertEqual(run("CLIENT", "SETNAME", "my name"), invalid)
        XCTAssertEqual(run("CLIENT", "SETNAME", "a\nb"), invalid)
        XCTAssertEqual(run(args: [Bytes("CLIENT"), Bytes("SETNAME"), Bytes([0x61, 0x7f])], on: client), invalid)
        XCTAssertEqual(run("CLIENT", "GETNAME"), null)
    }
}
