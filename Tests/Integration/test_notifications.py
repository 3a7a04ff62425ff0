"""Keyspace notifications: one subscriber (PSUBSCRIBE __key*__:*) watches a
client run a long script covering every command group, expiry (lazy and
active), blocking pops served later, MULTI/EXEC, RENAME/MOVE/COPY and SORT
STORE; its whole byte stream must equal redis-server's, for several
`notify-keyspace-events` settings. Also the parameter's validation and the
form CONFIG GET shows. Run with SWIRL_TEST_TARGET=redis to check the test.

Time is under the test's control: active expiry is off (DEBUG
SET-ACTIVE-EXPIRE 0) except where the test waits for it, so a key whose TTL
passed is expired by the command that meets it, in the script's order, and
never by the cron racing the script."""
import pytest

from harness import info_fields, wait_past, wait_until
from test_blocking import blocked_clients
from test_pubsub import read_until

PONG2 = b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"  # PING in RESP2 subscribed mode

SCRIPT = [
    # Strings.
    ("SET", "s1", "v"), ("SET", "s1", "w", "EX", "100"), ("SET", "s1", "x", "KEEPTTL"),
    ("SETNX", "s1", "y"), ("SETNX", "s2", "y"), ("SETEX", "s3", "100", "z"),
    ("PSETEX", "s4", "100000", "z"), ("GETSET", "s2", "g"), ("MSET", "m1", "1", "m2", "2"),
    ("MSETNX", "m1", "x", "m3", "y"), ("MSETNX", "m4", "x", "m5", "y"),
    ("APPEND", "s2", "tail"), ("APPEND", "a1", "new"), ("SETRANGE", "s2", "1", "XY"),
    ("SETRANGE", "r1", "3", "abc"), ("SETRANGE", "r2", "0", ""), ("SETRANGE", "s2", "0", ""),
    ("INCR", "n1"), ("INCRBY", "n1", "5"), ("DECR", "n1"), ("DECRBY", "n1", "2"),
    ("INCRBYFLOAT", "n2", "1.5"), ("INCR", "s1"), ("GETEX", "s2", "EX", "100"),
    ("GETEX", "s2", "PERSIST"), ("GETEX", "s2", "PERSIST"), ("GETEX", "s2"),
    ("GETEX", "s4", "PXAT", "1"), ("GETDEL", "s3"), ("GETDEL", "s3"), ("GET", "missing"),
    ("SET", "s5", "v", "GET"), ("SET", "s5", "w", "NX"), ("SET", "s5", "w", "XX", "PX", "100000"),
    ("STRLEN", "s5"), ("MGET", "s5", "nope"),
    # Generic.
    ("EXPIRE", "s5", "100"), ("EXPIRE", "s5", "50", "GT"), ("PEXPIRE", "s5", "200000", "GT"),
    ("EXPIREAT", "s5", "99999999999"), ("PEXPIREAT", "s5", "99999999999000"),
    ("PERSIST", "s5"), ("PERSIST", "s5"), ("EXPIRE", "nokey", "10"), ("EXPIRE", "m1", "-1"),
    ("DEL", "m2", "m3", "nokey"), ("UNLINK", "m4"), ("EXISTS", "m5", "nokey"), ("TYPE", "m5"),
    ("RENAME", "m5", "m6"), ("SET", "m7", "x"), ("RENAME", "m6", "m7"), ("RENAMENX", "m7", "a1"),
    ("RENAMENX", "m7", "m8"), ("RENAME", "m8", "m8"), ("SET", "ttl", "v", "EX", "500"),
    ("RENAME", "ttl", "ttl2"), ("MOVE", "ttl2", "3"), ("MOVE", "nokey", "3"),
    ("COPY", "m8", "c1"), ("COPY", "m8", "c1"), ("COPY", "m8", "c1", "REPLACE"),
    ("COPY", "m8", "c2", "DB", "4"), ("TOUCH", "m8"),
    # Hashes.
    ("HSET", "h1", "f1", "1", "f2", "2"), ("HSET", "h1", "f1", "9"), ("HMSET", "h1", "f3", "3"),
    ("HSETNX", "h1", "f1", "x"), ("HSETNX", "h1", "f4", "x"), ("HINCRBY", "h1", "f1", "3"),
    ("HINCRBYFLOAT", "h1", "f2", "0.5"), ("HINCRBY", "h2", "c", "1"), ("HDEL", "h1", "f1", "nof"),
    ("HDEL", "h1", "nof"), ("HDEL", "h1", "f2", "f3", "f4"), ("HGET", "h2", "c"), ("HGETALL", "nohash"),
    # Lists.
    ("LPUSH", "l1", "a", "b", "c"), ("RPUSH", "l1", "d", "e"), ("LPUSHX", "l1", "z"),
    ("LPUSHX", "nolist", "z"), ("RPUSHX", "l1", "y"), ("LINSERT", "l1", "BEFORE", "a", "aa"),
    ("LINSERT", "l1", "AFTER", "nope", "x"), ("LSET", "l1", "0", "first"), ("LREM", "l1", "0", "nope"),
    ("LREM", "l1", "1", "aa"), ("LTRIM", "l1", "0", "-1"), ("LTRIM", "l1", "1", "5"),
    ("LPOP", "l1"), ("RPOP", "l1"), ("LPOP", "l1", "0"), ("LPOP", "l1", "2"), ("RPOP", "nolist"),
    ("LMOVE", "l1", "l2", "LEFT", "RIGHT"), ("RPOPLPUSH", "l2", "l2"), ("LMOVE", "l1", "l2", "RIGHT", "LEFT"),
    ("LMPOP", "2", "nolist", "l2", "LEFT", "COUNT", "5"), ("RPUSH", "l3", "1", "2", "3"),
    ("LMPOP", "1", "l3", "RIGHT"), ("LTRIM", "l3", "5", "10"), ("RPUSH", "l4", "x"),
    ("LREM", "l4", "0", "x"), ("BLPOP", "l5", "nolist", "0.01"), ("RPUSH", "l5", "q"),
    ("BRPOP", "l5", "1"), ("RPUSH", "l6", "1", "2"), ("BLMOVE", "l6", "l7", "LEFT", "LEFT", "1"),
    ("BRPOPLPUSH", "l6", "l7", "1"), ("BLMPOP", "1", "1", "l7", "RIGHT", "COUNT", "9"), ("LRANGE", "nolist", "0", "-1"),
    # Sets.
    ("SADD", "st1", "a", "b", "c"), ("SADD", "st1", "a"), ("SREM", "st1", "a", "nope"), ("SREM", "st1", "nope"),
    ("SADD", "st2", "1", "2", "3"), ("SMOVE", "st1", "st2", "b"), ("SMOVE", "st1", "st2", "c"),
    ("SMOVE", "st2", "st3", "nope"), ("SMOVE", "st2", "st3", "1"), ("SADD", "st4", "only"),
    ("SPOP", "st4"), ("SADD", "st5", "7", "8"), ("SPOP", "st5", "0"), ("SPOP", "st5", "5"),
    ("SADD", "st6", "1", "2", "3"), ("SADD", "st7", "2", "3", "4"), ("SINTERSTORE", "d1", "st6", "st7"),
    ("SUNIONSTORE", "d2", "st6", "st7"), ("SDIFFSTORE", "d3", "st6", "st7"), ("SINTERSTORE", "d1", "st6", "nokey"),
    ("SDIFFSTORE", "d3", "st6", "st6"), ("SUNIONSTORE", "d9", "nokey"), ("SMEMBERS", "nokey"), ("SISMEMBER", "st6", "1"),
    ("SREM", "st7", "2", "3", "4"),
    # Sorted sets.
    ("ZADD", "z1", "1", "a", "2", "b", "3", "c"), ("ZADD", "z1", "1", "a"), ("ZADD", "z1", "5", "a"),
    ("ZADD", "z1", "NX", "9", "a"), ("ZADD", "z1", "XX", "9", "new"), ("ZADD", "z9", "XX", "1", "a"),
    ("ZADD", "z1", "INCR", "1", "b"), ("ZINCRBY", "z1", "2", "c"), ("ZINCRBY", "z2", "2", "c"),
    ("ZADD", "z1", "GT", "CH", "0", "c"), ("ZREM", "z1", "nope"), ("ZREM", "z1", "a"),
    ("ZADD", "z3", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), ("ZREMRANGEBYRANK", "z3", "0", "0"),
    ("ZREMRANGEBYRANK", "z3", "10", "20"), ("ZREMRANGEBYSCORE", "z3", "2", "3"),
    ("ZADD", "z4", "0", "a", "0", "b", "0", "c"), ("ZREMRANGEBYLEX", "z4", "[a", "[b"), ("ZREMRANGEBYLEX", "z4", "-", "+"),
    ("ZADD", "z5", "1", "a", "2", "b", "3", "c"), ("ZPOPMIN", "z5"), ("ZPOPMAX", "z5", "0"), ("ZPOPMAX", "z5", "5"),
    ("ZPOPMIN", "nozset"), ("ZADD", "z6", "1", "a", "2", "b"), ("ZMPOP", "2", "nozset", "z6", "MIN", "COUNT", "1"),
    ("BZPOPMIN", "z6", "1"), ("BZPOPMAX", "nozset", "0.01"), ("ZADD", "z7", "1", "x", "2", "y"),
    ("BZMPOP", "1", "1", "z7", "MAX", "COUNT", "3"), ("ZADD", "za", "1", "a", "2", "b"), ("ZADD", "zb", "3", "b", "4", "c"),
    ("ZUNIONSTORE", "zu", "2", "za", "zb"), ("ZINTERSTORE", "zi", "2", "za", "zb"), ("ZDIFFSTORE", "zd", "2", "za", "zb"),
    ("ZINTERSTORE", "zi", "2", "za", "nozset"), ("ZDIFFSTORE", "zd", "2", "za", "za"), ("ZRANGESTORE", "zr", "zu", "0", "1"),
    ("ZRANGESTORE", "zr", "zu", "5", "10"), ("ZRANGESTORE", "zr2", "nozset", "0", "-1"), ("ZSCORE", "nozset", "a"),
    ("ZRANGE", "za", "0", "-1"),
    # SORT STORE.
    ("RPUSH", "sl", "3", "1", "2"), ("SORT", "sl", "STORE", "sorted"), ("SORT", "sl", "LIMIT", "5", "5", "STORE", "sorted"),
    ("SORT", "nolist", "STORE", "sorted"), ("SORT", "sl"), ("SET", "w_1", "5"), ("HSET", "h_2", "f", "x"),
    ("SORT", "sl", "BY", "w_*", "GET", "#", "GET", "h_*->f", "GET", "w_*", "STORE", "sorted2"),
    ("SORT", "sl", "BY", "nosort"),
    # Streams (class t).
    ("XADD", "x1", "1-0", "f", "v"), ("XADD", "x1", "2-0", "f", "v"), ("XADD", "x1", "MAXLEN", "1", "3-0", "f", "v"),
    ("XADD", "x2", "NOMKSTREAM", "1-0", "f", "v"), ("XADD", "x1", "1-0", "f", "v"), ("XDEL", "x1", "3-0", "9-0"),
    ("XDEL", "x1", "9-0"), ("XADD", "x1", "4-0", "f", "v"), ("XTRIM", "x1", "MAXLEN", "0"), ("XTRIM", "x1", "MAXLEN", "0"),
    ("XSETID", "x1", "10-0"), ("XGROUP", "CREATE", "x1", "g", "0"), ("XGROUP", "CREATE", "x3", "g", "$", "MKSTREAM"),
    ("XADD", "x1", "11-0", "f", "v"), ("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x1", ">"),
    ("XGROUP", "CREATECONSUMER", "x1", "g", "c2"), ("XGROUP", "CREATECONSUMER", "x1", "g", "c2"),
    ("XCLAIM", "x1", "g", "c3", "0", "11-0"), ("XAUTOCLAIM", "x1", "g", "c4", "0", "0"),
    ("XGROUP", "SETID", "x1", "g", "0"), ("XGROUP", "DELCONSUMER", "x1", "g", "c1"),
    ("XGROUP", "DESTROY", "x1", "g"), ("XGROUP", "DESTROY", "x1", "g"), ("XREAD", "STREAMS", "nostream", "0"),
]

