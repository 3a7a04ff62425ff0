internal import CLua
import Keyspace
import RESP
import SwirlBytes

/// A script in the cache (Redis's `luaScript`): its body, for SCRIPT's memory
/// figures, its shebang flags, and its compiled function in the Lua registry.
struct CachedScript {
    let body: Bytes
    let flags: ScriptFlags
    let function: Int32
}

/// The script running now (Redis's scriptRunCtx).
final class ScriptRun {
    /// `unowned(unsafe)`: the caller outlives its own command.
    unowned(unsafe) let caller: Client
    /// The script's SHA-1 as the client sent it.
    let sha: Bytes
    /// The SHA-1 as errors and logs name it (lowercase), made only when needed.
    var name: String { String(decoding: sha.asciiLowercased.array, as: UTF8.self) }
    /// EVAL_RO, or a `no-writes` script: write commands are refused.
    let readOnly: Bool
    /// A `allow-oom` script: deny-oom commands run even past maxmemory.
    let allowOOM: Bool
    /// Past maxmemory when the script started (Redis's pre_command_oom_state).
    let startedOutOfMemory: Bool
    /// A write command ran: the script can no longer be killed, nor refused a later write.
    var wrote = false
    /// `redis.set_repl`: whether what runs from now on reaches the AOF.
    var propagates = true
    /// `redis.setresp`: the protocol of the replies `redis.call` converts.
    var protocolVersion = 2
    /// Monotonic start, in microseconds.
    let started: Int64
    /// Past `busy-reply-threshold`: other clients get BUSY (Scripting+Busy.swift).
    var timedOut = false
    /// SCRIPT KILL asked for the script to stop.
    var killed = false
    /// Stopped by SHUTDOWN NOSAVE (or a fuzz bound): what it wrote is not propagated.
    var abandoned = false

    init(caller: Client, sha: Bytes, readOnly: Bool, allowOOM: Bool, startedOutOfMemory: Bool, started: Int64) {
        self.caller = caller
        self.sha = sha
        self.readOnly = readOnly
        self.allowOOM = allowOOM
        self.startedOutOfMemory = startedOutOfMemory
        self.started = started
    }
}

/// Scripting's state, owned by the engine (Redis's `lctx`): the Lua
/// interpreter, the script cache, the client scripts run commands as, and
/// the script running now. One per engine; SCRIPT FLUSH builds a new
/// interpreter.
public final class Scripting {
    unowned(unsafe) let engine: Engine
    private(set) var lua: LuaState!
    /// SHA-1 in lowercase hex → script.
    private(set) var scripts: [Bytes: CachedScript] = [:]
    /// Bytes held by the cached scripts (INFO used_memory_scripts_eval).
    private(set) var scriptsMemory = 0
    /// The client `redis.call` runs commands as (Redis's `lua_client`): not listed, never blocks.
    let client: Client
    private(set) var run: ScriptRun?
    var random = Rand48()
    /// Scripts until the next incremental collection step (Redis's LUA_GC_CYCLE_PERIOD).
    private var collectionCountdown = 50

    init(engine: Engine) {
        self.engine = engine
        client = engine.makeClient()
        client.isScriptClient = true
        client.address = "lua"  // as MONITOR shows a script's commands: [0 lua]
        lua = makeState()
    }

    private func makeState() -> LuaState {
        let context = Unmanaged.passUnretained(self).toOpaque()
        let state = LuaState(context: context, api: LuaRedisAPI.functions,
                             mathAPI: LuaRedisAPI.mathFunctions, version: (Self.version, Self.versionNumber))
        swirl_lua_set_hook_body(state.state, luaCountHook, context)
        return state
    }

    static let version = "7.0.15"
    static let versionNumber = 0x07_00_0f

    var isRunning: Bool { run != nil }
    var scriptCount: Int { scripts.count }

    /// SCRIPT FLUSH: a new interpreter, an empty cache.
    func flush() {
        scripts = [:]
        scriptsMemory = 0
        lua = makeState()
    }

