import Keyspace
import SwirlBytes

/// The classes of `notify-keyspace-events` (Redis's NOTIFY_* flags), with the
/// letters that name them in the parameter.
public struct NotifyClasses: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let keyspace = NotifyClasses(rawValue: 1 << 0)  // K
    public static let keyevent = NotifyClasses(rawValue: 1 << 1)  // E
    public static let generic = NotifyClasses(rawValue: 1 << 2)   // g
    public static let string = NotifyClasses(rawValue: 1 << 3)    // $
    public static let list = NotifyClasses(rawValue: 1 << 4)      // l
    public static let set = NotifyClasses(rawValue: 1 << 5)       // s
    public static let hash = NotifyClasses(rawValue: 1 << 6)      // h
    public static let zset = NotifyClasses(rawValue: 1 << 7)      // z
    public static let expired = NotifyClasses(rawValue: 1 << 8)   // x
    public static let evicted = NotifyClasses(rawValue: 1 << 9)   // e
    public static let stream = NotifyClasses(rawValue: 1 << 10)   // t
    public static let keyMiss = NotifyClasses(rawValue: 1 << 11)  // m
    public static let module = NotifyClasses(rawValue: 1 << 12)   // d
    public static let newKey = NotifyClasses(rawValue: 1 << 13)   // n
    /// `A`: every class of events except key misses and new keys.
    public static let all: NotifyClasses = [.generic, .string, .list, .set, .hash, .zset, .expired,
                                            .evicted, .stream, .module]

    /// Letter → class, in the order Redis prints them after the `A` check.
    private static let typeLetters: [(Character, NotifyClasses)] = [
        ("g", .generic), ("$", .string), ("l", .list), ("s", .set), ("h", .hash), ("z", .zset),
        ("x", .expired), ("e", .evicted), ("t", .stream), ("d", .module), ("n", .newKey),
    ]
    private static let trailingLetters: [(Character, NotifyClasses)] = [("K", .keyspace), ("E", .keyevent), ("m", .keyMiss)]

    public static let invalidCharacter = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."

    /// The classes a parameter value names; nil when a character names none.
    public init?(parsing text: String) {
        var classes: NotifyClasses = []
        for character in text {
            if character == "A" {
                classes.formUnion(.all)
            } else if let found = (Self.typeLetters + Self.trailingLetters).first(where: { $0.0 == character }) {
                classes.formUnion(found.1)
            } else {
                return nil
            }
        }
        self = classes
    }

    /// The value as CONFIG GET shows it (Redis's keyspaceEventsFlagsToString:
    /// `A` stands for its classes and then hides `n`, which it does not include).
    public var description: String {
        var text = ""
        if isSuperset(of: .all) {
            text = "A"
        } else {
            for (letter, flag) in Self.typeLetters where contains(flag) { text.append(letter) }
        }
        for (letter, flag) in Self.trailingLetters where contains(flag) { text.append(letter) }
        return text
    }

    /// Whether any event can be published: a class of events and a channel kind.
    var publishes: Bool {
        !isDisjoint(with: [.keyspace, .keyevent]) && !subtracting([.keyspace, .keyevent]).isEmpty
    }
}

