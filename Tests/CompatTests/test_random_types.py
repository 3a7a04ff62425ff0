"""Seeded random command sequences over strings, hashes, lists, sets, key
and expiry commands, sent to redis-server and Swirl with every reply
compared byte for byte (the machinery of test_zset_random.py).

All types share a handful of keys so commands collide and types clash;
a few commands lose or gain arguments (arity and syntax errors); MULTI
blocks mix good and bad commands. Seeds run in RESP2 or RESP3.

Where Redis's reply is not deterministic the reply is normalised, the same
way for both servers:
- the elements of set replies (SMEMBERS, SINTER, ...) and of hash replies
  (HKEYS, HVALS, HGETALL pairs) are sorted: a hashtable set or hash (one
  with a long value, or a large one: the "large" seeds lower
  hash-max-listpack-entries and set-max-intset-entries) has a random order
  in Redis;
- TTL/PTTL and relative EXPIRETIME/PEXPIRETIME depend on the clock: a
  positive value is compared only as "positive", except expire times around
  year 2100, which only EXPIREAT/PEXPIREAT/EXAT/PXAT set (exact; relative
  ones are either years earlier or centuries later).
Relative expirations are never short enough to fire during a run, and GT/LT
only go with absolute times (two relative times set in the same
millisecond would tie in one server and not the other). SPOP, SRANDMEMBER,
HRANDFIELD and blocking commands outside MULTI are not sent."""
import random

import pytest

import compat

KEYS = ["k1", "k2", "k3", "k4"]
FIELDS = ["f1", "f2", "f3", "a", "", "fld"]
INTS = ["0", "1", "-1", "7", "10", "100", "-100", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "01", " 1", "1.0", "x", "", "+1", "-0", "2147483648", "0x10", "1e3",
        "-9223372036854775809", "4611686018427387904", "00", "1\x00"]
FLOATS = ["0", "1.5", "-2.25", "1e3", "inf", "-inf", "nan", "x", "0.1", "0.2", "1e308", "3", "10.00", ".5", "5.",
          "-0", "0x10", "1e-5", " 1", "1 ", "infinity", "-1.5e10", "3.0000000000000001", "5e-324", "1e-320",
          "123456789012345678", "0.30000000000000004", "1,5", "+.1e+2"]
REL_SECONDS = ["100", "1000", "0", "-1", "x", "1.5", "9223372036854775807", "99999999999999", ""]
REL_MILLIS = ["100000", "1000000", "0", "-5", "x", "9223372036854775807"]
ABS_SECONDS = ["4000000000", "4100000000", "1", "0", "-1", "x", "9223372036854775807"]
ABS_MILLIS = ["4000000000123", "4000000000000", "4100000000999", "1000", "x", "-1"]
FAR_SECONDS, FAR_MILLIS = 3_000_000_000, 3_000_000_000_000

# Replies whose element order is random in Redis.
SET_REPLIES = {"smembers", "sinter", "sunion", "sdiff"}
HASH_REPLIES = {"hkeys", "hvals"}
CLOCK_REPLIES = {"ttl": None, "pttl": None, "expiretime": FAR_SECONDS, "pexpiretime": FAR_MILLIS}


def normalise(command, raw):
    if isinstance(raw, str) or not raw:
        return raw
    name = command[0].lower()
    if raw[:1] in b"*~%" and name in SET_REPLIES | HASH_REPLIES | {"hgetall"}:
        head, items = compat.elements(raw)
        if name == "hgetall":
            pairs = sorted(zip(items[::2], items[1::2]))
            return head + b"".join(k + v for k, v in pairs)
        return head + b"".join(sorted(items))
    if raw[:1] == b":" and name in CLOCK_REPLIES:
        n = int(raw[1:-2])
        far = CLOCK_REPLIES[name]
        if n >= 0 and (far is None or not far <= n < 10 * far):
            return b":<positive>\r\n"
    return raw


