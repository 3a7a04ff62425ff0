import Keyspace
import Persistence
import RESP
import SwirlBytes

/// A connection MIGRATE talks to another server on, kept open between
/// MIGRATEs (Server/MigrateSockets.swift): blocking I/O bounded by the
/// command's timeout, as Redis's syncWrite/syncReadLine.
public protocol MigrateSocket: AnyObject {
    /// The database the target last SELECTed for us, -1 when unknown.
    var lastDatabase: Int { get set }
    func write(_ bytes: [UInt8], timeoutMilliseconds: Int) -> Bool
    /// One reply line without its CRLF, nil on an error or the timeout.
    func readLine(timeoutMilliseconds: Int) -> [UInt8]?
}

/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
/// [AUTH password | AUTH2 username password] [KEYS key [key ...]], as Redis
/// 7.0's migrateCommand: DUMP payloads sent as RESTORE commands (with AUTH and
/// SELECT when needed) in one write, then one reply line each; keys the
/// target acknowledged are deleted here (not with COPY) and propagated as one
/// DEL. A socket error before any reply retries once on a new connection.
/// The loop waits for the target, up to the timeout, as Redis's does.
enum MigrateCommand {
    static func spec() -> CommandSpec {
        KeyCommands.group.command(
            "migrate", -6, [.write], keys: KeyPositions(first: 3, last: 3, step: 1),
            syntax: "host port:integer key_or_empty_string:<key | empty_string:\"\"> destination-db:integer timeout:integer "
                + "[COPY]@3.0.0 [REPLACE]@3.0.0 authentication:[AUTH password@4.0.7 | AUTH2 username password@6.0.0] "
                + "[KEYS key#1 [key ...]]@3.0.6",
            "Atomically transfer a key from a Redis instance to another one.", since: "2.6.0",
            complexity: "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
            categories: ["@keyspace", "@write", "@slow", "@dangerous"], handler: migrate
        ).movingKeys(keyPositions)
    }

    /// Where the keys are: the key argument, or everything after KEYS.
    static func keyPositions(_ args: [Bytes]) -> [Int]? {
        guard args.count >= 6 else { return nil }
        var index = 6
        while index < args.count {
            if args[index].asciiLowercased == "keys" { return Array((index + 1)..<args.count) }
            let word = args[index].asciiLowercased
            index += word == "auth" ? 2 : word == "auth2" ? 3 : 1
        }
        return args[3].isEmpty ? [] : [3]
    }

    static func migrate(_ c: Client) {
        var copy = false, replace = false
        var username: Bytes? = nil, password: Bytes? = nil
        var firstKey = 3, keyCount = 1
        var index = 6
        while index < c.args.count {
            let more = c.args.count - 1 - index
            if c.argument(index, is: "COPY") {
                copy = true
            } else if c.argument(index, is: "REPLACE") {
                replace = true
            } else if c.argument(index, is: "AUTH") {
                guard more >= 1 else { return c.reply.error(Errors.syntax) }
                index += 1
                password = c.args[index]
            } else if c.argument(index, is: "AUTH2") {
                guard more >= 2 else { return c.reply.error(Errors.syntax) }
                username = c.args[index + 1]
                password = c.args[index + 2]
                index += 2
            } else if c.argument(index, is: "KEYS") {
                guard c.args[3].isEmpty else {
                    return c.reply.error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
                }
                firstKey = index + 1
                keyCount = c.args.count - index - 1
                break
            } else {
                return c.reply.error(Errors.syntax)
            }
            index += 1
        }
        guard var timeout = c.integer(at: 5), let database = c.integer(at: 4) else { return }
        if timeout <= 0 { timeout = 1000 }
        var keys: [Bytes] = []
        for position in firstKey..<(firstKey + keyCount) {
            let key = c.args[position]
            if c.db.lookup(key) != nil {
                c.engine.keyspace.stats.keyspaceHits += 1
                keys.append(key)
            } else {
                c.countMiss(key)
            }
        }
        guard !keys.isEmpty else { return c.reply.simple("NOKEY") }
        let host = String(decoding: c.args[1].array, as: UTF8.self)
        let port = Int(cAtoi(c.args[2]))
        let milliseconds = Int(clamping: timeout)
        var mayRetry = true
        while true {
            guard let socket = c.engine.hooks.migrateSocket(host, port, milliseconds) else {
                return c.reply.error("IOERR error or timeout connecting to the client")
            }
            switch exchange(c, socket, keys: keys, database: database, copy: copy, replace: replace,
                            username: username, password: password, timeout: milliseconds) {
            case .done:
                return
            case .socketError(let writing, let retry):
                c.engine.hooks.closeMigrateSocket(host, port)
                if retry && mayRetry {
                    mayRetry = false
                    continue
                }
                return c.reply.error("IOERR error or timeout \(writing ? "writing" : "reading") to target instance")
            }
        }
    }

