"""Append-only file durability, in Redis 7's multi-part layout
(<dir>/appendonlydir/appendonly.aof.manifest + base/incr files).

The cross tests are the strongest check: an AOF written by Swirl must load in
redis-server 7.0 and vice versa, with identical resulting data."""
import os
import subprocess

import pytest

import harness
from harness import wait_past
from resp import decode, reply_end, Incomplete
from aof_helpers import assert_same_data, rewrite, snapshot

AOF_ON = ("--appendonly", "yes", "--save", "")


# --- helpers -------------------------------------------------------------------

def write_dataset(c):
    """A mix of everything that must survive a restart, including the
    commands whose AOF form differs from what the client sent (relative
    expiries, INCRBYFLOAT, GETEX, expired keys, SWAPDB, MOVE, COPY)."""
    c.pipeline([("SET", "bulk:%d" % i, "value-%d" % i) for i in range(1000)])
    cmds = [
        ("SET", "plain", "hello"), ("APPEND", "plain", " world"),
        ("SET", "", "empty key"), ("SET", "emptyval", ""),
        ("SET", b"bin\x00\xff\r\nkey", b"\x00\x01\x02\r\n\xff"),
        ("SET", "big", b"B" * 100000), ("SETRANGE", "big", 50000, "middle"),
        ("INCR", "counter"), ("INCRBY", "counter", 41),
        ("SET", "fl", "10.5"), ("INCRBYFLOAT", "fl", "0.1"),
        ("SET", "ttl:ex", "v", "EX", 1000), ("SET", "ttl:px", "v", "PX", 2000000),
        ("SET", "ttl:exat", "v", "EXAT", 4102444800),
        ("SET", "ttl:kept", "v", "EX", 1000), ("SET", "ttl:kept", "v2", "KEEPTTL"),
        ("SET", "ttl:getex", "v"), ("GETEX", "ttl:getex", "EX", 1000),
        ("SET", "ttl:persisted", "v", "EX", 1000), ("PERSIST", "ttl:persisted"),
        ("SETEX", "ttl:setex", 1000, "v"),
        ("SET", "short", "v", "PX", 100), ("HSET", "hshort", "f", "v"),
        ("PEXPIRE", "hshort", 100),
        ("SET", "gone", "v"), ("DEL", "gone"),
        ("SET", "renamed-from", "v"), ("RENAME", "renamed-from", "renamed-to"),
        ("HSET", "h", "a", "1", "b", "2", "c", "3"), ("HDEL", "h", "b"),
        ("HINCRBY", "h", "a", 10), ("HINCRBYFLOAT", "h", "fl", "1.5"),
        ("HSETNX", "h", "c", "ignored"), ("HSET", "h", b"bin\x00f", b"\xff"),
        ("EXPIRE", "h", 5000),
        ("HSET", "hgone", "f", "v"), ("HDEL", "hgone", "f"),
        ("SET", "moved", "v"), ("MOVE", "moved", 5),
        ("SET", "copied", "v"), ("COPY", "copied", "copied", "DB", 6),
        ("SELECT", 1), ("SET", "db1", "one"), ("HSET", "db1h", "f", "v"),
        ("SELECT", 2), ("SET", "was-db2", "x"),
        ("SELECT", 3), ("SET", "was-db3", "y"), ("SWAPDB", 2, 3),
        ("SELECT", 4), ("SET", "flushed", "v"), ("FLUSHDB",),
        ("SELECT", 15), ("SET", "last-db", "v", "EX", 3000),
        ("SELECT", 0),
    ]
    for cmd in cmds:
        reply = decode(c.call_raw(*cmd))
        assert not isinstance(reply, Exception), (cmd, reply)
    wait_past(c, 100)  # `short` and `hshort` have expired before the snapshot


