"""The rewrite child's files, as Redis 7.0 names them, and what it reports.
A child whose server died (kill -9) must not touch the AOF directory that a
restarted server now owns (issue 14, finding 8).

Redis's child writes `temp-rewriteaof-<pid>.aof`, renames it to
`temp-rewriteaof-bg-<pid>.aof`, and only the parent that reaps it moves it
into the AOF directory; an orphan finishes into names nobody adopts.
Swirl's child also dies with its parent (PR_SET_PDEATHSIG)."""
import os
import re

from harness import target_is_redis, wait_until
from aof_helpers import assert_same_data, persistence, snapshot, wait_for_rewrites
from test_aof_rewrite import (AOF_ON, fill, only_listed_files, process_state, rewrite_child_pid,
                              start_slow_rewrite, stopped)


def process_gone(pid):
    """True once `pid` has exited: no such process, or a zombie nobody reaps
    (a container's init may not)."""
    try:
        return process_state(pid) == "Z"
    except FileNotFoundError:
        return True


def test_orphaned_rewrite_child_touches_nothing(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    # About 3 s of child work: long enough for a whole restart and rewrite meanwhile.
    start_slow_rewrite(c, keys=3000, delay_us=1000)
    orphan = rewrite_child_pid(s)
    s.kill9()

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    c2 = s2.client()
    # New values for the orphan's keys, and more: the new base differs from the orphan's output.
    fill(c2, "slow", 3000, size=60)
    fill(c2, "after-restart", 5000, size=200)
    assert c2.call("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_for_rewrites(c2, 1)
    assert persistence(c2)["aof_last_bgrewrite_status"] == "ok"
    died_with_parent = process_gone(orphan)  # long before its 3 s of work were done
    # Redis's orphan runs to its end (into names of its own); wait for it either way.
    wait_until(lambda: process_gone(orphan), "orphan %d to end" % orphan, 30, 0.1)
    c2.call("SET", "last", "write")
    before = snapshot(s2)
    if not target_is_redis():
        ok, listing = only_listed_files(s2)
        assert ok, listing
    s2.kill9()
    s3 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert_same_data(before, snapshot(s3))
    assert s3.client().call("GET", "last") == b"write"
    if not target_is_redis():
        assert died_with_parent, "the orphaned rewrite child outlived its server"


def test_the_child_writes_names_of_its_own_and_the_parent_adopts_them(servers, swirl_bin):
    s = servers.start(swirl_bin, *AOF_ON)
    c = s.client()
    start_slow_rewrite(c, keys=2000, delay_us=500)
    pid = rewrite_child_pid(s)
    with stopped(pid):  # the child is certainly still reading the pages the parent changes
        fill(c, "slow", 2000, size=50)
    info = wait_for_rewrites(c, 1)
    assert info["aof_last_bgrewrite_status"] == "ok", info
    assert int(info["aof_last_cow_size"]) > 0, info
    log = s.log()
    assert "%d:C " % pid in log and (
        "Successfully created the temporary AOF base file temp-rewriteaof-bg-%d.aof" % pid) in log, log
    assert re.search(r"Successfully renamed the temporary AOF base file temp-rewriteaof-bg-%d\.aof "
                     r"into appendonly\.aof\.\d+\.base\.(aof|rdb)" % pid, log), log
    assert not [name for name in os.listdir(str(s.dir)) if name.startswith("temp-")]


def test_stale_temporary_files_of_dead_children_are_ignored(servers, swirl_bin):
    """Files a dead child left are neither loaded nor adopted, nor in the way
    of a rewrite (Redis leaves them where they are, and so does Swirl)."""
    d = servers.new_dir()
    for name in ("temp-rewriteaof-1.aof", "temp-rewriteaof-bg-1.aof"):
        with open(os.path.join(str(d), name), "wb") as f:
            f.write(b"*3\r\n$3\r\nSET\r\n$5\r\nstale\r\n$3\r\nbad\r\n")
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    fill(c, "k", 1000)
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_for_rewrites(c, 1)
    assert persistence(c)["aof_last_bgrewrite_status"] == "ok"
    before = snapshot(s)
    assert s.stop() == 0
    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    after = snapshot(s2)
    assert (0, b"stale") not in after
    assert_same_data(before, after)
    assert os.path.exists(os.path.join(str(d), "temp-rewriteaof-bg-1.aof"))
