import XCTest
@testable import Commands
import SwirlBytes
import Keyspace
import RESP

/// Pub/sub through the in-process engine: confirmations and counts, delivery
/// into the subscribers' reply buffers, RESP2 subscribed mode and RESP3
/// pushes, RESET and disconnection. Replies were checked against Redis 7.0.15.
/// PUBSUB introspection, the output limit and the configuration are in
/// PubSubIntrospectionTests.
final class PubSubTests: CommandTestCase {
    /// A confirmation or message frame, RESP2 (`*`) or RESP3 (`>`); nil is a null element.
    func frame(_ words: [String?], count: Int? = nil, resp3: Bool = false) -> String {
        var text = (resp3 ? ">" : "*") + "\(words.count + (count == nil ? 0 : 1))\r\n"
        for word in words { text += word.map(bulk) ?? (resp3 ? "_\r\n" : "$-1\r\n") }
        if let count { text += int(Int64(count)) }
        return text
    }

    func subscribed(_ kind: String, _ name: String?, _ count: Int, resp3: Bool = false) -> String {
        frame([kind, name], count: count, resp3: resp3)
    }

    func output(of client: Client) -> String { String(decoding: client.reply.take(), as: UTF8.self) }

    func runOn(_ other: Client, _ words: String...) -> String {
        run(args: words.map { Bytes($0) }, on: other)
    }

    // MARK: - Confirmations

    func testSubscribeConfirmsEachChannelWithTheRunningCount() {
        XCTAssertEqual(run("SUBSCRIBE", "c1", "c2", "c1"),
                       subscribed("subscribe", "c1", 1) + subscribed("subscribe", "c2", 2) + subscribed("subscribe", "c1", 2))
        // Patterns count with channels; shard channels on their own.
        XCTAssertEqual(run("PSUBSCRIBE", "c*"), subscribed("psubscribe", "c*", 3))
        XCTAssertEqual(run("SSUBSCRIBE", "c1"), subscribed("ssubscribe", "c1", 1))
    }

    func testUnsubscribeWithoutArgumentsDropsEverySubscriptionOfItsKind() {
        run("SUBSCRIBE", "a", "b")
        run("PSUBSCRIBE", "p*")
        XCTAssertEqual(run("UNSUBSCRIBE"), subscribed("unsubscribe", "a", 2) + subscribed("unsubscribe", "b", 1))
        XCTAssertEqual(run("UNSUBSCRIBE"), subscribed("unsubscribe", nil, 1), "none left: a null channel")
        XCTAssertEqual(run("PUNSUBSCRIBE", "x"), subscribed("punsubscribe", "x", 1), "not subscribed: confirmed anyway")
        XCTAssertEqual(run("PUNSUBSCRIBE"), subscribed("punsubscribe", "p*", 0))
        XCTAssertEqual(run("SUNSUBSCRIBE"), subscribed("sunsubscribe", nil, 0))
        XCTAssertNil(client.subscriptions, "no subscription left: out of pub/sub mode")
        XCTAssertEqual(run("GET", "k"), null)
    }

    func testResp3ConfirmationsArePushesWithTheResp3Null() {
        run("HELLO", "3")
        XCTAssertEqual(run("SUBSCRIBE", "r"), subscribed("subscribe", "r", 1, resp3: true))
        XCTAssertEqual(run("UNSUBSCRIBE"), subscribed("unsubscribe", "r", 0, resp3: true))
        XCTAssertEqual(run("UNSUBSCRIBE"), subscribed("unsubscribe", nil, 0, resp3: true))
    }

    func testArityErrors() {
        for command in ["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "PUBLISH", "SPUBLISH"] {
            XCTAssertEqual(run(command), error("ERR wrong number of arguments for '\(command.lowercased())' command"))
        }
    }

    // MARK: - Delivery

    func testPublishReachesChannelThenPatternSubscribersAndCountsEach() {
        let subscriber = engine.makeClient(), other = engine.makeClient()
        _ = runOn(subscriber, "SUBSCRIBE", "news")
        _ = runOn(subscriber, "PSUBSCRIBE", "n*")
        _ = runOn(other, "PSUBSCRIBE", "n*")
        XCTAssertEqual(run("PUBLISH", "news", "hi"), int(3))
        XCTAssertEqual(output(of: subscriber), frame(["message", "news", "hi"]) + frame(["pmessage", "n*", "news", "hi"]))
        XCTAssertEqual(output(of: other), frame(["pmessage", "n*", "news", "hi"]))
        XCTAssertEqual(run("PUBLISH", "other", "hi"), int(0))
        XCTAssertEqual(output(of: subscriber), "")
    }

    func testShardChannelsAreTheirOwnNamespace() {
        let subscriber = engine.makeClient()
        _ = runOn(subscriber, "SSUBSCRIBE", "s")
        _ = runOn(subscriber, "PSUBSCRIBE", "*")
        XCTAssertEqual(run("SPUBLISH", "s", "m"), int(1), "patterns never see shard messages")
        XCTAssertEqual(output(of: subscriber), frame(["smessage", "s", "m"]))
        XCTAssertEqual(run("PUBLISH", "s", "m"), int(1), "only the pattern: SSUBSCRIBE is not SUBSCRIBE")
        XCTAssertEqual(output(of: subscriber), frame(["pmessage", "*", "s", "m"]))
    }