def check_dataset(snap):
    """The dataset means what write_dataset() intended (so a comparison of
    two snapshots is not vacuous)."""
    assert len(snap) == 1000 + 24, len(snap)
    assert snap[(0, b"plain")][1] == b"hello world"
    assert snap[(0, b"fl")][1] == b"10.6"
    assert snap[(0, b"h")][1] == {b"a": b"11", b"c": b"3", b"fl": b"1.5", b"bin\x00f": b"\xff"}
    assert snap[(3, b"was-db2")][1] == b"x" and snap[(2, b"was-db3")][1] == b"y"
    assert (5, b"moved") in snap and (6, b"copied") in snap and (0, b"copied") in snap
    for gone in (b"short", b"hshort", b"gone", b"hgone", b"renamed-from", b"moved"):
        assert (0, gone) not in snap, gone
    assert not [k for k in snap if k[0] == 4]
    assert snap[(0, b"ttl:ex")][2] > 0 and snap[(0, b"ttl:kept")][2] > 0
    assert snap[(0, b"ttl:persisted")][2] == -1 and snap[(0, b"plain")][2] == -1


def aof_dir(server_or_dir, dirname="appendonlydir"):
    d = server_or_dir.dir if hasattr(server_or_dir, "dir") else server_or_dir
    return os.path.join(str(d), dirname)


def read_manifest(directory, filename="appendonly.aof"):
    """List of dicts like {'file': ..., 'seq': '1', 'type': 'i'}."""
    path = os.path.join(directory, filename + ".manifest")
    entries = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts:
                assert len(parts) % 2 == 0, "bad manifest line %r" % line
                entries.append(dict(zip(parts[::2], parts[1::2])))
    return entries


def last_incr_file(directory):
    incr = [e for e in read_manifest(directory) if e.get("type") == "i"]
    assert incr, "manifest lists no incr file: %r" % read_manifest(directory)
    return os.path.join(directory, incr[-1]["file"])


def parse_aof_commands(data):
    """An AOF is a sequence of RESP multibulk commands: decode them all."""
    pos, cmds = 0, []
    while pos < len(data):
        try:
            end = reply_end(data, pos)
        except Incomplete:
            raise AssertionError("AOF has a partial command at offset %d" % pos)
        cmds.append(decode(data[pos:end]))
        pos = end
    return cmds


# --- same-binary round trips ------------------------------------------------------

