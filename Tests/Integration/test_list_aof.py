"""Lists in the AOF: what Swirl logs and rewrites reloads in Swirl after a
restart and in redis-server 7.0, with identical contents."""
import os

from aof_helpers import assert_same_typed, rewrite, typed_snapshot

AOF_ON = ("--appendonly", "yes", "--save", "")


def list_snapshot(server, dbs=(0, 3)):
    return typed_snapshot(server, "list", dbs)


def write_lists(c):
    c.call("RPUSH", "long", *["item%d" % n for n in range(200)])  # several RPUSH batches when rewritten
    c.call("RPUSH", "bin", b"", bytes(range(256)), b"a\r\nb")
    c.call("LPUSH", "mixed", "c", "b", "a")
    c.call("LINSERT", "mixed", "AFTER", "b", "b2")
    c.call("LSET", "mixed", 0, "A")
    c.call("RPUSH", "rem", "x", "y", "x", "z", "x")
    c.call("LREM", "rem", -2, "x")
    c.call("LTRIM", "long", 5, -5)
    c.call("RPUSH", "src", "1", "2", "3", "4", "5", "6")
    c.call("LMOVE", "src", "dst", "LEFT", "RIGHT")
    c.call("RPOPLPUSH", "src", "dst")
    c.call("LMPOP", 2, "none", "src", "RIGHT", "COUNT", 2)
    c.call("LPOP", "src")
    c.call("RPUSH", "gone", "a")
    c.call("LMPOP", 1, "gone", "LEFT", "COUNT", 5)  # emptied: deleted
    c.call("RPUSH", "ttl", "v")
    c.call("EXPIRE", "ttl", 1000)
    c.call("SELECT", 3)
    c.call("RPUSH", "in3", "three")


def test_lists_survive_restart_and_rewrite(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    write_lists(c)
    before = list_snapshot(s)
    assert before[(0, b"mixed")][0] == [b"A", b"b", b"b2", b"c"]
    assert (0, b"gone") not in before
    assert s.stop() == 0

    # A RESP base (aof-use-rdb-preamble no): the lists as RPUSH batches.
    s2 = servers.start(swirl_bin, *AOF_ON, "--aof-use-rdb-preamble", "no", dir=d)
    assert_same_typed(before, list_snapshot(s2))
    c2 = s2.client()
    rewrite(c2)  # the base file now holds the lists as RPUSH batches
    aofdir = os.path.join(str(d), "appendonlydir")
    bases = [n for n in os.listdir(aofdir) if n.endswith(".base.aof")]
    assert len(bases) == 1, os.listdir(aofdir)
    with open(os.path.join(aofdir, bases[0]), "rb") as f:
        base = f.read()
    # 191 elements: RPUSH batches of 64, 64 and 63, as Redis's AOF_REWRITE_ITEMS_PER_CMD.
    header = b"$5\r\nRPUSH\r\n$4\r\nlong\r\n"
    assert base.count(header) == 3, base[:300]
    assert base.count(b"*66\r\n" + header) == 2 and base.count(b"*65\r\n" + header) == 1
    c2.call("LPUSH", "after", "rewrite")
    before2 = list_snapshot(s2)
    assert s2.stop() == 0

    s3 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before2, list_snapshot(s3))
    assert s3.stop() == 0

    # Swirl's rewritten base file plus its incremental file load in redis-server too.
    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert_same_typed(before2, list_snapshot(r))


def test_swirl_list_aof_loads_in_redis(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    write_lists(s.client())
    before = list_snapshot(s)
    assert s.stop() == 0
    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert_same_typed(before, list_snapshot(r))


def test_redis_rdb_base_file_with_lists_loads_in_swirl(servers, swirl_bin, redis_bin):
    """Redis's default AOF after a rewrite: an RDB base file whose lists are
    quicklists of listpack nodes (several nodes for a long list, a large
    element in its own node), with a TTL and another database."""
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "yes", "--list-max-listpack-size", "4",
                      dir=d)
    c = r.client()
    write_lists(c)
    c.call("SELECT", 0)
    c.call("RPUSH", "ints", *range(-5, 300, 7))
    c.call("RPUSH", "large", "x" * 70000, "small")
    rewrite(c)
    c.call("RPUSH", "after", "rewrite")  # in the incremental file
    before = list_snapshot(r)
    assert r.stop() == 0
    names = os.listdir(os.path.join(d, "appendonlydir"))
    assert any(name.endswith(".base.rdb") for name in names), names
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_typed(before, list_snapshot(s))
    assert s.client().call("LLEN", "ints") == 44
