"""AOF rewriting in a child process (BGREWRITEAOF and Redis's automatic
rewrite on growth): the server keeps serving and logging while the child
writes the new base file, the manifest then names the new base and the
incremental file opened at the start, and a restart gives back the same data."""
import os
import re
import time

import pytest

from harness import target_is_redis
from aof_helpers import assert_same_data, snapshot

AOF_ON = ("--appendonly", "yes", "--save", "")


def aof_files(server):
    """The manifest's (type, file) entries, and the file names in the AOF directory."""
    directory = os.path.join(str(server.dir), "appendonlydir")
    with open(os.path.join(directory, "appendonly.aof.manifest")) as f:
        entries = [dict(zip(line.split()[::2], line.split()[1::2])) for line in f if line.strip()]
    return [(e["type"], e["file"]) for e in entries], sorted(os.listdir(directory))


def persistence(c):
    text = c.call("INFO", "persistence").decode()
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def wait_until(probe, timeout, step=0.05):
    """Calls `probe` until it returns something true or `timeout` seconds pass; returns its last value."""
    deadline = time.time() + timeout
    while True:
        value = probe()
        if value or time.time() >= deadline:
            return value
        time.sleep(step)


def wait_for_rewrites(c, count, timeout=20):
    def finished():
        info = persistence(c)
        return info if int(info["aof_rewrites"]) >= count and info["aof_rewrite_in_progress"] == "0" else None
    info = wait_until(finished, timeout)
    assert info, "no finished rewrite after %ss: %r" % (timeout, persistence(c))
    return info


def restart_keeps_data(servers, swirl_bin, s, kill9=False, after_stop=lambda: None):
    """Snapshot, stop (SIGTERM, or kill -9), start again on the same directory:
    the same data. Returns the new server."""
    before = snapshot(s)
    if kill9:
        s.kill9()
    else:
        assert s.stop() == 0
    after_stop()
    s2 = servers.start(swirl_bin, *AOF_ON, dir=s.dir)
    assert_same_data(before, snapshot(s2))
    return s2


def fill(c, prefix, keys, size=100):
    c.pipeline([("SET", "%s:%d" % (prefix, i), "v" * size) for i in range(keys)])


def test_bgrewriteaof_forks_and_writes_go_on(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, "--appendfsync", "always", dir=d)
    c = s.client()
    fill(c, "before", 20000)
    c.call("HSET", "h", "a", "1")
    old_manifest, _ = aof_files(s)
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    # While the child serializes: more writes, all acknowledged, into the new incremental file.
    for i in range(500):
        assert c.call_raw("INCR", "during") == b":%d\r\n" % (i + 1)
    c.call("SELECT", 3)
    c.call("SET", "db3", "x")
    info = wait_for_rewrites(c, 1)
    assert info["aof_last_bgrewrite_status"] == "ok"
    stats = dict(line.split(":", 1) for line in c.call("INFO", "stats").decode().splitlines() if ":" in line)
    assert int(stats["total_forks"]) >= 1 and int(stats["latest_fork_usec"]) > 0, stats
    if not target_is_redis():
        pids = re.findall(r"rewriting started by pid (\d+)", s.log())
        assert pids and int(pids[0]) != s.proc.pid, s.log_tail()
    entries, names = aof_files(s)
    assert [t for t, _ in entries] == ["b", "i"], entries
    assert all(name in names for _, name in entries)
    stale = [name for _, name in old_manifest if name not in [n for _, n in entries]]
    assert stale and not any(name in names for name in stale), (stale, names)
    # `always`: every acknowledged write is in the new incremental file.
    s2 = restart_keeps_data(servers, swirl_bin, s, kill9=True)
    assert s2.client().call("GET", "during") == b"500"


def test_second_bgrewriteaof_while_one_runs_is_refused(servers, swirl_bin):
    s = servers.start(swirl_bin, *AOF_ON)
    c = s.client()
    fill(c, "k", 50000)
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    reply = c.call_raw("BGREWRITEAOF")
    # The child may already be done on a fast machine; if not, Redis's refusal.
    assert reply in (b"-ERR Background append only file rewriting already in progress\r\n",
                     b"+Background append only file rewriting started\r\n"), reply
    wait_for_rewrites(c, 1)


def test_automatic_rewrite_on_growth(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, "--auto-aof-rewrite-min-size", "1mb", dir=d)
    c = s.client()
    assert c.call("CONFIG", "GET", "auto-aof-rewrite-percentage") == [b"auto-aof-rewrite-percentage", b"100"]
    for round in range(4):
        fill(c, "round%d" % round, 5000, size=100)  # ~0.6 MB of AOF each, the same keys rewritten
    info = wait_for_rewrites(c, 1)
    assert int(info["aof_base_size"]) > 0
    assert int(info["aof_current_size"]) >= int(info["aof_base_size"])
    assert "Starting automatic rewriting of AOF on" in s.log()
    s2 = restart_keeps_data(servers, swirl_bin, s)
    # Percentage 0 turns it off.
    c2 = s2.client()
    c2.call("CONFIG", "SET", "auto-aof-rewrite-percentage", "0")
    rewrites = int(persistence(c2)["aof_rewrites"])
    fill(c2, "more", 20000)
    time.sleep(0.5)
    assert int(persistence(c2)["aof_rewrites"]) == rewrites


