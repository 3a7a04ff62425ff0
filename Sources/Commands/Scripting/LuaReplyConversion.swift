internal import CLua
import RESP
import SwirlBytes

/// The two conversions of Redis 7.0's scripting (script_lua.c), both ways:
/// a command's RESP2 or RESP3 reply into a Lua value for `redis.call`, and a
/// script's Lua result into the caller's reply.
///
/// RESP to Lua: integer → number, bulk → string, null bulk or null array →
/// false, array → table, status → `{ok=…}`, error → `{err=…}`; RESP3 adds
/// null → nil, boolean, double → `{double=…}`, map → `{map={…}}`, set →
/// `{set={member=true}}`, big number → `{big_number=…}`, verbatim →
/// `{verbatim_string={format=…, string=…}}`; attributes are skipped.
///
/// Lua to RESP: string → bulk, number → integer (truncated), boolean →
/// 1 or null under RESP2 scripts (`redis.setresp(3)`: a RESP3 boolean),
/// table → `err`, `ok`, `double`, `big_number`, `verbatim_string`, `map`,
/// `set` in that order, else an array up to the first nil; anything else null.
extension LuaState {
    // MARK: - RESP to Lua

    /// Pushes the reply that starts at `position` in `reply`, moving past it.
    /// Replies come from Swirl's own handlers, so they are well formed.
    func pushReply(_ reply: [UInt8], at position: inout Int) {
        let L = state
        _ = lua_checkstack(L, 4)
        let marker = reply[position]
        let line = Self.line(reply, at: &position)
        switch marker {
        case UInt8(ascii: ":"):
            lua_pushnumber(L, Double(ByteNumbers.parseInt64(line) ?? 0))
        case UInt8(ascii: "$"):
            let length = ByteNumbers.parseInt(line) ?? -1
            if length < 0 {
                lua_pushboolean(L, 0)
            } else {
                push(bytes: reply[position..<position + length])
                position += length + 2
            }
        case UInt8(ascii: "+"):
            lua_createtable(L, 0, 1)
            push(bytes: line)
            lua_setfield(L, -2, "ok")
        case UInt8(ascii: "-"):
            pushErrorTable([UInt8(ascii: "-")] + line)
            lua_pushboolean(L, 1)
            lua_setfield(L, -2, "ignore_error_stats_update")
        case UInt8(ascii: "*"), UInt8(ascii: ">"):
            let count = ByteNumbers.parseInt(line) ?? -1
            if count < 0 {
                lua_pushboolean(L, 0)
                return
            }
            lua_createtable(L, Int32(clamping: count), 0)
            for index in 0..<count {
                lua_pushnumber(L, Double(index + 1))
                pushReply(reply, at: &position)
                lua_rawset(L, -3)
            }
        case UInt8(ascii: "%"):
            let count = ByteNumbers.parseInt(line) ?? 0
            lua_createtable(L, 0, 1)
            lua_createtable(L, 0, Int32(clamping: count))
            for _ in 0..<count {
                pushReply(reply, at: &position)
                pushReply(reply, at: &position)
                lua_rawset(L, -3)
            }
            lua_setfield(L, -2, "map")
        case UInt8(ascii: "~"):
            let count = ByteNumbers.parseInt(line) ?? 0
            lua_createtable(L, 0, 1)
            lua_createtable(L, 0, Int32(clamping: count))
            for _ in 0..<count {
                pushReply(reply, at: &position)
                lua_pushboolean(L, 1)
                lua_rawset(L, -3)
            }
            lua_setfield(L, -2, "set")
        case UInt8(ascii: "_"):
            lua_pushnil(L)
        case UInt8(ascii: "#"):
            lua_pushboolean(L, line.first == UInt8(ascii: "t") ? 1 : 0)
        case UInt8(ascii: ","):
            lua_createtable(L, 0, 1)
            lua_pushnumber(L, Double(String(decoding: line, as: UTF8.self)) ?? 0)
            lua_setfield(L, -2, "double")
        case UInt8(ascii: "("):
            lua_createtable(L, 0, 1)
            push(bytes: line)
            lua_setfield(L, -2, "big_number")
        case UInt8(ascii: "="):
            let length = ByteNumbers.parseInt(line) ?? 4
            let text = reply[position..<position + length]
            position += length + 2
            lua_createtable(L, 0, 1)
            lua_createtable(L, 0, 2)
            push(bytes: text.dropFirst(4))
            lua_setfield(L, -2, "string")
            push(bytes: text.prefix(3))
            lua_setfield(L, -2, "format")
            lua_setfield(L, -2, "verbatim_string")
        case UInt8(ascii: "|"):
            // Attributes are not shown to scripts: skip them, then the reply itself.
            let count = ByteNumbers.parseInt(line) ?? 0
            for _ in 0..<(count * 2) {
                pushReply(reply, at: &position)
                swirl_lua_pop(L, 1)
            }
            pushReply(reply, at: &position)
        default:
            lua_pushnil(L)
        }
    }

