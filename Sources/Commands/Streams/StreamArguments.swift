import Keyspace
import RESP
import SwirlBytes

/// Redis 7.0's stream error texts used in more than one place.
enum StreamErrors {
    static let invalidID = "ERR Invalid stream ID specified as stream command argument"
    static let noMaxAndMin = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
    static let maxLengthNegative = "ERR The MAXLEN argument must be >= 0."
    static let limitNegative = "ERR The LIMIT argument must be >= 0."
    static let limitWithoutStrategy = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
    static let trimWithoutStrategy = "ERR syntax error, XTRIM must be called with a trimming strategy"
    static let limitWithoutApprox = "ERR syntax error, LIMIT cannot be used without the special ~ option"
    static let idTooSmall = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
    static let idZero = "ERR The ID specified in XADD must be greater than 0-0"
    static let exhausted = "ERR The stream has exhausted the last possible ID, unable to add more items"
    static let tooLarge = "ERR Elements are too large to be stored"
    static let noSuchKey = "ERR no such key"
}

extension Client {
    /// An ID argument (`-`/`+` allowed unless `strict`), or nil after Redis's error.
    func streamID(at index: Int, missingSeq: UInt64 = 0, strict: Bool = false) -> StreamID? {
        guard case .id(let id)? = StreamID.parse(args[index], missingSeq: missingSeq, strict: strict) else {
            reply.error(StreamErrors.invalidID)
            return nil
        }
        return id
    }

    /// The stream at `key` for writing, created empty unless `noCreate` (then
    /// a missing key answers null). Nil after replying (Redis's streamTypeLookupWriteOrCreate).
    func writableStream(_ key: Bytes, noCreate: Bool = false) -> StreamValue? {
        switch db.lookup(key) {
        case .none:
            if noCreate {
                reply.null()
                return nil
            }
            let stream = StreamValue()
            db.add(key, .stream(stream))
            return stream
        case .stream(let stream)?:
            return stream
        case .some:
            wrongType()
            return nil
        }
    }

    /// The stream at `key` as a read (hits and misses counted).
    func readStream(_ key: Bytes) -> Typed<StreamValue> {
        read(key) { $0.stream }
    }

    /// The stream at `key` as a write (no hit or miss counted).
    func lookupStreamForWrite(_ key: Bytes) -> Typed<StreamValue> {
        lookupForWrite(key) { $0.stream }
    }
}

/// XADD's and XTRIM's options, parsed in Redis 7.0's order (streamParseAddOrTrimArgsOrReply).
struct StreamTrimArguments {
    var strategy: StreamValue.TrimStrategy?
    /// Where the MAXLEN/MINID threshold is (the AOF gets it rewritten).
    var thresholdIndex = 0
    var approximate = false
    var limit = 0
    var noMakeStream = false
    /// XADD: the ID argument (`*` when nil) and where it is.
    var id: StreamIDArgument?
    var idIndex = 0

    /// Nil after replying an error.
    static func parse(_ c: Client, xadd: Bool) -> StreamTrimArguments? {
        var parsed = StreamTrimArguments()
        var limitGiven = false
        var index = 2
        while index < c.args.count {
            let more = c.args.count - 1 - index
            let option = c.args[index]
            if xadd && option == "*" { break }
            if (c.argument(index, is: "maxlen") || c.argument(index, is: "minid")) && more > 0 {
                let byLength = c.argument(index, is: "maxlen")
                if parsed.strategy != nil {
                    c.reply.error(StreamErrors.noMaxAndMin)
                    return nil
                }
                parsed.approximate = false
                let next = c.args[index + 1]
                if more >= 2 && next == "~" {
                    parsed.approximate = true
                    index += 1
                } else if more >= 2 && next == "=" {
                    index += 1
                }
                if byLength {
                    guard let maximum = ByteNumbers.parseInt64(c.args[index + 1]) else {
                        c.reply.error(Errors.notInteger)
                        return nil
                    }
                    if maximum < 0 {
                        c.reply.error(StreamErrors.maxLengthNegative)
                        return nil
                    }
                    parsed.strategy = .maxLength(Int(maximum))
                } else {
                    guard let minimum = c.streamID(at: index + 1, strict: true) else { return nil }
                    parsed.strategy = .minID(minimum)
                }
                index += 1
                parsed.thresholdIndex = index
            } else if c.argument(index, is: "limit") && more > 0 {
                guard let limit = ByteNumbers.parseInt64(c.args[index + 1]) else {
                    c.reply.error(Errors.notInteger)
                    return nil
                }
                if limit < 0 {
                    c.reply.error(StreamErrors.limitNegative)
                    return nil
                }
                parsed.limit = Int(limit)
                limitGiven = true
                index += 1
            } else if xadd && c.argument(index, is: "nomkstream") {
                parsed.noMakeStream = true
            } else if xadd {
                guard let id = StreamID.parse(option, missingSeq: 0, strict: true, allowStar: true) else {
                    c.reply.error(StreamErrors.invalidID)
                    return nil
                }
                parsed.id = id
                break
            } else {
                c.reply.error(Errors.syntax)
                return nil
            }
            index += 1
        }
        parsed.idIndex = index
        if parsed.limit != 0 && parsed.strategy == nil {
            c.reply.error(StreamErrors.limitWithoutStrategy)
            return nil
        }
        if !xadd && parsed.strategy == nil {
            c.reply.error(StreamErrors.trimWithoutStrategy)
            return nil
        }
        if c.engine.loading {
            // The AOF's trims were rewritten exact: never limited.
            parsed.limit = 0
        } else if limitGiven {
            if !parsed.approximate {
                c.reply.error(StreamErrors.limitWithoutApprox)
                return nil
            }
        } else if parsed.approximate {
            let (product, overflow) = c.engine.streamNodeMaxEntries.multipliedReportingOverflow(by: 100)
            var limit = overflow ? Int.max : product
            if limit <= 0 { limit = 10_000 }
            if limit > 1_000_000 { limit = 1_000_000 }
            parsed.limit = limit
        } else {
            parsed.limit = 0
        }
        return parsed
    }

    /// After an approximate trim that removed something, the AOF gets the
    /// exact form: `=` and the threshold reached (Redis's
    /// streamRewriteApproxSpecifier and streamRewriteTrimArgument).
    func rewriteExact(_ args: inout [Bytes], _ stream: StreamValue) {
        args[thresholdIndex - 1] = "="
        switch strategy {
        case .maxLength?:
            args[thresholdIndex] = ByteNumbers.decimal(Int64(stream.length))
        case .minID?:
            args[thresholdIndex] = (stream.edgeID(first: true, skipTombstones: false) ?? .max).bytes
        case nil:
            break
        }
    }
}
