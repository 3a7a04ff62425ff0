import SwirlBytes

/// The text of an error reply, as bytes. Literal parts are UTF-8; a client's
/// argument spliced in with `\(arg:)` keeps its bytes exactly, as Redis's
/// `%s` does (`a\xffb` comes back as `a\xffb`, never as a replacement
/// character). Built only when an error is sent, so it costs nothing on the
/// path of a command that succeeds.
public struct ErrorText: Equatable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(stringLiteral value: String) { bytes = Array(value.utf8) }
    public init(stringInterpolation: Interpolation) { bytes = stringInterpolation.bytes }

    /// For logs: invalid UTF-8 shows as replacement characters.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public func hasPrefix(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }

    /// The text after its first `count` bytes.
    public func dropFirst(_ count: Int) -> ErrorText { ErrorText(bytes: Array(bytes.dropFirst(count))) }

    public static func + (lhs: ErrorText, rhs: ErrorText) -> ErrorText { ErrorText(bytes: lhs.bytes + rhs.bytes) }

    public struct Interpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { bytes += literal.utf8 }

        public mutating func appendInterpolation<S: StringProtocol>(_ text: S) { bytes += text.utf8 }

        public mutating func appendInterpolation<T: BinaryInteger>(_ value: T) { bytes += String(value).utf8 }

        public mutating func appendInterpolation(_ text: ErrorText) { bytes += text.bytes }

        /// A client's argument as C's `%.*s` prints it: its bytes unchanged, up to
        /// its first NUL, and at most `max` of them (`%.128s`; unlimited for `%s`).
        public mutating func appendInterpolation(arg: Bytes, max: Int = Int.max) {
            arg.withUnsafeBytes { raw in
                var end = 0
                let limit = Swift.min(raw.count, Swift.max(0, max))
                while end < limit && raw[end] != 0 { end += 1 }
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<end]))
            }
        }

        /// One byte as sent (C's `%c`).
        public mutating func appendInterpolation(byte: UInt8) { bytes.append(byte) }

        /// Bytes spliced in whole, NULs included (Redis's `sdscatsds`: DEBUG ERROR).
        public mutating func appendInterpolation(raw: Bytes) {
            raw.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
    }
}
