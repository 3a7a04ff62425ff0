import SwirlBytes

/// A client's pending reply bytes, encoded in RESP2 or RESP3.
///
/// Handlers describe replies by type (map, set, double, null …); this type
/// picks the wire form for the connection's protocol, so no handler needs to
/// know which protocol its client speaks.
public struct ReplyBuffer: Sendable {
    public var bytes: [UInt8] = []
    /// 2 or 3, as negotiated by HELLO.
    public var protocolVersion: Int = 2

    public init(protocolVersion: Int = 2) {
        self.protocolVersion = protocolVersion
    }

    public var isEmpty: Bool { bytes.isEmpty }
    public var count: Int { bytes.count }
    public var isRESP3: Bool { protocolVersion >= 3 }

    @inline(__always)
    private mutating func crlf() {
        bytes.append(0x0d)
        bytes.append(0x0a)
    }

    /// `<marker><decimal>\r\n` (integers, lengths), laid out in a scratch
    /// tuple back to front and appended at once: one capacity check instead
    /// of one per byte.
    @inline(__always)
    private mutating func header(_ marker: UInt8, _ value: Int) {
        var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes; at most 23 are used
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var start = 30
            buffer[30] = 0x0d
            buffer[31] = 0x0a
            var magnitude = value.magnitude
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            start -= 1
            buffer[start] = marker
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    public mutating func ok() { bytes.append(contentsOf: Self.okBytes) }
    private static let okBytes: [UInt8] = Array("+OK\r\n".utf8)
    /// PING's reply, the commonest health check: prebuilt like `+OK` (`simple` walks a String).
    public mutating func pong() { bytes.append(contentsOf: Self.pongBytes) }
    private static let pongBytes: [UInt8] = Array("+PONG\r\n".utf8)

    public mutating func simple(_ text: String) {
        bytes.append(UInt8(ascii: "+"))
        bytes.append(contentsOf: text.utf8)
        crlf()
    }

    /// `message` starts with its code, as in `ERR syntax error` or `WRONGTYPE …`.
    public mutating func error(_ message: String) { error(bytes: message.utf8) }

    /// An error echoing a client's bytes (ErrorText.swift).
    public mutating func error(_ message: ErrorText) { error(bytes: message.bytes) }

    private mutating func error<C: Collection>(bytes message: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: "-"))
        // Redis turns newlines in error text into spaces so the frame stays one line.
        for byte in message { bytes.append(byte == 0x0d || byte == 0x0a ? 0x20 : byte) }
        crlf()
    }

    public mutating func integer(_ value: Int) { header(UInt8(ascii: ":"), value) }
    public mutating func integer(_ value: Int64) { header(UInt8(ascii: ":"), Int(value)) }

    public mutating func bulk<C: Collection>(_ value: C) where C.Element == UInt8 {
        header(UInt8(ascii: "$"), value.count)
        bytes.append(contentsOf: value)
        crlf()
    }

    public mutating func bulk(_ text: String) { bulk(Array(text.utf8)) }

    /// Borrowed bytes (a stream entry's field or value read in place): one copy,
    /// without the generic path's per-call overhead across modules.
    public mutating func bulk(_ raw: UnsafeRawBufferPointer) {
        header(UInt8(ascii: "$"), raw.count)
        bytes.append(contentsOf: raw)
        crlf()
    }

    public mutating func bulk(_ value: Bytes) {
        header(UInt8(ascii: "$"), value.count)
        value.withUnsafeBytes { bytes.append(contentsOf: $0) }
        crlf()
    }

    /// The null bulk string (RESP2 `$-1`, RESP3 `_`).
    public mutating func null() {
        bytes.append(contentsOf: isRESP3 ? Self.resp3Null : Self.nullBulk)
    }

    /// The null array (RESP2 `*-1`, RESP3 `_`).
    public mutating func nullArray() {
        bytes.append(contentsOf: isRESP3 ? Self.resp3Null : Self.nullMultiBulk)
    }
    private static let nullBulk: [UInt8] = Array("$-1\r\n".utf8)
    private static let nullMultiBulk: [UInt8] = Array("*-1\r\n".utf8)
    private static let resp3Null: [UInt8] = Array("_\r\n".utf8)

    public mutating func array(_ count: Int) { header(UInt8(ascii: "*"), count) }

    /// A map of `count` pairs: RESP3 `%`, or a flat array of keys and values in RESP2.
    public mutating func map(_ count: Int) {
        if isRESP3 { header(UInt8(ascii: "%"), count) } else { header(UInt8(ascii: "*"), count * 2) }
    }

    /// A set: RESP3 `~`, an array in RESP2.
    public mutating func set(_ count: Int) {
        header(isRESP3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), count)
    }

    /// A push frame (pub/sub messages): RESP3 `>`, an array in RESP2.
    public mutating func push(_ count: Int) {
        header(isRESP3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), count)
    }

    /// A double: RESP3 `,`, a bulk string in RESP2, printed as Redis 7.0 does (`%.17g`).
    public mutating func double(_ value: Double) {
        let text = ByteNumbers.formatDouble(value)
        if isRESP3 {
            bytes.append(UInt8(ascii: ","))
            bytes.append(contentsOf: text)
            crlf()
        } else {
            bulk(text)
        }
    }

    /// A boolean: RESP3 `#t`/`#f`, the integer 1/0 in RESP2.
    public mutating func boolean(_ value: Bool) {
        if isRESP3 {
            bytes.append(contentsOf: value ? Array("#t\r\n".utf8) : Array("#f\r\n".utf8))
        } else {
            integer(value ? 1 : 0)
        }
    }

    /// Verbatim text (INFO, CLIENT LIST …): RESP3 `=` with a `txt:` prefix, a bulk string in RESP2.
    public mutating func verbatim(_ text: [UInt8]) {
        if isRESP3 {
            header(UInt8(ascii: "="), text.count + 4)
            bytes.append(contentsOf: Array("txt:".utf8))
            bytes.append(contentsOf: text)
            crlf()
        } else {
            bulk(text)
        }
    }

    /// A big number (its decimal digits): RESP3 `(`, a bulk string in RESP2.
    public mutating func bigNumber(_ digits: String) {
        if isRESP3 {
            bytes.append(UInt8(ascii: "("))
            bytes.append(contentsOf: digits.utf8)
            crlf()
        } else {
            bulk(digits)
        }
    }

    /// The header of RESP3 attributes (`count` key/value pairs) that precede a reply;
    /// RESP2 has no attributes, so the caller sends the pairs only when `isRESP3`.
    public mutating func attribute(_ count: Int) {
        precondition(isRESP3, "attributes exist only in RESP3")
        header(UInt8(ascii: "|"), count)
    }

    /// Bytes already encoded (a cached reply, or an AOF-style frame).
    public mutating func raw<C: Collection>(_ encoded: C) where C.Element == UInt8 {
        bytes.append(contentsOf: encoded)
    }

    /// Takes the pending bytes, leaving the buffer empty with its capacity.
    public mutating func take() -> [UInt8] {
        let taken = bytes
        bytes.removeAll(keepingCapacity: true)
        return taken
    }
}

