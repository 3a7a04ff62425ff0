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

    @inline(__always)
    private mutating func header(_ marker: UInt8, _ value: Int) {
        bytes.append(marker)
        ByteNumbers.appendDecimal(Int64(value), to: &bytes)
        crlf()
    }

    public mutating func ok() { bytes.append(contentsOf: Self.okBytes) }
    private static let okBytes: [UInt8] = Array("+OK\r\n".utf8)

    public mutating func simple(_ text: String) {
        bytes.append(UInt8(ascii: "+"))
        bytes.append(contentsOf: text.utf8)
        crlf()
    }

    /// `message` starts with its code, as in `ERR syntax error` or `WRONGTYPE …`.
    public mutating func error(_ message: String) {
        bytes.append(UInt8(ascii: "-"))
        // Redis turns newlines in error text into spaces so the frame stays one line.
        for byte in message.utf8 { bytes.append(byte == 0x0d || byte == 0x0a ? 0x20 : byte) }
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
public enum CommandEncoder {
    public static func append(_ args: [Bytes], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        ByteNumbers.appendDecimal(Int64(args.count), to: &out)
        out.append(0x0d); out.append(0x0a)
        for arg in args {
            out.append(UInt8(ascii: "$"))
            ByteNumbers.appendDecimal(Int64(arg.count), to: &out)
            out.append(0x0d); out.append(0x0a)
            arg.withUnsafeBytes { out.append(contentsOf: $0) }
            out.append(0x0d); out.append(0x0a)
        }
    }

    public static func append<C: Collection>(_ args: [C], to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "*"))
        ByteNumbers.appendDecimal(Int64(args.count), to: &out)
        out.append(0x0d); out.append(0x0a)
        for arg in args {
            out.append(UInt8(ascii: "$"))
            ByteNumbers.appendDecimal(Int64(arg.count), to: &out)
            out.append(0x0d); out.append(0x0a)
            out.append(contentsOf: arg)
            out.append(0x0d); out.append(0x0a)
        }
    }
}
