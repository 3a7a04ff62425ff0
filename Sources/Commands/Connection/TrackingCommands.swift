import Keyspace
import RESP
import SwirlBytes

/// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (Tracking.swift does the work).
enum TrackingCommands {
    static func subcommands() -> [CommandSpec] {
        let client = ClientCommands.group
        let flags: CommandFlags = [.noscript, .loading, .stale]
        return [
            client.command("tracking", -3, flags,
                           syntax: "status:<ON | OFF> [REDIRECT client-id:integer] [PREFIX prefix [PREFIX prefix ...]]"
                               + " [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
                           "Controls server-assisted client-side caching for the connection.", since: "6.0.0",
                           handler: tracking),
            client.command("caching", 3, flags, syntax: "mode:<YES | NO>",
                           "Instructs the server whether to track the keys in the next request.", since: "6.0.0",
                           handler: caching),
            client.command("getredir", 2, flags, syntax: "",
                           "Returns the client ID to which the connection's tracking notifications are redirected.",
                           since: "6.0.0", handler: getRedirect),
            client.command("trackinginfo", 2, flags, syntax: "",
                           "Returns information about server-assisted client-side caching for the connection.",
                           since: "6.2.0", handler: trackingInfo),
        ]
    }

    static func tracking(_ c: Client) {
        let on: Bool
        if c.argument(2, is: "ON") { on = true } else if c.argument(2, is: "OFF") { on = false } else {
            c.reply.error(Errors.syntax)
            return
        }
        let settings = TrackingState()
        var newPrefixes: [Bytes] = []
        var index = 3
        while index < c.args.count {
            let hasMore = index + 1 < c.args.count
            if c.argument(index, is: "REDIRECT") && hasMore {
                index += 1
                guard let id = c.integer(at: index) else { return }
                guard c.engine.clients[Int(id)] != nil else {
                    c.reply.error("ERR The client ID you want redirect to does not exist")
                    return
                }
                settings.redirect = Int(id)
            } else if c.argument(index, is: "BCAST") {
                settings.broadcast = true
            } else if c.argument(index, is: "OPTIN") {
                settings.optIn = true
            } else if c.argument(index, is: "OPTOUT") {
                settings.optOut = true
            } else if c.argument(index, is: "NOLOOP") {
                settings.noLoop = true
            } else if c.argument(index, is: "PREFIX") && hasMore {
                index += 1
                newPrefixes.append(c.args[index])
            } else {
                c.reply.error(Errors.syntax)
                return
            }
            index += 1
        }
        guard on else {
            c.engine.stopTracking(c)
            c.reply.ok()
            return
        }
        if let refusal = refusal(settings, newPrefixes: newPrefixes, current: c.tracking) {
            c.reply.error(refusal)
            return
        }
        c.engine.startTracking(c, settings, newPrefixes: newPrefixes)
        c.reply.ok()
    }

    /// The error Redis 7.0 gives for a combination of options, in its order.
    private static func refusal(_ settings: TrackingState, newPrefixes: [Bytes], current: TrackingState?) -> ErrorText? {
        if !settings.broadcast && !newPrefixes.isEmpty { return "ERR PREFIX option requires BCAST mode to be enabled" }
        if let current, current.broadcast != settings.broadcast {
            return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
        }
        if settings.broadcast && (settings.optIn || settings.optOut) { return "ERR OPTIN and OPTOUT are not compatible with BCAST" }
        if settings.optIn && settings.optOut { return "ERR You can't specify both OPTIN mode and OPTOUT mode" }
        if let current, (settings.optIn && current.optOut) || (settings.optOut && current.optIn) {
            return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
        }
        guard settings.broadcast else { return nil }
        for (position, prefix) in newPrefixes.enumerated() {
            for existing in current?.prefixes ?? [] where overlap(prefix, existing) {
                return "ERR Prefix '\(arg: prefix)' overlaps with an existing prefix '\(arg: existing)'. Prefixes for a single client must not overlap."
            }
            for other in newPrefixes[(position + 1)...] where overlap(prefix, other) {
                return "ERR Prefix '\(arg: prefix)' overlaps with another provided prefix '\(arg: other)'. Prefixes for a single client must not overlap."
            }
        }
        return nil
    }

    private static func overlap(_ a: Bytes, _ b: Bytes) -> Bool { a.starts(with: b) || b.starts(with: a) }

    static func caching(_ c: Client) {
        guard let state = c.tracking else {
            c.reply.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
            return
        }
        if c.argument(2, is: "YES") {
            guard state.optIn else {
                c.reply.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
                return
            }
        } else if c.argument(2, is: "NO") {
            guard state.optOut else {
                c.reply.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
                return
            }
        } else {
            c.reply.error(Errors.syntax)
            return
        }
        state.cachingGiven = true
        c.reply.ok()
    }

    static func getRedirect(_ c: Client) { c.reply.integer(c.tracking?.redirect ?? -1) }

    static func trackingInfo(_ c: Client) {
        let state = c.tracking
        var flags = [state == nil ? "off" : "on"]
        if let state {
            if state.broadcast { flags.append("bcast") }
            if state.optIn { flags.append("optin"); if state.cachingGiven { flags.append("caching-yes") } }
            if state.optOut { flags.append("optout"); if state.cachingGiven { flags.append("caching-no") } }
            if state.noLoop { flags.append("noloop") }
            if state.brokenRedirect { flags.append("broken_redirect") }
        }
        c.reply.map(3)
        c.reply.bulk("flags")
        c.reply.set(flags.count)
        for flag in flags { c.reply.bulk(flag) }
        c.reply.bulk("redirect")
        c.reply.integer(state?.redirect ?? -1)
        c.reply.bulk("prefixes")
        let prefixes = (state?.prefixes ?? []).sorted { $0.lexicographicallyPrecedes($1) }
        c.reply.array(prefixes.count)
        for prefix in prefixes { c.reply.bulk(prefix) }
    }

    /// CLIENT LIST's flag letters for tracking: t, R (broken redirect), B (BCAST).
    static func flagLetters(_ client: Client) -> String {
        guard let state = client.tracking else { return "" }
        return "t" + (state.brokenRedirect ? "R" : "") + (state.broadcast ? "B" : "")
    }
}
