#if canImport(Glibc)
import Glibc
#endif
import SwirlBytes

/// Why a client's input cannot be decoded. The text follows Redis's
/// `Protocol error: ` prefix and is sent back before the connection closes.
public struct ProtocolError: Error, Equatable, Sendable {
    /// The text after the prefix, as bytes: a byte echoed from the input stays as it came.
    public let text: ErrorText
    public init(_ message: String) { text = ErrorText(message) }
    public init(_ text: ErrorText) { self.text = text }
    /// For logs and tests.
    public var message: String { text.description }
    public var reply: ErrorText { "ERR Protocol error: \(text)" }
}

/// Streaming decoder of client requests: RESP multibulk frames and inline
/// commands, fed any slicing of the byte stream.
///
/// Invariant: `buffer[readIndex...]` holds the bytes not yet consumed. A
/// multibulk frame in progress keeps its decoded arguments in `partialArgs`,
/// so a frame split over many reads is never re-parsed from its start: the
/// cost of decoding is linear in the bytes received, whatever the split.
public struct RequestDecoder: Sendable {
    public struct Limits: Sendable {
        public var maxBulkLength: Int
        public var maxInlineLength: Int
        public init(maxBulkLength: Int = 512 * 1024 * 1024, maxInlineLength: Int = 64 * 1024) {
            self.maxBulkLength = maxBulkLength
            self.maxInlineLength = maxInlineLength
        }
        /// While a password is required and not yet given, Redis (its fix for
        /// CVE-2021-32675) refuses frames of more arguments or longer bulks than these.
        public static let unauthenticatedMaxArguments = 10
        public static let unauthenticatedMaxBulkLength = 16 * 1024
    }

    public var limits: Limits
    /// Set by the connection before each command while its client must still
    /// authenticate: the `unauthenticated…` limits then apply.
    public var unauthenticated = false
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var argsExpected = 0       // arguments still missing in the current multibulk
    private var bulkLength = -1        // length of the bulk being read, -1 before its header
    private var partialArgs: [Bytes] = []
    private var partialBytes = 0       // bytes of `partialArgs` decoded by the general path
    private var droppedCount = 0       // bytes removed from the front of `buffer` so far
    private var reserveOnAppend = 0    // room a large bulk still needs, reserved when its bytes arrive
    /// Whether a line not starting with `*` is an inline command (clients) or an error (the AOF).
    public var allowsInline = true

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Stream offset just past the last command returned: where a truncated
    /// AOF is cut back to.
    public private(set) var endOfLastCommand = 0
    /// Stream offset of the frame being read, and of the last command returned
    /// when it was a canonical multibulk frame (-1 otherwise): see `lastCommandFrame`.
    private var frameStart = 0
    private var lastFrameStart = -1
    /// False once the frame being read has a line not ended by CRLF (accepted, as Redis does).
    private var frameIsCanonical = true

    /// Bytes received but not yet turned into commands (Redis's `qbuf`).
    public var bufferedCount: Int { buffer.count - readIndex }
    /// Room left in the buffer before it must grow (Redis's `qbuf-free`).
    public var freeCapacity: Int { buffer.capacity - buffer.count }
    /// What the decoder holds: its buffer and the arguments of a frame still
    /// arriving (client eviction counts them, as Redis counts its querybuf and argv).
    public var allocatedBytes: Int {
        buffer.capacity + partialBytes + partialArgs.capacity * MemoryLayout<Bytes>.stride
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        prepareForAppend()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
        prepareForAppend()
        buffer.append(contentsOf: bytes)
    }

    /// Gives back the memory of a buffer that a large request grew, once all of
    /// it is consumed (Redis's query buffer is small again after a big argument):
    /// otherwise an idle client would hold its largest request for ever, and
    /// count it against `maxmemory-clients`. Call it only outside an input
    /// batch: the frames' stream offsets stay valid, their bytes do not.
    /// True when it freed something.
    @discardableResult
    public mutating func releaseIfIdle(above threshold: Int) -> Bool {
        guard readIndex == buffer.count, argsExpected == 0, buffer.capacity > threshold else { return false }
        droppedCount += readIndex
        readIndex = 0
        buffer = []
        return true
    }

