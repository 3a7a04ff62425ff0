import XCTest
@testable import Commands
import Keyspace
import SwirlBytes

/// `notify-keyspace-events`: its parsing and the form CONFIG GET shows, and
/// the events each command group publishes, in order, as redis-server 7.0.15
/// publishes them (Tests/Integration/test_notifications.py compares whole
/// streams with a real server).
final class KeyspaceEventsTests: CommandTestCase {
    var subscriber: Client!

    override func setUp() {
        super.setUp()
        subscriber = engine.makeClient()
        _ = run(args: [Bytes("PSUBSCRIBE"), Bytes("__key*__:*")], on: subscriber)
    }

    override func tearDown() {
        subscriber = nil
        super.tearDown()
    }

    func configure(_ flags: String) {
        XCTAssertEqual(run("CONFIG", "SET", "notify-keyspace-events", flags), ok)
    }

    /// The messages the subscriber received since the last call, as `channel payload`.
    func events() -> [String] {
        var reader = ReplyReader(subscriber.reply.take())
        var messages: [String] = []
        while !reader.atEnd, let frame = reader.readFlatArray() {
            XCTAssertEqual(frame.first, "pmessage")
            messages.append("\(frame[2] ?? "") \(frame[3] ?? "")")
        }
        return messages
    }

    /// The keyevent messages of a script, as `event key` (with `E` alone configured).
    func keyevents(_ script: [[String]], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        for command in script { run(args: command.map { Bytes($0) }, on: client) }
        return events().map { message in
            let parts = message.split(separator: " ", maxSplits: 1)
            XCTAssertTrue(parts[0].hasPrefix("__keyevent@"), message, file: file, line: line)
            return "\(parts[0].split(separator: ":", maxSplits: 1)[1]) \(parts[1])"
        }
    }

    // MARK: - The parameter

    func testDisplayIsRedisNormalForm() {
        let cases: [(String, String)] = [
            ("AKE", "AKE"), ("Kx", "xK"), ("KEA", "AKE"), ("Ag", "A"), ("lsg", "gls"), ("nA", "A"),
            ("AKEnm", "AKEm"), ("mn", "nm"), ("g$lshzxetd", "A"), ("g$lshzxet", "g$lshzxet"), ("", ""),
            ("EKhz$", "$hzKE"), ("nnn", "n"),
        ]
        for (value, shown) in cases {
            configure(value)
            XCTAssertEqual(run("CONFIG", "GET", "notify-keyspace-events"),
                           "*2\r\n" + bulk("notify-keyspace-events") + bulk(shown), value)
        }
    }

    func testInvalidCharacterIsRefusedAndChangesNothing() {
        configure("Kl")
        for value in ["ab", "K E", "a"] {
            XCTAssertEqual(run("CONFIG", "SET", "notify-keyspace-events", value),
                           error("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."))
        }
        XCTAssertEqual(engine.notifyClasses, [.keyspace, .list])
    }

    func testNewStaysOnBesideAllThoughNotShown() {
        configure("AEn")
        XCTAssertTrue(engine.notifyClasses.contains(.newKey))
        XCTAssertEqual(keyevents([["SET", "k", "v"]]), ["new k", "set k"])
    }

    func testConfigFileAndCommandLineValueIsNormalized() {
        let config = Config()
        XCTAssertNil(config.set("notify-keyspace-events", "Ex$"))
        XCTAssertEqual(config.displayValue("notify-keyspace-events"), "$xE")
        XCTAssertEqual(config.set("notify-keyspace-events", "Q"), NotifyClasses.invalidCharacter)
        let started = Engine(config: config)
        XCTAssertEqual(started.notifyClasses, [.keyevent, .string, .expired])
    }

    func testNothingIsPublishedWithoutAChannelKindOrAClass() {
        for flags in ["A", "K", "E", ""] {
            configure(flags)
            run("SET", "k", "v")
            run("DEL", "k")
            XCTAssertEqual(events(), [], flags)
            XCTAssertEqual(engine.notifyClasses, [], "off: the hot path's check stays false")
        }
    }

    // MARK: - Channels

    func testKeyspaceChannelThenKeyeventChannelPerEvent() {
        configure("KE$")
        run("SELECT", "5")
        run("SET", "key", "v")
        XCTAssertEqual(events(), ["__keyspace@5__:key set", "__keyevent@5__:set key"])
    }

    func testOnlyTheEnabledClasses() {
        configure("Kl")
        run("SET", "s", "v")
        run("RPUSH", "l", "a")
        run("DEL", "l")
        XCTAssertEqual(events(), ["__keyspace@0__:l rpush"])
    }

