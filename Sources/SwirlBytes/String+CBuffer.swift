extension String {
    /// The text in a C character buffer (filled by `getcwd`, `vsnprintf`,
    /// `uv_ip4_name` …), up to its first NUL, or the whole buffer without one.
    public init(cBuffer buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