    /// The only place buffered bytes move or are dropped: so the stream offsets
    /// `lastCommandFrame` gives stay valid until the next `append`.
    private mutating func prepareForAppend() {
        compact()
        if reserveOnAppend > 0 {
            buffer.reserveCapacity(buffer.count + reserveOnAppend)
            reserveOnAppend = 0
        }
    }

    /// The next complete command, or nil when more bytes are needed.
    public mutating func next() throws(ProtocolError) -> [Bytes]? {
        var command: [Bytes] = []
        return try next(into: &command) ? command : nil
    }

    /// Decodes the next complete command into `command` (replacing its
    /// contents, reusing its storage); false when more bytes are needed.
    /// A connection passes the same array every time, so the argument list
    /// costs no allocation per command.
    public mutating func next(into command: inout [Bytes]) throws(ProtocolError) -> Bool {
        while true {
            if argsExpected == 0 {
                guard readIndex < buffer.count else { return false }
                if buffer[readIndex] == UInt8(ascii: "*") {
                    if !unauthenticated && decodeWholeFrame() {
                        handOver(into: &command)
                        return true
                    }
                    frameStart = droppedCount + readIndex
                    frameIsCanonical = true
                    guard try readMultibulkHeader() else { return false }
                    if argsExpected == 0 { continue }  // `*0` and `*-1` are skipped, as Redis does
                } else {
                    guard allowsInline else {
                        throw ProtocolError("expected '*', got '\(byte: buffer[readIndex])'" as ErrorText)
                    }
                    guard let line = try readInlineLine() else { return false }
                    if line.isEmpty { continue }
                    endOfLastCommand = droppedCount + readIndex
                    lastFrameStart = -1
                    command = line
                    return true
                }
            }
            guard try readBulks() else { return false }
            lastFrameStart = frameIsCanonical ? frameStart : -1
            handOver(into: &command)
            return true
        }
    }

    /// Hands over the finished arguments and keeps the caller's old array as the next scratch.
    @inline(__always)
    private mutating func handOver(into command: inout [Bytes]) {
        swap(&command, &partialArgs)
        clearPartialArgs()
        endOfLastCommand = droppedCount + readIndex
    }

    /// One element at a time: `removeAll(keepingCapacity:)` takes a generic path
    /// costing about 200 instructions per command.
    @inline(__always)
    private mutating func clearPartialArgs() {
        while !partialArgs.isEmpty { partialArgs.removeLast() }
        partialBytes = 0
    }

