import Keyspace
import RESP
import SwirlBytes

/// OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP. None of them counts
/// as an access to the key (Redis's LOOKUP_NOTOUCH); a missing key answers null.
enum ObjectCommand {
    static func specs() -> [CommandSpec] {
        // The subcommands' key is the argument after their name.
        let object = CommandGroup("generic", since: "2.2.3", keys: KeyPositions(first: 2, last: 2, step: 1))
        return [
            object.container("object", "A container for object introspection commands",
                             complexity: "Depends on subcommand.", subcommands: [
                object.command("encoding", 3, [.readonly], syntax: "key",
                               "Inspect the internal encoding of a Redis object", handler: encoding),
                object.command("refcount", 3, [.readonly], syntax: "key",
                               "Get the number of references to the value of the key", handler: refcount),
                object.command("idletime", 3, [.readonly], syntax: "key",
                               "Get the time since a Redis object was last accessed", handler: idletime),
                object.command("freq", 3, [.readonly], syntax: "key",
                               "Get the logarithmic access frequency counter of a Redis object", since: "4.0.0",
                               handler: freq),
                object.command("help", 2, [.loading, .stale], keys: .none, syntax: "",
                               "Show helpful text about the different subcommands", since: "6.2.0",
                               categories: ["@keyspace", "@slow"], handler: help),
            ]),
        ]
    }

    /// The live slot at argument 2, or nil after replying null. Counted as a
    /// keyspace hit or miss, as Redis's objectCommandLookup (LOOKUP_NOTOUCH |
    /// LOOKUP_NONOTIFY: no access recorded, no `keymiss` event) counts it;
    /// monitoring sees those counters (prometheus-redis-exporter's key checks).
    private static func slot(_ c: Client) -> Slot? {
        guard let slot = c.db.peekSlot(c.args[2]) else {
            c.engine.keyspace.stats.keyspaceMisses += 1
            c.reply.null()
            return nil
        }
        c.engine.keyspace.stats.keyspaceHits += 1
        return slot
    }

    static func encoding(_ c: Client) {
        guard let slot = slot(c) else { return }
        c.reply.bulk(slot.encodingName)
    }

    /// Redis shares the integers 0…9999 between all keys (refcount INT_MAX),
    /// unless an LRU/LFU policy with a memory limit needs per-key clocks.
    static func refcount(_ c: Client) {
        guard let slot = slot(c) else { return }
        c.reply.integer(isSharedInteger(slot, c.engine.config) ? Int(Int32.max) : 1)
    }

    /// Whether Redis would store `value` as one of its shared integer objects.
    static func isSharedInteger(_ slot: Slot, _ config: Config) -> Bool {
        guard case .string(let bytes) = slot.value, slot.stringForm == .byContent, bytes.count <= 4, let number = ByteNumbers.parseInt64(bytes) else { return false }
        return (0..<10_000).contains(number) && String(number).utf8.count == bytes.count && !config.evictsByAccess
    }

    static func idletime(_ c: Client) {
        guard let slot = slot(c) else { return }
        guard c.engine.keyspace.accessTracking == .recency else {
            c.reply.error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
            return
        }
        c.reply.integer(AccessClock.idleSeconds(slot.access, milliseconds: c.engine.keyspace.now))
    }

    static func freq(_ c: Client) {
        guard let slot = slot(c) else { return }
        guard case .frequency(_, let decayMinutes) = c.engine.keyspace.accessTracking else {
            c.reply.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
            return
        }
        c.reply.integer(Int(AccessClock.frequency(slot.access, decayMinutes: decayMinutes, milliseconds: c.engine.keyspace.now)))
    }

    static func help(_ c: Client) {
        HelpText.reply(c, container: "OBJECT", lines: [
            "ENCODING <key>", "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>", "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>", "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>", "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ], helpLine: "    Prints this help.")
    }
}
