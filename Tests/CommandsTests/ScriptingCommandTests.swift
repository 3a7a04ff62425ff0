import XCTest
@testable import Commands
import SwirlBytes
import RESP

/// EVAL, EVALSHA, the _RO forms and SCRIPT: errors worded as Redis 7.0.15's
/// (the script's SHA-1 and line in them), the sandbox, and what scripts may run.
final class ScriptingCommandTests: CommandTestCase {
    private func eval(_ script: String, _ args: String...) -> String {
        run(args: [Bytes("EVAL"), Bytes(script)] + (args.isEmpty ? [Bytes("0")] : args.map { Bytes($0) }), on: client)
    }

    func testKeysAndArguments() {
        XCTAssertEqual(eval("return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"), ok)
        XCTAssertEqual(run("GET", "k"), bulk("v"))
        XCTAssertEqual(eval("return {#KEYS, #ARGV}", "2", "a", "b", "c"), "*2\r\n:2\r\n:1\r\n")
        XCTAssertEqual(eval("return 1", "-1"), error("ERR Number of keys can't be negative"))
        XCTAssertEqual(eval("return 1", "2", "a"), error("ERR Number of keys can't be greater than number of args"))
        XCTAssertEqual(eval("return 1", "x"), notInteger)
    }

    func testScriptCache() {
        XCTAssertEqual(run("SCRIPT", "LOAD", "return 1"), bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"))
        XCTAssertEqual(run("EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"), int(1), "the SHA is case-insensitive")
        XCTAssertEqual(run("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "ffff"), "*2\r\n:1\r\n:0\r\n")
        XCTAssertEqual(run("EVALSHA", "1234", "0"), error("NOSCRIPT No matching script. Please use EVAL."))
        XCTAssertEqual(run("SCRIPT", "FLUSH", "foo"), error("ERR SCRIPT FLUSH only support SYNC|ASYNC option"))
        XCTAssertEqual(run("SCRIPT", "FLUSH"), ok)
        XCTAssertEqual(run("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"),
                       error("NOSCRIPT No matching script. Please use EVAL."))
        XCTAssertEqual(run("SCRIPT", "KILL"), error("NOTBUSY No scripts in execution right now."))
        XCTAssertEqual(run("SCRIPT", "LOAD", "return 'x"),
                       error("ERR Error compiling script (new function): user_script:1: unfinished string near '<eof>'"))
    }

    func testErrorsNameTheScriptAndLine() {
        XCTAssertEqual(eval("x = 5"), error("ERR user_script:1: Attempt to modify a readonly table script: 818a330663e3c3e78469660421595218e5ab5c48, on @user_script:1."))
        XCTAssertEqual(eval("return y"), error("ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: e278681ed961e2fb52881313e5c90fdd93749940, on @user_script:1."))
        XCTAssertEqual(eval("return redis.call('nosuch')"), error("ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1."))
        XCTAssertEqual(eval("error({err='X boom'})"), error("X boom script: f0acf9d1ce814691e2b2cc3296a806e16e047e31, on @user_script:1."))
        XCTAssertEqual(eval("return redis.pcall('nosuch')"), error("ERR Unknown Redis command called from script"))
        XCTAssertEqual(eval("rawset(_G, 'a', 1)"), error("ERR Attempt to modify a readonly table script: d4338bad93e146c975dbe6d003bb38b89b760ada, on @user_script:1."))
        XCTAssertEqual(eval("return redis.call('multi')"), error("ERR This Redis command is not allowed from script script: c329a1a294be6bf95b44144f7502610661ae925a, on @user_script:1."))
    }

    func testSandboxHasNoFileOrOSAccess() {
        for name in ["os", "io", "print", "loadfile", "dofile", "require", "package", "debug", "getfenv", "setfenv", "newproxy"] {
            XCTAssertTrue(eval("return type(\(name))").contains("nonexistent global variable '\(name)'"), name)
        }
        XCTAssertEqual(eval("return cjson.encode({1,2,{a=1}})"), bulk("[1,2,{\"a\":1}]"))
        XCTAssertEqual(eval("return bit.band(7, 3) .. bit.tohex(255)"), bulk("3000000ff"))
        XCTAssertTrue(eval("local t = getmetatable('').__index; t.upper = nil").contains("Attempt to modify a readonly table"))
        XCTAssertEqual(eval("return ('x'):upper()"), bulk("X"), "the string library is intact")
        XCTAssertEqual(eval("local n = 0 for k in pairs(redis) do n = n + 1 end return n"), int(23))
    }

    func testReadOnlyScripts() {
        XCTAssertEqual(run("EVAL_RO", "return redis.call('set','x','y')", "0"),
                       error("ERR Write commands are not allowed from read-only scripts. script: 71e6319f97b0fe8bdfa1c5df3ce4489946dda479, on @user_script:1."))
        XCTAssertEqual(eval("#!lua flags=no-writes\nreturn redis.call('set','x','y')"),
                       error("ERR Write commands are not allowed from read-only scripts. script: 43f5fe910d84b5ee2ef496f122831920e4095915, on @user_script:2."))
        XCTAssertEqual(run("EVAL_RO", "#!lua\nreturn 1", "0"), error("ERR Can not execute a script with write flag using *_ro command."))
        XCTAssertEqual(run("EXISTS", "x"), int(0))
    }

    func testShebangErrors() {
        XCTAssertEqual(eval("#!lua flags=bad\nreturn 1"), error("ERR Unexpected flag in script shebang: bad"))
        XCTAssertEqual(eval("#!lua foo=bar\nreturn 1"), error("ERR Unknown lua shebang option: foo=bar"))
        XCTAssertEqual(eval("#!luax\nreturn 1"), error("ERR Unexpected engine in script shebang: #!luax"))
        XCTAssertEqual(eval("#!lua"), error("ERR Invalid script shebang"))
        XCTAssertEqual(eval("#!lua flags=\nreturn 1"), int(1))
    }

    func testBlockingCommandsAreRefused() {
        XCTAssertTrue(eval("return redis.call('brpoplpush', 'a', 'b', 0)").hasPrefix("-ERR This Redis command is not allowed from script"))
    }

    func testRandomIsRedisRand48() {
        XCTAssertEqual(eval("return {math.random(100), math.random(100), math.random()*1000000}"), "*3\r\n:40\r\n:85\r\n:353336\r\n")
    }

    func testScriptInsideMulti() {
        XCTAssertEqual(run("MULTI"), ok)
        XCTAssertEqual(eval("return redis.call('incr', 'c')"), "+QUEUED\r\n")
        XCTAssertEqual(run("EXEC"), "*1\r\n:1\r\n")
    }

    func testCommandGetKeys() {
        XCTAssertEqual(run("COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"), "*2\r\n$1\r\na\r\n$1\r\nb\r\n")
        XCTAssertEqual(run("COMMAND", "GETKEYS", "EVAL", "return 1", "0"), "*0\r\n")
        XCTAssertEqual(run("COMMAND", "GETKEYS", "EVAL", "return 1", "5", "a"), "*0\r\n")
    }
}

/// What scripts append to the AOF: their effects, several wrapped in MULTI/EXEC (Redis 7.0).
final class ScriptingPropagationTests: PropagationTestCase {
    /// Commands are logged as the script wrote them (lowercase here), as Redis does.
    func testEffectsAreLoggedNotTheScript() {
        run("SET", "marker", "0")
        _ = logged()
        run("EVAL", "redis.call('set', 'a', '1'); redis.call('get', 'a'); return redis.call('incr', 'a')", "0")
        XCTAssertEqual(logged(), [["MULTI"], ["set", "a", "1"], ["incr", "a"], ["EXEC"]])
        run("EVAL", "return redis.call('incr', 'a')", "0")
        XCTAssertEqual(logged(), [["incr", "a"]], "one write is logged alone")
        run("EVAL", "return redis.call('get', 'a')", "0")
        XCTAssertEqual(logged(), [])
    }

    func testSetReplNoneDropsWhatFollows() {
        run("SET", "marker", "0")
        _ = logged()
        run("EVAL", "redis.call('set', 'a', '1'); redis.set_repl(redis.REPL_NONE); redis.call('set', 'b', '2')", "0")
        XCTAssertEqual(logged(), [["set", "a", "1"]])
    }

    func testScriptInsideExecJoinsTheTransaction() {
        run("SET", "marker", "0")
        _ = logged()
        run("MULTI")
        run("EVAL", "return redis.call('incr', 'a')", "0")
        run("SET", "b", "1")
        run("EXEC")
        XCTAssertEqual(logged(), [["MULTI"], ["incr", "a"], ["SET", "b", "1"], ["EXEC"]])
    }
}

/// Scripts past maxmemory, MONITOR and client tracking, as Redis 7.0.15 (replies taken from it).
final class ScriptingStateTests: CommandTestCase {
    private let oom = "OOM command not allowed when used memory > 'maxmemory'."

    func testDenyOOMUnlessTheScriptAllowsIt() {
        engine.hooks.usedMemory = { 1_000_000 }
        XCTAssertEqual(run("CONFIG", "SET", "maxmemory", "1"), ok)
        XCTAssertEqual(run("EVAL", "return redis.call('set','a','1')", "0"),
                       error(oom + " script: 67ed14c1cb086d8c2fcf91ebe13410ba087fd0f8, on @user_script:1."))
        XCTAssertEqual(run("EVAL", "return redis.call('get','a')", "0"), null, "reads run")
        XCTAssertEqual(run("EVAL", "#!lua\nreturn 1", "0"), error(oom), "a shebang script that may write is deny-oom")
        XCTAssertEqual(run("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','a','1')", "0"), ok)
        XCTAssertEqual(run("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"), bulk("1"))
    }

    /// Each error counts once in the error statistics (Redis 7.0.15 counts 4 for these 4 scripts):
    /// an error a script's command raised is not counted again as the script's reply.
    func testErrorsAreCountedOnce() {
        run("SET", "s", "x")
        run("EVAL", "return redis.call('incr','s')", "0")
        run("EVAL", "return redis.pcall('incr','s')", "0")
        run("EVAL", "return redis.call('nosuch')", "0")
        run("EVAL", "error('x')", "0")
        XCTAssertEqual(engine.stats.totalErrorReplies, 4)
        XCTAssertEqual(engine.commandStat("eval")?.failedCalls, 4)
        XCTAssertEqual(engine.commandStat("incr")?.failedCalls, 2)
    }

    func testMonitorShowsTheScriptThenItsCommands() {
        let monitor = engine.connect()
        run(args: ["MONITOR"], on: monitor)
        run("EVAL", "return redis.call('incr', 'a')", "0")
        let lines = String(decoding: monitor.reply.take(), as: UTF8.self).split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasSuffix("\"EVAL\" \"return redis.call('incr', 'a')\" \"0\""), lines[0])
        XCTAssertTrue(lines[1].hasSuffix("[0 lua] \"incr\" \"a\""), lines[1])
    }

    func testReadsOfAScriptAreTrackedForItsCaller() {
        let reader = engine.connect()
        run(args: ["HELLO", "3"], on: reader)
        run(args: ["CLIENT", "TRACKING", "ON"], on: reader)
        run(args: ["EVAL", "return redis.call('get', KEYS[1])", "1", "k"], on: reader)
        run(args: ["EVAL_RO", "return 1", "1", "ro"], on: reader)
        XCTAssertEqual(engine.trackingTable.totalKeys, 1, "the script's GET, not EVAL_RO's own key")
        run("SET", "k", "1")
        XCTAssertEqual(String(decoding: reader.reply.take(), as: UTF8.self), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
    }
}
