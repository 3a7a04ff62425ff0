"""AOF rewriting in a child process (BGREWRITEAOF and Redis's automatic
rewrite on growth): the server keeps serving and logging while the child
writes the new base file, the manifest then names the new base and the
incremental file opened at the start, and a restart gives back the same data."""
import contextlib
import os
import re
import signal
import time

import pytest

from harness import info_fields, target_is_redis, wait_until
from aof_helpers import assert_same_data, persistence, rewrite, snapshot, wait_for_rewrites

AOF_ON = ("--appendonly", "yes", "--save", "")
# How long a test watches for something that must not happen (a rewrite nobody
# asked for): the cron runs ten times a second, so it has several chances. Such
# a check cannot fail on a slow machine, only miss a bug there.
QUIET_WINDOW = 1.0


def aof_files(server):
    """The manifest's (type, file) entries, and the file names in the AOF directory."""
    directory = os.path.join(str(server.dir), "appendonlydir")
    with open(os.path.join(directory, "appendonly.aof.manifest")) as f:
        entries = [dict(zip(line.split()[::2], line.split()[1::2])) for line in f if line.strip()]
    return [(e["type"], e["file"]) for e in entries], sorted(os.listdir(directory))


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


def rewrite_child_pid(server):
    """The pid of the latest rewrite child, from the log line both servers write when they fork it."""
    pids = wait_until(lambda: re.findall(r"rewriting started by pid (\d+)", server.log()),
                      "the rewrite child's pid in the log")
    return int(pids[-1])


def process_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def open_sockets(pid):
    """The sockets among process `pid`'s descriptors; one closed while this looks is not counted."""
    directory = "/proc/%d/fd" % pid
    sockets = []
    for fd in os.listdir(directory):
        try:
            if os.readlink(os.path.join(directory, fd)).startswith("socket:"):
                sockets.append(fd)
        except FileNotFoundError:
            pass
    return sockets


@contextlib.contextmanager
def stopped(pid):
    """Stops the rewrite child `pid` (SIGSTOP) for the block: what the block
    checks happens while the rewrite certainly still runs, however slow the machine."""
    os.kill(pid, signal.SIGSTOP)
    try:
        wait_until(lambda: process_state(pid) == "T", "the rewrite child to stop (a zombie had finished early)")
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


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
    stats = info_fields(c, "stats")
    assert int(stats["total_forks"]) >= 1 and int(stats["latest_fork_usec"]) > 0, stats
    if not target_is_redis():
        assert rewrite_child_pid(s) != s.proc.pid, s.log_tail()
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
    start_slow_rewrite(c, delay_us=ENDLESS_US)
    assert c.call_raw("BGREWRITEAOF") == b"-ERR Background append only file rewriting already in progress\r\n"
    c.call("CONFIG", "SET", "appendonly", "no")  # ends the child
    wait_until(lambda: persistence(c)["aof_rewrite_in_progress"] == "0", "the child to be gone")


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
    # Percentage 0 turns it off: the AOF grows past the size and the growth that start one, and nothing starts.
    c2 = s2.client()
    c2.call("CONFIG", "SET", "auto-aof-rewrite-percentage", "0")
    c2.call("CONFIG", "SET", "auto-aof-rewrite-min-size", "1mb")
    rewrites = int(persistence(c2)["aof_rewrites"])

    def grown():
        info = persistence(c2)
        return int(info["aof_current_size"]) > 2 * max(int(info["aof_base_size"]), 1 << 20)
    for round in range(100):
        if grown():
            break
        fill(c2, "more%d" % round, 5000)
    assert grown()
    time.sleep(QUIET_WINDOW)
    assert int(persistence(c2)["aof_rewrites"]) == rewrites
    # The same growth starts one as soon as the percentage allows it: the window above was a real chance.
    c2.call("CONFIG", "SET", "auto-aof-rewrite-percentage", "100")
    wait_for_rewrites(c2, rewrites + 1)


