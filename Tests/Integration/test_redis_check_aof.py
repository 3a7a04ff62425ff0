"""Debian's `redis-check-aof` (Redis 7.0's own checker) accepts the AOF
directories Swirl writes: the manifest, a base file from a rewrite, and the
incremental files, with every type, transactions and expiries in them. Its
`--fix` on a Swirl AOF cut short by a crash leaves a directory Swirl loads."""
import os
import re
import subprocess

from aof_helpers import assert_same_data, pipeline, rewrite, snapshot

CHECKER = "redis-check-aof"


def write_everything(c, tag):
    pipeline(c, [("SET", "s:" + tag, "v"), ("SET", "e:" + tag, "x", "EX", "100000"), ("INCRBYFLOAT", "f:" + tag, "1.5"),
                 ("HSET", "h:" + tag, "a", "1", "b", "2"), ("RPUSH", "l:" + tag, "a", "b", "c"), ("LPOP", "l:" + tag),
                 ("SADD", "set:" + tag, "x", "y"), ("ZADD", "z:" + tag, "1", "m", "2.5", "n"),
                 ("EXPIRE", "h:" + tag, "100000"), ("SELECT", "3"), ("SET", "db3:" + tag, "here"), ("SELECT", "0")])
    c.call("MULTI")
    c.call("INCR", "counter")
    c.call("LPUSH", "l:" + tag, "z")
    c.call("EXEC")


def check(manifest):
    return subprocess.run([CHECKER, str(manifest)], capture_output=True, text=True, timeout=120)


def test_swirls_aof_directory_is_valid(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, "--appendonly", "yes", dir=d)
    c = s.client()
    write_everything(c, "before")
    rewrite(c)
    write_everything(c, "after")
    assert s.stop() == 0
    manifest = d / "appendonlydir" / "appendonly.aof.manifest"
    out = check(manifest)
    assert out.returncode == 0, out.stdout + out.stderr
    # Swirl's base file is RESP (`.aof`); Redis's own default is an RDB preamble (`.rdb`).
    assert re.search(r"BASE AOF appendonly\.aof\.\d+\.base\.(aof|rdb) is valid", out.stdout), out.stdout
    assert "All AOF files and manifest are valid" in out.stdout


def test_incremental_only_directory_is_valid(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, "--appendonly", "yes", dir=d)
    write_everything(s.client(), "only")
    assert s.stop() == 0
    out = check(d / "appendonlydir" / "appendonly.aof.manifest")
    assert out.returncode == 0, out.stdout
    assert "All AOF files and manifest are valid" in out.stdout


def test_fix_of_a_cut_file_leaves_what_swirl_loads(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, "--appendonly", "yes", "--appendfsync", "always", dir=d)
    c = s.client()
    write_everything(c, "kept")
    before = snapshot(s)
    c.call("SET", "lost", "x" * 100)
    s.kill9()
    incr = next(p for p in (d / "appendonlydir").iterdir() if p.name.endswith(".incr.aof"))
    # A crash in the middle of the last command's write.
    os.truncate(incr, incr.stat().st_size - 40)
    out = check(d / "appendonlydir" / "appendonly.aof.manifest")
    assert out.returncode == 1
    assert "is not valid" in out.stdout
    fixed = subprocess.run([CHECKER, "--fix", str(d / "appendonlydir" / "appendonly.aof.manifest")],
                           input="y\n", capture_output=True, text=True, timeout=120)
    assert fixed.returncode == 0, fixed.stdout
    assert "Successfully truncated AOF" in fixed.stdout
    assert check(d / "appendonlydir" / "appendonly.aof.manifest").returncode == 0
    # The strict loader is satisfied as well: no truncated tail is left to forgive.
    s2 = servers.start(swirl_bin, "--appendonly", "yes", "--aof-load-truncated", "no", dir=d)
    assert_same_data(before, snapshot(s2))
    assert s2.client().call("EXISTS", "lost") == 0
