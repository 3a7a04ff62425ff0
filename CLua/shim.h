/* Lua 5.1, the language version Redis embeds, from the distribution
 * (liblua5.1-0-dev), plus the few C helpers scripting needs on the Lua side
 * of the boundary. They are C because Lua raises errors with longjmp: a jump
 * must never cross a Swift frame, so every function that may raise a Lua
 * error is C, and Swift code called from Lua reports an error by returning
 * -1 to the trampoline below, which raises it once Swift has returned. */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* The distribution's cjson (lua-cjson-dev) and bit (lua-bitop-dev), linked
 * statically (Package.swift) and opened directly: no `require`, no file. */
int luaopen_cjson(lua_State *L);
int luaopen_bit(lua_State *L);

/* A Lua function written in Swift: its number of results, or -1 after
 * pushing the error value for the trampoline to raise. */
typedef int (*swirl_lua_body)(lua_State *L, void *context);

static int swirl_lua_trampoline(lua_State *L) {
    swirl_lua_body body = (swirl_lua_body)lua_touserdata(L, lua_upvalueindex(1));
    int results = body(L, lua_touserdata(L, lua_upvalueindex(2)));
    if (results < 0) return lua_error(L);
    return results;
}

/* Pushes a Lua function that runs `body` with `context`. */
static inline void swirl_lua_push_body(lua_State *L, swirl_lua_body body, void *context) {
    lua_pushlightuserdata(L, (void *)body);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, swirl_lua_trampoline, 2);
}

/* Opens one standard library as lua.c does: called, so its own errors stay in Lua. */
static inline void swirl_lua_open_library(lua_State *L, lua_CFunction open, const char *name) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    /* cjson returns its table without setting a global: scripts reach it as one. */
    if (name[0] != '\0' && lua_istable(L, -1)) lua_setglobal(L, name);
    else lua_pop(L, 1);
}

static inline void swirl_lua_open_libraries(lua_State *L) {
    swirl_lua_open_library(L, luaopen_base, "");
    swirl_lua_open_library(L, luaopen_table, LUA_TABLIBNAME);
    swirl_lua_open_library(L, luaopen_string, LUA_STRLIBNAME);
    swirl_lua_open_library(L, luaopen_math, LUA_MATHLIBNAME);
    swirl_lua_open_library(L, luaopen_debug, LUA_DBLIBNAME);
    swirl_lua_open_library(L, luaopen_cjson, "cjson");
    swirl_lua_open_library(L, luaopen_bit, "bit");
}

/* ---- Read-only tables ----------------------------------------------------
 * Redis patches its Lua with read-only tables. Stock Lua 5.1 has none, so a
 * protected table is an empty proxy: reads go to the real table through
 * __index, writes reach __newindex, which refuses them; rawset and
 * setmetatable are wrapped to refuse proxies (the registry's set below). */

#define SWIRL_LUA_READONLY_SET "swirl_readonly_tables"

static int swirl_lua_readonly_error(lua_State *L) {
    return luaL_error(L, "Attempt to modify a readonly table");
}

/* __index of the globals: Redis's error for a global never set. */
static int swirl_lua_missing_global(lua_State *L) {
    if (lua_gettop(L) != 2) return luaL_error(L, "Wrong number of arguments to luaProtectedTableError");
    if (!lua_isstring(L, -1) && !lua_isnumber(L, -1))
        return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", lua_tostring(L, -1));
}

static inline int swirl_lua_is_readonly(lua_State *L, int index) {
    if (!lua_istable(L, index)) return 0;
    lua_pushvalue(L, index);
    lua_getfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_READONLY_SET);
    lua_insert(L, -2);
    lua_rawget(L, -2);
    int readonly = lua_toboolean(L, -1);
    lua_pop(L, 2);
    return readonly;
}

/* rawset and setmetatable, refusing a protected table as their first argument
 * (the original function is upvalue 1). The error carries no position, as the
 * one Redis's patched lua_rawset raises. */
static int swirl_lua_guarded(lua_State *L) {
    if (swirl_lua_is_readonly(L, 1)) {
        lua_pushstring(L, "Attempt to modify a readonly table");
        return lua_error(L);
    }
    int arguments = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, arguments, LUA_MULTRET);
    return lua_gettop(L);
}

static inline void swirl_lua_guard_global(lua_State *L, const char *name) {
    lua_getglobal(L, name);
    lua_pushcclosure(L, swirl_lua_guarded, 1);
    lua_setglobal(L, name);
}

/* Replaces the value at `index` by the real table when it is a proxy. Only for
 * functions that read (rawget, next): the real table never reaches a script. */
static inline void swirl_lua_unproxy(lua_State *L, int index) {
    if (!swirl_lua_is_readonly(L, index) || !lua_getmetatable(L, index)) return;
    lua_getfield(L, -1, "__index");
    lua_replace(L, index);
    lua_pop(L, 1);
}

/* rawget and next see through a proxy (upvalue 1: the original function). */
static int swirl_lua_reading(lua_State *L) {
    if (lua_gettop(L) >= 1) swirl_lua_unproxy(L, 1);
    int arguments = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, arguments, LUA_MULTRET);
    return lua_gettop(L);
}

