"""Bitmaps and HyperLogLog against redis-server beyond the scripts: COMMAND
DOCS arguments and COMMAND INFO of the 12 commands, HLL values moved between
the servers with GET/SET counting the same in both, and seeded random streams
of bit and HLL commands with every reply compared byte for byte."""
import random

import pytest

import compat
from resp import decode

COMMANDS = ["setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro",
            "pfadd", "pfcount", "pfmerge", "pfdebug", "pfselftest"]


def docs_without_text(conn, name):
    """COMMAND DOCS of one command without what is Swirl's own wording
    (summary, complexity, history: docs/ARCHITECTURE.md, Known differences)."""
    reply = decode(conn.call_raw("COMMAND", "DOCS", name))
    doc = dict(zip(reply[1][::2], reply[1][1::2]))
    for field in (b"summary", b"complexity", b"history"):
        doc.pop(field, None)
    return doc


@pytest.mark.parametrize("name", COMMANDS)
def test_command_docs_and_info(name, compat_servers):
    redis, swirl = compat_servers
    a, b = compat.fresh_connection(redis.port), compat.fresh_connection(swirl.port)
    try:
        assert docs_without_text(b, name) == docs_without_text(a, name)
        # name, arity, flags, first key, last key, step, ACL categories (key specs are Redis's own).
        info_a, info_b = decode(a.call_raw("COMMAND", "INFO", name))[0], decode(b.call_raw("COMMAND", "INFO", name))[0]
        assert info_b[:7] == info_a[:7]
        assert a.call_raw("COMMAND", "GETKEYS", *({"bitop": ["BITOP", "AND", "d", "s1", "s2"],
                                                   "pfmerge": ["PFMERGE", "d", "s1", "s2"],
                                                   "pfdebug": ["PFDEBUG", "GETREG", "k"],
                                                   "pfselftest": ["PFSELFTEST"],
                                                   "pfcount": ["PFCOUNT", "a", "b"]}.get(name, [name, "k", "0", "0"]))) \
            == b.call_raw("COMMAND", "GETKEYS", *({"bitop": ["BITOP", "AND", "d", "s1", "s2"],
                                                   "pfmerge": ["PFMERGE", "d", "s1", "s2"],
                                                   "pfdebug": ["PFDEBUG", "GETREG", "k"],
                                                   "pfselftest": ["PFSELFTEST"],
                                                   "pfcount": ["PFCOUNT", "a", "b"]}.get(name, [name, "k", "0", "0"])))
    finally:
        a.close()
        b.close()


def element(r):
    kind = r.random()
    if kind < 0.4:
        return b"user:%d" % r.randrange(10 ** 6)
    if kind < 0.7:
        return bytes(r.randrange(256) for _ in range(r.randrange(0, 24)))
    return bytes(r.randrange(256) for _ in range(r.randrange(24, 200)))


@pytest.mark.parametrize("seed", range(1, 5))
def test_hll_values_move_between_servers(seed, compat_servers):
    """PFADD of many random elements: the raw values are equal byte for byte
    through sparse growth and the dense promotion; a value made by one server
    and SET into the other counts, merges and grows the same there."""
    redis, swirl = compat_servers
    a, b = compat.fresh_connection(redis.port), compat.fresh_connection(swirl.port)
    r = random.Random(seed)
    try:
        added = 0
        while added < 6000:
            batch = [element(r) for _ in range(r.choice([1, 5, 50, 400]))]
            added += len(batch)
            for conn in (a, b):
                assert conn.call_raw("PFADD", "h", *batch) is not None
            raw_a, raw_b = a.call_raw("GET", "h"), b.call_raw("GET", "h")
            assert raw_b == raw_a, "after %d elements" % added
            assert b.call_raw("PFCOUNT", "h") == a.call_raw("PFCOUNT", "h")
            assert b.call_raw("GET", "h") == a.call_raw("GET", "h"), "the cached cardinality"
            # Cross: each server's value in the other one.
            value_a, value_b = decode(raw_a), decode(raw_b)
            b.call_raw("SET", "from-redis", value_a)
            a.call_raw("SET", "from-swirl", value_b)
            assert b.call_raw("PFCOUNT", "from-redis") == a.call_raw("PFCOUNT", "h")
            assert a.call_raw("PFCOUNT", "from-swirl") == b.call_raw("PFCOUNT", "h")
            extra = [element(r) for _ in range(20)]
            b.call_raw("PFADD", "from-redis", *extra)
            a.call_raw("PFADD", "from-swirl", *extra)
            assert b.call_raw("GET", "from-redis") == a.call_raw("GET", "from-swirl")
        other = [element(r) for _ in range(300)]
        for conn in (a, b):
            conn.call_raw("PFADD", "other", *other)
        assert b.call_raw("PFCOUNT", "h", "other") == a.call_raw("PFCOUNT", "h", "other")
        for conn in (a, b):
            conn.call_raw("PFMERGE", "merged", "other", "h")
        assert b.call_raw("GET", "merged") == a.call_raw("GET", "merged")
        assert b.call_raw("PFCOUNT", "merged") == a.call_raw("PFCOUNT", "merged")
    finally:
        a.close()
        b.close()