# Several databases, SWAPDB, FLUSHDB and FLUSHALL: played last.
DATABASES = [
    ("SELECT", "2"), ("SET", "x", "in2"), ("RPUSH", "lst", "1"), ("MOVE", "x", "0"), ("SELECT", "0"),
    ("SWAPDB", "0", "2"), ("SWAPDB", "0", "2"), ("FLUSHDB",), ("SET", "after", "flush"), ("FLUSHALL",),
]

# Reads of present and missing keys: a miss publishes `keymiss` (class m) where Redis's lookup
# counts one.
def reads(k):
    return [
        ("GET", k), ("MGET", k, "none2"), ("GETRANGE", k, "0", "1"), ("SUBSTR", k, "0", "1"), ("STRLEN", k),
        ("LCS", k, "n1"), ("EXISTS", k), ("TYPE", k), ("TTL", k), ("PTTL", k), ("EXPIRETIME", k),
        ("PEXPIRETIME", k), ("HGET", k, "c"), ("HMGET", k, "c", "d"), ("HGETALL", k), ("HKEYS", k), ("HVALS", k),
        ("HLEN", k), ("HEXISTS", k, "c"), ("HSTRLEN", k, "c"), ("HSCAN", k, "0"), ("LLEN", k),
        ("LINDEX", k, "0"), ("LRANGE", k, "0", "-1"), ("LPOS", k, "x"), ("SCARD", k), ("SMEMBERS", k),
        ("SISMEMBER", k, "1"), ("SMISMEMBER", k, "1", "2"), ("SSCAN", k, "0"),
        ("SINTER", k, "st6"), ("SUNION", k, "none3"), ("SDIFF", k, "st7"), ("SINTERCARD", "1", k), ("ZCARD", k),
        ("ZSCORE", k, "a"), ("ZMSCORE", k, "a"), ("ZRANK", k, "a"), ("ZREVRANK", k, "a"),
        ("ZCOUNT", k, "-inf", "+inf"), ("ZLEXCOUNT", k, "-", "+"), ("ZRANGE", k, "0", "-1"),
        ("ZRANGEBYSCORE", k, "-inf", "+inf"), ("ZREVRANGE", k, "0", "-1"), ("ZRANGEBYLEX", k, "-", "+"),
        ("ZSCAN", k, "0"), ("ZINTERCARD", "1", k), ("ZUNION", "2", k, "za"), ("SORT_RO", k),
        ("TOUCH", k),
    ]