/* pairs of a proxy iterates its real table through the wrapped next (upvalue 2),
 * leaving the proxy as the state: the real table stays out of reach. */
static int swirl_lua_pairs(lua_State *L) {
    if (swirl_lua_is_readonly(L, 1)) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_pushvalue(L, 1);
        lua_pushnil(L);
        return 3;
    }
    int arguments = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, arguments, LUA_MULTRET);
    return lua_gettop(L);
}

/* getmetatable of a library proxy is nil, as of Redis's plain read-only
 * tables; the globals' answers false (Redis's has a metatable). */
static int swirl_lua_getmetatable(lua_State *L) {
    if (swirl_lua_is_readonly(L, 1) && !lua_rawequal(L, 1, LUA_GLOBALSINDEX)) {
        lua_pushnil(L);
        return 1;
    }
    int arguments = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, arguments, LUA_MULTRET);
    return lua_gettop(L);
}

/* Wraps the base functions that could see or change a protected table. */
static inline void swirl_lua_wrap_base(lua_State *L) {
    static const char *const guarded[] = {"rawset", "setmetatable", NULL};
    for (int i = 0; guarded[i]; i++) swirl_lua_guard_global(L, guarded[i]);
    lua_getglobal(L, "rawget");
    lua_pushcclosure(L, swirl_lua_reading, 1);
    lua_setglobal(L, "rawget");
    lua_getglobal(L, "next");
    lua_pushcclosure(L, swirl_lua_reading, 1);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "next");
    lua_getglobal(L, "pairs");
    lua_insert(L, -2);
    lua_pushcclosure(L, swirl_lua_pairs, 2);
    lua_setglobal(L, "pairs");
    lua_getglobal(L, "getmetatable");
    lua_pushcclosure(L, swirl_lua_getmetatable, 1);
    lua_setglobal(L, "getmetatable");
}

/* Replaces the table on top of the stack by its read-only proxy. `hidden`:
 * getmetatable answers false rather than the proxy's metatable. */
static inline void swirl_lua_protect_top(lua_State *L) {
    lua_newtable(L);                                  /* table proxy */
    lua_newtable(L);                                  /* table proxy meta */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, swirl_lua_readonly_error);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);                          /* table proxy */
    lua_replace(L, -2);                               /* proxy */
    lua_getfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_READONLY_SET);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* ---- pcall, as Redis 7 replaces it ---------------------------------------
 * An error raised by redis.call is a table {err=...}: Lua's pcall returns the
 * text alone, as scripts written for Redis before 7 expect. */
static int swirl_lua_pcall(lua_State *L) {
    int arguments = lua_gettop(L);
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, arguments - 1, LUA_MULTRET, 0)) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1)) lua_replace(L, -2);
            else lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

/* ---- The count hook ------------------------------------------------------
 * Every 100,000 instructions while a script runs: asks Swift (through the
 * registry's callback) whether the script was killed, and raises the kill
 * error if so, then on every line so that pcall cannot swallow it. */

#define SWIRL_LUA_HOOK_BODY "swirl_hook_body"
#define SWIRL_LUA_HOOK_CONTEXT "swirl_hook_context"

typedef int (*swirl_lua_hook_body)(void *context);

static void swirl_lua_count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_getfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_HOOK_BODY);
    swirl_lua_hook_body body = (swirl_lua_hook_body)lua_touserdata(L, -1);
    lua_getfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_HOOK_CONTEXT);
    void *context = lua_touserdata(L, -1);
    lua_pop(L, 2);
    if (body == NULL || !body(context)) return;
    lua_sethook(L, swirl_lua_count_hook, LUA_MASKLINE, 0);
    lua_newtable(L);
    lua_pushstring(L, "ERR Script killed by user with SCRIPT KILL...");
    lua_setfield(L, -2, "err");
    lua_error(L);
}

static inline void swirl_lua_set_hook_body(lua_State *L, swirl_lua_hook_body body, void *context) {
    lua_pushlightuserdata(L, (void *)body);
    lua_setfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_HOOK_BODY);
    lua_pushlightuserdata(L, context);
    lua_setfield(L, LUA_REGISTRYINDEX, SWIRL_LUA_HOOK_CONTEXT);
}

static inline void swirl_lua_start_count_hook(lua_State *L) {
    lua_sethook(L, swirl_lua_count_hook, LUA_MASKCOUNT, 100000);
}

static inline void swirl_lua_stop_hook(lua_State *L) {
    lua_sethook(L, NULL, 0, 0);
}

/* Macros Swift cannot import. */
static inline void swirl_lua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void swirl_lua_newtable(lua_State *L) { lua_newtable(L); }
static inline int swirl_lua_registry_index(void) { return LUA_REGISTRYINDEX; }
static inline int swirl_lua_globals_index(void) { return LUA_GLOBALSINDEX; }
static inline void swirl_lua_push_cfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline const char *swirl_lua_tostring(lua_State *L, int index) { return lua_tostring(L, index); }
