internal import CLua
import Keyspace
import RESP
import SwirlBytes

/// `redis.call` and `redis.pcall` (Redis's luaRedisGenericCommand and
/// scriptCall): the arguments become a command run by the script client
/// through the same command table and `Engine.call` as a connection's, after
/// the checks a script adds; the reply comes back as a Lua value.
extension Scripting {
    /// The body of both functions; `raise`: redis.call (an error reply stops the script).
    func luaCall(raise: Bool) -> Int32 {
        let L = lua.state
        guard let run else {
            lua.pushErrorTable("redis.call/pcall can only be called inside a script invocation")
            return -1
        }
        // Built in the script client's own argument array: its storage is reused call after call.
        guard luaArguments(into: &client.args) else { return raise ? -1 : 1 }
        if let refusal = runCommand(client.args, run: run) {
            // Counted here, as Redis's afterErrorReply on the script client (a text without a code is ERR).
            engine.stats.recordError(ArraySlice(Array((refusal.hasPrefix("-") ? refusal : "-ERR " + refusal).utf8)))
            lua.pushErrorTable(refusal)
            lua_pushboolean(L, 1)
            lua_setfield(L, -2, "ignore_error_stats_update")
            return raise ? -1 : 1
        }
        // Read in place, then emptied keeping its capacity: no copy or allocation per call.
        var position = 0
        lua.pushReply(client.reply.bytes, at: &position)
        let failed = client.reply.bytes.first == UInt8(ascii: "-")
        client.reply.bytes.removeAll(keepingCapacity: true)
        return raise && failed ? -1 : 1
    }

    /// `redis.acl_check_cmd(command, ...)`: Swirl has one user with every
    /// permission, so a known command is allowed; an unknown one is an error.
    func luaCheckCommand() -> Int32 {
        let L = lua.state
        guard run != nil else {
            lua.pushErrorTable("redis.acl_check_cmd can only be called inside a script invocation")
            return -1
        }
        var args: [Bytes] = []
        guard luaArguments(into: &args) else { return -1 }
        let table = engine.table
        guard let top = table.lookup(args[0]),
              !table.spec(at: top).isContainer || args.count < 2 || table.subcommand(of: top, named: args[1]) != nil else {
            lua.pushErrorTable("Invalid command passed to redis.acl_check_cmd()")
            return -1
        }
        lua_pushboolean(L, 1)
        return 1
    }

    /// The arguments of a redis lib call as command arguments in `args`
    /// (emptied first, its storage reused), the stack emptied; false after
    /// pushing Redis's error for none or a bad type.
    private func luaArguments(into args: inout [Bytes]) -> Bool {
        let L = lua.state
        let count = lua_gettop(L)
        args.removeAll(keepingCapacity: true)
        guard count > 0 else {
            lua.pushErrorTable("Please specify at least one argument for this redis lib call")
            return false
        }
        for index in 1...count {
            switch lua_type(L, index) {
            case LUA_TNUMBER:
                // Not Lua's own number format (%.14g), which loses precision.
                args.append(Bytes(ByteNumbers.formatDouble(lua_tonumber(L, index))))
            case LUA_TSTRING:
                args.append(lua.bytes(at: index)!)
            default:
                lua_settop(L, 0)
                lua.pushErrorTable("Lua redis lib command arguments must be strings or integers")
                return false
            }
        }
        lua_settop(L, 0)
        return true
    }

    /// Runs `args` as the script client, its reply left in `client.reply`; or
    /// the text of the error that refused it (Redis's scriptCall checks, in order).
    private func runCommand(_ args: [Bytes], run: ScriptRun) -> String? {
        let table = engine.table
        guard let top = table.lookup(args[0]) else { return "Unknown Redis command called from script" }
        var spec: CommandSpec? = table.spec(at: top)
        if spec!.isContainer && args.count >= 2 { spec = table.subcommand(of: top, named: args[1]) }
        guard let spec else { return "Unknown Redis command called from script" }
        if (spec.arity > 0 && args.count != spec.arity) || args.count < -spec.arity {
            engine.stats.commands[spec.id].rejectedCalls += 1
            return "Wrong number of args calling Redis command from script"
        }
        func refuse(_ message: String) -> String {
            engine.stats.commands[spec.id].rejectedCalls += 1
            return message
        }
        if spec.flags.contains(.noscript) { return refuse("This Redis command is not allowed from script") }
        if run.readOnly && !spec.flags.isDisjoint(with: [.write, .mayReplicate]) {
            return refuse("Write commands are not allowed from read-only scripts.")
        }
        // Redis's shared errors keep their own code (a leading '-'); the texts above get ERR.
        if spec.flags.contains(.write) && !run.wrote, let diskError = engine.diskError {
            return refuse("-" + diskError)
        }
        if !run.allowOOM && engine.eviction.limit > 0 && !run.wrote && run.startedOutOfMemory
            && spec.flags.contains(.denyOOM) {
            return refuse("-" + Errors.outOfMemory)
        }
        if spec.flags.contains(.write) { run.wrote = true }
        client.reply.protocolVersion = run.protocolVersion
        let propagated = engine.transactionPropagation?.count ?? 0
        engine.call(spec, client, started: engine.nextCommandStart())
        // redis.set_repl(REPL_NONE …): what the command propagated is dropped.
        if !run.propagates, let pending = engine.transactionPropagation, pending.count > propagated {
            engine.transactionPropagation!.removeSubrange(propagated...)
        }
        return nil
    }
}
