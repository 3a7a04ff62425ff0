"""Sorted sets in the AOF: they survive a Swirl restart (incremental
commands, ZMPOP logged as ZPOPMIN/ZPOPMAX, ZADD batches from a rewrite with
scores printed losslessly), the same directory loads in redis-server 7.0
with identical data, and Redis's RDB base file (listpack and skiplist
encodings) loads in Swirl."""
import os

from resp import decode
from aof_helpers import assert_same_typed, rewrite, typed_snapshot

AOF_ON = ("--appendonly", "yes", "--save", "")


def zset_snapshot(server, dbs=(0, 3)):
    return typed_snapshot(server, "zset", dbs)


def run_all(c, cmds):
    for cmd in cmds:
        reply = decode(c.call_raw(*cmd))
        assert not isinstance(reply, Exception), (cmd, reply)


def big_pairs(n, step=0.1):
    pairs = []
    for i in range(n):
        pairs += [repr(i * step), "member:%d" % i]
    return pairs


def write_zsets(c):
    run_all(c, [
        ("ZADD", "small", 1.1, "a", "-inf", "b", "+inf", "c", 0.1, b"bin\x00\xff\r\n"),
        ("ZADD", "big", *big_pairs(1000)),
        ("ZADD", "long", 1, "x" * 100, 2, "y"),
        ("ZADD", "ttl", 1, "a"), ("EXPIRE", "ttl", 5000),
        ("ZADD", "emptied", 1, "a"), ("ZREM", "emptied", "a"),
    ])
    rewrite(c)
    run_all(c, [
        ("ZPOPMIN", "big", 10),
        ("ZMPOP", "2", "nokey", "big", "MAX", "COUNT", "5"),
        ("ZADD", "small", "INCR", 2.5, "a"),
        ("ZINCRBY", "small", 1e-3, "new"),
        ("ZREMRANGEBYSCORE", "big", 10, 20),
        ("ZREMRANGEBYRANK", "big", 0, 4),
        ("ZADD", "lex", 0, "a", 0, "b", 0, "c", 0, "d"),
        ("ZREMRANGEBYLEX", "lex", "[b", "[c"),
        ("ZRANGESTORE", "store", "big", 0, 9, "REV"),
        ("ZUNIONSTORE", "union", 2, "small", "lex", "WEIGHTS", 2, 3),
        ("ZINTERSTORE", "inter", 2, "small", "lex"),
        ("ZDIFFSTORE", "diff", 2, "lex", "small"),
        ("ZADD", "popall", 1, "a"), ("ZPOPMAX", "popall"),
        ("SELECT", 3), ("ZADD", "db3", 7, "z"), ("SELECT", 0),
    ])


def check_zsets(snap):
    assert (0, b"emptied") not in snap and (0, b"popall") not in snap
    assert len(snap[(0, b"big")][0]) == 2 * (1000 - 10 - 5 - 101 - 5)
    assert snap[(0, b"lex")][0] == [b"a", b"0", b"d", b"0"]
    assert snap[(0, b"small")][0][:2] == [b"b", b"-inf"]
    assert snap[(0, b"ttl")][1] > 0
    assert snap[(3, b"db3")][0] == [b"z", b"7"]


def test_zsets_survive_restart_and_load_in_redis(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    write_zsets(s.client())
    before = zset_snapshot(s)
    check_zsets(before)
    assert s.stop() == 0

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before, zset_snapshot(s2))
    assert s2.stop() == 0

    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert_same_typed(before, zset_snapshot(r))


def test_redis_aof_with_zsets_loads_in_swirl(servers, swirl_bin, redis_bin):
    """Redis writes the same commands; its incremental file replays in Swirl."""
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "no", dir=d)
    write_zsets(r.client())
    before = zset_snapshot(r)
    check_zsets(before)
    assert r.stop() == 0
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before, zset_snapshot(s))


def test_redis_rdb_base_file_with_zsets_loads_in_swirl(servers, swirl_bin, redis_bin):
    """Redis's default AOF after a rewrite: an RDB base file, with small
    sorted sets as listpacks and large ones as skiplists (binary scores)."""
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "yes", dir=d)
    c = r.client()
    run_all(c, [
        ("ZADD", "small", 1.1, "a", "-inf", "b", "+inf", "c", 3, "int", -0.5, b"\x00\xff"),
        ("ZADD", "big", *big_pairs(500, 0.7)),
        ("ZADD", "long", 1, "x" * 100),
        ("ZADD", "ttl", 1, "a"), ("EXPIRE", "ttl", 5000),
        ("SELECT", 3), ("ZADD", "db3", 7, "z"), ("SELECT", 0),
    ])
    rewrite(c)
    c.call("ZADD", "after", 1, "rewrite")  # in the incremental file
    before = zset_snapshot(r)
    assert len(before) == 6
    assert r.stop() == 0
    names = os.listdir(os.path.join(d, "appendonlydir"))
    assert any(name.endswith(".base.rdb") for name in names), names
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before, zset_snapshot(s))
