import XCTest
@testable import Commands
import SwirlBytes
import Keyspace
import RESP

/// PUBSUB's subcommands, INFO and CLIENT LIST TYPE, the pubsub output limit
/// and the `client-output-buffer-limit` parameter. Replies checked against
/// Redis 7.0.15.
final class PubSubIntrospectionTests: CommandTestCase {
    var subscriber: Client!

    override func setUp() {
        super.setUp()
        subscriber = engine.connect()
    }

    func on(_ other: Client, _ words: String...) -> String {
        run(args: words.map { Bytes($0) }, on: other)
    }

    func testChannelsListsActiveChannelsInSubscriptionOrder() {
        _ = on(subscriber, "SUBSCRIBE", "news.1", "news.2", "sport")
        _ = on(subscriber, "SSUBSCRIBE", "shard")
        XCTAssertEqual(run("PUBSUB", "CHANNELS"), "*3\r\n" + bulk("news.1") + bulk("news.2") + bulk("sport"))
        XCTAssertEqual(run("PUBSUB", "CHANNELS", "news.*"), "*2\r\n" + bulk("news.1") + bulk("news.2"))
        XCTAssertEqual(run("PUBSUB", "SHARDCHANNELS"), "*1\r\n" + bulk("shard"))
        _ = on(subscriber, "UNSUBSCRIBE", "news.1")
        XCTAssertEqual(run("PUBSUB", "CHANNELS", "news.*"), "*1\r\n" + bulk("news.2"))
        XCTAssertEqual(run("PUBSUB", "channels", "a", "b"),
                       error("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP."))
    }

    func testNumsubCountsChannelSubscribersOnlyAsAFlatArray() {
        let other = engine.makeClient()
        _ = on(subscriber, "SUBSCRIBE", "c")
        _ = on(other, "SUBSCRIBE", "c")
        _ = on(other, "PSUBSCRIBE", "c")
        XCTAssertEqual(run("PUBSUB", "NUMSUB", "c", "none"), "*4\r\n" + bulk("c") + int(2) + bulk("none") + int(0))
        XCTAssertEqual(run("PUBSUB", "NUMSUB"), "*0\r\n")
        run("HELLO", "3")
        XCTAssertEqual(run("PUBSUB", "SHARDNUMSUB", "c"), "*2\r\n" + bulk("c") + int(0), "an array in RESP3 too")
    }

    func testNumpatCountsDistinctPatterns() {
        let other = engine.makeClient()
        _ = on(subscriber, "PSUBSCRIBE", "x*", "y*")
        _ = on(other, "PSUBSCRIBE", "x*")
        XCTAssertEqual(run("PUBSUB", "NUMPAT"), int(2))
        XCTAssertEqual(run("PUBSUB", "NUMPAT", "x"), error("ERR wrong number of arguments for 'pubsub|numpat' command"))
    }

    func testHelpAndUnknownSubcommand() {
        XCTAssertTrue(run("PUBSUB", "HELP").hasPrefix("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"))
        XCTAssertEqual(run("PUBSUB", "foo"), error("ERR unknown subcommand 'foo'. Try PUBSUB HELP."))
        XCTAssertEqual(run("PUBSUB"), error("ERR wrong number of arguments for 'pubsub' command"))
    }

    func testInfoAndClientListType() {
        _ = on(subscriber, "SUBSCRIBE", "a", "b")
        _ = on(subscriber, "PSUBSCRIBE", "p")
        _ = on(subscriber, "SSUBSCRIBE", "s")
        let info = run("INFO", "stats")
        XCTAssertTrue(info.contains("pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n"), info)
        let normal = engine.connect()
        let pubsubList = on(normal, "CLIENT", "LIST", "TYPE", "pubsub")
        XCTAssertTrue(pubsubList.contains("id=\(subscriber.id) ") && !pubsubList.contains("id=\(normal.id) "), pubsubList)
        let normalList = on(normal, "CLIENT", "LIST", "TYPE", "normal")
        XCTAssertTrue(!normalList.contains("id=\(subscriber.id) ") && normalList.contains("id=\(normal.id) "), normalList)
    }

    // MARK: - Output limit

