import Commands
import Keyspace
import Persistence
import RESP
import SwirlBytes

/// Fuzz inputs run against an in-process engine the way the Server runs
/// connections, without sockets: bytes go through each client's
/// `RequestDecoder` (RESP or inline), every complete command through
/// `Engine.execute`, and what each client would receive is checked to be
/// well-formed RESP, as is the AOF stream. A Swift trap, a failed check or a
/// sanitizer report ends the process, which is what libFuzzer records.
///
/// Input format: the bytes are a stream for client 0 until a two-byte marker
/// `0xFE` + a control byte:
/// - `'0'`…`'3'`: what follows goes to that client (a closed client reconnects);
/// - `'c'`: a cron tick (active expiry, blocking timeouts, the end of a CLIENT
///   PAUSE, what the Server does before sleeping);
/// - `'x'`: the current client's connection closes (blocked, subscribed,
///   tracking, paused or in MULTI, whatever it was).
/// Any other byte after `0xFE` is data.
///
/// One engine serves every input of a process: building one (its command
/// table) costs 1.6 ms, which held the fuzzer near 500 runs a second. Between
/// inputs `reset` puts it back as it started: clients closed, data flushed,
/// configuration, pause, slow log and latency events back to their starting
/// values. What remains is what only INFO and DEBUG show (statistics, the
/// DEBUG RELOAD snapshot: resetting them costs more than a typical input),
/// and client ids, which keep growing as in a server.
public final class FuzzSession {
    static let clientCount = 4
    static let marker: UInt8 = 0xFE

    let engine: Engine
    private var connections: [FuzzConnection] = []
    /// The configuration as the session set it up, restored after each input.
    private let initialConfig: [(name: String, value: String)]

    nonisolated(unsafe) static let shared = FuzzSession()

    init() {
        let config = Config()
        // Small enough that SETRANGE, APPEND and LCS stay fast (FuzzBounds keeps them there).
        config.set("proto-max-bulk-len", "1mb")
        config.set("client-query-buffer-limit", "1mb")
        // Per-command histograms only grow over a run, and INFO then formats them all: off
        // unless an input turns it on (the reset turns it off again).
        config.set("latency-tracking", "no")
        // Scripts: a loop that never ends must not hang the fuzzer. Past 10 ms a
        // script is busy, and the busy poll (which a Server uses to serve other
        // clients) stops it at once, written or not (Scripting+Busy.swift).
        config.set("busy-reply-threshold", "10")
        initialConfig = Config.parameters.map { ($0.name, config.displayValue($0.name)) }
        engine = Engine(config: config)
        engine.propagating = true
        engine.hooks.keyspaceSnapshot = { [unowned engine] in RDBWriter.file(engine.keyspace, aux: [], now: engine.keyspace.now) }
        // CLIENT KILL: as in the Server, the client leaves the blocking queues at once
        // and the engine forgets it once the current command is over.
        engine.hooks.closeClient = { [unowned self] id in
            guard let connection = self.connections.first(where: { $0.client.id == id }) else { return }
            connection.killed = true
            self.engine.blocking.remove(connection.client)
        }
        // The resident set size is a /proc read per call: slow, and meaningless here.
        engine.hooks.usedMemory = { 0 }
        engine.hooks.scriptBusyPoll = { [unowned engine] _ in engine.scripting.abandonRunningScript() }
    }

    /// Runs one input from start to end on the shared engine, then resets it.
    public static func run(_ input: UnsafeRawBufferPointer) {
        shared.runOne(input)
    }

    public static func run(_ input: [UInt8]) {
        input.withUnsafeBytes { run($0) }
    }

    func runOne(_ input: UnsafeRawBufferPointer) {
        connections = (0..<Self.clientCount).map { _ in FuzzConnection(engine) }
        feed(input)
        for connection in connections { connection.close(engine) }
        afterEvents()
        reset()
    }

    /// Puts the engine back as `init` left it (see the type's comment).
    private func reset() {
        for (name, value) in initialConfig where engine.config.displayValue(name) != value {
            engine.config.set(name, value)
        }
        engine.endPause()
        // A client made now is authenticated: requirepass is back to empty.
        let maintenance = engine.makeClient()
        for command: [Bytes] in [["CONFIG", "SET", "hz", Bytes(engine.config.displayValue("hz"))],  // applies the rest
                                 ["FLUSHALL"], ["SCRIPT", "FLUSH"], ["SLOWLOG", "RESET"], ["LATENCY", "RESET"],
                                 ["DEBUG", "SET-ACTIVE-EXPIRE", "1"], ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"]] {
            maintenance.args = command
            engine.execute(maintenance)
        }
        // The next input must find the engine as the first one did: a reset that
        // missed something (a pause, a password) would silently cost all coverage.
        maintenance.args = ["DBSIZE"]
        _ = maintenance.reply.take()
        engine.execute(maintenance)
        guard maintenance.reply.take() == Array(":0\r\n".utf8) else { fatalError("the reset between inputs is incomplete") }
        _ = engine.blocking.takeUnblocked()
        engine.aofBuffer = []
        engine.resetAOFSelection()
    }

