import Keyspace
import RESP
import SwirlBytes

/// SCRIPT KILL and the busy state (Redis's scriptKill, scriptInterrupt).
extension Scripting {
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

    /// The script ended after it had been reported busy.
    func endBusy(_ run: ScriptRun) {
        engine.hooks.scriptBusyEnded()
    }
}
