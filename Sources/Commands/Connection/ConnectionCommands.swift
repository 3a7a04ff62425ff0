import Keyspace
import RESP
import SwirlBytes

/// PING, ECHO, QUIT, SELECT, HELLO, RESET.
enum ConnectionCommands {
    static func specs() -> [CommandSpec] {
        let connection = CommandGroup("connection")
        let flags: CommandFlags = [.fast, .loading, .stale]
        let beforeAuth: CommandFlags = [.noscript, .loading, .stale, .fast, .noAuth, .allowBusy]
        return [
            connection.command("ping", -1, flags, syntax: "[message]",
                               "Returns the server's liveliness response.", handler: ping),
            connection.command("echo", 2, flags, syntax: "message", "Returns the given string.", handler: echo),
            connection.command("quit", -1, [.allowBusy, .noscript, .loading, .stale, .fast, .noAuth], syntax: "",
                               "Closes the connection.", handler: quit),
            connection.command("auth", -2, beforeAuth, syntax: "[username]@6.0.0 password",
                               "Authenticates the connection.", handler: auth),
            connection.command("select", 2, flags, syntax: "index:integer",
                               "Changes the selected database.", handler: select),
            connection.command("hello", -1, beforeAuth,
                               syntax: "arguments:[protover:integer [AUTH username password] [SETNAME clientname]]",
                               "Handshakes with the Redis server.", since: "6.0.0", handler: hello),
            connection.command("reset", 1, beforeAuth, syntax: "", "Resets the connection.", since: "6.2.0", handler: reset),
        ]
    }

    static func ping(_ c: Client) {
        if c.args.count > 2 {
            c.reply.error(Errors.wrongArity("ping"))
        } else if c.subscriptions != nil && c.protocolVersion == 2 {
            // A subscribed RESP2 connection carries arrays only: Redis answers `pong` and the message as one.
            c.reply.array(2)
            c.reply.bulk("pong")
            c.reply.bulk(c.args.count == 2 ? c.args[1] : Bytes())
        } else if c.args.count == 2 {
            c.reply.bulk(c.args[1])
        } else {
            c.reply.pong()
        }
    }

    static func echo(_ c: Client) { c.reply.bulk(c.args[1]) }

    static func quit(_ c: Client) {
        c.reply.ok()
        c.closeAfterReply = true
    }

    static func select(_ c: Client) {
        guard let index = KeyCommands.databaseIndex(c, at: 1) else { return }
        c.select(index)
        c.reply.ok()
    }

    /// HELLO [protover [AUTH username password] [SETNAME clientname]]
    static func hello(_ c: Client) {
        var version = c.protocolVersion
        var index = 1
        if c.args.count >= 2 {
            guard let requested = ByteNumbers.parseInt64(c.args[1]) else {
                c.reply.error("ERR Protocol version is not an integer or out of range")
                return
            }
            guard requested == 2 || requested == 3 else {
                c.reply.error("NOPROTO unsupported protocol version")
                return
            }
            version = Int(requested)
            index = 2
        }
        var newName: Bytes? = nil
        while index < c.args.count {
            let remaining = c.args.count - index - 1
            if c.argument(index, is: "AUTH") && remaining >= 2 {
                c.redactArgument(index + 1)
                c.redactArgument(index + 2)
                let user = c.args[index + 1], password = c.args[index + 2]
                guard authenticate(c.engine, user: user, password: password) else {
                    c.reply.error("WRONGPASS invalid username-password pair or user is disabled.")
                    return
                }
                c.authenticated = true
                index += 3
            } else if c.argument(index, is: "SETNAME") && remaining >= 1 {
                guard ClientCommands.validName(c.args[index + 1]) else {
                    c.reply.error(ClientCommands.invalidNameError)
                    return
                }
                newName = c.args[index + 1]
                index += 2
            } else {
                c.reply.error("ERR Syntax error in HELLO option '\(arg: c.args[index])'" as ErrorText)
                return
            }
        }
        if c.engine.passwordRequired && !c.authenticated {
            c.reply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
            return
        }
        if let newName { c.name = newName.isEmpty ? nil : newName }
        c.reply.protocolVersion = version
        c.reply.map(7)
        c.reply.bulk("server"); c.reply.bulk("redis")
        c.reply.bulk("version"); c.reply.bulk(ServerInfo.redisVersion)
        c.reply.bulk("proto"); c.reply.integer(version)
        c.reply.bulk("id"); c.reply.integer(c.id)
        c.reply.bulk("mode"); c.reply.bulk("standalone")
        c.reply.bulk("role"); c.reply.bulk("master")
        c.reply.bulk("modules"); c.reply.array(0)
    }

    /// AUTH [username] password
    static func auth(_ c: Client) {
        guard c.args.count <= 3 else {
            c.reply.error(Errors.syntax)
            return
        }
        // As Redis: the password always, the user too in the two-argument form.
        c.redactArgument(1)
        if c.args.count == 3 { c.redactArgument(2) }
        if c.args.count == 2 && (c.engine.config["requirepass"] ?? "").isEmpty {
            c.reply.error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
            return
        }
        let user: Bytes = c.args.count == 3 ? c.args[1] : "default"
        if authenticate(c.engine, user: user, password: c.args[c.args.count - 1]) {
            c.authenticated = true
            c.reply.ok()
        } else {
            c.reply.error("WRONGPASS invalid username-password pair or user is disabled.")
        }
    }

    /// The default user: any password when `requirepass` is empty, as Redis's nopass user.
    static func authenticate(_ engine: Engine, user: Bytes, password: Bytes) -> Bool {
        guard user == "default" else { return false }
        let required = engine.config["requirepass"] ?? ""
        return required.isEmpty || Bytes(required) == password
    }

    /// Redis 7.0's clearClientConnectionState: back to a fresh connection's
    /// state, authentication included (the password must be given again). A
    /// SKIP already applying to this command still swallows RESET's reply.
    static func reset(_ c: Client) {
        if c.isMonitor { MonitorCommand.stop(c) }
        c.engine.stopTracking(c)
        c.select(0)
        c.reply.protocolVersion = 2
        c.authenticated = !c.engine.passwordRequired
        c.discardTransaction()
        c.engine.pubsub.unsubscribeAll(c)
        c.name = nil
        if c.replyMode != .skipping { c.replyMode = .on }
        c.reply.simple("RESET")
    }
}