    /// The common case in one pass over raw memory: a whole multibulk frame in
    /// canonical form (every line ended by CRLF, lengths plain digits) already in
    /// the buffer. On success the arguments are in `partialArgs` and `readIndex`
    /// is past the frame. Anything else (a frame still arriving, an odd or invalid
    /// header) returns false with the state as it was, for the general path
    /// below, which also produces the errors. It runs once per frame start, so a
    /// frame arriving over many reads is still decoded in linear time.
    private mutating func decodeWholeFrame() -> Bool {
        let start = readIndex, maxBulk = limits.maxBulkLength
        var end = -1
        buffer.withUnsafeBytes { raw in
            var position = start + 1
            guard var remaining = Self.lineNumber(raw, &position), remaining > 0 else { return }
            while remaining > 0 {
                guard position < raw.count, raw[position] == UInt8(ascii: "$") else { return }
                position += 1
                guard let length = Self.lineNumber(raw, &position), length <= maxBulk,
                      raw.count - position >= length + 2,
                      raw.loadUnaligned(fromByteOffset: position + length, as: UInt16.self) == UInt16(littleEndian: 0x0a0d)
                else { return }
                partialArgs.append(Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[position..<(position + length)])))
                position += length + 2
                remaining -= 1
            }
            end = position
        }
        guard end >= 0 else {
            clearPartialArgs()
            return false
        }
        lastFrameStart = droppedCount + start
        readIndex = end
        return true
    }

    /// Reads `<digits>\r\n` at `position` and moves past it; nil unless the
    /// line is exactly that and complete (1 to 18 digits: no sign, no overflow,
    /// no leading zero).
    @inline(__always)
    private static func lineNumber(_ raw: UnsafeRawBufferPointer, _ position: inout Int) -> Int? {
        var value = 0, index = position
        let limit = Swift.min(raw.count, position + 18)
        while index < limit {
            let digit = raw[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            value = value &* 10 &+ Int(digit)
            index += 1
        }
        guard index > position, index + 1 < raw.count, raw[index] == 0x0d, raw[index + 1] == 0x0a,
              raw[position] != UInt8(ascii: "0") || index == position + 1  // leading zeros: the general path decides
        else { return nil }
        position = index + 2
        return value
    }

    /// Stream offsets of the last command returned, when its bytes are a
    /// multibulk frame in canonical form (what `CommandEncoder` would produce
    /// from its arguments) still whole in the buffer; nil otherwise (inline
    /// commands, a line not ended by CRLF, a frame whose start was compacted
    /// away before it completed). The AOF copies these bytes (`copyFrames`)
    /// instead of encoding the arguments again.
    public var lastCommandFrame: Range<Int>? {
        // -1 (not canonical) is below any droppedCount too.
        lastFrameStart >= droppedCount ? lastFrameStart..<endOfLastCommand : nil
    }

    /// Appends the received bytes at stream offsets `frames` (from
    /// `lastCommandFrame`, before any `append` since) to `target`.
    public func copyFrames(_ frames: Range<Int>, into target: inout [UInt8]) {
        let start = frames.lowerBound - droppedCount, end = frames.upperBound - droppedCount
        precondition(start >= 0 && end <= buffer.count, "frames dropped before they were copied")
        buffer.withUnsafeBytes { target.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    // MARK: - Multibulk

    /// Reads `*<count>\r\n`; false when the line is not complete yet.
    private mutating func readMultibulkHeader() throws(ProtocolError) -> Bool {
        guard let lineEnd = findLineEnd(0x0d, from: readIndex) else {
            if bufferedCount > limits.maxInlineLength { throw ProtocolError("too big mbulk count string") }
            return false
        }
        guard lineEnd + 1 < buffer.count else { return false }
        let count = number(from: readIndex + 1, to: lineEnd)
        guard let count, count <= Int64(Int32.max) else { throw ProtocolError("invalid multibulk length") }
        if unauthenticated && count > Int64(Limits.unauthenticatedMaxArguments) {
            throw ProtocolError("unauthenticated multibulk length")
        }
        if buffer[lineEnd + 1] != 0x0a { frameIsCanonical = false }
        readIndex = lineEnd + 2
        argsExpected = max(0, Int(count))
        bulkLength = -1
        partialArgs.reserveCapacity(min(argsExpected, 1024))
        return true
    }

    /// Reads as many `$<len>\r\n<bytes>\r\n` arguments as are complete; true once all are.
    private mutating func readBulks() throws(ProtocolError) -> Bool {
        while argsExpected > 0 {
            if bulkLength < 0 {
                guard readIndex < buffer.count else { return false }
                guard let lineEnd = findLineEnd(0x0d, from: readIndex) else {
                    if bufferedCount > limits.maxInlineLength { throw ProtocolError("too big bulk count string") }
                    return false
                }
                guard lineEnd + 1 < buffer.count else { return false }
                let marker = buffer[readIndex]
                guard marker == UInt8(ascii: "$") else {
                    throw ProtocolError("expected '$', got '\(byte: marker)'" as ErrorText)
                }
                let length = number(from: readIndex + 1, to: lineEnd)
                guard let length, length >= 0, length <= Int64(limits.maxBulkLength) else {
                    throw ProtocolError("invalid bulk length")
                }
                if unauthenticated && length > Int64(Limits.unauthenticatedMaxBulkLength) {
                    throw ProtocolError("unauthenticated bulk length")
                }
                if buffer[lineEnd + 1] != 0x0a { frameIsCanonical = false }
                readIndex = lineEnd + 2
                bulkLength = Int(length)
                // Large values arrive in many reads: reserve once so assembling them stays linear.
                // No `bulkLength + 2`: with proto-max-bulk-len at its maximum a length near Int.max
                // would overflow (Redis aborts there); the reservation is capped, and such a
                // client waits until the query buffer limit closes it.
                let needed = bulkLength - bufferedCount
                if needed > -2 && bulkLength >= 32 * 1024 { reserveOnAppend = min(needed, Self.largestReservation) + 2 }
            }
            guard bufferedCount - 2 >= bulkLength else { return false }
            let start = readIndex, length = bulkLength
            let (argument, endsWithCRLF) = buffer.withUnsafeBytes { raw in
                (Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])),
                 raw.loadUnaligned(fromByteOffset: start + length, as: UInt16.self) == UInt16(littleEndian: 0x0a0d))
            }
            partialArgs.append(argument)
            partialBytes += length
            if !endsWithCRLF { frameIsCanonical = false }
            readIndex += bulkLength + 2
            bulkLength = -1
            argsExpected -= 1
        }
        return true
    }

    // MARK: - Inline

    /// Reads one inline command line; nil when the newline has not arrived.
    private mutating func readInlineLine() throws(ProtocolError) -> [Bytes]? {
        let start = readIndex
        guard let newline = findLineEnd(0x0a, from: start) else {
            if bufferedCount > limits.maxInlineLength { throw ProtocolError("too big inline request") }
            return nil
        }
        var end = newline
        if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        readIndex = newline + 1
        // Most inline commands (PING, redis-benchmark's inline tests) have no
        // quotes or unusual bytes: split them on blanks straight from the buffer.
        // (A line holds no NUL: `findLineEnd` stops there.)
        let plain = !buffer[start..<end].contains {
            $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == 0x0b || $0 == 0x0c
        }
        if plain { return splitPlain(start, end) }
        guard let args = InlineSplitter.split(buffer[start..<end]) else {
            throw ProtocolError("unbalanced quotes in request")
        }
        return args.map { Bytes($0) }
    }

    /// The words of a line without quotes, VT or FF, split where `sdssplitargs` splits.
    private func splitPlain(_ start: Int, _ end: Int) -> [Bytes] {
        buffer.withUnsafeBytes { raw -> [Bytes] in
            var words: [Bytes] = []
            var index = start
            while index < end {
                while index < end && Self.isSeparator(raw[index]) { index += 1 }
                let wordStart = index
                while index < end && !Self.isSeparator(raw[index]) { index += 1 }
                if index > wordStart { words.append(Bytes(copying: UnsafeRawBufferPointer(rebasing: raw[wordStart..<index]))) }
            }
            return words
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }

    // MARK: - Buffer

    /// The most a bulk header reserves ahead: 1 GB, the default client-query-buffer-limit.
    static let largestReservation = 1 << 30

    /// Where the line starting at `start` ends (its `terminator`), or nil when
    /// it has not arrived. Client input is searched as Redis searches its query
    /// buffer, with `strchr`: a NUL ends the search, so a line with a NUL before
    /// its terminator waits for more input until it is too big (Redis's
    /// networking.c). The AOF (no inline commands) is read as bytes.
    private func findLineEnd(_ terminator: UInt8, from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        let stopsAtNUL = allowsInline
        return buffer.withUnsafeBytes { raw -> Int? in
            let base = raw.baseAddress!
            guard let found = memchr(base + start, Int32(terminator), raw.count - start) else { return nil }
            let end = base.distance(to: UnsafeRawPointer(found))
            if stopsAtNUL && memchr(base + start, 0, end - start) != nil { return nil }
            return end
        }
    }

    private func number(from start: Int, to end: Int) -> Int64? {
        buffer.withUnsafeBytes { ByteNumbers.parseInt64(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Drops consumed bytes; cheap because it runs only when they dominate the buffer.
    private mutating func compact() {
        if readIndex == 0 { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
        } else {
            return
        }
        droppedCount += readIndex
        readIndex = 0
    }
}
