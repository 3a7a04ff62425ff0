"""Bitmaps and HyperLogLogs in the AOF: the same command sequence leaves the
same incremental file in Swirl and redis-server 7.0 (only commands that
changed a byte are logged; PFCOUNT is, when it stored its cache), a Swirl
directory (rewritten base + incremental file) loads in redis-server with the
same bytes, and a Redis directory (RDB base + incremental file) in Swirl."""
import glob
import os
import random

from aof_helpers import wait_for_rewrites
from resp import decode

AOF_ON = ("--appendonly", "yes", "--save", "")


def incr_aof(directory):
    files = sorted(glob.glob(os.path.join(str(directory), "appendonlydir", "*.incr.aof")))
    assert files, os.listdir(str(directory))
    with open(files[-1], "rb") as f:
        return f.read()


def commands(seed=7):
    r = random.Random(seed)
    elements = [b"el:%d" % r.randrange(10 ** 6) for _ in range(2500)]
    out = [
        ("SETBIT", "b", 7, 1), ("SETBIT", "b", 7, 1), ("SETBIT", "b", 7, 0), ("SETBIT", "b", 1000, 0),
        ("SETBIT", "b", 1000, 0), ("SET", "n", "123"), ("SETBIT", "n", 0, 1),
        ("BITFIELD", "f", "SET", "u8", 0, 255, "INCRBY", "i5", 100, 3), ("BITFIELD", "f", "GET", "u8", 0),
        ("BITFIELD", "f", "SET", "u8", 0, 255), ("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 1),
        ("BITFIELD", "nb", "OVERFLOW", "FAIL", "SET", "u2", 0, 9),
        ("BITOP", "AND", "and", "b", "f"), ("BITOP", "NOT", "not", "f"), ("BITOP", "OR", "gone", "nokey"),
        ("SET", "gone2", "x"), ("BITOP", "OR", "gone2", "nokey"),
        ("SELECT", 3), ("SETBIT", "db3", 5, 1), ("SELECT", 0),
        ("PFADD", "h", "a", "b", "c"), ("PFADD", "h", "a"), ("PFCOUNT", "h"), ("PFCOUNT", "h"),
        ("PFADD", "big", *elements[:1200]), ("PFCOUNT", "big"), ("PFADD", "big", *elements[1200:]),
        ("PFMERGE", "m", "h", "big"), ("PFCOUNT", "h", "big"), ("PFDEBUG", "TODENSE", "h"),
        ("PFDEBUG", "TODENSE", "h"), ("PFADD", "g", "x"), ("PFDEBUG", "GETREG", "g"), ("PFADD", "empty"),
        ("SET", "ttl", "x", "PXAT", 4102444800000), ("SETBIT", "ttl", 100, 1),
    ]
    return out


def run(c, cmds):
    for cmd in cmds:
        reply = decode(c.call_raw(*cmd))
        assert not isinstance(reply, Exception), (cmd, reply)


def strings(server, keys=("b", "n", "f", "nb", "and", "not", "gone", "gone2", "h", "big", "m", "g", "empty", "ttl")):
    c = server.client()
    values = {k: c.call_raw("GET", k) for k in keys}
    c.call("SELECT", 3)
    values["db3"] = c.call_raw("GET", "db3")
    values["ttl>0"] = decode(server.client().call_raw("PTTL", "ttl")) > 0
    return values


def test_same_incremental_file_as_redis(servers, swirl_bin, redis_bin):
    logs = []
    for binary in (redis_bin, swirl_bin):
        d = servers.new_dir()
        s = servers.start(binary, *AOF_ON, dir=d)
        run(s.client(), commands())
        assert s.stop() == 0
        logs.append(incr_aof(d))
    if logs[1] != logs[0]:
        at = next(i for i in range(min(len(logs[0]), len(logs[1]))) if logs[0][i] != logs[1][i])
        raise AssertionError("differ at %d:\n redis %r\n swirl %r" % (at, logs[0][at - 200:at + 100], logs[1][at - 200:at + 100]))


def test_swirl_directory_loads_in_redis_and_back(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    cmds = commands()
    run(c, cmds[:len(cmds) // 2])
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_for_rewrites(c, 1)
    run(c, cmds[len(cmds) // 2:])
    before = strings(s)
    assert s.stop() == 0
    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert strings(s2) == before
    assert s2.stop() == 0
    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert strings(r) == before


def test_redis_directory_loads_in_swirl(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "yes", dir=d)
    c = r.client()
    cmds = commands(seed=11)
    run(c, cmds[:len(cmds) // 2])
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_for_rewrites(c, 1)
    run(c, cmds[len(cmds) // 2:])
    counts = [decode(c.call_raw("PFCOUNT", k)) for k in ("h", "big", "m")]  # caches stored, logged
    before = strings(r)
    assert r.stop() == 0
    assert any(name.endswith(".base.rdb") for name in os.listdir(os.path.join(d, "appendonlydir")))
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert strings(s) == before
    assert [decode(s.client().call_raw("PFCOUNT", k)) for k in ("h", "big", "m")] == counts