class Generator:
    def __init__(self, seed, large):
        self.r = random.Random(seed)
        self.large = large
        self.in_multi = False
        self.home = KEYS[0]

    def key(self):
        # Mostly the group's own key, so commands also succeed; any key
        # otherwise, so types clash.
        return self.home if self.r.random() < 0.6 else self.r.choice(KEYS)

    def pick(self, pool):
        return self.r.choice(pool)

    def value(self):
        r = self.r
        return r.choice(["v", "hello", "", "12", "-3", "3.5", "abc\x00d", "x" * r.choice([1, 20, 70]),
                         str(r.randint(-20, 20)), "ohello world", "hello there world", "12345678901234567890",
                         "".join(r.choice("abc") for _ in range(r.randint(0, 30)))])

    def index(self):
        if self.r.random() < 0.05:
            return self.r.choice(["9223372036854775807", "-9223372036854775808", "9223372036854775808", "x", "1.0"])
        return str(self.r.choice([0, 1, 2, -1, -2, 3, -3, 5, -100, 100, self.r.randint(-8, 8)]))

    def intmember(self):
        return str(self.r.choice([self.r.randint(-5, 20), 1000000, -7, "x", "1.5", "a", "b"]))

    # --- strings -----------------------------------------------------------
    def set_command(self):
        r = self.r
        args = ["SET", self.key(), self.value()]
        options = []
        if r.random() < 0.5:
            options.append(r.choice(["NX", "XX", "nx"]))
        if r.random() < 0.3:
            options.append("GET")
        if r.random() < 0.5:
            kind = r.choice(["EX", "PX", "EXAT", "PXAT", "KEEPTTL", "ex"])
            pool = {"EX": REL_SECONDS, "ex": REL_SECONDS, "PX": REL_MILLIS, "EXAT": ABS_SECONDS,
                    "PXAT": ABS_MILLIS}.get(kind)
            options.append((kind, r.choice(pool)) if pool else (kind,))
        if r.random() < 0.05:
            options.append(r.choice([("EX", "100"), ("KEEPTTL",), ("NX",), ("BOGUS",), ("PX",)]))
        r.shuffle(options)
        for o in options:
            args += list(o) if isinstance(o, tuple) else [o]
        return args

    def string_command(self, name):
        r, k = self.r, self.key()
        if name == "set":
            return self.set_command()
        if name == "getex":
            opt = r.choice([[], ["PERSIST"], ["EX", r.choice(REL_SECONDS)], ["PX", r.choice(REL_MILLIS)],
                            ["EXAT", r.choice(ABS_SECONDS)], ["PXAT", r.choice(ABS_MILLIS)], ["EX"],
                            ["PERSIST", "EX", "100"], ["KEEPTTL"]])
            return ["GETEX", k] + opt
        if name in ("get", "getdel", "strlen", "incr", "decr"):
            return [name, k]
        if name == "append":
            return [name, k, self.value()]
        if name == "setrange":
            return [name, k, r.choice(["0", "1", "5", "-1", "x", "536870912", "3"]), self.value()]
        if name in ("getrange", "substr"):
            return [name, k, self.index(), self.index()]
        if name in ("incrby", "decrby"):
            return [name, k, r.choice(INTS)]
        if name == "incrbyfloat":
            return [name, k, r.choice(FLOATS + INTS[:4])]
        if name in ("mset", "msetnx"):
            args = [name]
            for _ in range(r.randint(1, 3)):
                args += [self.key(), self.value()]
            return args
        if name == "mget":
            return [name] + [self.key() for _ in range(r.randint(1, 4))]
        if name == "setnx":
            return [name, k, self.value()]
        if name in ("setex", "psetex"):
            return [name, k, r.choice(REL_SECONDS if name == "setex" else REL_MILLIS), self.value()]
        if name == "getset":
            return [name, k, self.value()]
        # lcs
        args = ["LCS", k, self.key()]
        opts = self.r.sample([("LEN",), ("IDX",), ("MINMATCHLEN", r.choice(["0", "1", "2", "-1", "x"])),
                              ("WITHMATCHLEN",)], r.randint(0, 3))
        for o in opts:
            args += list(o)
        return args

    # --- hashes ------------------------------------------------------------
    def field(self):
        if self.large and self.r.random() < 0.5:
            return "h%d" % self.r.randint(0, 40)
        return self.r.choice(FIELDS)

    def hash_command(self, name):
        r, k = self.r, self.key()
        if name in ("hset", "hmset"):
            args = [name, k]
            for _ in range(r.randint(1, 8 if self.large else 3)):
                args += [self.field(), self.value()]
            return args
        if name == "hsetnx":
            return [name, k, self.field(), self.value()]
        if name in ("hdel", "hmget"):
            return [name, k] + [self.field() for _ in range(r.randint(1, 4))]
        if name in ("hget", "hexists", "hstrlen"):
            return [name, k, self.field()]
        if name == "hincrby":
            return [name, k, self.field(), r.choice(INTS)]
        if name == "hincrbyfloat":
            return [name, k, self.field(), r.choice(FLOATS)]
        return [name, k]  # hlen hkeys hvals hgetall

    # --- lists -------------------------------------------------------------
    def element(self):
        return self.r.choice(["a", "b", "c", "1", "", "x" * 70, "b", str(self.r.randint(0, 9))])

    def list_command(self, name):
        r, k = self.r, self.key()
        if name in ("lpush", "rpush", "lpushx", "rpushx"):
            return [name, k] + [self.element() for _ in range(r.randint(1, 30 if self.large else 5))]
        if name in ("lpop", "rpop"):
            return [name, k] + ([r.choice(["0", "1", "2", "10", "-1", "x", "9223372036854775807"])]
                                if r.random() < 0.5 else [])
        if name == "llen":
            return [name, k]
        if name == "lindex":
            return [name, k, self.index()]
        if name in ("lrange", "ltrim"):
            return [name, k, self.index(), self.index()]
        if name == "lset":
            return [name, k, self.index(), self.element()]
        if name == "lrem":
            return [name, k, r.choice(["0", "1", "-1", "2", "-2", "x"]), self.element()]
        if name == "linsert":
            return [name, k, r.choice(["BEFORE", "AFTER", "before", "MIDDLE"]), self.element(), self.element()]
        if name == "lpos":
            args = [name, k, self.element()]
            opts = r.sample([("RANK", r.choice(["1", "-1", "2", "-2", "0", "x", "-9223372036854775808"])),
                             ("COUNT", r.choice(["0", "1", "2", "-1"])),
                             ("MAXLEN", r.choice(["0", "1", "3", "-1"]))], r.randint(0, 3))
            for o in opts:
                args += list(o)
            return args
        if name == "lmove":
            return [name, k, self.key(), r.choice(["LEFT", "RIGHT"]), r.choice(["LEFT", "RIGHT", "UP"])]
        if name == "rpoplpush":
            return [name, k, self.key()]
        if name == "lmpop":
            n = r.choice([1, 2, 3, 0])
            args = [name, str(n)] + [self.key() for _ in range(max(n, 1))] + [r.choice(["LEFT", "RIGHT", "up"])]
            if r.random() < 0.5:
                args += ["COUNT", r.choice(["1", "2", "5", "0", "-1"])]
            return args
        # blocking variants, only inside MULTI (they do not block there)
        if name == "blpop":
            return [name, k, self.key(), "0"]
        if name == "blmove":
            return [name, k, self.key(), "LEFT", "RIGHT", "0"]
        return ["blmpop", "0", "1", k, "LEFT"]

    # --- sets ----------------------------------------------------------------
    def set_member(self):
        # Mostly integers, so many sets are (ordered) intsets.
        return self.intmember() if self.r.random() < 0.7 else self.r.choice(["a", "b", "c", ""])

    def sets_command(self, name):
        r, k = self.r, self.key()
        if name in ("sadd", "srem", "smismember"):
            return [name, k] + [self.set_member() for _ in range(r.randint(1, 10 if self.large else 5))]
        if name in ("scard", "smembers"):
            return [name, k]
        if name == "sismember":
            return [name, k, self.set_member()]
        if name == "smove":
            return [name, k, self.key(), self.set_member()]
        if name == "sintercard":
            n = r.choice([1, 2, 3, 0])
            args = [name, str(n)] + [self.key() for _ in range(max(n, 1))]
            return args + (["LIMIT", r.choice(["0", "1", "2", "-1"])] if r.random() < 0.4 else [])
        if name in ("sinter", "sunion", "sdiff"):
            return [name] + [self.key() for _ in range(r.randint(1, 3))]
        return [name, self.key()] + [self.key() for _ in range(r.randint(1, 3))]  # *store

    # --- keys and expiry ---------------------------------------------------
    def keys_command(self, name):
        r, k = self.r, self.key()
        if name == "object":
            return ["OBJECT", self.r.choice(["ENCODING", "ENCODING", "REFCOUNT"]), self.r.choice(KEYS)]
        if name == "move":
            return [name, k, r.choice(["1", "1", "0", "16", "x"])]
        if name == "select":
            return [name, r.choice(["0", "0", "1"])]
        if name == "debug":  # a save and load of everything: encodings are recomputed
            return ["DEBUG", "RELOAD"]
        if name == "swapdb":
            return [name, "0", "1"]
        if name in ("del", "exists", "unlink", "touch"):
            return [name] + [self.key() for _ in range(r.randint(1, 3))]
        if name in ("type", "ttl", "pttl", "persist", "expiretime", "pexpiretime"):
            return [name, k]
        if name in ("rename", "renamenx"):
            return [name, k, self.key()]
        if name == "copy":
            return [name, k, self.key()] + (["REPLACE"] if r.random() < 0.5 else []) + (
                ["DB", r.choice(["0", "1", "x"])] if r.random() < 0.1 else [])
        if name in ("expire", "pexpire"):
            flag = [r.choice(["NX", "XX"])] if r.random() < 0.4 else []
            return [name, k, r.choice(REL_SECONDS if name == "expire" else REL_MILLIS)] + flag
        # expireat / pexpireat: any flag, even two
        flags = r.sample(["NX", "XX", "GT", "LT", "gt"], r.choice([0, 0, 1, 1, 2]))
        return [name, k, r.choice(ABS_SECONDS if name == "expireat" else ABS_MILLIS)] + flags

    GROUPS = {
        "string": ["set"] * 6 + ["getex", "get", "getdel", "strlen", "incr", "decr", "append", "setrange",
                                 "getrange", "substr", "incrby", "decrby", "incrbyfloat", "incrbyfloat", "mset",
                                 "msetnx", "mget", "setnx", "setex", "psetex", "getset", "lcs"],
        "hash": ["hset"] * 3 + ["hmset", "hsetnx", "hdel", "hmget", "hget", "hexists", "hstrlen", "hincrby",
                                "hincrbyfloat", "hlen", "hkeys", "hvals", "hgetall"],
        "list": ["lpush", "rpush"] * 2 + ["lpushx", "rpushx", "lpop", "rpop", "llen", "lindex", "lrange",
                                          "ltrim", "lset", "lrem", "linsert", "lpos", "lpos", "lmove",
                                          "rpoplpush", "lmpop"],
        "sets": ["sadd"] * 3 + ["srem", "smismember", "scard", "smembers", "sismember", "smove", "sintercard",
                                "sinter", "sunion", "sdiff", "sinterstore", "sunionstore", "sdiffstore"],
        "keys": ["object", "object", "debug", "move", "select", "swapdb", "del", "exists", "unlink", "touch", "type", "ttl", "pttl", "persist", "expiretime",
                 "pexpiretime", "rename", "renamenx", "copy", "expire", "pexpire", "expireat", "pexpireat"],
    }
    BUILDERS = {"string": "string_command", "hash": "hash_command", "list": "list_command",
                "sets": "sets_command", "keys": "keys_command"}

    def one(self):
        r = self.r
        group = r.choice(["string", "string", "hash", "list", "list", "sets", "keys"])
        self.home = KEYS[["string", "hash", "list", "sets", "keys"].index(group) % len(KEYS)]
        names = self.GROUPS[group] + (["blpop", "blmove", "blmpop"] if self.in_multi and group == "list" else [])
        args = getattr(self, self.BUILDERS[group])(r.choice(names))
        roll = r.random()
        if roll < 0.03:  # wrong arity or a dangling option
            args = args[:r.randint(1, max(1, len(args) - 1))]
        elif roll < 0.05:
            args = args + [r.choice(["extra", "0", "NX"])]
        return args

    def commands(self):
        """The next command, or a whole MULTI block."""
        r = self.r
        if r.random() >= 0.04:
            return [self.one()]
        block = []
        if r.random() < 0.5:  # a WATCH, and maybe a command touching the key before MULTI
            block.append(["WATCH"] + [self.key() for _ in range(r.randint(1, 2))])
            if r.random() < 0.5:
                block.append(self.one())
            if r.random() < 0.2:
                block.append(["UNWATCH"])
        block.append(["MULTI"])
        self.in_multi = True
        for _ in range(r.randint(0, 5)):
            roll = r.random()
            if roll < 0.1:
                block.append(r.choice([["NOSUCHCOMMAND", "x"], ["GET"], ["MULTI"], ["SET", "k1"]]))
            elif roll < 0.15:
                block.append(["WATCH", self.key()])
            else:
                block.append(self.one())
        self.in_multi = False
        block.append(r.choice([["EXEC"]] * 4 + [["DISCARD"]]))
        return block


