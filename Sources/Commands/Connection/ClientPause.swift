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
    /// Public for the fuzzer, whose reset between inputs cannot send CLIENT
    /// UNPAUSE: under a pause of all commands that waits too, as in Redis.
    public func endPause() {
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
