import Keyspace
import RESP
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

/// An event name (`c.notify(.list, .lpush, key)`). A case is a constant, so a
/// call site costs nothing while notifications are off; the name is a string
/// literal in the binary, read as bytes only when the event is published (at
/// most 16 bytes: an inline `Bytes`, no allocation).
public enum KeyspaceEvent: String, CaseIterable, Sendable {
    // Generic and expiry.
    case del, expire, expired, evicted, persist, new, keymiss, sortstore
    case renameFrom = "rename_from", renameTo = "rename_to", moveFrom = "move_from", moveTo = "move_to"
    case copyTo = "copy_to", restore
    // Strings.
    case set, setrange, incrby, incrbyfloat, append
    // Bitmaps and HyperLogLog (string values).
    case setbit, pfadd
    // Hashes.
    case hset, hdel, hincrby, hincrbyfloat
    // Lists.
    case lpush, rpush, lpop, rpop, linsert, lset, lrem, ltrim
    // Sets.
    case sadd, srem, spop, sinterstore, sunionstore, sdiffstore
    // Sorted sets.
    case zadd, zincr, zrem, zremrangebyrank, zremrangebyscore, zremrangebylex, zpopmin, zpopmax
    case zunionstore, zinterstore, zdiffstore, zrangestore
    // Geo (GEOADD publishes ZADD's event).
    case georadiusstore, geosearchstore
    // Streams.
    case xadd, xdel, xtrim, xsetid
    case xgroupCreate = "xgroup-create", xgroupSetid = "xgroup-setid", xgroupDestroy = "xgroup-destroy"
    case xgroupCreateconsumer = "xgroup-createconsumer", xgroupDelconsumer = "xgroup-delconsumer"
}

private let keyspacePrefix: [UInt8] = Array("__keyspace@".utf8)
private let keyeventPrefix: [UInt8] = Array("__keyevent@".utf8)
private let channelMiddle: [UInt8] = Array("__:".utf8)

extension Engine {
    /// Publishes `event` on `key` of database `db` (Redis's notifyKeyspaceEvent):
    /// `__keyspace@<db>__:<key>` gets the event name, `__keyevent@<db>__:<event>`
    /// the key. Callers check `notifyClasses` first (`Client.notify`).
    func publishKeyspaceEvent(_ event: KeyspaceEvent, _ key: Bytes, db: Int) {
        let digits = ByteNumbers.decimal(Int64(db))
        let name = event.rawValue
        if notifyClasses.contains(.keyspace) {
            var channel = keyspacePrefix
            channel.reserveCapacity(keyspacePrefix.count + digits.count + channelMiddle.count + key.count)
            digits.withUnsafeBytes { channel.append(contentsOf: $0) }
            channel += channelMiddle
            key.withUnsafeBytes { channel.append(contentsOf: $0) }
            _ = pubsub.publish(Bytes(channel), Bytes(name.utf8), shard: false)
        }
        if notifyClasses.contains(.keyevent) {
            var channel = keyeventPrefix
            digits.withUnsafeBytes { channel.append(contentsOf: $0) }
            channel += channelMiddle
            channel.append(contentsOf: name.utf8)
            _ = pubsub.publish(Bytes(channel), key, shard: false)
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
        if engine.notifyClasses.rawValue & type.rawValue != 0 { engine.publishKeyspaceEvent(event, key, db: db.id) }
    }

    /// A read found no `key`: counts the miss and publishes `keymiss` (class `m`).
    @inline(__always)
    func countMiss(_ key: Bytes) {
        engine.keyspace.stats.keyspaceMisses += 1
        notify(.keyMiss, .keymiss, key)
    }
}
