internal import CLua
import Keyspace
import RESP
import SwirlBytes

/// The functions of the `redis` table and the replaced `math.random`, as
/// Redis 7.0 defines them (script_lua.c, eval.c). Each is a C-convention
/// closure run through the shim's trampoline (CLua/shim.h): it returns its
/// number of results, or -1 after pushing an error for the trampoline to
/// raise, so Lua's longjmp never crosses these Swift frames. They are top-level
/// constants: a C closure inside a class method crashes the 6.3 compiler.
enum LuaRedisAPI {
    static let functions: [(name: String, body: swirl_lua_body)] = [
        ("call", luaRedisCall), ("pcall", luaRedisPcall), ("log", luaRedisLog), ("setresp", luaRedisSetResp),
        ("sha1hex", luaRedisSha1Hex), ("error_reply", luaRedisErrorReply), ("status_reply", luaRedisStatusReply),
        ("set_repl", luaRedisSetRepl), ("replicate_commands", luaRedisReplicateCommands),
        ("breakpoint", luaRedisBreakpoint), ("debug", luaRedisDebug), ("acl_check_cmd", luaRedisCheckCommand),
    ]
    static let mathFunctions: [(name: String, body: swirl_lua_body)] = [
        ("random", luaMathRandom), ("randomseed", luaMathRandomSeed),
    ]
}

private func scripting(_ context: UnsafeMutableRawPointer?) -> Scripting {
    Unmanaged<Scripting>.fromOpaque(context!).takeUnretainedValue()
}

private let luaRedisCall: swirl_lua_body = { _, context in scripting(context).luaCall(raise: true) }
private let luaRedisPcall: swirl_lua_body = { _, context in scripting(context).luaCall(raise: false) }
private let luaRedisCheckCommand: swirl_lua_body = { _, context in scripting(context).luaCheckCommand() }

private let luaRedisSha1Hex: swirl_lua_body = { L, context in
    let lua = scripting(context).lua!
    guard lua_gettop(L) == 1 else {
        lua.pushErrorTable("wrong number of arguments")
        return -1
    }
    lua.push(Scripting.sha1Hex(lua.bytes(at: 1) ?? Bytes()))
    return 1
}

private let luaRedisErrorReply: swirl_lua_body = { L, context in
    let lua = scripting(context).lua!
    guard lua_gettop(L) == 1, lua_type(L, -1) == LUA_TSTRING else {
        lua.pushErrorTable("wrong number or type of arguments")
        return 1
    }
    var text = (lua.bytes(at: -1) ?? Bytes()).array
    if let nul = text.firstIndex(of: 0) { text = Array(text[..<nul]) }
    if text.first != UInt8(ascii: "-") { text.insert(UInt8(ascii: "-"), at: 0) }
    lua.pushErrorTable(text)
    return 1
}

private let luaRedisStatusReply: swirl_lua_body = { L, context in
    let lua = scripting(context).lua!
    guard lua_gettop(L) == 1, lua_type(L, -1) == LUA_TSTRING else {
        lua.pushErrorTable("wrong number or type of arguments")
        return 1
    }
    lua_createtable(L, 0, 1)
    lua_pushvalue(L, -2)
    lua_setfield(L, -2, "ok")
    return 1
}

private let luaRedisLog: swirl_lua_body = { L, context in
    let scripting = scripting(context)
    let lua = scripting.lua!
    let count = lua_gettop(L)
    if count < 2 {
        lua.pushErrorTable("redis.log() requires two arguments or more.")
        return -1
    }
    guard lua_isnumber(L, 1) != 0 else {
        lua.pushErrorTable("First argument must be a number (log level).")
        return -1
    }
    let level = LuaState.truncated(lua_tonumber(L, 1))
    guard (0...3).contains(level) else {
        lua.pushErrorTable("Invalid debug level.")
        return -1
    }
    var words: [String] = []
    for index in 2...count {
        if let word = lua.bytes(at: index) { words.append(String(decoding: word.array, as: UTF8.self)) }
    }
    scripting.engine.hooks.log(Int(level), words.joined(separator: " "))
    return 0
}

private let luaRedisSetResp: swirl_lua_body = { L, context in
    let scripting = scripting(context)
    let lua = scripting.lua!
    guard let run = scripting.run else {
        lua.pushErrorTable("redis.setresp can only be called inside a script invocation")
        return -1
    }
    guard lua_gettop(L) == 1 else {
        lua.pushErrorTable("redis.setresp() requires one argument.")
        return -1
    }
    let version = LuaState.truncated(lua_tonumber(L, -1))
    guard version == 2 || version == 3 else {
        lua.pushErrorTable("RESP version must be 2 or 3.")
        return -1
    }
    run.protocolVersion = Int(version)
    return 0
}