@pytest.mark.skipif(target_is_redis(), reason="Swirl's base file naming")
def test_failed_rewrite_keeps_every_file(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    fill(c, "k", 1000)
    # The child's file cannot become the base: a directory has the base's name.
    os.makedirs(os.path.join(str(d), "appendonlydir", "appendonly.aof.1.base.aof"))
    c.call("BGREWRITEAOF")
    wait_until(lambda: persistence(c)["aof_last_bgrewrite_status"] == "err", "the rewrite to fail")
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
    wait_until(lambda: "triggered the limit, will retry in 1 minutes" in s.log(), "three failures", 20, 0.1)
    assert persistence(c)["aof_rewrites_consecutive_failures"] == "3"
    time.sleep(QUIET_WINDOW)
    assert persistence(c)["aof_rewrites_consecutive_failures"] == "3", "no attempt while limited"
    # By hand, the limit does not apply.
    os.rmdir(blocker)
    rewrite(c)
    assert persistence(c)["aof_rewrites_consecutive_failures"] == "0"
    entries, names = aof_files(s)
    assert [t for t, _ in entries] == ["b", "i"] and len(names) == 3, (entries, names)
    restart_keeps_data(servers, swirl_bin, s)


# rdb-key-save-delay for a child that outlives any test (2,000 keys: over three
# minutes); the server ends it (appendonly no, shutdown), the test never waits for it.
ENDLESS_US = 100_000


def start_slow_rewrite(c, keys=2000, delay_us=1000):
    """A rewrite whose child takes at least keys * delay_us (rdb-key-save-delay, as Redis's tests do)."""
    fill(c, "slow", keys)
    c.call("CONFIG", "SET", "rdb-key-save-delay", str(delay_us))
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_until(lambda: persistence(c)["aof_rewrite_in_progress"] == "1", "the rewrite to start")


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
    child = rewrite_child_pid(s)
    if not target_is_redis():
        # Swirl's child closes the sockets it inherited as it starts (Redis's keeps the clients').
        wait_until(lambda: not open_sockets(child), "the rewrite child to close its sockets")
    with stopped(child):
        for i in range(200):
            assert c.call("INCR", "during") == i + 1
        info = persistence(c)
        assert info["aof_rewrite_in_progress"] == "1" and int(info["aof_current_rewrite_time_sec"]) >= 0, info
        if not target_is_redis():
            # The child closed what it inherited: a connection killed now ends while the child lives.
            line = [l for l in c.call("CLIENT", "LIST").decode().splitlines() if "name=victim" in l][0]
            addr = re.search(r"addr=(\S+)", line).group(1)
            assert c.call("CLIENT", "KILL", "ADDR", addr) == 1
            assert victim.is_closed_by_peer()
    wait_for_rewrites(c, 1)
    s2 = restart_keeps_data(servers, swirl_bin, s)
    assert s2.client().call("GET", "during") == b"200"


def test_appendonly_off_kills_a_running_rewrite(servers, swirl_bin):
    s = servers.start(swirl_bin, *AOF_ON)
    c = s.client()
    start_slow_rewrite(c, delay_us=ENDLESS_US)
    c.call("CONFIG", "SET", "appendonly", "no")
    wait_until(lambda: persistence(c)["aof_rewrite_in_progress"] == "0", "the child to be killed")
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
    start_slow_rewrite(c, delay_us=ENDLESS_US)
    c.call("SET", "last", "write")
    def no_stray_files():
        if not target_is_redis():
            ok, listing = only_listed_files(s)
            assert ok, listing
    # SIGTERM: the child is stopped, the AOF synced.
    restart_keeps_data(servers, swirl_bin, s, after_stop=no_stray_files)


@pytest.mark.parametrize("wrapped", [False, True], ids=["pipelined", "in-multi"])
def test_appendonly_off_then_on_in_one_loop_iteration(servers, swirl_bin, wrapped):
    # `appendonly no` then `appendonly yes` before the loop sleeps: the AOF must end up
    # on (rewritten from the keyspace, as Redis's startAppendOnly does), not off while
    # CONFIG GET says yes. Writes made between the two and after must survive a kill -9.
    s = servers.start(swirl_bin, *AOF_ON)
    c = s.client()
    c.call("SET", "before", "1")
    commands = [("CONFIG", "SET", "appendonly", "no"), ("SET", "between", "2"),
                ("CONFIG", "SET", "appendonly", "yes"), ("SET", "after", "3")]
    if wrapped:
        commands = [("MULTI",)] + commands + [("EXEC",)]
    replies = c.pipeline(commands)
    assert not any(isinstance(r, Exception) for r in replies), replies
    assert c.call("CONFIG", "GET", "appendonly") == [b"appendonly", b"yes"]
    wait_for_rewrites(c, 1)
    assert persistence(c)["aof_enabled"] == "1"
    c.call("SET", "last", "4")
    s.kill9()
    s2 = servers.start(swirl_bin, *AOF_ON, dir=s.dir)
    c2 = s2.client()
    assert [c2.call("GET", k) for k in ("before", "between", "after", "last")] == [b"1", b"2", b"3", b"4"]