/// Encodes a command as a RESP multibulk frame, the form the AOF stores.
///
/// This runs once per write command when the AOF is on, so it is written for
/// speed (measured with callgrind: the per-byte `append` version cost ~1,100
/// instructions for `SET key abc`): the frame's exact size is computed first,
/// the output grows at most once (geometrically), and the headers and short
/// arguments are assembled in a stack scratch and appended in one piece. A long
/// argument is appended straight from its storage, never through the scratch.
public enum CommandEncoder {
    /// Arguments longer than this skip the scratch (one copy, not two).
    static let directThreshold = 256
    static let scratchSize = 1024

    public static func append(_ args: [Bytes], to out: inout [UInt8]) {
        var size = 3 + decimalLength(args.count)
        for arg in args {
            let count = arg.count
            size += 5 + decimalLength(count) + count
        }
        reserve(size, in: &out)
        withUnsafeTemporaryAllocation(byteCount: scratchSize, alignment: 8) { scratch in
            var frame = FrameWriter(scratch: scratch.baseAddress!)
            frame.header(UInt8(ascii: "*"), args.count, flushingInto: &out)
            for arg in args {
                frame.header(UInt8(ascii: "$"), arg.count, flushingInto: &out)
                arg.withUnsafeBytes { frame.payload($0, flushingInto: &out) }
                frame.crlf(flushingInto: &out)
            }
            frame.flush(into: &out)
        }
    }

    /// Any byte collections (tests, start-up code): the same frame through the `Bytes` path.
    public static func append<C: Collection>(_ args: [C], to out: inout [UInt8]) where C.Element == UInt8 {
        append(args.map { Bytes($0) }, to: &out)
    }

    /// Digits of a non-negative count.
    @inline(__always)
    static func decimalLength(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 { rest /= 10; digits += 1 }
        return digits
    }

    /// Room for `size` more bytes, growing by doubling (Array's `reserveCapacity`
    /// alone grows to the exact size, which would make repeated calls quadratic).
    @inline(__always)
    static func reserve(_ size: Int, in out: inout [UInt8]) {
        let needed = out.count + size
        if needed > out.capacity { out.reserveCapacity(Swift.max(needed, out.capacity * 2)) }
    }

    /// Fills the scratch and appends it to the output when full or at the end.
    struct FrameWriter {
        let scratch: UnsafeMutableRawPointer
        var used = 0

        @inline(__always)
        mutating func flush(into out: inout [UInt8]) {
            if used > 0 {
                out.append(contentsOf: UnsafeRawBufferPointer(start: scratch, count: used))
                used = 0
            }
        }

        /// `marker`, the decimal `value` (non-negative), CRLF: at most 24 bytes.
        @inline(__always)
        mutating func header(_ marker: UInt8, _ value: Int, flushingInto out: inout [UInt8]) {
            if used + 24 > CommandEncoder.scratchSize { flush(into: &out) }
            scratch.storeBytes(of: marker, toByteOffset: used, as: UInt8.self)
            let digits = CommandEncoder.decimalLength(value)
            var rest = value
            var at = used + digits
            repeat {
                scratch.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10), toByteOffset: at, as: UInt8.self)
                rest /= 10
                at -= 1
            } while rest > 0
            used += 1 + digits
            scratch.storeBytes(of: 0x0d, toByteOffset: used, as: UInt8.self)
            scratch.storeBytes(of: 0x0a, toByteOffset: used + 1, as: UInt8.self)
            used += 2
        }

        @inline(__always)
        mutating func payload(_ bytes: UnsafeRawBufferPointer, flushingInto out: inout [UInt8]) {
            let count = bytes.count
            guard count > 0 else { return }
            if count > CommandEncoder.directThreshold || used + count + 2 > CommandEncoder.scratchSize {
                flush(into: &out)
                out.append(contentsOf: bytes)
            } else {
                (scratch + used).copyMemory(from: bytes.baseAddress!, byteCount: count)
                used += count
            }
        }

        @inline(__always)
        mutating func crlf(flushingInto out: inout [UInt8]) {
            if used + 2 > CommandEncoder.scratchSize { flush(into: &out) }
            scratch.storeBytes(of: 0x0d, toByteOffset: used, as: UInt8.self)
            scratch.storeBytes(of: 0x0a, toByteOffset: used + 1, as: UInt8.self)
            used += 2
        }
    }
}