def test_restart_round_trip(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    write_dataset(s.client())
    before = snapshot(s)
    check_dataset(before)
    assert s.stop() == 0

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_data(before, snapshot(s2))

    # A second generation: the reloaded server keeps appending correctly.
    c = s2.client()
    c.call("SET", "after-restart", "yes")
    c.call("HSET", "h", "added", "later")
    c.call("DEL", "plain")
    before2 = snapshot(s2)
    assert s2.stop() == 0
    s3 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_data(before2, snapshot(s3))


def test_aof_layout_is_redis7_multipart(servers, swirl_bin):
    s = servers.start(swirl_bin, *AOF_ON)
    c = s.client()
    c.call("SET", "layout-key", "layout-value")
    c.call("SELECT", 3)
    c.call("HSET", "layout-hash", "f", "v")
    assert s.stop() == 0
    d = aof_dir(s)
    entries = read_manifest(d)
    for e in entries:
        assert set(e) >= {"file", "seq", "type"}, e
        assert e["type"] in ("b", "h", "i"), e
        if e["type"] in ("b", "i"):
            assert os.path.isfile(os.path.join(d, e["file"])), e
    with open(last_incr_file(d), "rb") as f:
        cmds = parse_aof_commands(f.read())
    upper = [[a.upper() if i == 0 else a for i, a in enumerate(cmd)] for cmd in cmds]
    assert [b"SET", b"layout-key", b"layout-value"] in upper, cmds
    assert [b"SELECT", b"3"] in upper, cmds
    assert upper.index([b"SELECT", b"3"]) < upper.index(
        [b"HSET", b"layout-hash", b"f", b"v"])


def test_custom_aof_dir_and_file_names(servers, swirl_bin):
    d = servers.new_dir()
    args = AOF_ON + ("--appenddirname", "mydir", "--appendfilename", "my.aof")
    s = servers.start(swirl_bin, *args, dir=d)
    s.client().call("SET", "k", "v")
    assert s.stop() == 0
    assert os.path.isfile(os.path.join(str(d), "mydir", "my.aof.manifest"))
    assert not os.path.exists(os.path.join(str(d), "appendonlydir"))
    s2 = servers.start(swirl_bin, *args, dir=d)
    assert s2.client().call("GET", "k") == b"v"


def test_kill9_with_fsync_always_loses_no_acknowledged_write(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, "--appendfsync", "always", dir=d)
    c = s.client()
    n = 1000
    for i in range(n):
        # Each reply is an acknowledgement: with `always` it means "on disk".
        assert c.call_raw("SET", "ack:%d" % i, i) == b"+OK\r\n"
        assert c.call_raw("INCR", "acks") == b":%d\r\n" % (i + 1)
    assert c.call_raw("HSET", "acked-hash", "f", "v") == b":1\r\n"
    s.kill9()

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    c2 = s2.client()
    assert c2.call("GET", "acks") == b"%d" % n
    values = c2.call("MGET", *["ack:%d" % i for i in range(n)])
    missing = [i for i, v in enumerate(values) if v != b"%d" % i]
    assert not missing, "acknowledged writes lost after kill -9: %r" % missing[:20]
    assert c2.call("HGET", "acked-hash", "f") == b"v"


def test_fsync_always_answers_a_pipelined_burst(servers, swirl_bin):
    """Writes arriving while an fsync runs are synced by the next one: a burst of
    pipelined writes (several reads, so several writes and fsyncs) gets every reply."""
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, "--appendfsync", "always", dir=d)
    c = s.client()
    for burst in range(5):
        replies = c.pipeline([("SET", "burst:%d:%d" % (burst, i), "v" * 100) for i in range(2000)])
        assert replies == ["OK"] * 2000
    s.kill9()
    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert s2.client().call("DBSIZE") == 10000


