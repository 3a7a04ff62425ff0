internal import CLua

/// Placeholder until the scripting engine lands: proves the Lua link.
enum LuaLink {
    static func version() -> String {
        guard let state = luaL_newstate() else { return "" }
        defer { lua_close(state) }
        swirl_lua_open_libraries(state)
        lua_getfield(state, swirl_lua_globals_index(), "_VERSION")
        let text = String(cString: swirl_lua_tostring(state, -1))
        return text
    }
}
