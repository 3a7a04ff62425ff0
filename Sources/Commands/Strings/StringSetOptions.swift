import Keyspace
import RESP
import SwirlBytes

/// The options SET and GETEX share (Redis's parseExtendedStringArgumentsOrReply).
struct StringSetOptions {
    enum Condition { case none, ifAbsent, ifPresent }
    enum Expiry { case none, keepTTL, persist, at(milliseconds: Int64, unit: Unit) }
    enum Unit { case seconds, milliseconds, unixSeconds, unixMilliseconds }

    var condition = Condition.none
    var get = false
    var expiry = Expiry.none
    /// The expire option as given, until `resolveExpiry` turns it into `expiry`.
    private var expireArgument: (Unit, Bytes)? = nil

    enum Command { case set, getex }

    /// Parses `c.args[from...]`, expire value included; nil after replying the error.
    static func parse(_ c: Client, from start: Int, for command: Command) -> StringSetOptions? {
        guard var options = parseSyntax(c, from: start, for: command),
              options.resolveExpiry(c, for: command) else { return nil }
        return options
    }

    /// Parses the option words only (nil after replying a syntax error); the
    /// expire value is read by `resolveExpiry`. GETEX checks the key in between,
    /// as Redis does.
    static func parseSyntax(_ c: Client, from start: Int, for command: Command) -> StringSetOptions? {
        var options = StringSetOptions()
        var expireArg: (Unit, Bytes)? = nil
        var keepTTL = false, persist = false
        var index = start
        while index < c.args.count {
            let hasNext = index + 1 < c.args.count
            let unit: Unit?
            if c.argument(index, is: "EX") { unit = .seconds }
            else if c.argument(index, is: "PX") { unit = .milliseconds }
            else if c.argument(index, is: "EXAT") { unit = .unixSeconds }
            else if c.argument(index, is: "PXAT") { unit = .unixMilliseconds }
            else { unit = nil }

            if command == .set && c.argument(index, is: "NX") && options.condition != .ifPresent {
                options.condition = .ifAbsent
            } else if command == .set && c.argument(index, is: "XX") && options.condition != .ifAbsent {
                options.condition = .ifPresent
            } else if command == .set && c.argument(index, is: "GET") {
                options.get = true
            } else if command == .set && c.argument(index, is: "KEEPTTL") && !persist && expireArg == nil {
                keepTTL = true
            } else if command == .getex && c.argument(index, is: "PERSIST") && !keepTTL && expireArg == nil {
                persist = true
            } else if let unit, hasNext, !keepTTL, !persist, expireArg == nil || expireArg!.0 == unit {
                // Redis accepts the same expiry option twice (the last wins), never two different ones.
                expireArg = (unit, c.args[index + 1])
                index += 1
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            index += 1
        }
        if keepTTL { options.expiry = .keepTTL }
        if persist { options.expiry = .persist }
        options.expireArgument = expireArg
        return options
    }

    /// Reads the expire value given to `parseSyntax`; false after replying its error.
    mutating func resolveExpiry(_ c: Client, for command: Command) -> Bool {
        guard let (unit, text) = expireArgument else { return true }
        let name = command == .set ? "set" : "getex"
        guard let when = Self.absoluteMilliseconds(c, text, unit, commandName: name) else { return false }
        expiry = .at(milliseconds: when, unit: unit)
        expireArgument = nil
        return true
    }

    /// Turns an expire argument into Unix milliseconds, refusing what Redis refuses.
    static func absoluteMilliseconds(_ c: Client, _ text: Bytes, _ unit: Unit, commandName: String) -> Int64? {
        guard let value = ByteNumbers.parseInt64(text) else {
            c.reply.error(Errors.notInteger)
            return nil
        }
        let invalid = Errors.invalidExpireTime(commandName)
        let seconds = unit == .seconds || unit == .unixSeconds
        guard value > 0, !(seconds && value > Int64.max / 1000) else {
            c.reply.error(invalid)
            return nil
        }
        var when = seconds ? value * 1000 : value
        if unit == .seconds || unit == .milliseconds {
            let (sum, overflow) = when.addingReportingOverflow(c.engine.keyspace.now)
            guard !overflow else {
                c.reply.error(invalid)
                return nil
            }
            when = sum
        }
        return when
    }
}
