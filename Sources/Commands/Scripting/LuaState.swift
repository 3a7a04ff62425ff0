internal import CLua
import SwirlBytes

/// One Lua 5.1 interpreter set up as Redis 7.0 sets up its own (Redis's
/// `scriptingInit`): the base, table, string, math, cjson and bit libraries,
/// no `os`, `io`, `print`, `loadfile`, `dofile` or `require`; the `redis`
/// table; the error handler that adds a script's line to its errors; every
/// library and the globals read-only.
///
/// Stock Lua has no read-only tables (Redis patches its Lua), so the globals
/// are a proxy (CLua/shim.h): the real table, `store`, holds the libraries
/// (each a read-only proxy of its own), KEYS and ARGV; its metatable's
/// `__index` answers Redis's error for a global never set, and the proxy's
/// `__newindex` refuses every write.
final class LuaState {
    /// The interpreter; `OpaquePointer` is how Swift imports `lua_State *`.
    let state: OpaquePointer
    /// Registry references: the globals store, the error handler.
    private(set) var storeRef: Int32 = 0
    private(set) var errorHandlerRef: Int32 = 0

    /// A Lua state for `context`, whose functions `api` lists (LuaRedisAPI.swift).
    init(context: UnsafeMutableRawPointer, api: [(name: String, body: swirl_lua_body)],
         mathAPI: [(name: String, body: swirl_lua_body)], version: (text: String, number: Int)) {
        state = luaL_newstate()!
        let L = state
        swirl_lua_open_libraries(L)
        swirl_lua_newtable(L)
        lua_setfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_READONLY_SET)
        // What Redis's allow list keeps out of the globals.
        // (Redis 7.0.15's own Lua has no getfenv, setfenv or newproxy either.)
        for name in ["print", "dofile", "loadfile", "getfenv", "setfenv", "newproxy"] {
            lua_pushnil(L)
            lua_setfield(L, LUA_GLOBALSINDEX, name)
        }
        swirl_lua_push_cfunction(L, swirl_lua_pcall)
        lua_setfield(L, LUA_GLOBALSINDEX, "pcall")
        installRedisTable(context: context, api: api, version: version)
        lua_getfield(L, LUA_GLOBALSINDEX, "math")
        for (name, body) in mathAPI {
            swirl_lua_push_body(L, body, context)
            lua_setfield(L, -2, name)
        }
        swirl_lua_pop(L, 1)
        installErrorHandler()
        protectGlobals()
    }

    deinit { lua_close(state) }

    private func installRedisTable(context: UnsafeMutableRawPointer, api: [(name: String, body: swirl_lua_body)],
                                   version: (text: String, number: Int)) {
        let L = state
        lua_createtable(L, 0, 32)
        for (name, body) in api {
            swirl_lua_push_body(L, body, context)
            lua_setfield(L, -2, name)
        }
        let constants: [(String, Double)] = [
            ("LOG_DEBUG", 0), ("LOG_VERBOSE", 1), ("LOG_NOTICE", 2), ("LOG_WARNING", 3),
            ("REPL_NONE", 0), ("REPL_AOF", 1), ("REPL_SLAVE", 2), ("REPL_REPLICA", 2), ("REPL_ALL", 3),
            ("REDIS_VERSION_NUM", Double(version.number)),
        ]
        for (name, value) in constants {
            lua_pushnumber(L, value)
            lua_setfield(L, -2, name)
        }
        lua_pushstring(L, version.text)
        lua_setfield(L, -2, "REDIS_VERSION")
        lua_setfield(L, LUA_GLOBALSINDEX, "redis")
    }

    /// Redis's `__redis__err__handler`: turns an error into a table with the
    /// source and line of the Lua code that raised it (the caller's, when a C
    /// function raised it). It keeps `debug` to itself; the global goes.
    private func installErrorHandler() {
        let source = """
        local dbg = debug
        debug = nil
        function __redis__err__handler(err)
          local i = dbg.getinfo(2,'nSl')
          if i and i.what == 'C' then
            i = dbg.getinfo(3,'nSl')
          end
          if type(err) ~= 'table' then
            err = {err='ERR ' .. tostring(err)}
          end
          if i then
            err['source'] = i.source
            err['line'] = i.currentline
          end
          return err
        end
        """
        let L = state
        _ = luaL_loadbuffer(L, source, source.utf8.count, "@err_handler_def")
        lua_call(L, 0, 0)
        lua_getfield(L, LUA_GLOBALSINDEX, "__redis__err__handler")
        errorHandlerRef = luaL_ref(L, LUA_REGISTRYINDEX)
    }

    /// Every library table becomes a read-only proxy, then the globals themselves.
    private func protectGlobals() {
        let L = state
        swirl_lua_wrap_base(L)
        for library in ["redis", "string", "table", "math", "coroutine", "cjson", "bit"] {
            lua_getfield(L, LUA_GLOBALSINDEX, library)
            guard lua_type(L, -1) == LUA_TTABLE else {
                swirl_lua_pop(L, 1)
                continue
            }
            swirl_lua_protect_top(L)
            if library == "string" {
                // Strings' methods (`s:upper()`) read the string library through this
                // metatable: make them read the proxy, so the real table stays out of reach.
                lua_pushstring(L, "")
                if lua_getmetatable(L, -1) != 0 {
                    lua_pushvalue(L, -3)
                    lua_setfield(L, -2, "__index")
                    swirl_lua_pop(L, 1)
                }
                swirl_lua_pop(L, 1)
            }
            lua_setfield(L, LUA_GLOBALSINDEX, library)
        }
        // The store: the real globals, whose misses are Redis's error.
        lua_pushvalue(L, LUA_GLOBALSINDEX)
        swirl_lua_newtable(L)
        swirl_lua_push_cfunction(L, swirl_lua_missing_global)
        lua_setfield(L, -2, "__index")
        _ = lua_setmetatable(L, -2)
        lua_pushvalue(L, -1)
        storeRef = luaL_ref(L, LUA_REGISTRYINDEX)
        // The proxy replaces them as the thread's globals: scripts compiled from now on see it.
        swirl_lua_protect_top(L)
        lua_rawgeti(L, LUA_REGISTRYINDEX, storeRef)
        lua_pushvalue(L, -2)
        lua_setfield(L, -2, "_G")  // a raw set: the store's metatable has no __newindex
        swirl_lua_pop(L, 1)
        lua_replace(L, LUA_GLOBALSINDEX)
    }

    // MARK: - Values

    func push(_ bytes: Bytes) {
        bytes.withUnsafeBytes { raw in
            lua_pushlstring(state, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
    }

    func push<C: Collection>(bytes: C) where C.Element == UInt8 {
        Array(bytes).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    /// The string (or number, as Lua formats it) at `index`; nil for other types.
    func bytes(at index: Int32) -> Bytes? {
        var length = 0
        guard let text = lua_tolstring(state, index, &length) else { return nil }
        return Bytes(copying: UnsafeRawBufferPointer(start: text, count: length))
    }

    /// Sets `name` in the globals store (KEYS, ARGV): past the read-only proxy.
    func setGlobal(_ name: String, array: ArraySlice<Bytes>) {
        let L = state
        lua_rawgeti(L, LUA_REGISTRYINDEX, storeRef)
        lua_pushstring(L, name)
        lua_createtable(L, Int32(clamping: array.count), 0)
        var index: Int32 = 1
        for element in array {
            push(element)
            lua_rawseti(L, -2, index)
            index += 1
        }
        lua_rawset(L, -3)
        swirl_lua_pop(L, 1)
    }

    /// Bytes the interpreter holds (Redis's `used_memory_lua`).
    var memory: Int { Int(lua_gc(state, LUA_GCCOUNT, 0)) * 1024 }
}
