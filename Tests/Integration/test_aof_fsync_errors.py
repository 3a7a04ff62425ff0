"""fsync of the AOF fails (EIO, injected between the server and libc by
disk_faults.fsync_fault, the same way under Swirl and redis-server).

- `everysec`: the failed background fsync refuses writes with
  `-MISCONF Errors writing to the AOF file: Input/output error`, as a failed
  write does; the state clears when a later fsync succeeds, and Redis tries
  one only once new bytes were written (here, the DEL of an expired key).
- `always`: Redis exits (status 1), since no reply may leave unsynced."""
from disk_faults import fsync_fault  # noqa: F401 (fixture)
from aof_helpers import persistence
from harness import wait_until

EIO = b"-MISCONF Errors writing to the AOF file: Input/output error\r\n"


def test_everysec_fsync_error_refuses_writes_until_an_fsync_succeeds(servers, swirl_bin, fsync_fault):
    preload, trigger = fsync_fault
    preload()
    s = servers.start(swirl_bin, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                      "--enable-debug-command", "yes")
    preload(False)
    c = s.client()
    # Only a read that finds it expired deletes it (and logs a DEL), once the fault is gone.
    c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    c.call("SET", "fleeting", "1", "PX", "200")
    trigger.touch()
    assert c.call("SET", "a", "1") == "OK"
    wait_until(lambda: persistence(c)["aof_last_write_status"] == "err", lambda: "the failed fsync: " + s.log_tail())
    assert "Fail to fsync the AOF file: Input/output error" in s.log()
    assert c.call_raw("SET", "b", "2") == EIO
    assert c.call_raw("PING") == EIO
    assert c.call("GET", "a") == b"1"

    trigger.unlink()
    # New bytes for the next fsync: the expired key's DEL, which no refusal stops.
    wait_until(lambda: c.call("PTTL", "fleeting") == -2, "the key's TTL to pass")
    c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    wait_until(lambda: persistence(c)["aof_last_write_status"] == "ok", lambda: "a good fsync: " + s.log_tail())
    assert c.call("SET", "b", "2") == "OK"
    before = {k: c.call("GET", k) for k in ("a", "b", "fleeting")}
    s.kill9()
    s2 = servers.start(swirl_bin, "--appendonly", "yes", "--save", "", dir=s.dir)
    c2 = s2.client()
    assert {k: c2.call("GET", k) for k in before} == before


def test_always_exits_on_an_fsync_error(servers, swirl_bin, fsync_fault):
    preload, trigger = fsync_fault
    preload()
    s = servers.start(swirl_bin, "--appendonly", "yes", "--appendfsync", "always", "--save", "")
    preload(False)
    c = s.client()
    assert c.call("SET", "synced", "1") == "OK"
    trigger.touch()
    c.send_command("SET", "never", "acknowledged")
    assert c.is_closed_by_peer(timeout=10)
    assert c.buf == b"", "a reply left before its fsync: %r" % bytes(c.buf)
    assert s.proc.wait(10) == 1
    assert ("Can't persist AOF for fsync error when the AOF fsync policy is 'always': "
            "Input/output error. Exiting...") in s.log()
    s2 = servers.start(swirl_bin, "--appendonly", "yes", "--save", "", dir=s.dir)
    assert s2.client().call("GET", "synced") == b"1"
