import Keyspace
import RESP
import SwirlBytes

/// The three pub/sub namespaces. Shard channels behave like plain channels on
/// a server without cluster mode, but are a namespace of their own (SPUBLISH
/// reaches only SSUBSCRIBE), and patterns never see them.
public enum PubSubKind: Sendable {
    case channel, pattern, shard

    // The reply words, encoded once.
    private static let words: [[UInt8]] = ["subscribe", "psubscribe", "ssubscribe",
                                           "unsubscribe", "punsubscribe", "sunsubscribe"].map { Array($0.utf8) }
    private var index: Int { self == .channel ? 0 : self == .pattern ? 1 : 2 }
    var subscribeWord: [UInt8] { Self.words[index] }
    var unsubscribeWord: [UInt8] { Self.words[3 + index] }

    static let message: [UInt8] = Array("message".utf8)
    static let pmessage: [UInt8] = Array("pmessage".utf8)
    static let smessage: [UInt8] = Array("smessage".utf8)
}

/// What one client is subscribed to (Redis's `c->pubsub_channels`,
/// `pubsub_patterns`, `pubsub_shard_channels`). Exists only while the client
/// has at least one subscription, so `Client.subscriptions != nil` is Redis's
/// CLIENT_PUBSUB flag.
final class ClientSubscriptions {
    /// Name → order of subscription, so that "unsubscribe from all" answers in
    /// a stable order (Redis answers in its dict's order, which is random).
    var channels: [Bytes: Int] = [:]
    var patterns: [Bytes: Int] = [:]
    var shardChannels: [Bytes: Int] = [:]
    private var nextOrder = 0
    /// True while the client sits in `PubSubRegistry.receivers`.
    var queuedAsReceiver = false

    var total: Int { channels.count + patterns.count + shardChannels.count }

    /// What the client's own tables take (client eviction, as Redis's pubsubMemOverhead):
    /// their entries' storage; names longer than `Bytes` keeps inline share the registry's.
    var storageBytes: Int {
        (channels.capacity + patterns.capacity + shardChannels.capacity) * MemoryLayout<(Bytes, Int)>.stride
    }

    /// The count a (un)subscribe reply carries: channels and patterns together,
    /// shard channels on their own (as Redis 7.0 counts).
    func count(_ kind: PubSubKind) -> Int {
        kind == .shard ? shardChannels.count : channels.count + patterns.count
    }

    /// Adds a name; false when already there.
    func insert(_ name: Bytes, _ kind: PubSubKind) -> Bool {
        let added: Bool
        switch kind {
        case .channel: added = channels.updateValue(channels[name] ?? nextOrder, forKey: name) == nil
        case .pattern: added = patterns.updateValue(patterns[name] ?? nextOrder, forKey: name) == nil
        case .shard: added = shardChannels.updateValue(shardChannels[name] ?? nextOrder, forKey: name) == nil
        }
        nextOrder += 1
        return added
    }

    func remove(_ name: Bytes, _ kind: PubSubKind) -> Bool {
        switch kind {
        case .channel: channels.removeValue(forKey: name) != nil
        case .pattern: patterns.removeValue(forKey: name) != nil
        case .shard: shardChannels.removeValue(forKey: name) != nil
        }
    }

    /// Every name of a kind, oldest subscription first.
    func names(_ kind: PubSubKind) -> [Bytes] {
        let table = kind == .channel ? channels : kind == .pattern ? patterns : shardChannels
        return table.sorted { $0.value < $1.value }.map(\.key)
    }
}

/// Names → subscribed clients, in the order the names were first subscribed
/// (PUBSUB CHANNELS and pattern delivery then follow a stable order). A name
/// leaves when its last subscriber does; its slot becomes a hole, and holes
/// are compacted once they are half the table, so removal stays O(1) amortised.
struct SubscriberTable {
    private var entries: [(name: Bytes, clients: [Client])?] = []
    private var positions: [Bytes: Int] = [:]
    private var holes = 0

    /// Names with at least one subscriber.
    var count: Int { positions.count }

    func subscribers(_ name: Bytes) -> [Client]? {
        positions[name].map { entries[$0]!.clients }
    }

    mutating func add(_ client: Client, to name: Bytes) {
        if let position = positions[name] {
            entries[position]!.clients.append(client)
        } else {
            positions[name] = entries.count
            entries.append((name, [client]))
        }
    }

    /// Subscribers are a list in subscription order, as in Redis 7.0: removal
    /// is linear in the channel's subscribers, delivery follows their order.
    mutating func remove(_ client: Client, from name: Bytes) {
        guard let position = positions[name] else { return }
        entries[position]!.clients.removeAll { $0 === client }
        guard entries[position]!.clients.isEmpty else { return }
        entries[position] = nil
        positions[name] = nil
        holes += 1
        if holes > 16 && holes * 2 > entries.count { compact() }
    }

    private mutating func compact() {
        entries = entries.compactMap { $0 }.map { Optional($0) }
        holes = 0
        for (index, entry) in entries.enumerated() { positions[entry!.name] = index }
    }

    func forEach(_ body: (Bytes, [Client]) -> Void) {
        for case let entry? in entries { body(entry.name, entry.clients) }
    }
}