    func testBinaryKeysAreCarriedAsTheyAre() {
        configure("KE$")
        let key = Bytes([0x00, 0xff, 0x0d, 0x0a])
        run(args: [Bytes("SET"), key, Bytes("v")], on: client)
        let output = subscriber.reply.take()
        let channel = Array("__keyspace@0__:".utf8) + [0x00, 0xff, 0x0d, 0x0a]
        XCTAssertNotNil(output.firstRange(of: channel))
    }

    // MARK: - Events per group

    func testStrings() {
        configure("E$g")
        XCTAssertEqual(keyevents([
            ["SET", "a", "1", "EX", "100"], ["SETNX", "a", "2"], ["MSET", "b", "1", "c", "2"], ["APPEND", "a", "x"],
            ["SETRANGE", "a", "0", "y"], ["SETRANGE", "a", "0", ""], ["INCRBY", "b", "2"], ["INCRBYFLOAT", "c", "1.5"],
            ["GETEX", "a", "PERSIST"], ["GETEX", "b", "PX", "1000"], ["GETDEL", "c"], ["GETSET", "b", "z"],
        ]), ["set a", "expire a", "set b", "set c", "append a", "setrange a", "incrby b", "incrbyfloat c",
             "persist a", "expire b", "del c", "set b"])
    }

    func testGenericCommands() {
        configure("Eg")
        run("SET", "a", "1")
        run("SET", "b", "1")
        XCTAssertEqual(keyevents([
            ["EXPIRE", "a", "100"], ["PERSIST", "a"], ["RENAME", "a", "r"], ["RENAME", "r", "r"], ["COPY", "r", "c"],
            ["MOVE", "c", "3"], ["EXPIRE", "b", "-1"], ["DEL", "r", "nokey"], ["FLUSHALL"],
        ]), ["expire a", "persist a", "rename_from a", "rename_to r", "copy_to c", "move_from c", "move_to c",
             "del b", "del r"])
    }

    func testMoveAndCopyPublishInTheTargetDatabase() {
        configure("KgEn")
        run("SET", "k", "v")
        _ = events()
        run("COPY", "k", "k", "DB", "2")
        run("MOVE", "k", "4")
        XCTAssertEqual(events(), [
            "__keyspace@2__:k new", "__keyevent@2__:new k", "__keyspace@2__:k copy_to", "__keyevent@2__:copy_to k",
            "__keyspace@4__:k new", "__keyevent@4__:new k", "__keyspace@0__:k move_from", "__keyevent@0__:move_from k",
            "__keyspace@4__:k move_to", "__keyevent@4__:move_to k",
        ])
    }

    func testHashes() {
        configure("Ehg")
        XCTAssertEqual(keyevents([
            ["HSET", "h", "a", "1", "b", "2"], ["HSETNX", "h", "a", "9"], ["HSETNX", "h", "c", "3"],
            ["HINCRBY", "h", "a", "1"], ["HINCRBYFLOAT", "h", "b", "0.5"], ["HDEL", "h", "nope"],
            ["HDEL", "h", "a"], ["HDEL", "h", "b", "c"],
        ]), ["hset h", "hset h", "hincrby h", "hincrbyfloat h", "hdel h", "hdel h", "del h"])
    }

    func testLists() {
        configure("Elg")
        XCTAssertEqual(keyevents([
            ["RPUSH", "l", "a", "b", "c"], ["LPUSH", "l", "z"], ["LINSERT", "l", "AFTER", "a", "x"], ["LSET", "l", "0", "y"],
            ["LREM", "l", "0", "x"], ["LTRIM", "l", "0", "-1"], ["LMOVE", "l", "m", "LEFT", "RIGHT"], ["LPOP", "l", "0"],
            ["RPOP", "l"], ["LPOP", "l", "5"], ["LMPOP", "1", "m", "RIGHT"],
        ]), ["rpush l", "lpush l", "linsert l", "lset l", "lrem l", "ltrim l", "rpush m", "lpop l",
             "rpop l", "lpop l", "del l", "rpop m", "del m"])
    }

    func testServedBlockingPopPublishesAfterThePush() {
        configure("Elg")
        let waiter = engine.makeClient()
        _ = run(args: ["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"].map { Bytes($0) }, on: waiter)
        XCTAssertEqual(keyevents([["RPUSH", "src", "v"]]), ["rpush src", "lpush dst", "lpop src", "del src"])
    }