def _multi_safe(command):
    """Inside MULTI replies are only normalised by EXEC, so leave out the
    commands whose reply needs normalising."""
    return command[0].lower() not in SET_REPLIES | HASH_REPLIES | {"hgetall", "object"} | set(CLOCK_REPLIES)


SEEDS = [(s, "2", False) for s in (1, 2, 3, 4)] + [(s, "3", False) for s in (5, 6, 7, 8)] + \
        [(9, "2", True), (10, "3", True)]


@pytest.mark.parametrize("seed,protocol,large", SEEDS, ids=lambda v: str(v))
def test_random_type_commands(seed, protocol, large, compat_servers):
    redis, swirl = compat_servers
    gen = Generator(seed, large)
    a, b = compat.fresh_connection(redis.port), compat.fresh_connection(swirl.port)
    setup = [("HELLO", protocol)]
    if large:
        setup += [("CONFIG", "SET", "hash-max-listpack-entries", "4"),
                  ("CONFIG", "SET", "set-max-intset-entries", "8")]
    try:
        for command in setup:
            a.call_raw(*command)
            b.call_raw(*command)
        history = []
        while len(history) < 400:
            batch = gen.commands()
            in_multi = len(batch) > 1
            for command in batch:
                if in_multi and not _multi_safe(command):
                    continue
                history.append(command)
                ra = normalise(command, compat._exchange(a, command))
                rb = normalise(command, compat._exchange(b, command))
                if ra != rb:
                    pytest.fail("seed %d: %r\n  redis %r\n  swirl %r\nafter:\n  %s" % (
                        seed, command, ra[:400], rb[:400], "\n  ".join(map(repr, history[-15:-1]))),
                        pytrace=False)
        compat.COMPARED.append(("random types seed %d" % seed, len(history)))
    finally:
        for c in (a, b):
            c.call_raw("DISCARD")
            c.call_raw("CONFIG", "SET", "hash-max-listpack-entries", "512")
            c.call_raw("CONFIG", "SET", "set-max-intset-entries", "512")
            c.close()