    func testSubscriberPastTheHardLimitIsMarkedAndGetsNothingMore() {
        var warnings: [String] = []
        engine.hooks.logWarning = { warnings.append($0) }
        XCTAssertEqual(run("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1kb 0 0"), ok)
        _ = on(subscriber, "SUBSCRIBE", "c")
        _ = engine.pubsub.takeReceivers()
        let message = String(repeating: "x", count: 10_000)
        XCTAssertEqual(run("PUBLISH", "c", message), int(1))
        XCTAssertFalse(subscriber.closeASAP, "the first 16 KB are not counted, as Redis's own reply buffer")
        XCTAssertEqual(run("PUBLISH", "c", message), int(1), "counted until the Server has closed it, as in Redis")
        XCTAssertTrue(subscriber.closeASAP)
        XCTAssertTrue(subscriber.reply.isEmpty, "its pending output is dropped")
        run("PUBLISH", "c", message)
        XCTAssertTrue(subscriber.reply.isEmpty)
        XCTAssertEqual(engine.takeClientsToClose().map(\.id), [subscriber.id], "the Server learns it must close it")
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("Client id=\(subscriber.id) addr="), warnings[0])
        XCTAssertTrue(warnings[0].contains(" flags=P ") && warnings[0].contains(" omem=3"), warnings[0])
        XCTAssertTrue(warnings[0].hasSuffix(" scheduled to be closed ASAP for overcoming of output buffer limits."))
    }

    func testBytesHandedToTheSocketCountTowardsTheLimit() {
        run("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1000 0 0")
        _ = on(subscriber, "SUBSCRIBE", "c")
        subscriber.reply.bytes.removeAll()
        subscriber.pendingOutputLength = 20_000  // handed to the socket
        engine.hooks.queuedOutputBytes = { _ in 18_000 }  // what is still in its write queue
        run("PUBLISH", "c", "m")
        XCTAssertTrue(subscriber.closeASAP)
    }

    func testSoftLimitClosesOnlyAfterItsSeconds() {
        let limit = OutputBufferLimit(hard: 0, soft: 100, softSeconds: 2)
        var since: Int64 = 0
        XCTAssertFalse(limit.exceeded(used: 150, softSince: &since, now: 10_000))
        XCTAssertEqual(since, 10_000)
        XCTAssertFalse(limit.exceeded(used: 150, softSince: &since, now: 12_000), "2 s is not more than 2 s")
        XCTAssertTrue(limit.exceeded(used: 150, softSince: &since, now: 13_000))
        XCTAssertFalse(limit.exceeded(used: 50, softSince: &since, now: 13_500))
        XCTAssertEqual(since, 0, "back under the soft limit: the clock restarts")
        XCTAssertFalse(OutputBufferLimit.none.exceeded(used: Int.max, softSince: &since, now: 0))
    }

    // MARK: - client-output-buffer-limit

    func testConfigDefaultsAndMergingByClass() {
        let name = "client-output-buffer-limit"
        XCTAssertEqual(run("CONFIG", "GET", name),
                       "*2\r\n" + bulk(name) + bulk("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"))
        XCTAssertEqual(engine.outputLimit(of: subscriber), OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0), "normal")
        _ = on(subscriber, "SUBSCRIBE", "c")
        XCTAssertEqual(engine.outputLimit(of: subscriber), OutputBufferLimit(hard: 33_554_432, soft: 8_388_608, softSeconds: 60))
        XCTAssertEqual(run("CONFIG", "SET", name, "replica 1k 2kb 3 NORMAL 1 2 3"), ok)
        XCTAssertEqual(run("CONFIG", "SET", name, ""), ok, "nothing named, nothing changed")
        XCTAssertEqual(run("CONFIG", "GET", name),
                       "*2\r\n" + bulk(name) + bulk("normal 1 2 3 slave 1000 2048 3 pubsub 33554432 8388608 60"))
        let failed = "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
        XCTAssertEqual(run("CONFIG", "SET", name, "master 1 2 3"),
                       error(failed + "Invalid client class specified in buffer limit configuration."))
        XCTAssertEqual(run("CONFIG", "SET", name, "pubsub 1 2"),
                       error(failed + "Wrong number of arguments in buffer limit configuration."))
        for bad in ["pubsub x 2 3", "pubsub 1 2 x", "pubsub 1 2 -1", "pubsub -1 2 1"] {
            XCTAssertEqual(run("CONFIG", "SET", name, bad),
                           error(failed + "Error in hard, soft or soft_seconds setting in buffer limit configuration."), bad)
        }
    }

    func testConfigFileTakesOneClassPerLine() throws {
        let config = Config()
        try ConfigFile.apply("client-output-buffer-limit pubsub 64mb 16mb 90\nclient-output-buffer-limit normal 1 1 1\n",
                             to: config)
        XCTAssertEqual(config.outputBufferLimit("pubsub"), OutputBufferLimit(hard: 64 << 20, soft: 16 << 20, softSeconds: 90))
        XCTAssertEqual(Engine(config: config).outputLimits[ClientClass.pubsub.rawValue].hard, 64 << 20)
        XCTAssertEqual(config.outputBufferLimit("normal"), OutputBufferLimit(hard: 1, soft: 1, softSeconds: 1))
    }
}