    func testSets() {
        configure("Esg")
        XCTAssertEqual(keyevents([
            ["SADD", "s", "1", "2"], ["SADD", "s", "1"], ["SREM", "s", "1"], ["SMOVE", "s", "t", "2"],
            ["SADD", "a", "1"], ["SPOP", "a"], ["SADD", "b", "1", "2"], ["SPOP", "b", "9"],
            ["SADD", "c", "1"], ["SINTERSTORE", "d", "c", "t"], ["SUNIONSTORE", "d", "c", "t"],
            ["SDIFFSTORE", "d", "c", "c"],
        ]), ["sadd s", "srem s", "srem s", "del s", "sadd t", "sadd a", "spop a", "del a", "sadd b", "spop b",
             "del b", "sadd c", "sunionstore d", "del d"], "an empty SINTERSTORE over no key publishes nothing")
    }

    func testSortedSets() {
        configure("Ezg")
        XCTAssertEqual(keyevents([
            ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "INCR", "1", "a"],
            ["ZINCRBY", "z", "1", "b"], ["ZREM", "z", "nope"], ["ZREMRANGEBYRANK", "z", "0", "0"],
            ["ZREMRANGEBYSCORE", "z", "9", "10"], ["ZPOPMAX", "z"], ["ZADD", "y", "0", "a", "0", "b"],
            ["ZREMRANGEBYLEX", "y", "-", "+"], ["ZADD", "x", "1", "m"], ["ZUNIONSTORE", "u", "1", "x"],
            ["ZINTERSTORE", "i", "2", "x", "u"], ["ZDIFFSTORE", "d", "1", "x"], ["ZRANGESTORE", "r", "x", "0", "-1"],
            ["ZDIFFSTORE", "d", "2", "x", "x"], ["ZPOPMIN", "z", "5"],
        ]), ["zadd z", "zincr z", "zincr z", "zremrangebyrank z", "zpopmax z", "zadd y", "zremrangebylex y", "del y",
             "zadd x", "zunionstore u", "zinterstore i", "zdiffstore d", "zrangestore r", "del d", "zpopmin z", "del z"])
    }

    func testSortStore() {
        configure("Elg")
        XCTAssertEqual(keyevents([
            ["RPUSH", "l", "2", "1"], ["SORT", "l", "STORE", "out"], ["SORT", "nokey", "STORE", "out"],
        ]), ["rpush l", "sortstore out", "del out"])
    }

    func testTransactionPublishesAtExec() {
        configure("E$l")
        run("MULTI")
        run("SET", "k", "v")
        run("LPUSH", "l", "x")
        XCTAssertEqual(events(), [], "nothing while queued")
        XCTAssertEqual(keyevents([["EXEC"]]), ["set k", "lpush l"])
    }

    // MARK: - new, expired, keymiss

    func testNewKeyBeforeTheCommandsEvent() {
        configure("En$lsz")
        XCTAssertEqual(keyevents([
            ["SET", "a", "1"], ["SET", "a", "2"], ["LPUSH", "l", "x"], ["SADD", "s", "m"], ["ZINCRBY", "z", "1", "m"],
            ["APPEND", "b", "x"], ["INCR", "c"], ["SET", "r", "1"], ["RENAME", "r", "a"],
        ]), ["new a", "set a", "set a", "new l", "lpush l", "new s", "sadd s", "new z", "zincr z", "new b", "append b",
             "new c", "incrby c", "new r", "set r", "new a"])
    }

    func testLazyAndActiveExpiry() {
        configure("Ex")
        run("SET", "lazy", "v", "PX", "1")
        run("SET", "active", "v", "PX", "1")
        usleep(20_000)
        XCTAssertEqual(keyevents([["GET", "lazy"]]), ["expired lazy"])
        engine.keyspace.refreshClock()
        engine.keyspace.activeExpireCycle(budgetMicroseconds: 10_000, hz: 10)
        XCTAssertEqual(events(), ["__keyevent@0__:expired active"])
    }

    func testSetOverAnExpiredKeyExpiresItThenCreatesIt() {
        configure("Exn$")
        run("SET", "k", "v", "PX", "1")
        _ = events()
        usleep(20_000)
        XCTAssertEqual(keyevents([["SET", "k", "w"]]), ["expired k", "new k", "set k"])
    }

    func testKeyMissOnReadsNotWrites() {
        configure("Em")
        XCTAssertEqual(keyevents([
            ["GET", "a"], ["EXISTS", "b", "c"], ["TYPE", "d"], ["TTL", "e"], ["HINCRBY", "h", "f", "1"], ["LPUSH", "l", "x"],
            ["SET", "g", "v", "GET"], ["LRANGE", "l", "0", "-1"],
        ]), ["keymiss a", "keymiss b", "keymiss c", "keymiss d", "keymiss e", "keymiss g"])
        XCTAssertEqual(engine.keyspace.stats.keyspaceMisses, 6)
    }
}
