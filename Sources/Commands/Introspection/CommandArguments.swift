import RESP
import SwirlBytes

/// What COMMAND DOCS says about each command's arguments, by full name
/// (`set`, `config|get`), written in the notation described on `ArgumentDoc`
/// (CommandSyntax.swift). Names and types follow Redis 7.0's COMMAND DOCS, so
/// redis-cli shows the same hints as with Redis.
///
/// A command that takes no arguments maps to "" (DOCS then has no `arguments`
/// field, as in Redis). When you register a command, add its line here
/// (CommandDocsTests checks that every registered command has one), and
/// compare `redis-cli -3 COMMAND DOCS <name>` against a real Redis 7.0.
enum CommandArguments {
    static let syntax: [String: String] = [
        // connection
        "auth": "[username]@6.0.0 password",
        "client": "",
        "client|caching": "mode:<YES | NO>",
        "client|no-evict": "enabled:<ON | OFF>",
        "client|pause": "timeout:integer mode:[WRITE | ALL]@6.2.0",
        "client|reply": "on_off_skip:<ON | OFF | SKIP>",
        "client|unpause": "",
        "client|getname": "",
        "client|getredir": "",
        "client|tracking": "status:<ON | OFF> [REDIRECT client-id:integer] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
        "client|trackinginfo": "",
        "client|help": "",
        "client|id": "",
        "client|info": "",
        "client|kill": "filter:<old-format | new-format:<[ID client-id:integer]@2.8.12 | [TYPE <NORMAL | MASTER@3.2.0 | SLAVE | REPLICA@5.0.0 | PUBSUB>]@2.8.12 | [USER username] | [ADDR addr] | [LADDR laddr]@6.2.0 | [SKIPME yesno]> ...>",
        "client|list": "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>]@5.0.0 [ID id:<client-id:integer [client-id ...]>]@6.2.0",
        "client|setinfo": "attr:<LIB-NAME libname | LIB-VER libver>",
        "client|setname": "connection-name",
        "client|unblock": "client-id:integer timeout_error:[TIMEOUT | ERROR]",
        "echo": "message",
        "hello": "arguments:[protover:integer [AUTH username password] [SETNAME clientname]]",
        "ping": "[message]",
        "quit": "",
        "reset": "",
        "select": "index:integer",

        // generic
        "copy": "source:key destination:key [DB destination-db:integer] [REPLACE]",
        "del": "key [key ...]",
        "exists": "key [key ...]",
        "expire": "key seconds:integer condition:[NX | XX | GT | LT]@7.0.0",
        "expireat": "key unix-time-seconds:unix-time condition:[NX | XX | GT | LT]@7.0.0",
        "expiretime": "key",
        "keys": "pattern:pattern",
        "move": "key db:integer",
        "persist": "key",
        "pexpire": "key milliseconds:integer condition:[NX | XX | GT | LT]@7.0.0",
        "pexpireat": "key unix-time-milliseconds:unix-time condition:[NX | XX | GT | LT]@7.0.0",
        "pexpiretime": "key",
        "pttl": "key",
        "randomkey": "",
        "rename": "key newkey:key",
        "renamenx": "key newkey:key",
        "sort": "key [BY pattern:pattern#1] [LIMIT offset:integer count:integer] [GET pattern:pattern#1 [GET pattern:pattern#1 ...]] order:[ASC | DESC] [sorting:ALPHA] [STORE destination:key#2]",
        "sort_ro": "key [BY pattern:pattern#1] [LIMIT offset:integer count:integer] [GET pattern:pattern#1 [GET pattern:pattern#1 ...]] order:[ASC | DESC] [sorting:ALPHA]",
        "scan": "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]@6.0.0",
        "touch": "key [key ...]",
        "ttl": "key",
        "type": "key",
        "unlink": "key [key ...]",

        // string
        "append": "key value",
        "decr": "key",
        "decrby": "key decrement:integer",
        "get": "key",
        "getdel": "key",
        "getex": "key expiration:[EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time"
            + " | PXAT unix-time-milliseconds:unix-time | PERSIST]",
        "getrange": "key start:integer end:integer",
        "getset": "key value",
        "incr": "key",
        "incrby": "key increment:integer",
        "incrbyfloat": "key increment:double",
        "lcs": "key1:key key2:key#0 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]",
        "mget": "key [key ...]",
        "mset": "key value [key value ...]",
        "msetnx": "key value [key value ...]",
        "psetex": "key milliseconds:integer value",
        "set": "key value condition:[NX | XX]@2.6.12 [GET]@6.2.0 expiration:[EX seconds:integer@2.6.12"
            + " | PX milliseconds:integer@2.6.12 | EXAT unix-time-seconds:unix-time@6.2.0"
            + " | PXAT unix-time-milliseconds:unix-time@6.2.0 | KEEPTTL@6.0.0]",
        "setex": "key seconds:integer value",
        "setnx": "key value",
        "setrange": "key offset:integer value",
        "strlen": "key",
        "substr": "key start:integer end:integer",

        // hash
        "hdel": "key field [field ...]",
        "hexists": "key field",
        "hget": "key field",
        "hgetall": "key",
        "hincrby": "key field increment:integer",
        "hincrbyfloat": "key field increment:double",
        "hkeys": "key",
        "hlen": "key",
        "hmget": "key field [field ...]",
        "hmset": "key field value [field value ...]",
        "hrandfield": "key options:[count:integer [WITHVALUES]]",
        "hscan": "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        "hset": "key field value [field value ...]",
        "hsetnx": "key field value",
        "hstrlen": "key field",
        "hvals": "key",

        // list
        "blmove": "source:key destination:key wherefrom:<LEFT | RIGHT> whereto:<LEFT | RIGHT> timeout:double",
        "blmpop": "timeout:double numkeys:integer key [key ...] where:<LEFT | RIGHT> [COUNT count:integer]",
        "blpop": "key [key ...] timeout:double",
        "brpop": "key [key ...] timeout:double",
        "brpoplpush": "source:key destination:key timeout:double",
        "lindex": "key index:integer",
        "linsert": "key where:<BEFORE | AFTER> pivot element",
        "llen": "key",
        "lmove": "source:key destination:key wherefrom:<LEFT | RIGHT> whereto:<LEFT | RIGHT>",
        "lmpop": "numkeys:integer key [key ...] where:<LEFT | RIGHT> [COUNT count:integer]",
        "lpop": "key [count:integer]@6.2.0",
        "lpos": "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]",
        "lpush": "key element [element ...]",
        "lpushx": "key element [element ...]",
        "lrange": "key start:integer stop:integer",
        "lrem": "key count:integer element",
        "lset": "key index:integer element",
        "ltrim": "key start:integer stop:integer",
        "rpop": "key [count:integer]@6.2.0",
        "rpoplpush": "source:key destination:key",
        "rpush": "key element [element ...]",
        "rpushx": "key element [element ...]",
        // set
        "sadd": "key member [member ...]",
        "scard": "key",
        "sdiff": "key [key ...]",
        "sdiffstore": "destination:key key [key ...]",
        "sinter": "key [key ...]",
        "sintercard": "numkeys:integer key [key ...] [LIMIT limit:integer]",
        "sinterstore": "destination:key key [key ...]",
        "sismember": "key member",
        "smembers": "key",
        "smismember": "key member [member ...]",
        "smove": "source:key destination:key member",
        "spop": "key [count:integer]@3.2.0",
        "srandmember": "key [count:integer]@2.6.0",
        "srem": "key member [member ...]",
        "sscan": "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        "sunion": "key [key ...]",
        "sunionstore": "destination:key key [key ...]",

        // sorted set
        "bzmpop": "timeout:double numkeys:integer key [key ...] where:<MIN | MAX> [COUNT count:integer]",
        "bzpopmax": "key [key ...] timeout:double",
        "bzpopmin": "key [key ...] timeout:double",
        "zadd": "key condition:[NX | XX]@3.0.2 comparison:[GT | LT]@6.2.0 [change:CH]@3.0.2 [increment:INCR]@3.0.2 score:double member [score member ...]",
        "zcard": "key",
        "zcount": "key min:double max:double",
        "zdiff": "numkeys:integer key [key ...] [WITHSCORES]",
        "zdiffstore": "destination:key numkeys:integer key [key ...]",
        "zincrby": "key increment:integer member",
        "zinter": "numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]] [AGGREGATE aggregate:<SUM | MIN | MAX>] [WITHSCORES]",
        "zintercard": "numkeys:integer key [key ...] [LIMIT limit:integer]",
        "zinterstore": "destination:key numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]] [AGGREGATE aggregate:<SUM | MIN | MAX>]",
        "zlexcount": "key min max",
        "zmpop": "numkeys:integer key [key ...] where:<MIN | MAX> [COUNT count:integer]",
        "zmscore": "key member [member ...]",
        "zpopmax": "key [count:integer]",
        "zpopmin": "key [count:integer]",
        "zrandmember": "key options:[count:integer [WITHSCORES]]",
        "zrange": "key start stop sortby:[BYSCORE | BYLEX]@6.2.0 [REV]@6.2.0 [LIMIT offset:integer count:integer]@6.2.0 [WITHSCORES]",
        "zrangebylex": "key min max [LIMIT offset:integer count:integer]",
        "zrangebyscore": "key min:double max:double [WITHSCORES]@2.0.0 [LIMIT offset:integer count:integer]",
        "zrangestore": "dst:key src:key min max sortby:[BYSCORE | BYLEX] [REV] [LIMIT offset:integer count:integer]",
        "zrank": "key member",
        "zrem": "key member [member ...]",
        "zremrangebylex": "key min max",
        "zremrangebyrank": "key start:integer stop:integer",
        "zremrangebyscore": "key min:double max:double",
        "zrevrange": "key start:integer stop:integer [WITHSCORES]",
        "zrevrangebylex": "key max min [LIMIT offset:integer count:integer]",
        "zrevrangebyscore": "key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]",
        "zrevrank": "key member",
        "zscan": "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        "zscore": "key member",
        "zunion": "numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]] [AGGREGATE aggregate:<SUM | MIN | MAX>] [WITHSCORES]",
        "zunionstore": "destination:key numkeys:integer key [key ...] [WEIGHTS weight:integer [weight ...]] [AGGREGATE aggregate:<SUM | MIN | MAX>]",

        // pubsub
        "psubscribe": "pattern:<pattern:pattern> ...",
        "publish": "channel message",
        "pubsub": "",
        "pubsub|channels": "[pattern:pattern]",
        "pubsub|help": "",
        "pubsub|numpat": "",
        "pubsub|numsub": "[channel [channel ...]]",
        "pubsub|shardchannels": "[pattern:pattern]",
        "pubsub|shardnumsub": "[shardchannel [shardchannel ...]]",
        "punsubscribe": "[pattern:pattern [pattern ...]]",
        "spublish": "shardchannel message",
        "ssubscribe": "shardchannel [shardchannel ...]",
        "subscribe": "channel [channel ...]",
        "sunsubscribe": "[shardchannel [shardchannel ...]]",
        "unsubscribe": "[channel [channel ...]]",

        // server
        "bgrewriteaof": "",
        "command": "",
        "command|count": "",
        "command|docs": "[command-name [command-name ...]]",
        "command|getkeys": "",
        "command|help": "",
        "command|info": "[command-name [command-name ...]]",
        "command|list": "[FILTERBY filterby:<MODULE module-name | ACLCAT category | PATTERN pattern:pattern>]",
        "config": "",
        "config|get": "parameter:<parameter> ...",
        "config|help": "",
        "config|resetstat": "",
        "config|rewrite": "",
        "config|set": "parameter value [parameter value ...]",
        "dbsize": "",
        "debug": "",
        "memory": "",
        "memory|doctor": "",
        "memory|help": "",
        "memory|malloc-stats": "",
        "memory|purge": "",
        "memory|stats": "",
        "memory|usage": "key [SAMPLES count:integer]",
        "monitor": "",
        "latency": "",
        "latency|doctor": "",
        "latency|graph": "event",
        "latency|help": "",
        "latency|histogram": "[command [command ...]]",
        "latency|history": "event",
        "latency|latest": "",
        "latency|reset": "[event [event ...]]",
        "lolwut": "[VERSION version:integer]",
        "role": "",
        "wait": "numreplicas:integer timeout:integer",
        "object": "",
        "object|encoding": "key",
        "object|freq": "key",
        "object|help": "",
        "object|idletime": "key",
        "object|refcount": "key",
        "slowlog": "",
        "slowlog|get": "[count:integer]",
        "slowlog|help": "",
        "slowlog|len": "",
        "slowlog|reset": "",
        "flushall": "async:[ASYNC@4.0.0 | SYNC@6.2.0]",
        "flushdb": "async:[ASYNC@4.0.0 | SYNC@6.2.0]",
        "info": "[section [section ...]]",
        "lastsave": "",
        "shutdown": "[NOSAVE | SAVE] [NOW]@7.0.0 [FORCE]@7.0.0 [ABORT]@7.0.0",
        "swapdb": "index1:integer index2:integer",
        "time": "",

        // transactions
        "discard": "",
        "exec": "",
        "multi": "",
        "unwatch": "",
        "watch": "key [key ...]",
    ]