    /// The line after the type byte at `position` (without CRLF); `position` moves past it.
    private static func line(_ reply: [UInt8], at position: inout Int) -> ArraySlice<UInt8> {
        let start = position + 1
        var end = start
        while end < reply.count && reply[end] != 0x0d { end += 1 }
        position = min(end + 2, reply.count)
        return reply[start..<end]
    }

    /// Redis's luaPushErrorBuff: `{err="CODE message"}` from `-CODE message`
    /// (the code is the first word) or from a bare message (code ERR), with
    /// CR and LF trimmed from both ends of the message.
    func pushErrorTable<C: Collection>(_ text: C) where C.Element == UInt8 {
        var code: [UInt8] = Array("ERR".utf8)
        var message = Array(text)
        if message.first == UInt8(ascii: "-") {
            if let space = message.firstIndex(of: 0x20) {
                code = Array(message[1..<space])
                message = Array(message[(space + 1)...])
            } else {
                message.removeFirst()
            }
        }
        // Lua's pushstring stops at a NUL, as Redis's sds does in lua_pushstring.
        if let nul = message.firstIndex(of: 0) { message = Array(message[..<nul]) }
        while let last = message.last, last == 0x0d || last == 0x0a { message.removeLast() }
        while let first = message.first, first == 0x0d || first == 0x0a { message.removeFirst() }
        lua_createtable(state, 0, 1)
        push(bytes: code + [0x20] + message)
        lua_setfield(state, -2, "err")
    }

    func pushErrorTable(_ text: String) { pushErrorTable(Array(text.utf8)) }

    // MARK: - Lua to RESP

    /// Writes the value on top of the stack to `reply` and pops it. `scriptRESP`
    /// is the protocol the script chose (`redis.setresp`), which decides booleans.
    ///
    /// Iterative, not recursive: a script can nest tables thousands deep, and
    /// the nesting lives on the Lua stack (one slot per level, as in Redis,
    /// whose `lua_checkstack` limit ends it with the same error) rather than
    /// in Swift frames, which would overflow the thread's stack first.
    func popReply(into reply: inout ReplyBuffer, scriptRESP: Int) {
        var frames: [TableFrame] = []
        writeValue(into: &reply, scriptRESP: scriptRESP, frames: &frames)
        let L = state
        while let frame = frames.last {
            switch frame {
            case .array(let next, let count, let tables):
                if next > count {
                    swirl_lua_pop(L, tables)
                    frames.removeLast()
                    continue
                }
                frames[frames.count - 1] = .array(next: next + 1, count: count, tables: tables)
                lua_rawgeti(L, -1, next)
                writeValue(into: &reply, scriptRESP: scriptRESP, frames: &frames)
            case .map(let valuePending):
                if valuePending {
                    // Stack: outer, table, key, value.
                    frames[frames.count - 1] = .map(valuePending: false)
                    writeValue(into: &reply, scriptRESP: scriptRESP, frames: &frames)
                } else if lua_next(L, -2) != 0 {
                    lua_pushvalue(L, -2)
                    frames[frames.count - 1] = .map(valuePending: true)
                    writeValue(into: &reply, scriptRESP: scriptRESP, frames: &frames)
                } else {
                    swirl_lua_pop(L, 2)
                    frames.removeLast()
                }
            case .set:
                if lua_next(L, -2) != 0 {
                    swirl_lua_pop(L, 1)
                    lua_pushvalue(L, -1)
                    writeValue(into: &reply, scriptRESP: scriptRESP, frames: &frames)
                } else {
                    swirl_lua_pop(L, 2)
                    frames.removeLast()
                }
            }
        }
    }

    /// A table being written: an array (its next index, its length, the tables
    /// to pop at its end), or the inner table of `{map=…}` / `{set=…}` being
    /// walked with lua_next (the stack holds outer, inner, key).
    enum TableFrame {
        case array(next: Int32, count: Int32, tables: Int32)
        case map(valuePending: Bool)
        case set
    }

