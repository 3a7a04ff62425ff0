"""DEBUG and MEMORY in the real binary: DEBUG RELOAD keeps data and expiry
times (with the AOF on or off, leaving the AOF alone), DEBUG LOG reaches the
log, `enable-debug-command`, and MEMORY figures that follow the data."""
import os

import pytest

from aof_helpers import snapshot
from harness import wait_until


def write_mixed(c):
    c.pipeline([("SET", "s:%d" % i, "v" * i) for i in range(200)])
    for cmd in [
        ("RPUSH", "list", *["e%d" % i for i in range(300)]),
        ("SADD", "ints", 5, 3, 1), ("SADD", "words", "a", "b", "c" * 100),
        ("HSET", "small", "f", "v"), ("HSET", "big", *sum([["f%d" % i, "x" * 70] for i in range(200)], [])),
        ("SET", "ttl:ex", "v", "EX", 1000), ("SET", "ttl:px", "v", "PX", 5000000),
        ("HSET", "ttl:hash", "f", "v"), ("PEXPIREAT", "ttl:hash", 32503680000000),
        ("SELECT", 7), ("SET", "in7", "seven"), ("EXPIRE", "in7", 500), ("SELECT", 0),
    ]:
        c.call(*cmd)


def expiry_times(c):
    times = {}
    for db, key in ((0, "ttl:ex"), (0, "ttl:px"), (0, "ttl:hash"), (7, "in7")):
        c.call("SELECT", db)
        times[(db, key)] = c.call("PEXPIRETIME", key)
    c.call("SELECT", 0)
    return times


def aof_files(directory):
    aof_dir = os.path.join(str(directory), "appendonlydir")
    if not os.path.isdir(aof_dir):
        return {}
    return {name: open(os.path.join(aof_dir, name), "rb").read() for name in sorted(os.listdir(aof_dir))}


@pytest.mark.parametrize("appendonly", ["yes", "no"])
def test_debug_reload_keeps_data_and_expiry_times(servers, swirl_bin, appendonly):
    directory = servers.new_dir()
    server = servers.start(swirl_bin, "--appendonly", appendonly, "--appendfsync", "always", "--save", "",
                           dir=directory)
    c = server.client()
    write_mixed(c)
    before, times, digest = snapshot(server), expiry_times(c), c.call("DEBUG", "DIGEST")
    encodings = [c.call("OBJECT", "ENCODING", k) for k in ("list", "ints", "words", "small", "big")]
    files = aof_files(directory)
    assert c.call("DEBUG", "RELOAD") == "OK"
    assert expiry_times(c) == times, "absolute expiry times are kept to the millisecond"
    assert c.call("DEBUG", "DIGEST") == digest
    assert [c.call("OBJECT", "ENCODING", k) for k in ("list", "ints", "words", "small", "big")] == encodings
    after = snapshot(server)
    assert sorted(after) == sorted(before)
    for key, (kind, value, _) in before.items():
        assert after[key][:2] == (kind, value), key
    assert aof_files(directory) == files, "DEBUG RELOAD leaves the AOF alone, as Redis"
    assert "DB reloaded by DEBUG RELOAD" in server.log()
    if appendonly == "yes":
        # The untouched AOF, and what is written after the reload, rebuild the same data after a restart.
        for cmd in (("SET", "after", "reload"), ("SELECT", 7), ("RPUSH", "later", "x"), ("SELECT", 0)):
            c.call(*cmd)
        digest = c.call("DEBUG", "DIGEST")
        server.stop()
        again = servers.start(swirl_bin, "--appendonly", "yes", "--save", "", dir=directory)
        assert again.client().call("DEBUG", "DIGEST") == digest


def test_debug_log_writes_a_warning_line(swirl):
    c = swirl.client()
    assert c.call("DEBUG", "LOG", "a line from the test") == "OK"
    wait_until(lambda: "# DEBUG LOG: a line from the test" in swirl.log(), "the line in the log")


@pytest.mark.parametrize("setting,allowed", [("no", False), ("local", True), ("yes", True)])
def test_enable_debug_command(servers, swirl_bin, setting, allowed):
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--enable-debug-command", setting)
    c = server.client()
    reply = c.call_raw("DEBUG", "SLEEP", "0")
    if allowed:
        assert reply == b"+OK\r\n"
    else:
        assert reply.startswith(b"-ERR DEBUG command not allowed.")
    assert c.call("CONFIG", "GET", "enable-debug-command") == [b"enable-debug-command", setting.encode()]


def test_memory_usage_grows_with_value_size(swirl):
    c = swirl.client()
    sizes = [1, 10, 100, 1000, 10000, 100000]
    for size in sizes:
        c.call("SET", "str:%d" % size, "x" * size)
        c.call("RPUSH", "list:%d" % size, *(["y" * 40] * size if size <= 10000 else ["y" * 40] * 10000))
    usage = [c.call("MEMORY", "USAGE", "str:%d" % size) for size in sizes]
    assert usage[0] == usage[1], "both inline (up to 23 bytes)"
    assert all(a < b for a, b in zip(usage[1:], usage[2:])), usage
    assert usage[-1] - usage[0] >= 100000
    lists = [c.call("MEMORY", "USAGE", "list:%d" % size) for size in sizes[:-1]]
    assert all(a < b for a, b in zip(lists, lists[1:])), lists
    assert c.call("MEMORY", "USAGE", "missing") is None


def test_memory_stats_purge_and_malloc_stats(swirl):
    c = swirl.client()
    c.call("DEBUG", "POPULATE", 10000)
    stats = c.call("MEMORY", "STATS")
    fields = dict(zip(stats[::2], stats[1::2]))
    assert fields[b"keys.count"] == 10000
    assert fields[b"total.allocated"] > fields[b"startup.allocated"] > 0
    assert fields[b"dataset.bytes"] > 10000 * 16
    assert fields[b"db.0"][0] == b"overhead.hashtable.main" and fields[b"db.0"][1] > 10000 * 16
    assert c.call("MEMORY", "PURGE") == "OK"
    assert c.call("MEMORY", "MALLOC-STATS").startswith(b"<malloc version=")
    assert "Sam" in c.call("MEMORY", "DOCTOR").decode()
