import Keyspace
import RESP
import SwirlBytes

/// CLIENT PAUSE / UNPAUSE. While a pause lasts, the commands it covers (all
/// of them, or with WRITE those that write or may replicate, EXEC of a
/// transaction that writes included) wait where they arrived, the client
/// blocked (`b` in CLIENT LIST, counted in `blocked_clients`) with its further
/// input unread; at the end they run in arrival order. Keys do not expire
/// meanwhile: an expired key reads as missing but stays, as in Redis 7.0.
/// Monitors are replicas and never wait.
struct ClientPause {
    var writesOnly: Bool
    /// Unix milliseconds.
    var until: Int64
}

extension Engine {
    /// Whether `client`'s `spec` must wait for the pause to end.
    func pausePostpones(_ spec: CommandSpec, _ client: Client) -> Bool {
        guard let pause = clientPause, !client.isMonitor else { return false }
        if keyspace.now >= pause.until {
            endPause()
            return false
        }
        if !pause.writesOnly { return true }
        if !spec.flags.intersection([.write, .mayReplicate]).isEmpty { return true }
        return spec.name == "exec" && client.transactionWrites
    }

    /// Keeps the command to run when the pause ends.
    func postpone(_ client: Client) {
        client.postponedArgs = client.args
        postponedClients.append(client)
    }

    func startPause(writesOnly: Bool, milliseconds: Int64) {
        let until = keyspace.now &+ milliseconds
        if let current = clientPause {
            // Redis keeps the longer pause and the stricter kind.
            clientPause = ClientPause(writesOnly: current.writesOnly && writesOnly, until: max(current.until, until))
        } else {
            clientPause = ClientPause(writesOnly: writesOnly, until: until)
        }
        keyspace.expiryPaused = true
    }

    /// Ends the pause: the postponed clients go back to the Server, which runs
    /// their command (`runPostponedCommand`) and then the rest of their input.
    func endPause() {
        clientPause = nil
        keyspace.expiryPaused = false
        let waiting = postponedClients
        postponedClients.removeAll()
        for client in waiting where clients[client.id] != nil { blocking.resumeLater(client) }
    }

    /// Before sleeping: a pause whose time has come ends.
    func endPauseIfDue() {
        if let pause = clientPause, Keyspace.clockMilliseconds() >= pause.until { endPause() }
    }

    /// Runs the command a pause held back, if any (the Server calls it for every resumed client).
    public func runPostponedCommand(_ client: Client) {
        guard let args = client.postponedArgs else { return }
        client.postponedArgs = nil
        client.args = args
        execute(client)
    }

    func forgetPostponed(_ client: Client) {
        // A client that goes while it waits takes its command with it.
        if client.postponedArgs != nil { postponedClients.removeAll { $0 === client } }
    }
}

enum ClientPauseCommands {
    static func pause(_ c: Client) {
        guard let milliseconds = ByteNumbers.parseInt64(c.args[2]) else {
            c.reply.error("ERR timeout is not an integer or out of range")
            return
        }
        guard milliseconds >= 0 else {
            c.reply.error("ERR timeout is negative")
            return
        }
        var writesOnly = false
        if c.args.count == 4 {
            if c.argument(3, is: "WRITE") {
                writesOnly = true
            } else if !c.argument(3, is: "ALL") {
                c.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL")
                return
            }
        } else if c.args.count > 4 {
            c.reply.error(Errors.syntax)
            return
        }
        c.engine.startPause(writesOnly: writesOnly, milliseconds: milliseconds)
        c.reply.ok()
    }

    static func unpause(_ c: Client) {
        if c.engine.clientPause != nil { c.engine.endPause() }
        c.reply.ok()
    }

    /// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP answer nothing; ON answers OK.
    static func reply(_ c: Client) {
        if c.argument(2, is: "ON") {
            c.replyMode = .on
            c.reply.ok()
        } else if c.argument(2, is: "OFF") {
            c.replyMode = .off
        } else if c.argument(2, is: "SKIP") {
            if c.replyMode != .off { c.replyMode = .skipNext }
        } else {
            c.reply.error(Errors.syntax)
        }
    }

    static func noEvict(_ c: Client) {
        if c.argument(2, is: "ON") {
            c.noEvict = true
        } else if c.argument(2, is: "OFF") {
            c.noEvict = false
        } else {
            c.reply.error(Errors.syntax)
            return
        }
        c.reply.ok()
    }

    static func subcommands() -> [CommandSpec] {
        let flags: CommandFlags = [.admin, .noscript, .loading, .stale]
        return [
            CommandSpec("pause", arity: -3, flags: flags, group: "connection", summary: "Suspends commands processing.",
                        since: "3.0.0", handler: pause),
            CommandSpec("unpause", arity: 2, flags: flags, group: "connection",
                        summary: "Resumes processing commands from paused clients.", since: "6.2.0",
                        complexity: "O(N) Where N is the number of paused clients", handler: unpause),
            CommandSpec("reply", arity: 3, flags: [.noscript, .loading, .stale], group: "connection",
                        summary: "Instructs the server whether to reply to commands.", since: "3.2.0", handler: reply),
            CommandSpec("no-evict", arity: 3, flags: flags, group: "connection",
                        summary: "Sets the client eviction mode of the connection.", since: "7.0.0", handler: noEvict),
        ]
    }
}