    /// The doc flags Redis 7.0 gives a command, and for a deprecated one,
    /// since when and what replaces it.
    struct Notes: Sendable {
        var docFlags: [String] = []
        var deprecatedSince: String?
        var replacedBy: String?

        static func deprecated(since: String, replacedBy: String) -> Notes {
            Notes(docFlags: ["deprecated"], deprecatedSince: since, replacedBy: replacedBy)
        }
    }

    static let notes: [String: Notes] = [
        "brpoplpush": .deprecated(since: "6.2.0", replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments"),
        "debug": Notes(docFlags: ["syscmd"]),
        "getset": .deprecated(since: "6.2.0", replacedBy: "`SET` with the `!GET` argument"),
        "hmset": .deprecated(since: "4.0.0", replacedBy: "`HSET` with multiple field-value pairs"),
        "rpoplpush": .deprecated(since: "6.2.0", replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments"),
        "substr": .deprecated(since: "2.0.0", replacedBy: "`GETRANGE`"),
    ]

    /// Every entry of `syntax`, parsed once. A line that does not parse is a
    /// programmer error (the tests parse them all).
    static let parsed: [String: [ArgumentDoc]] = syntax.mapValues { line in
        do {
            return try CommandSyntax.parse(line)
        } catch {
            preconditionFailure("CommandArguments: \(error) in \"\(line)\"")
        }
    }

    /// The arguments of `fullName`, empty when it takes none or is not listed.
    static func arguments(of fullName: String) -> [ArgumentDoc] {
        parsed[fullName] ?? []
    }

    /// The `arguments` array of COMMAND DOCS, each argument a map in Redis's
    /// key order: name, type, key_spec_index, token, since, flags, arguments.
    static func reply(_ c: Client, _ arguments: [ArgumentDoc]) {
        c.reply.array(arguments.count)
        for argument in arguments {
            let flags = argument.flags.names
            let hasChildren = argument.type == .oneof || argument.type == .block
            var fields = 2
            if argument.keySpecIndex != nil { fields += 1 }
            if argument.token != nil { fields += 1 }
            if argument.since != nil { fields += 1 }
            if !flags.isEmpty { fields += 1 }
            if hasChildren { fields += 1 }
            c.reply.map(fields)
            c.reply.bulk("name"); c.reply.bulk(argument.name)
            c.reply.bulk("type"); c.reply.bulk(argument.type.rawValue)
            if let index = argument.keySpecIndex { c.reply.bulk("key_spec_index"); c.reply.integer(index) }
            if let token = argument.token { c.reply.bulk("token"); c.reply.bulk(token) }
            if let since = argument.since { c.reply.bulk("since"); c.reply.bulk(since) }
            if !flags.isEmpty {
                c.reply.bulk("flags")
                c.reply.set(flags.count)
                for flag in flags { c.reply.simple(flag) }
            }
            if hasChildren {
                c.reply.bulk("arguments")
                reply(c, argument.arguments)
            }
        }
    }
}