    func testMessagesAreBinarySafeAndPushesInResp3() {
        let subscriber = engine.makeClient()
        _ = runOn(subscriber, "HELLO", "3")
        _ = runOn(subscriber, "SUBSCRIBE", "b\0in")
        let message = Bytes([0, 0xff, 0x0d, 0x0a])
        XCTAssertEqual(run(args: [Bytes("PUBLISH"), Bytes("b\0in"), message], on: client), int(1))
        XCTAssertEqual(subscriber.reply.take(), Array(">3\r\n$7\r\nmessage\r\n$4\r\nb\0in\r\n$4\r\n".utf8) + [0, 0xff, 0x0d, 0x0a, 0x0d, 0x0a])
    }

    func testReceiversAreListedOnceForTheServerToFlush() {
        let a = engine.makeClient(), b = engine.makeClient()
        _ = runOn(a, "SUBSCRIBE", "c")
        _ = runOn(b, "SUBSCRIBE", "c")
        run("PUBLISH", "c", "1")
        run("PUBLISH", "c", "2")
        XCTAssertEqual(engine.pubsub.takeReceivers().map(\.id), [a.id, b.id])
        XCTAssertTrue(engine.pubsub.takeReceivers().isEmpty)
        run("PUBLISH", "c", "3")
        XCTAssertEqual(engine.pubsub.takeReceivers().count, 2, "listed again after a drain")
    }

    func testPublishIsNotWrittenToTheAOF() {
        engine.propagating = true
        let subscriber = engine.makeClient()
        _ = runOn(subscriber, "SUBSCRIBE", "c")
        run("PUBLISH", "c", "m")
        run("SPUBLISH", "c", "m")
        run("PUBSUB", "NUMSUB", "c")
        XCTAssertTrue(engine.aofBuffer.isEmpty)
    }

    // MARK: - Subscribed mode

    func testResp2SubscribedClientMayOnlyRunPubSubCommands() {
        run("SUBSCRIBE", "x")
        let refused = { (name: String) in
            self.error("ERR Can't execute '\(name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
        }
        XCTAssertEqual(run("GET", "k"), refused("get"))
        XCTAssertEqual(run("CLIENT", "LIST"), refused("client|list"))
        XCTAssertEqual(run("HELLO", "3"), refused("hello"))
        XCTAssertEqual(run("MULTI"), refused("multi"))
        XCTAssertEqual(run("GET"), error("ERR wrong number of arguments for 'get' command"), "arity comes first")
        XCTAssertEqual(run("PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        XCTAssertEqual(run("PING", "hi"), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n")
        XCTAssertEqual(run("PSUBSCRIBE", "p"), subscribed("psubscribe", "p", 2))
        XCTAssertEqual(engine.commandStat("get")?.rejectedCalls, 2)
    }

    func testResp3SubscribedClientMayRunAnything() {
        run("HELLO", "3")
        run("SUBSCRIBE", "x")
        XCTAssertEqual(run("GET", "k"), "_\r\n")
        XCTAssertEqual(run("PING"), "+PONG\r\n")
        XCTAssertTrue(run("HELLO", "2").hasPrefix("*14\r\n"))
        XCTAssertEqual(run("PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "back in RESP2 and still subscribed")
    }

    func testResetLeavesPubSubMode() {
        let publisher = engine.makeClient()
        run("SUBSCRIBE", "x")
        run("PSUBSCRIBE", "*")
        run("SSUBSCRIBE", "s")
        XCTAssertEqual(run("RESET"), "+RESET\r\n")
        XCTAssertEqual(run("GET", "k"), null)
        XCTAssertEqual(runOn(publisher, "PUBLISH", "x", "m"), int(0))
        XCTAssertEqual(engine.pubsub.channelCount + engine.pubsub.patternCount + engine.pubsub.shardChannelCount, 0)
    }

    func testDisconnectionDropsEverySubscription() {
        let subscriber = engine.connect()
        _ = runOn(subscriber, "SUBSCRIBE", "a", "b")
        _ = runOn(subscriber, "PSUBSCRIBE", "*")
        _ = runOn(subscriber, "SSUBSCRIBE", "s")
        engine.disconnect(subscriber)
        XCTAssertEqual(run("PUBLISH", "a", "m"), int(0))
        XCTAssertEqual(run("SPUBLISH", "s", "m"), int(0))
        XCTAssertEqual(run("PUBSUB", "NUMPAT"), int(0))
    }

    func testSubscribeInsideMultiRunsAtExecButShardSubscribeIsRefused() {
        expect([
            (["MULTI"], ok),
            (["SUBSCRIBE", "z"], "+QUEUED\r\n"),
            (["SSUBSCRIBE", "q"], "+QUEUED\r\n"),
            (["EXEC"], "*2\r\n" + subscribed("subscribe", "z", 1)
                + error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")),
        ])
        XCTAssertEqual(run("PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "subscribed after EXEC")
    }

    func testClientListShowsSubscriptionsAndTheFlag() {
        run("SUBSCRIBE", "a")
        run("PSUBSCRIBE", "p1", "p2")
        run("SSUBSCRIBE", "s1", "s2", "s3")
        let line = String(decoding: ClientCommands.describe(client, now: engine.keyspace.now), as: UTF8.self)
        XCTAssertTrue(line.contains(" flags=P db=0 sub=1 psub=2 ssub=3 "), line)
    }
}