@pytest.mark.skipif(target_is_redis(), reason="Swirl's base file naming")
def test_failed_rewrite_keeps_every_file(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    fill(c, "k", 1000)
    # The child's file cannot become the base: a directory has the base's name.
    os.makedirs(os.path.join(str(d), "appendonlydir", "appendonly.aof.1.base.aof"))
    c.call("BGREWRITEAOF")
    wait_until(lambda: persistence(c)["aof_last_bgrewrite_status"] == "err", 10)
    info = persistence(c)
    assert info["aof_last_bgrewrite_status"] == "err" and info["aof_rewrite_in_progress"] == "0", info
    assert info["aof_rewrites_consecutive_failures"] == "1", info
    assert re.search(r"Error trying to rename the temporary AOF base file temp-rewriteaof-bg-\d+\.aof "
                     r"into appendonlydir/appendonly\.aof\.1\.base\.aof: Is a directory", s.log()), s.log_tail()
    assert not [name for name in os.listdir(str(d)) if name.startswith("temp-rewriteaof")]
    c.call("SET", "after", "failure")
    entries, _ = aof_files(s)
    assert [t for t, _ in entries] == ["i", "i"], entries  # the old incremental file and the new one
    restart_keeps_data(servers, swirl_bin, s)


@pytest.mark.skipif(target_is_redis(), reason="Swirl's base file naming")
def test_automatic_rewrites_back_off_after_three_failures(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, "--auto-aof-rewrite-min-size", "1mb", dir=d)
    c = s.client()
    blocker = os.path.join(str(d), "appendonlydir", "appendonly.aof.1.base.aof")
    os.makedirs(blocker)
    fill(c, "k", 20000)  # ~2.4 MB: past the minimum, so every cron tick wants a rewrite
    assert wait_until(lambda: "triggered the limit, will retry in 1 minutes" in s.log(), 20, 0.1), s.log_tail()
    assert persistence(c)["aof_rewrites_consecutive_failures"] == "3"
    time.sleep(1.5)
    assert persistence(c)["aof_rewrites_consecutive_failures"] == "3", "no attempt while limited"
    # By hand, the limit does not apply.
    os.rmdir(blocker)
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    info = wait_for_rewrites(c, 1)
    assert info["aof_rewrites_consecutive_failures"] == "0" and info["aof_last_bgrewrite_status"] == "ok"
    entries, names = aof_files(s)
    assert [t for t, _ in entries] == ["b", "i"] and len(names) == 3, (entries, names)
    restart_keeps_data(servers, swirl_bin, s)


def start_slow_rewrite(c, keys=2000, delay_us=1000):
    """A rewrite whose child takes about keys * delay_us (rdb-key-save-delay, as Redis's tests do)."""
    fill(c, "slow", keys)
    c.call("CONFIG", "SET", "rdb-key-save-delay", str(delay_us))
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    assert wait_until(lambda: persistence(c)["aof_rewrite_in_progress"] == "1", 5, 0.01)


def only_listed_files(server):
    entries, names = aof_files(server)
    return sorted(names) == sorted([name for _, name in entries] + ["appendonly.aof.manifest"]), (entries, names)


def test_the_loop_serves_while_the_child_writes(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    victim = s.client()
    victim.call("CLIENT", "SETNAME", "victim")
    start_slow_rewrite(c)
    for i in range(200):
        assert c.call("INCR", "during") == i + 1
    info = persistence(c)
    assert info["aof_rewrite_in_progress"] == "1" and int(info["aof_current_rewrite_time_sec"]) >= 0, info
    if not target_is_redis():
        # The child closed what it inherited: a connection killed now ends now, not when the child exits.
        line = [l for l in c.call("CLIENT", "LIST").decode().splitlines() if "name=victim" in l][0]
        addr = re.search(r"addr=(\S+)", line).group(1)
        assert c.call("CLIENT", "KILL", "ADDR", addr) == 1
        assert victim.is_closed_by_peer(timeout=1.0)
        assert persistence(c)["aof_rewrite_in_progress"] == "1"
    wait_for_rewrites(c, 1)
    s2 = restart_keeps_data(servers, swirl_bin, s)
    assert s2.client().call("GET", "during") == b"200"


def test_appendonly_off_kills_a_running_rewrite(servers, swirl_bin):
    s = servers.start(swirl_bin, *AOF_ON)
    c = s.client()
    start_slow_rewrite(c)
    c.call("CONFIG", "SET", "appendonly", "no")
    wait_until(lambda: persistence(c)["aof_rewrite_in_progress"] == "0", 5, 0.02)
    info = persistence(c)
    # Redis counts a rewrite when it starts.
    assert info["aof_rewrite_in_progress"] == "0" and info["aof_rewrites"] == "1", info
    if not target_is_redis():
        assert "Killing running AOF rewrite child" in s.log()
        ok, listing = only_listed_files(s)
        assert ok, listing


def test_shutdown_during_a_rewrite(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    start_slow_rewrite(c)
    c.call("SET", "last", "write")
    def no_stray_files():
        if not target_is_redis():
            ok, listing = only_listed_files(s)
            assert ok, listing
    # SIGTERM: the child is stopped, the AOF synced.
    restart_keeps_data(servers, swirl_bin, s, after_stop=no_stray_files)