/// Every subscription on the server, the delivery of messages, and the
/// output limit of subscribers.
///
/// A message is appended to each receiver's reply buffer at once; the Server
/// layer learns which clients got output from `takeReceivers()` in its
/// beforeSleep and flushes them (and closes the ones past their output limit),
/// so the Commands layer never touches a socket.
public final class PubSubRegistry {
    var channels = SubscriberTable()
    var patterns = SubscriberTable()
    var shardChannels = SubscriberTable()
    /// Clients given messages since the last `takeReceivers()`.
    private var receivers: [Client] = []

    public init() {}

    /// Distinct channels and patterns with subscribers (INFO, PUBSUB NUMPAT).
    public var channelCount: Int { channels.count }
    public var patternCount: Int { patterns.count }
    public var shardChannelCount: Int { shardChannels.count }

    func table(_ kind: PubSubKind) -> SubscriberTable {
        switch kind {
        case .channel: channels
        case .pattern: patterns
        case .shard: shardChannels
        }
    }

    // MARK: - Subscribing

    /// Subscribes `client`; false when it already was.
    @discardableResult
    func subscribe(_ client: Client, to name: Bytes, _ kind: PubSubKind) -> Bool {
        let subscriptions = client.subscriptions ?? ClientSubscriptions()
        client.subscriptions = subscriptions
        guard subscriptions.insert(name, kind) else { return false }
        switch kind {
        case .channel: channels.add(client, to: name)
        case .pattern: patterns.add(client, to: name)
        case .shard: shardChannels.add(client, to: name)
        }
        return true
    }

    /// Unsubscribes `client`; false when it was not subscribed. The client
    /// leaves pub/sub mode with its last subscription.
    @discardableResult
    func unsubscribe(_ client: Client, from name: Bytes, _ kind: PubSubKind) -> Bool {
        guard let subscriptions = client.subscriptions, subscriptions.remove(name, kind) else { return false }
        switch kind {
        case .channel: channels.remove(client, from: name)
        case .pattern: patterns.remove(client, from: name)
        case .shard: shardChannels.remove(client, from: name)
        }
        if subscriptions.total == 0 { client.subscriptions = nil }
        return true
    }

    /// Drops every subscription of the client, silently (RESET, disconnection).
    public func unsubscribeAll(_ client: Client) {
        guard let subscriptions = client.subscriptions else { return }
        for kind in [PubSubKind.channel, .pattern, .shard] {
            for name in subscriptions.names(kind) { unsubscribe(client, from: name, kind) }
        }
    }

    // MARK: - Delivery

    /// Sends a message to the subscribers of `channel` (plain channels also
    /// to matching patterns, after the channel's own subscribers, as Redis
    /// does); returns how many received it, a client once per subscription.
    func publish(_ channel: Bytes, _ message: Bytes, shard: Bool) -> Int {
        var receivedBy = 0
        if let subscribers = (shard ? shardChannels : channels).subscribers(channel) {
            let word = shard ? PubSubKind.smessage : PubSubKind.message
            for client in subscribers {
                if deliverable(client) {
                    let start = client.reply.count
                    client.reply.push(3)
                    client.reply.bulk(word)
                    client.reply.bulk(channel)
                    client.reply.bulk(message)
                    client.pushed(from: start)
                    delivered(to: client)
                }
                receivedBy += 1
            }
        }
        guard !shard && patterns.count > 0 else { return receivedBy }
        let channelBytes = channel.array
        patterns.forEach { pattern, subscribers in
            guard Glob.matches(pattern.array, channelBytes) else { return }
            for client in subscribers {
                if deliverable(client) {
                    let start = client.reply.count
                    client.reply.push(4)
                    client.reply.bulk(PubSubKind.pmessage)
                    client.reply.bulk(pattern)
                    client.reply.bulk(channel)
                    client.reply.bulk(message)
                    client.pushed(from: start)
                    delivered(to: client)
                }
                receivedBy += 1
            }
        }
        return receivedBy
    }

    /// A client being closed for its output limit gets nothing more, but
    /// still counts as a receiver until it is gone (as in Redis).
    private func deliverable(_ client: Client) -> Bool { !client.closeASAP }

    /// Queues the client for a flush and enforces its output limit (a message
    /// that takes it past its limit closes it: Engine+OutputLimits.swift).
    private func delivered(to client: Client) {
        noteOutput(client)
        _ = client.outputLimitReached()
        client.engine.noteClientMemory(client)  // as Redis updates each receiver's bucket
    }

    private func noteOutput(_ client: Client) {
        guard let subscriptions = client.subscriptions, !subscriptions.queuedAsReceiver else { return }
        subscriptions.queuedAsReceiver = true
        receivers.append(client)
    }

    /// The clients that got messages since the last call: the Server flushes
    /// them, or closes those marked `closeASAP`.
    public func takeReceivers() -> [Client] {
        guard !receivers.isEmpty else { return [] }
        let taken = receivers
        receivers.removeAll(keepingCapacity: true)
        for client in taken { client.subscriptions?.queuedAsReceiver = false }
        return taken
    }
}
