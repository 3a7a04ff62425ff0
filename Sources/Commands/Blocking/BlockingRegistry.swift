import Keyspace
import RESP
import SwirlBytes

/// What a blocking command waits for, and how it completes once it can.
///
/// The same request serves the command at once when a key already holds a
/// value (`Client.serveOrBlock`) and later when one arrives (the engine's
/// `serveReadyKeys`), so a blocking command is written once, like a handler:
/// `serve` replies, bumps `dirty` and says what to log with `propagate(as:)`.
public struct BlockingRequest {
    /// The keys, in the order they are tried.
    public var keys: [Bytes]
    /// The TYPE name of the values that wake the client (`list`, `zset`).
    public var type: String
    /// Unix milliseconds after which the client gets the timeout reply; 0 waits forever.
    public var deadline: Int64
    /// The reply when the client may not block (inside MULTI, while loading):
    /// Redis's null array for most commands, a null bulk string for BLMOVE.
    public var emptyReply: (Client) -> Void
    /// The reply when the deadline passes or CLIENT UNBLOCK … TIMEOUT ends the wait
    /// (a null array; WAIT answers how many replicas acknowledged).
    public var timeoutReply: (Client) -> Void
    /// Completes the command with `key`, which holds `value`, a value of `type`.
    /// `client.isBlocked` tells a client served after blocking from one served at once.
    public var serve: (_ client: Client, _ key: Bytes, _ value: RedisValue) -> Void
    /// Set by XREAD and XREADGROUP, whose readiness is more than a value of the
    /// right type: whenever `key` is signalled, whatever it holds now (nil when
    /// deleted), this says how to complete the client, or nil to keep it waiting.
    public var attempt: ((_ client: Client, _ key: Bytes, _ value: RedisValue?) -> ((Client) -> Void)?)? = nil

    public init(keys: [Bytes], type: String, deadline: Int64,
                emptyReply: @escaping (Client) -> Void = { $0.reply.nullArray() },
                timeoutReply: @escaping (Client) -> Void = { $0.reply.nullArray() },
                serve: @escaping (_ client: Client, _ key: Bytes, _ value: RedisValue) -> Void) {
        self.keys = keys
        self.type = type
        self.deadline = deadline
        self.emptyReply = emptyReply
        self.timeoutReply = timeoutReply
        self.serve = serve
    }
}

/// A blocked client's state (`Client.blocked`).
final class BlockedState {
    let request: BlockingRequest
    /// The database it blocked in: its queues are there.
    let db: Database
    /// The blocking command as typed (restored while it completes, for propagation).
    let args: [Bytes]
    let spec: CommandSpec
    /// Tells this blocking apart from an earlier one of the same client in the timeout heap.
    let serial: Int

    init(request: BlockingRequest, db: Database, args: [Bytes], spec: CommandSpec, serial: Int) {
        self.request = request
        self.db = db
        self.args = args
        self.spec = spec
        self.serial = serial
    }
}

/// Every blocked client, their deadlines, and the clients unblocked since the
/// Server last looked (it sends their replies and resumes reading their input).
/// The per-key queues are in the keyspace (Keyspace/BlockingKeys.swift).
public final class BlockingRegistry {
    /// Blocked clients by id: they are served from here, so a client made in a test works too.
    private(set) var clients: [Int: Client] = [:]
    private var unblocked: [Client] = []
    /// A binary min-heap of deadlines. Entries of clients no longer blocked stay
    /// until they reach the top, or until they outnumber the live ones (then the heap is rebuilt).
    private var timeouts: [(deadline: Int64, id: Int, serial: Int)] = []
    /// Blocked clients that have a deadline (INFO's clients_in_timeout_table).
    public private(set) var timeoutCount = 0
    private var nextSerial = 0

    public init() {}

    /// INFO's blocked_clients.
    public var count: Int { clients.count }

    /// The earliest deadline of a blocked client, nil when none has one.
    public var nextDeadline: Int64? {
        dropStaleTop()
        return timeouts.first?.deadline
    }

    /// The clients unblocked since the last call: their replies are ready and
    /// their buffered input may be run again.
    public func takeUnblocked() -> [Client] {
        defer { unblocked.removeAll() }
        return unblocked
    }

    // MARK: - Blocking and unblocking

    func block(_ client: Client, _ request: BlockingRequest, spec: CommandSpec) {
        nextSerial += 1
        let state = BlockedState(request: request, db: client.db, args: client.args, spec: spec, serial: nextSerial)
        client.blocked = state
        clients[client.id] = client
        var queued: [Bytes] = []
        for key in request.keys where !queued.contains(key) {  // BLPOP k k 0 waits once on k
            client.db.enqueueBlocked(client.id, on: key)
            queued.append(key)
        }
        if request.deadline != 0 {
            timeoutCount += 1
            push((request.deadline, client.id, state.serial))
        }
    }

    /// Takes the client out of every queue; its `blocked` state stays until it has completed.
    /// Returns the state, nil when it was not blocked.
    @discardableResult
    func dequeue(_ client: Client) -> BlockedState? {
        guard let state = client.blocked, clients.removeValue(forKey: client.id) != nil else { return nil }
        for key in state.request.keys { state.db.dequeueBlocked(client.id, from: key) }
        if state.request.deadline != 0 {
            timeoutCount -= 1
            if timeouts.count > 64 && timeouts.count > 2 * timeoutCount { rebuildHeap() }
        }
        return state
    }

    /// A client a pause held back goes back to the Server (ClientPause.swift).
    func resumeLater(_ client: Client) { unblocked.append(client) }

    /// Marks a dequeued client as done: the Server sends its reply and runs its pending input.
    func finished(_ client: Client) {
        client.blocked = nil
        unblocked.append(client)
    }

    /// A client going away: out of every queue, no reply.
    public func remove(_ client: Client) {
        dequeue(client)
        client.blocked = nil
    }

    /// Blocked clients whose deadline passed by `now`, earliest first.
    func takeExpired(now: Int64) -> [Client] {
        var expired: [Client] = []
        while let top = timeouts.first, top.deadline <= now {
            popTop()
            if let client = clients[top.id], client.blocked?.serial == top.serial { expired.append(client) }
        }
        return expired
    }

    // MARK: - The heap

    private func dropStaleTop() {
        while let top = timeouts.first, clients[top.id]?.blocked?.serial != top.serial { popTop() }
    }

    private func push(_ entry: (deadline: Int64, id: Int, serial: Int)) {
        timeouts.append(entry)
        var child = timeouts.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard timeouts[child].deadline < timeouts[parent].deadline else { break }
            timeouts.swapAt(child, parent)
            child = parent
        }
    }

    private func popTop() {
        timeouts.swapAt(0, timeouts.count - 1)
        timeouts.removeLast()
        siftDown(from: 0)
    }

    private func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < timeouts.count && timeouts[left].deadline < timeouts[smallest].deadline { smallest = left }
            if right < timeouts.count && timeouts[right].deadline < timeouts[smallest].deadline { smallest = right }
            if smallest == parent { return }
            timeouts.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Drops the entries of clients no longer blocked and restores the heap order.
    private func rebuildHeap() {
        timeouts.removeAll { clients[$0.id]?.blocked?.serial != $0.serial }
        for index in stride(from: timeouts.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}