    /// Writes the value on top of the stack: a scalar or a special table is
    /// written and popped; an array, map or set writes its header and leaves
    /// a frame (its tables stay on the stack until the frame ends).
    private func writeValue(into reply: inout ReplyBuffer, scriptRESP: Int, frames: inout [TableFrame]) {
        let L = state
        guard lua_checkstack(L, 4) != 0 else {
            reply.error("ERR reached lua stack limit")
            swirl_lua_pop(L, 1)
            return
        }
        switch lua_type(L, -1) {
        case LUA_TSTRING:
            reply.bulk(bytes(at: -1) ?? Bytes())
        case LUA_TBOOLEAN:
            let value = lua_toboolean(L, -1) != 0
            if scriptRESP == 2 {
                if value { reply.integer(1) } else { reply.null() }
            } else {
                reply.boolean(value)
            }
        case LUA_TNUMBER:
            reply.integer(Self.truncated(lua_tonumber(L, -1)))
        case LUA_TTABLE:
            if let frame = writeTable(into: &reply) {
                frames.append(frame)
                return
            }
        default:
            reply.null()
        }
        swirl_lua_pop(L, 1)
    }

    /// C's `(long long)` cast as x86 does it: out of range and NaN give INT64_MIN.
    static func truncated(_ value: Double) -> Int64 {
        guard value.isFinite, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else { return Int64.min }
        return Int64(value)
    }

    /// The table on top of the stack: a special table is written (the caller
    /// pops it); an aggregate writes its header and returns its frame.
    private func writeTable(into reply: inout ReplyBuffer) -> TableFrame? {
        let L = state
        if field("err", LUA_TSTRING) {
            var text = bytes(at: -1)?.array ?? []
            if let nul = text.firstIndex(of: 0) { text = Array(text[..<nul]) }
            swirl_lua_pop(L, 1)
            // `-%s` through Redis's addReplyErrorFormat: the text is the whole error.
            reply.raw([UInt8(ascii: "-")] + text.map { $0 == 0x0d || $0 == 0x0a ? 0x20 : $0 } + [0x0d, 0x0a])
            return nil
        }
        if field("ok", LUA_TSTRING) {
            var text = bytes(at: -1)?.array ?? []
            if let nul = text.firstIndex(of: 0) { text = Array(text[..<nul]) }
            swirl_lua_pop(L, 1)
            reply.raw([UInt8(ascii: "+")] + text.map { $0 == 0x0d || $0 == 0x0a ? 0x20 : $0 } + [0x0d, 0x0a])
            return nil
        }
        if field("double", LUA_TNUMBER) {
            reply.double(lua_tonumber(L, -1))
            swirl_lua_pop(L, 1)
            return nil
        }
        if field("big_number", LUA_TSTRING) {
            let digits = (bytes(at: -1)?.array ?? []).map { $0 == 0x0d || $0 == 0x0a ? 0x20 : $0 }
            swirl_lua_pop(L, 1)
            if reply.isRESP3 { reply.raw([UInt8(ascii: "(")] + digits + [0x0d, 0x0a]) } else { reply.bulk(digits) }
            return nil
        }
        if field("verbatim_string", LUA_TTABLE) {
            if field("format", LUA_TSTRING) {
                let format = bytes(at: -1)?.array ?? []
                swirl_lua_pop(L, 1)
                if field("string", LUA_TSTRING) {
                    let text = bytes(at: -1)?.array ?? []
                    swirl_lua_pop(L, 2)
                    if reply.isRESP3 {
                        var formatted = Array(format.prefix(3))
                        while formatted.count < 3 { formatted.append(0x20) }
                        reply.raw(Array("=\(text.count + 4)\r\n".utf8) + formatted + [UInt8(ascii: ":")] + text + [0x0d, 0x0a])
                    } else {
                        reply.bulk(text)
                    }
                    return nil
                }
            }
            swirl_lua_pop(L, 1)
        }
        if field("map", LUA_TTABLE) {
            reply.map(entryCount())
            lua_pushnil(L)
            return .map(valuePending: false)
        }
        if field("set", LUA_TTABLE) {
            reply.set(entryCount())
            lua_pushnil(L)
            return .set
        }
        var count: Int32 = 0
        while true {
            lua_rawgeti(L, -1, count + 1)
            let isNil = lua_type(L, -1) == LUA_TNIL
            swirl_lua_pop(L, 1)
            if isNil { break }
            count += 1
        }
        reply.array(Int(count))
        return .array(next: 1, count: count, tables: 1)
    }

    /// Pushes the table's `name` field when it has `type` (true); pushes nothing otherwise.
    private func field(_ name: String, _ type: Int32) -> Bool {
        let L = state
        lua_pushstring(L, name)
        lua_rawget(L, -2)
        if lua_type(L, -1) == type { return true }
        swirl_lua_pop(L, 1)
        return false
    }

    /// Entries of the table on top of the stack (for a map's or a set's header).
    private func entryCount() -> Int {
        let L = state
        var count = 0
        lua_pushnil(L)
        while lua_next(L, -2) != 0 {
            swirl_lua_pop(L, 1)
            count += 1
        }
        return count
    }
}