    enum Outcome {
        case done
        /// `retry`: nothing reached the target's keyspace, so sending again is safe.
        case socketError(writing: Bool, retry: Bool)
    }

    private static func exchange(_ c: Client, _ socket: MigrateSocket, keys: [Bytes], database: Int64, copy: Bool,
                                 replace: Bool, username: Bytes?, password: Bytes?, timeout: Int) -> Outcome {
        var request: [UInt8] = []
        if let password {
            CommandEncoder.append(username.map { ["AUTH", $0, password] } ?? ["AUTH", password], to: &request)
        }
        let select = socket.lastDatabase != Int(clamping: database)
        if select { CommandEncoder.append(["SELECT", ByteNumbers.decimal(database)], to: &request) }
        let now = Keyspace.clockMilliseconds()
        var sent: [Bytes] = []
        for key in keys {
            guard let value = c.db.peek(key) else { continue }
            var ttl: Int64 = 0
            if let expireAt = c.db.expireTime(of: key) {
                ttl = expireAt - now
                if ttl < 0 { continue }
                if ttl < 1 { ttl = 1 }
            }
            let payload = Bytes(DumpPayload.make(value, compression: c.engine.config.rdbCompression))
            CommandEncoder.append(["RESTORE", key, ByteNumbers.decimal(ttl), payload] + (replace ? ["REPLACE"] : []), to: &request)
            sent.append(key)
        }
        guard socket.write(request, timeoutMilliseconds: timeout) else { return .socketError(writing: true, retry: true) }
        var authReply: [UInt8]? = nil, selectReply: [UInt8]? = nil
        if password != nil {
            guard let line = socket.readLine(timeoutMilliseconds: timeout) else { return .socketError(writing: false, retry: true) }
            authReply = line
        }
        if select {
            guard let line = socket.readLine(timeoutMilliseconds: timeout) else { return .socketError(writing: false, retry: true) }
            selectReply = line
        }
        var targetError: [UInt8]? = nil
        var moved: [Bytes] = []
        var socketError = false
        for (position, key) in sent.enumerated() {
            guard let line = socket.readLine(timeoutMilliseconds: timeout) else {
                socketError = true
                if position == 0 && targetError == nil { return .socketError(writing: false, retry: true) }
                break
            }
            let failed = [authReply, selectReply, line].first { $0?.first == UInt8(ascii: "-") } ?? nil
            if let failed {
                if targetError == nil {
                    socket.lastDatabase = -1
                    targetError = Array(failed.dropFirst())
                }
            } else if !copy {
                c.db.delete(key)
                c.engine.notify(.generic, .del, key, db: c.db.id)
                c.engine.dirty += 1
                moved.append(key)
            }
        }
        if !copy && !moved.isEmpty {
            c.propagate(as: ["DEL"] + moved)
        } else {
            c.propagateNothing()
        }
        if let targetError {
            c.reply.error("ERR Target instance replied with error: \(raw: Bytes(targetError))" as ErrorText)
            return .done
        }
        if socketError { return .socketError(writing: false, retry: false) }
        socket.lastDatabase = Int(clamping: database)
        c.reply.ok()
        return .done
    }

    /// C's atoi, as Redis reads the port: leading digits, 0 when none.
    private static func cAtoi(_ bytes: Bytes) -> Int32 {
        var value: Int32 = 0, index = 0, negative = false
        let array = bytes.array
        while index < array.count && (array[index] == 32 || (array[index] >= 9 && array[index] <= 13)) { index += 1 }
        if index < array.count && (array[index] == UInt8(ascii: "-") || array[index] == UInt8(ascii: "+")) {
            negative = array[index] == UInt8(ascii: "-")
            index += 1
        }
        while index < array.count && array[index] >= 48 && array[index] <= 57 {
            value = value &* 10 &+ Int32(array[index] - 48)
            index += 1
        }
        return negative ? 0 &- value : value
    }
}
