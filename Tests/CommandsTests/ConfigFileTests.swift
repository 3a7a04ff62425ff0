import XCTest
@testable import Commands
import SwirlBytes

/// redis.conf reading as Redis 7.0.15's loadServerConfigFromString.
final class ConfigFileTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "swirl-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    func load(_ text: String) throws(ConfigFile.Failure) -> Config {
        let config = Config()
        try ConfigFile.apply(text, to: config)
        return config
    }

    func failure(_ text: String) -> ConfigFile.Failure? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    func testSaveLinesAddUpAndAnEmptyOneEmpties() throws {
        XCTAssertEqual(try load("save 900 1\nsave 300 10\n")["save"], "900 1 300 10")
        XCTAssertEqual(try load("save 900 1\nsave \"\"\nsave 60 5")["save"], "60 5")
        XCTAssertEqual(try load("save 900 1\n" + ConfigFile.lines(fromArguments: ["--save", "60 5"]))["save"], "900 1 60 5",
                       "a command-line save adds to the file's, as in Redis 7.0")
        XCTAssertEqual(try load(ConfigFile.lines(fromArguments: ["--save", "", "--port", "7"]))["save"], "")
        XCTAssertEqual(try load("save 900 1\n" + ConfigFile.lines(fromArguments: ["--save", "--port", "7"]))["save"], "",
                       "`--save` before another option is `save \"\"`")
        XCTAssertEqual(try load("save 900 1\n" + ConfigFile.lines(fromArguments: ["--port", "7", "--save"]))["save"], "900 1",
                       "a last `--save` with no value changes nothing, as in Redis")
    }

    func testOneWordParametersTakeOneArgument() {
        XCTAssertEqual(failure("port 1 2")?.reason, "wrong number of arguments")
        XCTAssertEqual(failure("maxmemory")?.reason, "wrong number of arguments")
        XCTAssertEqual(failure("nosuch 1")?.reason, "Bad directive or wrong number of arguments")
        XCTAssertEqual(failure("port 1\nport x")?.line, 2)
        XCTAssertEqual(failure("port \"1")?.reason, "Unbalanced quotes in configuration line")
    }

    func testSeveralWordParametersSplitOneArgument() throws {
        let config = try load("client-output-buffer-limit \"pubsub 1mb 1mb 1\"\nbind 127.0.0.1 ::1\n")
        XCTAssertEqual(config["client-output-buffer-limit"], "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 1048576 1")
        XCTAssertEqual(config["bind"], "127.0.0.1 ::1")
    }

    func testDeprecatedDirectivesAreSkippedAndAliasesRead() throws {
        let config = try load("list-max-ziplist-entries 512\nlist-max-ziplist-value 64\nhash-max-ziplist-entries 7\r\n"
                              + "slave-read-only no\nslaveof 127.0.0.1 6380\nlua-time-limit 100\n")
        XCTAssertEqual(config["hash-max-listpack-entries"], "7", "a CRLF line is one line")
        XCTAssertEqual(config["replica-read-only"], "no")
        XCTAssertEqual(config["replicaof"], "127.0.0.1 6380")
        XCTAssertEqual(config["busy-reply-threshold"], "100")
        XCTAssertEqual(failure("list-max-ziplist-entries 1 2")?.reason, "Bad directive or wrong number of arguments")
        XCTAssertEqual(failure("cluster-enabled yes\nreplicaof h 1")?.reason, "replicaof directive not allowed in cluster mode")
    }

    func testIncludeReadsFilesAndGlobsInOrder() throws {
        try FileManager.default.createDirectory(atPath: directory + "/conf.d", withIntermediateDirectories: true)
        try write("conf.d/b.conf", "maxmemory 2mb\n")
        try write("conf.d/a.conf", "maxmemory 1mb\nhz 20\n")
        try write("main.conf", "include \(directory)/conf.d/*.conf\ninclude \(directory)/empty.d/*.conf\n")
        let config = try load("port 1000\ninclude \(directory)/main.conf\nhz 30\n")
        XCTAssertEqual(config["maxmemory"], "2097152", "b.conf after a.conf")
        XCTAssertEqual(config["hz"], "30")
        XCTAssertEqual(failure("include \(directory)/missing.conf")?.reason.hasPrefix(
            "Fatal error, can't open config file '\(directory)/missing.conf': No such file"), true)
        try write("self.conf", "hz 11\ninclude \(directory)/self.conf\n")
        XCTAssertEqual(failure("include \(directory)/self.conf")?.reason, "Too many nested includes (does a file include itself?)")
        try write("bad.conf", "port 1\nport x\n")
        let bad = failure("include \(directory)/bad.conf")
        XCTAssertEqual(bad?.line, 2, "the line of the included file")
    }

    func testRenameCommand() throws {
        let config = try load("rename-command config myconfig\nrename-command FLUSHALL \"\"\nrename-command myconfig cfg")
        XCTAssertEqual(config.commandRenames.map { "\($0.from)>\($0.to)" }, ["config>myconfig", "FLUSHALL>", "myconfig>cfg"])
        XCTAssertEqual(failure("rename-command nosuch x")?.reason, "No such command in rename-command")
        XCTAssertEqual(failure("rename-command get SET")?.reason, "Target command name already exists")
        XCTAssertEqual(failure("rename-command get \"\"\nrename-command get x")?.reason, "No such command in rename-command")
        XCTAssertEqual(failure("rename-command get")?.reason, "Bad directive or wrong number of arguments")

        let engine = Engine(config: config)
        let client = engine.makeClient()
        func run(_ words: String...) -> String {
            client.args = words.map { Bytes($0) }
            engine.execute(client)
            defer { client.reply.bytes.removeAll() }
            return String(decoding: client.reply.bytes, as: UTF8.self)
        }
        XCTAssertEqual(run("CFG", "GET", "hz"), "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n")
        XCTAssertTrue(run("CONFIG", "GET", "hz").hasPrefix("-ERR unknown command 'CONFIG'"))
        XCTAssertTrue(run("FLUSHALL").hasPrefix("-ERR unknown command 'FLUSHALL'"))
        XCTAssertEqual(run("SET", "k", "v"), "+OK\r\n")
        // Loading finds commands by their own names as well (what Swirl writes to the AOF).
        engine.whileLoading { XCTAssertEqual(run("FLUSHALL"), "+OK\r\n") }
        XCTAssertEqual(run("DBSIZE"), ":0\r\n")
    }
}
