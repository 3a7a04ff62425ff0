import Keyspace
import RESP
import SwirlBytes

/// The scripting group: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT
/// (Redis 7.0's eval.c). The interpreter, the cache and the running of a
/// script are `Scripting`'s (Scripting.swift); `redis.call` is Scripting+Call.swift.
enum ScriptingCommands {
    static func specs() -> [CommandSpec] {
        let scripting = CommandGroup("scripting", since: "2.6.0", complexity: "Depends on the script that is executed.")
        let evalFlags: CommandFlags = [.noscript, .stale, .skipMonitor, .noMandatoryKeys]
        let keys = KeyPositions.countedKeysAllowingNone(at: 2)
        return [
            scripting.command("eval", -3, evalFlags, syntax: "script:string numkeys:integer [key:key ...] [arg:string ...]",
                              "Executes a server-side Lua script.", handler: eval).movingKeys(keys),
            scripting.command("evalsha", -3, evalFlags, syntax: "sha1:string numkeys:integer [key:key ...] [arg:string ...]",
                              "Executes a server-side Lua script by SHA1 digest.", handler: evalsha).movingKeys(keys),
            scripting.command("eval_ro", -3, evalFlags.union(.readonly), syntax: "script:string numkeys:integer [key:key ...] [arg:string ...]",
                              "Executes a read-only server-side Lua script.", since: "7.0.0",
                              categories: ["@slow", "@scripting"], handler: evalReadOnly).movingKeys(keys),
            scripting.command("evalsha_ro", -3, evalFlags.union(.readonly), syntax: "sha1:string numkeys:integer [key:key ...] [arg:string ...]",
                              "Executes a read-only server-side Lua script by SHA1 digest.", since: "7.0.0",
                              categories: ["@slow", "@scripting"], handler: evalshaReadOnly).movingKeys(keys),
            scripting.container("script", "A container for Lua scripts management commands", complexity: "Depends on subcommand.",
                                subcommands: [
                scripting.command("debug", 3, [.noscript], syntax: "mode:<YES | SYNC | NO>",
                                  "Sets the debug mode of server-side Lua scripts.", since: "3.2.0", complexity: "O(1)", handler: debug),
                scripting.command("exists", -3, [.noscript], syntax: "sha1:string [sha1:string ...]",
                                  "Determines whether server-side Lua scripts exist in the script cache.",
                                  complexity: "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
                                  handler: exists),
                scripting.command("flush", -2, [.noscript], syntax: "[flush-type:[ASYNC@6.2.0 | SYNC@6.2.0]]",
                                  "Removes all server-side Lua scripts from the script cache.",
                                  complexity: "O(N) with N being the number of scripts in cache", handler: flush),
                scripting.command("help", 2, [.loading, .stale], syntax: "", "Returns helpful text about the different subcommands.",
                                  since: "5.0.0", complexity: "O(1)", handler: help),
                scripting.command("kill", 2, [.noscript, .allowBusy], syntax: "",
                                  "Terminates a server-side Lua script during execution.", complexity: "O(1)", handler: kill),
                scripting.command("load", 3, [.noscript, .stale], syntax: "script:string",
                                  "Loads a server-side Lua script to the script cache.",
                                  complexity: "O(N) with N being the length in bytes of the script body.", handler: load),
            ]),
        ]
    }

    static func eval(_ c: Client) { run(c, bySHA: false, readOnly: false) }
    static func evalsha(_ c: Client) { run(c, bySHA: true, readOnly: false) }
    static func evalReadOnly(_ c: Client) { run(c, bySHA: false, readOnly: true) }
    static func evalshaReadOnly(_ c: Client) { run(c, bySHA: true, readOnly: true) }

    static let noScript = "NOSCRIPT No matching script. Please use EVAL."

    /// Redis's evalGenericCommand, in its order: the monitor line, a SHA of the
    /// wrong length, numkeys, then the script (compiled on first EVAL).
    private static func run(_ c: Client, bySHA: Bool, readOnly: Bool) {
        let engine = c.engine
        // Fed here rather than after the command, so the script's commands follow it (Redis does the same).
        if !engine.monitors.isEmpty && !engine.loading {
            MonitorCommand.feed(engine.table.all[c.lastCommandID], c, monitors: engine.monitors,
                                now: Keyspace.clockMicroseconds(), evenIfSkipped: true)
        }
        if bySHA && c.args[1].count != 40 {
            c.reply.error(noScript)
            return
        }
        guard let numkeys = c.integer(at: 2) else { return }
        if numkeys > Int64(c.args.count - 3) {
            c.reply.error("ERR Number of keys can't be greater than number of args")
            return
        }
        if numkeys < 0 {
            c.reply.error("ERR Number of keys can't be negative")
            return
        }
        let scripting = engine.scripting
        let sha: Bytes
        let script: CachedScript
        if bySHA {
            guard let found = scripting.script(sha: c.args[1]) else {
                c.reply.error(noScript)
                return
            }
            sha = c.args[1]
            script = found
        } else {
            switch scripting.load(c.args[1]) {
            case .failure(let error):
                c.reply.error(error.message)
                return
            case .success(let loaded):
                sha = loaded
                script = scripting.script(sha: loaded)!
            }
        }
        let keyEnd = 3 + Int(numkeys)
        scripting.execute(script, sha: sha, caller: c, keys: c.args[3..<keyEnd], args: c.args[keyEnd...],
                          readOnlyCommand: readOnly)
    }

    static func load(_ c: Client) {
        switch c.engine.scripting.load(c.args[2]) {
        case .failure(let error): c.reply.error(error.message)
        case .success(let sha): c.reply.bulk(sha)
        }
    }

    static func exists(_ c: Client) {
        let scripting = c.engine.scripting
        c.reply.array(c.args.count - 2)
        // Exact bytes, as Redis's dict lookup: an uppercase SHA is not found.
        for sha in c.args.dropFirst(2) { c.reply.integer(scripting.scripts[sha] != nil ? 1 : 0) }
    }

    static func flush(_ c: Client) {
        guard c.args.count == 2 || (c.args.count == 3 && (c.argument(2, is: "sync") || c.argument(2, is: "async"))) else {
            c.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
            return
        }
        c.engine.scripting.flush()
        c.reply.ok()
    }

    static func kill(_ c: Client) {
        c.engine.scripting.kill(c)
    }

    /// The Lua debugger (LDB) is not implemented: SCRIPT DEBUG NO is accepted,
    /// YES and SYNC are refused with an error that says so.
    static func debug(_ c: Client) {
        if c.argument(2, is: "no") {
            c.reply.ok()
        } else if c.argument(2, is: "yes") || c.argument(2, is: "sync") {
            c.reply.error("ERR SCRIPT DEBUG is not supported by this server")
        } else {
            c.reply.error("ERR Use SCRIPT DEBUG YES/SYNC/NO")
        }
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "SCRIPT", lines: [
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
        ], helpLine: "    Prints this help.")
    }
}

extension KeyPositions {
    /// EVAL's keys: a count at `index` (0 allowed), then that many keys; nil
    /// when the count is not an integer in range (COMMAND GETKEYS then answers
    /// no keys, as Redis does for a command without mandatory keys).
    static func countedKeysAllowingNone(at index: Int) -> ([Bytes]) -> [Int]? {
        return { args in
            guard index < args.count, let count = ByteNumbers.parseInt64(args[index]),
                  count >= 0, count <= args.count - index - 1 else { return nil }
            return count == 0 ? [] : Array((index + 1)...(index + Int(count)))
        }
    }
}