for present_or_missing in ("za", "l3", "st6", "h2", "n1", "none"):
    SCRIPT += reads(present_or_missing)
# Random picks only where nothing is there to pick; OBJECT never publishes keymiss.
SCRIPT += [("HRANDFIELD", "none"), ("SRANDMEMBER", "none"), ("ZRANDMEMBER", "none"), ("OBJECT", "ENCODING", "none")]
SCRIPT += DATABASES

# Commands run in MULTI … EXEC, then further ones around WATCH.
TRANSACTION = [("SET", "t1", "1"), ("INCR", "t1"), ("LPUSH", "tl", "a"), ("RPOP", "tl"),
               ("EXPIRE", "t1", "100"), ("DEL", "t1", "tl"), ("BLPOP", "tl", "0")]


def expired_keys(client):
    return int(info_fields(client, "stats")["expired_keys"])


def drain(subscriber, marker=PONG2):
    """Everything the subscriber received before the answer to a PING."""
    subscriber.send_command("PING")
    return read_until(subscriber, marker)


def play(server, flags):
    """Runs the whole scenario; returns (the subscribers' streams, the client's replies)."""
    admin = server.client()
    assert admin.call_raw("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
    assert admin.call_raw("CONFIG", "SET", "notify-keyspace-events", flags) == b"+OK\r\n"
    subscriber = server.client()
    subscriber.send_command("PSUBSCRIBE", "__key*__:*")
    subscriber.read_reply()
    # A RESP3 subscriber to one channel: push frames.
    resp3 = server.client()
    assert resp3.call_raw("HELLO", "3").startswith(b"%")
    resp3.send_command("SUBSCRIBE", "__keyevent@0__:del")
    resp3.read_reply()
    client = server.client()
    replies = [client.call_raw(*command) for command in SCRIPT]
    # Blocking pops served later: by a push, and a BLMOVE served into a new list.
    waiter, zwaiter = server.client(), server.client()
    waiter.send_command("BLPOP", "bl1", "bl2", "0")
    zwaiter.send_command("BZPOPMAX", "bz", "0")
    wait_until(lambda: blocked_clients(admin) == 2, "two blocked clients")
    replies.append(client.call_raw("RPUSH", "bl2", "x", "y"))
    replies.append(client.call_raw("ZADD", "bz", "1", "a", "2", "b"))
    replies += [waiter.read_reply(), zwaiter.read_reply()]
    waiter.send_command("BLMOVE", "bl3", "bl4", "RIGHT", "LEFT", "0")
    wait_until(lambda: blocked_clients(admin) == 1, "a blocked BLMOVE")
    replies.append(client.call_raw("LPUSH", "bl3", "only"))
    replies.append(waiter.read_reply())
    # A transaction, its events in order at EXEC.
    replies.append(client.call_raw("MULTI"))
    replies += [client.call_raw(*command) for command in TRANSACTION]
    replies.append(client.call_raw("EXEC"))
    # Lazy expiry: a read of a key whose time passed.
    replies.append(client.call_raw("SET", "lazy", "v", "PX", "1"))
    wait_past(admin, 1)
    replies += [client.call_raw("GET", "lazy"), client.call_raw("EXISTS", "lazy")]
    replies.append(client.call_raw("SET", "lazy2", "v", "PX", "1"))
    wait_past(admin, 1)
    replies.append(client.call_raw("SET", "lazy2", "again"))  # a write over an expired key
    # Other commands meeting expired keys, and SCAN, which expires what it walks over (alone in db 7).
    replies += [client.call_raw(*command) for command in [
        ("SET", "e1", "v", "PX", "1"), ("SET", "e2", "v", "PX", "1"), ("SET", "e3", "v", "PX", "1"),
        ("SET", "past", "v", "PXAT", "1"), ("SELECT", "7"), ("SET", "e4", "v", "PX", "1"), ("SELECT", "0")]]
    wait_past(admin, 1)
    replies += [client.call_raw(*command) for command in [
        ("DEL", "e1"), ("RENAME", "e2", "e5"), ("LPUSH", "e3", "x"), ("GET", "past"), ("SELECT", "7"), ("SCAN", "0"),
        ("SELECT", "0")]]
    # Active expiry: nobody touches the key; wait until the server reclaimed it.
    expired = expired_keys(admin)
    replies.append(client.call_raw("SET", "active", "v", "PX", "1"))
    assert admin.call_raw("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"+OK\r\n"
    wait_until(lambda: expired_keys(admin) > expired, "active expiry")
    replies.append(client.call_raw("DBSIZE"))
    return drain(subscriber) + b"--RESP3--" + drain(resp3, b"+PONG\r\n"), b"".join(replies)


SETTINGS = ["KEA", "Kl", "Eg$", "Ex", "En", "AKEnm", "Ksh", "Ez", "KEm", "A", "K", ""]


@pytest.mark.parametrize("flags", SETTINGS)
def test_event_streams_match_redis(swirl, servers, redis_bin, flags):
    redis = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected, expected_replies = play(redis, flags)
    got, got_replies = play(swirl, flags)
    assert got_replies == expected_replies
    assert got == expected
    if flags == "KEA":
        # Spot checks, so the comparison is not vacuous.
        for part in (b"__keyspace@0__:l1", b"rename_from", b"move_to", b"__keyevent@3__:move_to",
                     b"copy_to", b"sortstore", b"zrangestore", b"expired", b"hincrbyfloat",
                     b"xgroup-createconsumer", b"xgroup-destroy", b"xsetid", b"xtrim"):
            assert part in expected, part
        assert b"$3\r\nnew\r\n" not in expected  # `A` leaves out `n`
        assert b">3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n" in expected
    if flags == "En":
        assert b"__keyevent@0__:new" in expected and b"__keyspace@" not in expected
    if flags in ("A", "K", ""):
        assert expected == b"--RESP3--"  # classes without a channel kind, or a kind without classes


def test_channel_kinds_and_new_key_order(swirl):
    """Keyspace channel first, then keyevent; `new` before the command's own event."""
    admin, sub, client = swirl.client(), swirl.client(), swirl.client()
    admin.call("CONFIG", "SET", "notify-keyspace-events", "KEA$n")
    sub.send_command("PSUBSCRIBE", "__key*__:*")
    sub.read_reply()
    client.call("SELECT", "9")
    client.call("LPUSH", "k", "v")
    stream = drain(sub)

    def message(channel, payload):
        return (b"*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                % (len(channel), channel, len(payload), payload))

    assert stream == (message(b"__keyspace@9__:k", b"new") + message(b"__keyevent@9__:new", b"k")
                      + message(b"__keyspace@9__:k", b"lpush") + message(b"__keyevent@9__:lpush", b"k"))


CONFIG_CASES = ["AKE", "Kx", "xK", "", "g", "Ag", "KEA", "Kg", "lsg", "nA", "m", "mn", "d", "At",
                "g$lshzxetd", "g$lshzxet", "AKEnm", "ab", "K E", "EKhz$", "nnn"]


def config_answers(server):
    client = server.client()
    answers = []
    for value in CONFIG_CASES:
        answers.append(client.call_raw("CONFIG", "SET", "notify-keyspace-events", value))
        answers.append(client.call_raw("CONFIG", "GET", "notify-keyspace-events"))
    return answers


def test_config_validation_and_display_match_redis(swirl, servers, redis_bin):
    redis = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected = config_answers(redis)
    assert config_answers(swirl) == expected
    assert b"Invalid event class character" in b"".join(expected)


def test_command_line_value_is_normalized(servers, swirl_bin):
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--notify-keyspace-events", "Ex$")
    client = server.client()
    assert client.call("CONFIG", "GET", "notify-keyspace-events") == [b"notify-keyspace-events", b"$xE"]