def test_manifest_naming_a_missing_file_refuses_to_start(servers, swirl_bin):
    """A manifest that lists a file which is not there stops the start, the
    last incremental file included (Swirl once came up without its data)."""
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    s.client().call("SET", "k", "v")
    assert s.stop() == 0
    incr = last_incr_file(aof_dir(d))
    os.remove(incr)
    log = d / "refused.log"
    result = subprocess.run([swirl_bin, "--port", str(harness.free_port()), *AOF_ON, "--dir", str(d),
                             "--logfile", str(log)], timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    expected = "Unable to obtain the AOF file %s length. stat: No such file or directory" % os.path.basename(incr)
    assert expected in log.read_text(), log.read_text()[-2000:]


def test_switching_to_fsync_always_syncs_what_was_written_before(servers, swirl_bin):
    """CONFIG SET appendfsync always holds the replies of every client whose last
    write is not yet fsynced: the fsync of those bytes must start then. Before, only
    a completed write started one under `always`, so a client that wrote under `no`
    (never fsynced) got no reply at all until some other client wrote."""
    s = servers.start(swirl_bin, *AOF_ON, "--appendfsync", "no")
    writer, other = s.client(), s.client()
    # The +OK means written (the AOF is written before replies go out), not fsynced: `no` never does.
    assert writer.call_raw("SET", "k", "v") == b"+OK\r\n"
    assert other.call_raw("CONFIG", "SET", "appendfsync", "always") == b"+OK\r\n"
    assert writer.call_raw("GET", "k") == b"$1\r\nv\r\n"
    # The writer switching itself: its own CONFIG SET's reply waits for that fsync.
    assert writer.call_raw("CONFIG", "SET", "appendfsync", "no") == b"+OK\r\n"
    assert writer.call_raw("SET", "k2", "w") == b"+OK\r\n"
    assert writer.call_raw("CONFIG", "SET", "appendfsync", "always") == b"+OK\r\n"
    assert writer.call_raw("GET", "k2") == b"$1\r\nw\r\n"


def test_truncated_aof_tail_is_repaired(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    for i in range(1, 11):
        c.call("SET", "k%d" % i, "v%d" % i)
    assert s.stop() == 0

    incr = last_incr_file(aof_dir(d))
    with open(incr, "rb") as f:
        data = f.read()
    assert data.endswith(b"\r\nv10\r\n"), "the last AOF command should be SET k10: %r" % data[-60:]
    with open(incr, "r+b") as f:
        f.truncate(len(data) - 3)  # a crash in the middle of the last write

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    c2 = s2.client()
    assert c2.call("MGET", *["k%d" % i for i in range(1, 11)]) == \
        [b"v%d" % i for i in range(1, 10)] + [None]
    # The repaired file must accept further appends that load next time.
    c2.call("SET", "k11", "v11")
    assert s2.stop() == 0
    s3 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert s3.client().call("MGET", "k9", "k10", "k11") == [b"v9", None, b"v11"]


# --- cross-implementation ---------------------------------------------------------------

def test_swirl_aof_loads_in_redis(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    write_dataset(s.client())
    before = snapshot(s)
    check_dataset(before)
    assert s.stop() == 0
    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert_same_data(before, snapshot(r))


def test_redis_aof_loads_in_swirl(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    # A RESP base file (no RDB preamble); the RDB base is the next test.
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "no", dir=d)
    write_dataset(r.client())
    before = snapshot(r)
    check_dataset(before)
    assert r.stop() == 0
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_data(before, snapshot(s))


def test_redis_rdb_base_file_loads_in_swirl(servers, swirl_bin, redis_bin):
    """Redis's default AOF: an RDB base file (after a rewrite) plus RESP
    increments. The base holds every encoding Swirl reads: int-encoded,
    short, long (LZF-compressed) and binary strings, listpack and hashtable
    hashes, expiry times, several databases."""
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "yes", dir=d)
    c = r.client()
    write_dataset(c)
    c.call("SET", "int:small", "12")
    c.call("SET", "int:neg", "-70000")
    c.call("SET", "int:big", "9000000000")
    c.call("SET", "long", "abc" * 300)  # compressible: stored LZF-compressed
    c.call("SET", "bin", bytes(range(256)))
    c.call("HSET", "h:small", "f1", "1", "f2", "-5000", "f3", "v" * 100)
    c.call("HSET", "h:wide", *[x for n in range(300) for x in ("field%d" % n, "value%d" % n)])
    c.call("SET", "ttl", "v", "EX", "1000")
    c.call("SELECT", "7")
    c.call("SET", "in7", "seven")
    rewrite(c)
    c.call("SELECT", "0")
    c.call("SET", "after:rewrite", "incr")  # lands in the new incremental file
    before = snapshot(r)
    assert r.stop() == 0
    names = os.listdir(aof_dir(d))
    assert any(name.endswith(".base.rdb") for name in names), names
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_data(before, snapshot(s))


def test_redis_aof_with_transaction_loads_in_swirl(servers, swirl_bin, redis_bin):
    # Redis writes MULTI ... EXEC into the AOF for transactions; a loader
    # must apply the block as a unit.
    d = servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, "--aof-use-rdb-preamble", "no", dir=d)
    c = r.client()
    c.send_raw(b"MULTI\r\nSET tx:a 1\r\nINCR tx:a\r\nHSET tx:h f v\r\nEXEC\r\n")
    assert [c.read_reply() for _ in range(5)][-1] == b"*3\r\n+OK\r\n:2\r\n:1\r\n"
    assert r.stop() == 0
    with open(last_incr_file(aof_dir(d)), "rb") as f:
        assert b"MULTI" in f.read().upper()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert s.client().call("MGET", "tx:a") == [b"2"]
    assert s.client().call("HGET", "tx:h", "f") == b"v"
