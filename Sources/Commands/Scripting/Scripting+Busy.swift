internal import CLua
import Keyspace
import RESP
import SwirlBytes

/// A script that runs long (Redis's scriptInterrupt, scriptKill).
///
/// The count hook (CLua/shim.h) calls `interrupt` every 100,000 Lua
/// instructions. Past `busy-reply-threshold` milliseconds the script is
/// *busy*: the engine answers other clients' commands with BUSY except
/// allow-busy ones (SCRIPT KILL) and SHUTDOWN NOSAVE, and at every hook the
/// Server reads the other connections and runs their commands that way
/// (`ServerHooks.scriptBusyPoll`, Server+BusyScript.swift). SCRIPT KILL marks
/// the run killed; the hook then raises the kill error, on every line from
/// then on so that pcall cannot keep the script alive.
extension Scripting {
    /// The hook's question: poll the loop when busy; true when the script must stop.
    func interrupt() -> Bool {
        guard let run else { return false }
        if !run.timedOut {
            let elapsed = (Keyspace.clockMicroseconds() - run.started) / 1000
            guard elapsed >= Int64(engine.busyReplyThreshold) else { return false }
            run.timedOut = true
            engine.scriptBusy = true
            engine.hooks.logWarning("Slow script detected: still in execution after \(elapsed) milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: \(run.name).")
        }
        engine.hooks.scriptBusyPoll(run.caller)
        if run.killed { engine.hooks.logWarning("Lua script killed by user with SCRIPT KILL.") }
        return run.killed
    }

    /// SCRIPT KILL: stops the running script at its next hook, unless it wrote.
    func kill(_ c: Client) {
        guard let run else {
            c.reply.error("NOTBUSY No scripts in execution right now.")
            return
        }
        if run.wrote {
            c.reply.error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
            return
        }
        run.killed = true
        c.reply.ok()
    }

    /// SHUTDOWN NOSAVE while busy, or a fuzz session's bound: the script stops
    /// even if it wrote, and what it wrote is not propagated.
    public func abandonRunningScript() {
        guard let run else { return }
        run.killed = true
        run.abandoned = true
    }

    /// The script ended after it had been reported busy.
    func endBusy(_ run: ScriptRun) {
        engine.scriptBusy = false
    }
}

extension Engine {
    /// Redis's processCommand while a script is busy: `-BUSY` for anything but
    /// allow-busy commands and SHUTDOWN NOSAVE (the script's own caller never gets here).
    func refusedWhileScriptBusy(_ spec: CommandSpec, _ client: Client) -> Bool {
        if spec.flags.contains(.allowBusy) { return false }
        if spec.name == "shutdown", client.args.count == 2, let first = client.args[1].first,
           first | 0x20 == UInt8(ascii: "n") {
            scripting.abandonRunningScript()
            return false
        }
        reject(client, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", command: spec)
        return true
    }
}

/// The count hook's Swift side (a top-level constant: see LuaRedisAPI.swift).
let luaCountHook: swirl_lua_hook_body = { context in
    Unmanaged<Scripting>.fromOpaque(context!).takeUnretainedValue().interrupt() ? 1 : 0
}
