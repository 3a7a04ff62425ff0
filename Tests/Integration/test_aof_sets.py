"""Sets in the AOF: they survive a Swirl restart (incremental commands, the
SREMs and DELs SPOP is logged as, and SADD batches from a rewrite), and the
same directory loads in redis-server 7.0 with identical data."""
import os

from resp import decode
from aof_helpers import assert_same_typed, rewrite, typed_snapshot

AOF_ON = ("--appendonly", "yes", "--save", "")


def set_snapshot(server, dbs=(0, 3)):
    return typed_snapshot(server, "set", dbs)


def run_all(c, cmds):
    for cmd in cmds:
        reply = decode(c.call_raw(*cmd))
        assert not isinstance(reply, Exception), (cmd, reply)


def write_sets(c):
    big = ["member:%d" % i for i in range(1000)]
    run_all(c, [
        ("SADD", "ints", 5, 3, -1, 9223372036854775807, -9223372036854775808),
        ("SADD", "words", "a", "b", "c", b"bin\x00\xff\r\n"),
        ("SADD", "big", *big),
        ("SADD", "mixed", 1, 2, "x"),
        ("SADD", "ttl", "a", "b"), ("EXPIRE", "ttl", 5000),
        ("SADD", "emptied", "a"), ("SREM", "emptied", "a"),
    ])
    # Rewrite now: the sets above go into the base file as SADD batches.
    rewrite(c)
    run_all(c, [
        ("SPOP", "big", 300),            # SREMs in MULTI/EXEC
        ("SPOP", "words"),               # one SREM
        ("SADD", "popall", 1, 2, 3), ("SPOP", "popall", 10),   # DEL
        ("SMOVE", "ints", "moved", 5),
        ("SADD", "other", 3, 4, "y"),
        ("SINTERSTORE", "inter", "ints", "other"),
        ("SUNIONSTORE", "union", "ints", "other", "mixed"),
        ("SDIFFSTORE", "diff", "mixed", "other"),
        ("SINTERSTORE", "nothing", "ints", "nokey"),
        ("SELECT", 3), ("SADD", "db3", "z"), ("SELECT", 0),
    ])


def check_sets(snap):
    assert (0, b"emptied") not in snap and (0, b"popall") not in snap and (0, b"nothing") not in snap
    assert len(snap[(0, b"big")][0]) == 700
    assert len(snap[(0, b"words")][0]) == 3
    assert snap[(0, b"moved")][0] == [b"5"]
    assert snap[(0, b"inter")][0] == [b"3"]
    assert snap[(0, b"diff")][0] == [b"1", b"2", b"x"]
    assert snap[(0, b"ttl")][1] > 0
    assert snap[(3, b"db3")][0] == [b"z"]


def test_sets_survive_restart_and_load_in_redis(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    write_sets(s.client())
    before = set_snapshot(s)
    check_sets(before)
    assert s.stop() == 0

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before, set_snapshot(s2))
    assert s2.stop() == 0

    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert_same_typed(before, set_snapshot(r))


def test_redis_rdb_base_file_with_sets_loads_in_swirl(servers, swirl_bin, redis_bin):
    """Redis's default AOF after a rewrite: an RDB base file. Sets are in it
    as intsets (16-, 32- and 64-bit widths) and hashtables."""
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "yes", dir=d)
    c = r.client()
    run_all(c, [
        ("SADD", "i16", 1, -2, 300),
        ("SADD", "i32", 1, 70000, -70000),
        ("SADD", "i64", -9223372036854775808, 9223372036854775807, 0),
        ("SADD", "words", "a", "b", b"\x00\xff"),
        ("SADD", "big", *range(1000)),
        ("SADD", "ttl", 1, 2), ("EXPIRE", "ttl", 5000),
        ("SELECT", 3), ("SADD", "db3", "z"), ("SELECT", 0),
    ])
    rewrite(c)
    c.call("SADD", "after", "rewrite")  # in the incremental file
    before = set_snapshot(r)
    assert len(before) == 8
    assert r.stop() == 0
    names = os.listdir(os.path.join(d, "appendonlydir"))
    assert any(name.endswith(".base.rdb") for name in names), names
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before, set_snapshot(s))
