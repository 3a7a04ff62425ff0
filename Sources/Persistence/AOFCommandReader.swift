import RESP
import SwirlBytes

/// Where the commands read from an AOF go: the engine, which runs them
/// (`CommandReplay`, Commands/Engine/Engine+Replay.swift). Persistence knows
/// the files' format, not the commands, so it asks the sink which names exist.
public protocol CommandSink: AnyObject {
    /// Whether `name` is a command; reading stops at one that is not, as Redis's loader does.
    func isCommand(_ name: Bytes) -> Bool
    /// Runs one command.
    func apply(_ command: [Bytes])
}

/// The commands of bytes in the AOF's own format (an incremental file, what
/// follows a base file's RDB part, the rewriter's snapshot), handed to a sink
/// one at a time.
///
/// A MULTI … EXEC block goes to the sink only once its EXEC has been read,
/// without the MULTI and EXEC themselves, so a transaction cut off by a crash
/// is never half applied; the reader reports where the complete part ends.
public enum AOFCommandReader {
    public enum Failure: Error {
        /// Not RESP multibulk; `offset` is the end of the last complete command.
        case malformed(ProtocolError, offset: Int)
        /// A command the sink does not know; `offset` is just past it.
        case unknownCommand(Bytes, offset: Int)

        /// What went wrong, without the position: the decoder's text, or the unknown name.
        public var reason: String {
            switch self {
            case .malformed(let error, _): error.message
            case .unknownCommand(let name, _): "Unknown command '\(Text.truncated(name, 128))'"
            }
        }
    }

    public struct Outcome: Equatable {
        /// Commands handed to the sink.
        public var commands = 0
        /// Set when the bytes end inside a command or an open transaction.
        public var truncation: Truncation? = nil
    }

    public struct Truncation: Equatable {
        /// How many bytes hold complete commands (before an open MULTI).
        public var validLength: Int
        public var openTransaction: Bool
    }

    public static func read(_ bytes: ArraySlice<UInt8>, limits: RequestDecoder.Limits = .init(),
                            into sink: some CommandSink) throws(Failure) -> Outcome {
        var decoder = RequestDecoder(limits: limits)
        decoder.allowsInline = false
        decoder.append(contentsOf: bytes)
        var outcome = Outcome()
        var transaction: [[Bytes]]? = nil
        var transactionStart = 0
        while true {
            let command: [Bytes]?
            do {
                command = try decoder.next()
            } catch {
                throw .malformed(error, offset: decoder.endOfLastCommand)
            }
            guard let command else { break }
            if Text.equalsIgnoringCase(command[0], "MULTI") {
                transaction = []
                transactionStart = decoder.endOfLastCommand - encodedLength(command)
            } else if Text.equalsIgnoringCase(command[0], "EXEC"), let queued = transaction {
                for queuedCommand in queued { sink.apply(queuedCommand) }
                outcome.commands += queued.count
                transaction = nil
            } else if !sink.isCommand(command[0]) {
                throw .unknownCommand(command[0], offset: decoder.endOfLastCommand)
            } else if transaction != nil {
                transaction!.append(command)
            } else {
                sink.apply(command)
                outcome.commands += 1
            }
        }
        // Bytes past the last complete command mean the input was cut mid-command
        // (the decoder may already have consumed the header lines of that command).
        let incompleteTail = decoder.endOfLastCommand < bytes.count
        if incompleteTail || transaction != nil {
            outcome.truncation = Truncation(validLength: transaction != nil ? transactionStart : decoder.endOfLastCommand,
                                            openTransaction: transaction != nil)
        }
        return outcome
    }

    private static func encodedLength(_ command: [Bytes]) -> Int {
        var bytes: [UInt8] = []
        CommandEncoder.append(command, to: &bytes)
        return bytes.count
    }
}