private let luaRedisSetRepl: swirl_lua_body = { L, context in
    let scripting = scripting(context)
    let lua = scripting.lua!
    guard let run = scripting.run else {
        lua.pushErrorTable("redis.set_repl can only be called inside a script invocation")
        return -1
    }
    guard lua_gettop(L) == 1 else {
        lua.pushErrorTable("redis.set_repl() requires two arguments.")
        return -1
    }
    // C's (int) of a double; out-of-range values are refused like other bad flags.
    let flags = LuaState.truncated(lua_tonumber(L, -1))
    guard flags & ~3 == 0 else {
        lua.pushErrorTable("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
        return -1
    }
    // Swirl has no replicas: only the AOF bit counts.
    run.propagates = flags & 1 != 0
    return 0
}

/// Deprecated in 7.0: scripts always replicate their effects.
private let luaRedisReplicateCommands: swirl_lua_body = { L, _ in
    lua_pushboolean(L, 1)
    return 1
}

/// The debugger's functions: without a debugging session (SCRIPT DEBUG is not
/// supported) `redis.breakpoint()` answers false and `redis.debug()` nothing.
private let luaRedisBreakpoint: swirl_lua_body = { L, _ in
    lua_pushboolean(L, 0)
    return 1
}
private let luaRedisDebug: swirl_lua_body = { _, _ in 0 }

/// Lua's own math.random over Redis's rand48, so every platform draws the same numbers.
private let luaMathRandom: swirl_lua_body = { L, context in
    let scripting = scripting(context)
    let lua = scripting.lua!
    guard scripting.run != nil else {
        lua.push(Bytes("math.random can only be called inside a script invocation"))
        return -1
    }
    let maximum = Double(Int32.max)
    let r = Double(scripting.random.next() % Int32.max) / maximum
    switch lua_gettop(L) {
    case 0:
        lua_pushnumber(L, r)
    case 1:
        guard let upper = LuaArguments.integer(L, 1, lua: lua) else { return -1 }
        guard upper >= 1 else { return LuaArguments.argumentError(lua, 1, "interval is empty") }
        lua_pushnumber(L, (r * Double(upper)).rounded(.down) + 1)
    case 2:
        guard let lower = LuaArguments.integer(L, 1, lua: lua), let upper = LuaArguments.integer(L, 2, lua: lua) else { return -1 }
        guard lower <= upper else { return LuaArguments.argumentError(lua, 2, "interval is empty") }
        lua_pushnumber(L, (r * (Double(upper) - Double(lower) + 1)).rounded(.down) + Double(lower))
    default:
        lua.push(Bytes("wrong number of arguments"))
        return -1
    }
    return 1
}

private let luaMathRandomSeed: swirl_lua_body = { L, context in
    let scripting = scripting(context)
    let lua = scripting.lua!
    guard scripting.run != nil else {
        lua.push(Bytes("math.randomseed can only be called inside a script invocation"))
        return -1
    }
    guard let seed = LuaArguments.integer(L, 1, lua: lua) else { return -1 }
    scripting.random.seed(Int32(truncatingIfNeeded: seed))
    return 0
}

/// Lua's luaL_checkint, without raising: nil after pushing its error.
enum LuaArguments {
    static func integer(_ L: OpaquePointer?, _ index: Int32, lua: LuaState) -> Int? {
        let value = lua_tonumber(L, index)
        if value == 0 && lua_isnumber(L, index) == 0 {
            let type = String(cString: lua_typename(L, lua_type(L, index)))
            _ = argumentError(lua, index, "number expected, got \(lua_type(L, index) == LUA_TNONE ? "no value" : type)")
            return nil
        }
        return Int(truncatingIfNeeded: LuaState.truncated(value))
    }

    /// Pushes luaL_argerror's text for the running C function (`bad argument #n to 'name' (message)`).
    @discardableResult
    static func argumentError(_ lua: LuaState, _ index: Int32, _ message: String) -> Int32 {
        let L = lua.state
        var debug = lua_Debug()
        var name = "?"
        if lua_getstack(L, 0, &debug) != 0 {
            _ = lua_getinfo(L, "n", &debug)
            if let cName = debug.name { name = String(cString: cName) }
        }
        var whereText = ""
        if lua_getstack(L, 1, &debug) != 0 {
            _ = lua_getinfo(L, "Sl", &debug)
            if debug.currentline > 0 {
                let source = withUnsafeBytes(of: debug.short_src) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                whereText = "\(source):\(debug.currentline): "
            }
        }
        lua.push(Bytes(whereText + "bad argument #\(index) to '\(name)' (\(message))"))
        return -1
    }
}
