import SwirlBytes

extension Database {
    /// Runs `body` on the live string at `key` where it is stored: the slot's
    /// copy is released first, so a long string's array is unique and changes
    /// (or grows) without a copy. The string is left raw, as Redis's
    /// dbUnshareStringValue leaves it (OBJECT ENCODING). Nothing is signalled:
    /// the bit and HyperLogLog commands call `signalModifiedKey` only when a
    /// byte changed, as Redis does. nil when the key is absent or not a string.
    public func mutateString<R>(_ key: Bytes, _ body: (inout Bytes) throws -> R) rethrows -> R? {
        guard let position = livePosition(key) else { return nil }
        return try main.modifyValue(at: position) { slot -> R? in
            guard case .string(var bytes) = slot.value else { return nil }
            slot.value = .string(Bytes())
            defer {
                slot.value = .string(bytes)
                slot.stringForm = .raw
            }
            return try body(&bytes)
        }
    }
}