/// An event name, encoded once (`c.notify(.list, .lpush, key)`).
public struct KeyspaceEvent: Sendable {
    let name: [UInt8]
    init(_ name: StaticString) {
        self.name = Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    // Generic and expiry.
    static let del = KeyspaceEvent("del")
    static let expire = KeyspaceEvent("expire")
    static let expired = KeyspaceEvent("expired")
    static let persist = KeyspaceEvent("persist")
    static let renameFrom = KeyspaceEvent("rename_from")
    static let renameTo = KeyspaceEvent("rename_to")
    static let moveFrom = KeyspaceEvent("move_from")
    static let moveTo = KeyspaceEvent("move_to")
    static let copyTo = KeyspaceEvent("copy_to")
    static let new = KeyspaceEvent("new")
    static let keymiss = KeyspaceEvent("keymiss")
    static let sortstore = KeyspaceEvent("sortstore")
    // Strings.
    static let set = KeyspaceEvent("set")
    static let setrange = KeyspaceEvent("setrange")
    static let incrby = KeyspaceEvent("incrby")
    static let incrbyfloat = KeyspaceEvent("incrbyfloat")
    static let append = KeyspaceEvent("append")
    // Hashes.
    static let hset = KeyspaceEvent("hset")
    static let hdel = KeyspaceEvent("hdel")
    static let hincrby = KeyspaceEvent("hincrby")
    static let hincrbyfloat = KeyspaceEvent("hincrbyfloat")
    // Lists.
    static let lpush = KeyspaceEvent("lpush")
    static let rpush = KeyspaceEvent("rpush")
    static let lpop = KeyspaceEvent("lpop")
    static let rpop = KeyspaceEvent("rpop")
    static let linsert = KeyspaceEvent("linsert")
    static let lset = KeyspaceEvent("lset")
    static let lrem = KeyspaceEvent("lrem")
    static let ltrim = KeyspaceEvent("ltrim")
    // Sets.
    static let sadd = KeyspaceEvent("sadd")
    static let srem = KeyspaceEvent("srem")
    static let spop = KeyspaceEvent("spop")
    static let sinterstore = KeyspaceEvent("sinterstore")
    static let sunionstore = KeyspaceEvent("sunionstore")
    static let sdiffstore = KeyspaceEvent("sdiffstore")
    // Sorted sets.
    static let zadd = KeyspaceEvent("zadd")
    static let zincr = KeyspaceEvent("zincr")
    static let zrem = KeyspaceEvent("zrem")
    static let zremrangebyrank = KeyspaceEvent("zremrangebyrank")
    static let zremrangebyscore = KeyspaceEvent("zremrangebyscore")
    static let zremrangebylex = KeyspaceEvent("zremrangebylex")
    static let zpopmin = KeyspaceEvent("zpopmin")
    static let zpopmax = KeyspaceEvent("zpopmax")
    static let zunionstore = KeyspaceEvent("zunionstore")
    static let zinterstore = KeyspaceEvent("zinterstore")
    static let zdiffstore = KeyspaceEvent("zdiffstore")
    static let zrangestore = KeyspaceEvent("zrangestore")
}

private let keyspacePrefix: [UInt8] = Array("__keyspace@".utf8)
private let keyeventPrefix: [UInt8] = Array("__keyevent@".utf8)
private let channelMiddle: [UInt8] = Array("__:".utf8)

extension Engine {
    /// Publishes `event` on `key` of database `db` (Redis's notifyKeyspaceEvent):
    /// `__keyspace@<db>__:<key>` gets the event name, `__keyevent@<db>__:<event>`
    /// the key. Callers check `notifyClasses` first (`Client.notify`).
    func publishKeyspaceEvent(_ event: KeyspaceEvent, _ key: Bytes, db: Int) {
        let digits = Array(String(db).utf8)
        if notifyClasses.contains(.keyspace) {
            var channel = keyspacePrefix
            channel.reserveCapacity(keyspacePrefix.count + digits.count + channelMiddle.count + key.count)
            channel += digits
            channel += channelMiddle
            key.withUnsafeBytes { channel.append(contentsOf: $0) }
            _ = pubsub.publish(Bytes(channel), Bytes(event.name), shard: false, now: keyspace.now)
        }
        if notifyClasses.contains(.keyevent) {
            let channel = keyeventPrefix + digits + channelMiddle + event.name
            _ = pubsub.publish(Bytes(channel), key, shard: false, now: keyspace.now)
        }
    }

    /// An event from outside a command (expiry), or for another database (MOVE).
    func notify(_ type: NotifyClasses, _ event: KeyspaceEvent, _ key: Bytes, db: Int) {
        if notifyClasses.rawValue & type.rawValue != 0 { publishKeyspaceEvent(event, key, db: db) }
    }

    /// Caches `notify-keyspace-events` and installs the keyspace hooks its classes need.
    func configureKeyspaceEvents() {
        let classes = config.keyspaceEventClasses
        // Without a channel kind nothing is ever published: keep the hot path's check false.
        notifyClasses = classes.publishes ? classes : []
        if notifyClasses.contains(.newKey) {
            keyspace.onNewKey = { [unowned self] db, key in
                self.publishKeyspaceEvent(.new, key, db: db)
            }
        } else {
            keyspace.onNewKey = nil
        }
    }
}

extension Client {
    /// Publishes `event` on `key` in the client's database when `type` is enabled:
    /// one check when notifications are off (the default).
    @inline(__always)
    func notify(_ type: NotifyClasses, _ event: KeyspaceEvent, _ key: Bytes) {
        if server.notifyClasses.rawValue & type.rawValue != 0 { server.publishKeyspaceEvent(event, key, db: db.id) }
    }

    /// A read found no `key`: counts the miss and publishes `keymiss` (class `m`).
    func countMiss(_ key: Bytes) {
        server.keyspace.stats.keyspaceMisses += 1
        notify(.keyMiss, .keymiss, key)
    }
}