    // MARK: - The cache

    static func sha1Hex(_ body: Bytes) -> Bytes {
        var digest = SHA1()
        body.withUnsafeBytes { digest.update($0) }
        return Bytes(SHA1.hex(digest.finish()))
    }

    /// The cached script of `sha`, in either case (clients send it lowercase: tried first, no copy).
    func script(sha: Bytes) -> CachedScript? { scripts[sha] ?? scripts[sha.asciiLowercased] }

    /// Compiles `body` into the cache (Redis's luaCreateFunction): its SHA-1,
    /// or the error text to reply.
    func load(_ body: Bytes) -> Result<Bytes, ScriptError> {
        let sha = Self.sha1Hex(body)
        if scripts[sha] != nil { return .success(sha) }
        let flags: ScriptFlags, shebangLength: Int
        switch ScriptFlags.parse(body) {
        case .success(let parsed): (flags, shebangLength) = parsed
        case .failure(let error): return .failure(ScriptError(error.message))
        }
        let L = lua.state
        let status = body.withUnsafeBytes { raw -> Int32 in
            let code = raw.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) + shebangLength }
            return luaL_loadbuffer(L, code, raw.count - shebangLength, "@user_script")
        }
        guard status == 0 else {
            let message = lua.bytes(at: -1).map { String(decoding: $0.array, as: UTF8.self) } ?? ""
            swirl_lua_pop(L, 1)
            return .failure(ScriptError("ERR Error compiling script (new function): " + message))
        }
        let function = luaL_ref(L, LUA_REGISTRYINDEX)
        scripts[sha] = CachedScript(body: body, flags: flags, function: function)
        scriptsMemory += sha.count + body.count + 2 * MemoryOverheads.allocation
        return .success(sha)
    }

    /// Whether an EVAL or EVALSHA about to run is deny-oom (Redis's
    /// evalGetCommandFlags): a script whose shebang declares neither
    /// `allow-oom` nor `no-writes`; a script without one is checked command by command.
    func deniedWhenOutOfMemory(_ spec: CommandSpec, _ args: [Bytes]) -> Bool {
        guard spec.group == "scripting", spec.name.hasPrefix("eval"), args.count >= 2 else { return false }
        let flags: ScriptFlags
        if spec.name.hasPrefix("evalsha") {
            guard args[1].count == 40, let script = script(sha: args[1]) else { return false }
            flags = script.flags
        } else if let script = scripts[Self.sha1Hex(args[1])] {
            flags = script.flags
        } else {
            guard case .success(let parsed) = ScriptFlags.parse(args[1]) else { return false }
            flags = parsed.flags
        }
        return !flags.contains(.compatibility) && flags.isDisjoint(with: [.allowOOM, .noWrites])
    }

    // MARK: - Running

    /// Runs `script` for `caller` with `keys` and `args` (Redis's
    /// scriptPrepareForRun + luaCallFunction + scriptResetRun): the reply goes
    /// to the caller, the effects to the AOF wrapped as a transaction.
    func execute(_ script: CachedScript, sha: Bytes, caller: Client, keys: ArraySlice<Bytes>, args: ArraySlice<Bytes>,
                 readOnlyCommand: Bool) {
        let flags = script.flags
        let compatibility = flags.contains(.compatibility)
        if !compatibility {
            if !flags.contains(.noWrites) {
                if let diskError = engine.diskError {
                    let reason = diskError.split(separator: ":", maxSplits: 1).last.map(String.init) ?? diskError
                    caller.reply.error("MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error:" + reason)
                    return
                }
                if readOnlyCommand {
                    caller.reply.error("ERR Can not execute a script with write flag using *_ro command.")
                    return
                }
            }
            if engine.startedOutOfMemory && engine.eviction.limit > 0 && !flags.contains(.allowOOM) && !flags.contains(.noWrites) {
                caller.reply.error("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'")
                return
            }
        }
        let run = ScriptRun(caller: caller, sha: sha,
                            readOnly: readOnlyCommand || (!compatibility && flags.contains(.noWrites)),
                            allowOOM: !compatibility && flags.contains(.allowOOM),
                            startedOutOfMemory: engine.startedOutOfMemory, started: Keyspace.clockMicroseconds())
        client.select(caller.dbIndex)
        client.scriptCaller = caller
        self.run = run
        let ownsPropagation = engine.transactionPropagation == nil
        if ownsPropagation { engine.beginTransactionPropagation() }
        let L = lua.state
        lua_rawgeti(L, LUA_REGISTRYINDEX, lua.errorHandlerRef)
        lua_rawgeti(L, LUA_REGISTRYINDEX, script.function)
        lua.setGlobal("KEYS", array: keys)
        lua.setGlobal("ARGV", array: args)
        let hooked = engine.busyReplyThreshold > 0
        if hooked { swirl_lua_start_count_hook(L) }
        let failed = lua_pcall(L, 0, 1, -2) != 0
        collectionCountdown -= 1
        if collectionCountdown == 0 {
            lua_gc(L, LUA_GCSTEP, 50)
            collectionCountdown = 50
        }
        if lua_type(L, -1) == LUA_TTABLE {
            // An error a command already counted (Redis's ignore_error_stats_update) is not counted again.
            lua_pushstring(L, "ignore_error_stats_update")
            lua_rawget(L, -2)
            caller.errorAlreadyCounted = lua_toboolean(L, -1) != 0
            swirl_lua_pop(L, 1)
        }
        if failed {
            replyError(to: caller, run: run)
        } else {
            lua.popReply(into: &caller.reply, scriptRESP: run.protocolVersion)
        }
        swirl_lua_pop(L, 1)  // the error handler
        if hooked { swirl_lua_stop_hook(L) }
        self.run = nil
        client.scriptCaller = nil
        if run.timedOut { endBusy(run) }
        if run.abandoned, engine.transactionPropagation != nil { engine.transactionPropagation = [] }
        if ownsPropagation { engine.endTransactionPropagation() }
        // EVAL itself never reaches the AOF: the commands it ran did (Redis 7.0's effects replication).
        caller.propagateNothing()
    }

    /// The error a script raised (on top of the stack), as Redis words it.
    private func replyError(to caller: Client, run: ScriptRun) {
        let L = lua.state
        defer { swirl_lua_pop(L, 1) }
        guard lua_type(L, -1) == LUA_TTABLE else {
            var message = lua.bytes(at: -1)?.array ?? Array("execution failure".utf8)
            if message.count > 100 { message = Array(message.prefix(100)) }
            caller.reply.error("ERR Error running script \(run.name), " + String(decoding: message, as: UTF8.self) + "\n")
            return
        }
        func field(_ name: String) -> [UInt8]? {
            lua_pushstring(L, name)
            lua_rawget(L, -2)
            defer { swirl_lua_pop(L, 1) }
            guard lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER else { return nil }
            var text = lua.bytes(at: -1)?.array ?? []
            if let nul = text.firstIndex(of: 0) { text = Array(text[..<nul]) }
            return text
        }
        // Redis 7.0.15 crashes on an error table without `err` (a NULL printed): Swirl answers ERR.
        var message = field("err") ?? Array("ERR unknown error".utf8)
        if let source = field("source"), let line = field("line") {
            message += Array(" script: \(run.name), on ".utf8) + source + [UInt8(ascii: ":")] + line + [UInt8(ascii: ".")]
        }
        caller.reply.raw([UInt8(ascii: "-")] + message.map { $0 == 0x0d || $0 == 0x0a ? 0x20 : $0 } + [0x0d, 0x0a])
    }
}

public struct ScriptError: Error {
    public let message: String
    init(_ message: String) { self.message = message }
}

/// Allocation overheads counted in memory figures.
enum MemoryOverheads {
    static let allocation = 16
}