    func feed(_ input: UnsafeRawBufferPointer) {
        var current = 0
        var chunkStart = 0
        var index = 0
        while index + 1 < input.count {
            guard input[index] == Self.marker else {
                index += 1
                continue
            }
            let control = input[index + 1]
            let target: Int
            switch control {
            case UInt8(ascii: "0")...UInt8(ascii: "3"): target = Int(control - UInt8(ascii: "0"))
            case UInt8(ascii: "c"), UInt8(ascii: "x"): target = current
            default:
                index += 1
                continue
            }
            deliver(UnsafeRawBufferPointer(rebasing: input[chunkStart..<index]), to: current)
            if control == UInt8(ascii: "c") { cronTick() }
            if control == UInt8(ascii: "x") { connections[current].close(engine) }
            current = target
            index += 2
            chunkStart = index
        }
        deliver(UnsafeRawBufferPointer(rebasing: input[chunkStart...]), to: current)
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer, to index: Int) {
        guard !bytes.isEmpty else { return }
        if connections[index].closed { connections[index] = FuzzConnection(engine) }
        connections[index].receive(bytes, engine)
        afterEvents()
    }

    /// What the Server does between reads: blocked clients whose command completed
    /// run what they sent meanwhile; output others' commands produced is checked.
    private func afterEvents() {
        var unblocked = engine.blocking.takeUnblocked()
        while !unblocked.isEmpty {
            for client in unblocked {
                guard let connection = connections.first(where: { $0.client === client }), !connection.closed else { continue }
                engine.runPostponedCommand(client)
                connection.processInput(engine)
            }
            unblocked = engine.blocking.takeUnblocked()
        }
        engine.beforeSleep()
        _ = engine.takeClientsWithOutput()
        _ = engine.pubsub.takeReceivers()
        for connection in connections where !connection.closed { connection.checkOutput(engine) }
        checkAOF()
    }

    private func cronTick() {
        engine.expireBlockedClients()
        if engine.activeExpireEnabled {
            engine.keyspace.activeExpireCycle(budgetMicroseconds: 1000, hz: engine.config.hz)
        }
        afterEvents()
    }

    /// The AOF stream must decode into whole commands the table knows.
    private func checkAOF() {
        let stream = engine.aofBuffer
        guard !stream.isEmpty else { return }
        engine.aofBuffer = []
        var decoder = RequestDecoder(limits: .init(maxBulkLength: Int.max / 2))
        decoder.allowsInline = false
        decoder.append(contentsOf: stream)
        do {
            while let command = try decoder.next() {
                guard engine.table.lookup(command[0]) != nil else {
                    fatalError("AOF logged an unknown command: \(Text.truncated(command[0], 64))")
                }
            }
        } catch {
            fatalError("AOF stream is not RESP: \(error.message)")
        }
        if decoder.bufferedCount != 0 { fatalError("AOF stream ends inside a command") }
    }

}

/// One client's side of a connection: its decoder and what it received.
final class FuzzConnection: ReceivedFrames {
    let client: Client
    private var decoder: RequestDecoder
    private(set) var closed = false
    /// Set by CLIENT KILL: the connection closes after the current command.
    var killed = false

    init(_ engine: Engine) {
        client = engine.connect()
        decoder = RequestDecoder(limits: .init(maxBulkLength: engine.config.protoMaxBulkLen))
    }

    func copyFrames(_ frames: Range<Int>, into buffer: inout [UInt8]) {
        decoder.copyFrames(frames, into: &buffer)
    }

    func receive(_ bytes: UnsafeRawBufferPointer, _ engine: Engine) {
        decoder.append(bytes)
        processInput(engine)
        if decoder.bufferedCount > engine.queryBufferLimit { close(engine) }
    }

    /// Connection.processInput without the socket: stops at a protocol error,
    /// a command that ends the connection, or one that blocks.
    func processInput(_ engine: Engine) {
        guard !closed else { return }
        engine.beginInput(from: self)
        defer { engine.endInput() }
        while !client.closeAfterReply && !client.isBlocked {
            let complete: Bool
            do {
                complete = try decoder.next(into: &client.args)
            } catch {
                client.reply.error(error.reply)
                client.closeAfterReply = true
                break
            }
            guard complete else { break }
            if FuzzBounds.skips(client.args) { continue }
            engine.execute(client, receivedAs: decoder.lastCommandFrame)
        }
        client.args.removeAll(keepingCapacity: true)
    }

    /// The bytes this client would be sent now must be whole RESP frames.
    func checkOutput(_ engine: Engine) {
        let output = client.reply.take()
        do {
            try ReplyValidator.validate(output)
        } catch {
            let around = output[max(0, error.offset - 200)..<min(output.count, error.offset + 200)]
            fatalError("client \(client.id): \(error), around it: \(String(decoding: around, as: UTF8.self).debugDescription)")
        }
        if client.closeAfterReply || client.closeASAP || killed { close(engine) }
    }

    func close(_ engine: Engine) {
        guard !closed else { return }
        closed = true
        engine.blocking.remove(client)
        engine.disconnect(client)
    }
}