def bit_command(r, keys):
    key = r.choice(keys)
    n = lambda: str(r.choice([0, 1, 7, 8, 9, 63, 64, 100, 255, 1000, r.randrange(4000), -1, -8, -9, -100]))
    offset = lambda: str(r.choice([0, 1, 7, 8, 15, 63, 64, 65, 127, r.randrange(3000)]))
    unit = lambda: [r.choice(["BIT", "BYTE", "bit"])] if r.random() < 0.5 else []
    choice = r.randrange(11)
    if choice == 0:
        return ["SETBIT", key, offset(), r.choice(["0", "1"])]
    if choice == 1:
        return ["GETBIT", key, offset()]
    if choice == 2:
        return ["BITCOUNT", key] + ([n(), n()] + unit() if r.random() < 0.7 else [])
    if choice == 3:
        tail = r.choice([[], [n()], [n(), n()], [n(), n()] + unit()])
        return ["BITPOS", key, r.choice(["0", "1"])] + tail
    if choice == 4:
        op = r.choice(["AND", "OR", "XOR", "NOT"])
        sources = [r.choice(keys)] if op == "NOT" else [r.choice(keys) for _ in range(r.randrange(1, 4))]
        return ["BITOP", op, r.choice(keys)] + sources
    if choice == 5:
        ops = []
        for _ in range(r.randrange(1, 5)):
            if r.random() < 0.2:
                ops += ["OVERFLOW", r.choice(["WRAP", "SAT", "FAIL"])]
            width = r.choice(["u1", "u7", "u8", "u16", "u63", "i1", "i5", "i8", "i32", "i64"])
            where = r.choice([offset(), "#" + str(r.randrange(20))])
            verb = r.choice(["GET", "SET", "INCRBY"])
            value = str(r.choice([0, 1, -1, 100, -100, 127, 128, 255, 256, 2 ** 31, -2 ** 63, 2 ** 63 - 1]))
            ops += [verb, width, where] + ([] if verb == "GET" else [value])
        return ["BITFIELD", key] + ops
    if choice == 6:
        return ["BITFIELD_RO", key, "GET", r.choice(["u8", "i13", "u63"]), offset()]
    if choice == 7:
        return ["SETRANGE", key, offset(), "xy\x00z"]
    if choice == 8:
        return ["APPEND", key, r.choice(["a", "\xff\x00", "0123456789"])]
    if choice == 9:
        return ["GET", key]
    return ["PFADD", key, str(r.randrange(50))]


@pytest.mark.parametrize("seed", range(1, 5))
def test_random_bit_commands(seed, compat_servers):
    redis, swirl = compat_servers
    a, b = compat.fresh_connection(redis.port), compat.fresh_connection(swirl.port)
    r = random.Random(1000 + seed)
    keys = ["k1", "k2", "k3", "k4"]
    history = []
    try:
        for _ in range(1500):
            command = bit_command(r, keys)
            history.append(command)
            ra, rb = compat._exchange(a, command), compat._exchange(b, command)
            assert rb == ra, "%r\nafter %r" % (command, history[-10:-1])
        compat.COMPARED.append(("random bit commands seed %d" % seed, len(history)))
    finally:
        a.close()
        b.close()
