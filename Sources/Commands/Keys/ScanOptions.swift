import Keyspace
import RESP
import SwirlBytes

/// The cursor and options shared by SCAN, HSCAN (and later SSCAN, ZSCAN).
struct ScanOptions {
    var count = 10
    var pattern: Bytes? = nil
    var typeName: Bytes? = nil

    /// Redis parses cursors with `strtoul`: a sign is accepted and a negative wraps.
    static func parseCursor(_ c: Client, _ text: Bytes) -> UInt64? {
        var digits = text[...]
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                c.reply.error(Errors.invalidCursor)
                return nil
            }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if o1 || o2 {
                c.reply.error(Errors.invalidCursor)
                return nil
            }
            value = sum
        }
        if digits.isEmpty && !text.isEmpty {
            c.reply.error(Errors.invalidCursor)
            return nil
        }
        return negative ? 0 &- value : value
    }

    /// Parses `[MATCH pattern] [COUNT n] [TYPE t]` from `start`; nil after replying an error.
    static func parse(_ c: Client, from start: Int, allowType: Bool) -> ScanOptions? {
        var options = ScanOptions()
        var index = start
        while index < c.args.count {
            let hasValue = index + 1 < c.args.count
            if c.argument(index, is: "COUNT") && hasValue {
                guard let count = c.integer(at: index + 1) else { return nil }
                guard count >= 1 else {
                    c.reply.error(Errors.syntax)
                    return nil
                }
                options.count = Int(clamping: count)
            } else if c.argument(index, is: "MATCH") && hasValue {
                let pattern = c.args[index + 1]
                options.pattern = pattern == "*" ? nil : pattern
            } else if allowType && c.argument(index, is: "TYPE") && hasValue {
                options.typeName = c.args[index + 1]
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            index += 2
        }
        return options
    }

    func matches(_ element: Bytes) -> Bool {
        guard let pattern else { return true }
        return Glob.matches(pattern, element)
    }

    /// HSCAN, SSCAN and ZSCAN: the cursor, then the key (an empty reply when
    /// it is missing), then the options, then one step of `step`, which
    /// hands `visit` each element and, for pairs, its value; MATCH filters on
    /// the element.
    static func scanKey<T>(_ c: Client, read: (Bytes) -> Typed<T>,
                           step: (T, _ cursor: UInt64, _ count: Int, _ visit: (Bytes, Bytes?) -> Void) -> UInt64) {
        guard let cursor = parseCursor(c, c.args[2]) else { return }
        let value: T
        switch read(c.args[1]) {
        case .found(let found): value = found
        case .missing: reply(c, cursor: 0, elements: []); return
        case .wrongType: c.wrongType(); return
        }
        guard let options = parse(c, from: 3, allowType: false) else { return }
        var elements: [Bytes] = []
        let next = step(value, cursor, options.count) { element, paired in
            guard options.matches(element) else { return }
            elements.append(element)
            if let paired { elements.append(paired) }
        }
        reply(c, cursor: next, elements: elements)
    }

    /// The reply: the next cursor as a bulk string, then the elements.
    static func reply(_ c: Client, cursor: UInt64, elements: [Bytes]) {
        c.reply.array(2)
        c.reply.bulk(Array(String(cursor).utf8))
        c.reply.array(elements.count)
        for element in elements { c.reply.bulk(element) }
    }
}
