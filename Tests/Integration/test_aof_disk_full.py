"""The AOF's filesystem fills up (a real tmpfs of a few megabytes, mounted by
the test): what Redis 7.0 does, side by side (issue 14, finding 7).

- `everysec` and `no`: write commands (and PING, and EXEC of a transaction
  that writes) are refused with `-MISCONF Errors writing to the AOF file:
  <strerror>` until a write succeeds again; reads keep working; INFO says
  `aof_last_write_status:err`; the write is retried, and freeing space makes
  the server writable again. A short write is cut back, so the file always
  ends with a whole command.
- `always`: Redis cannot keep its promise and exits (status 1).
- After kill -9, every acknowledged write is there. Redis acknowledges the
  writes of the failed write(2) (and loses them if it dies before the disk
  has room again); Swirl holds those replies until their bytes are written."""
import os
import threading

import pytest

from harness import target_is_redis
from disk_faults import small_fs  # noqa: F401 (fixture)
from aof_helpers import persistence
from harness import wait_until

NO_SPACE = b"-MISCONF Errors writing to the AOF file: No space left on device\r\n"
BLOCK = bytes(range(256)) * 4  # every byte value: bytes stay bytes


class Writer(threading.Thread):
    """SETs one key after another until a refusal, a closed connection, or `stop`;
    `acked` holds what the server acknowledged."""

    def __init__(self, server, name, stop):
        super().__init__(daemon=True)
        self.client = server.client(timeout=120)
        self.name, self.stop = name, stop
        self.acked, self.refusal, self.failure = {}, None, None

    def run(self):
        i = 0
        while not self.stop.is_set():
            key = b"%s:%d" % (self.name.encode(), i)
            value = key + b"\xff\x00\r\n" + BLOCK
            try:
                reply = self.client.call_raw("SET", key, value)
            except (OSError, ConnectionError) as e:
                self.failure = e
                return
            if reply != b"+OK\r\n":
                self.refusal = reply
                return
            self.acked[key] = value
            i += 1


def start_writers(server, count=4):
    stop = threading.Event()
    writers = [Writer(server, "w%d" % n, stop) for n in range(count)]
    for w in writers:
        w.start()
    return writers, stop


def write_status(c):
    return persistence(c)["aof_last_write_status"]


def acknowledged(writers):
    return {k: v for w in writers for k, v in w.acked.items()}


def start(servers, swirl_bin, fs, *args):
    return servers.start(swirl_bin, "--appendonly", "yes", "--save", "", *fs.args, *args, dir=fs.dir)


def missing_after_restart(servers, swirl_bin, fs, acked, *args):
    s = start(servers, swirl_bin, fs, *args)
    c = s.client()
    keys = sorted(acked)
    missing = []
    for first in range(0, len(keys), 500):
        batch = keys[first:first + 500]
        for key, value in zip(batch, c.call("MGET", *batch)):
            if value != acked[key]:
                missing.append(key)
    return s, missing


@pytest.mark.parametrize("policy", ["everysec", "no"])
def test_disk_full_refuses_writes_until_space_returns(small_fs, servers, swirl_bin, policy):
    fs = small_fs
    space = fs.filler()
    s = start(servers, swirl_bin, fs, "--appendfsync", policy)
    probe, queued = s.client(), s.client()
    probe.call("SET", "before", "full")
    assert queued.call("MULTI") == "OK" and queued.call("SET", "queued", "1") == "QUEUED"
    writers, stop = start_writers(s)
    wait_until(lambda: write_status(probe) == "err", lambda: "the disk to fill: %s" % fs.log_text()[-3000:], 60)

    # Writes are refused, with the reason; so is PING, as in Redis.
    assert probe.call_raw("SET", "refused", "1") == NO_SPACE
    assert probe.call_raw("INCR", "counter") == NO_SPACE
    assert probe.call_raw("PING") == NO_SPACE
    # Reads keep working.
    assert probe.call("GET", "before") == b"full"
    assert probe.call("DBSIZE") >= 1
    # Transactions: a write refused while queueing dooms the transaction; EXEC
    # of one that writes is refused; one that only reads runs.
    assert probe.call("MULTI") == "OK"
    assert probe.call_raw("SET", "in-multi", "1") == NO_SPACE
    assert probe.call("GET", "before") == "QUEUED"
    assert probe.call_raw("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert queued.call_raw("EXEC") == (b"-EXECABORT Transaction discarded because of: "
                                       + NO_SPACE[1:])
    assert probe.call("MULTI") == "OK" and probe.call("GET", "before") == "QUEUED"
    assert probe.call("EXEC") == [b"full"]
    info = persistence(probe)
    assert info["aof_last_write_status"] == "err", info
    log = fs.log_text()
    assert ("Short write while writing to the AOF file: (nwritten=" in log
            or "Error writing to the AOF file: No space left on device" in log), fs.log_text()[-3000:]
    # The file was cut back to its last whole command (Redis's ftruncate after a short write).
    incr = os.path.join(str(fs.dir), "appendonlydir", "appendonly.aof.1.incr.aof")
    with open(incr, "rb") as f:
        f.seek(-2, os.SEEK_END)
        assert f.read() == b"\r\n"

    # Room again: the retried write lands and writes are accepted.
    stop.set()
    os.remove(space)
    wait_until(lambda: write_status(probe) == "ok", lambda: "writes again: %s" % fs.log_text()[-3000:])
    assert "AOF write error looks solved, Redis can write again." in fs.log_text()
    for w in writers:
        w.join(30)
        assert not w.is_alive() and w.failure is None, (w.name, w.failure)
        assert w.refusal in (None, NO_SPACE), w.refusal
    assert probe.call("SET", "after", "recovery") == "OK"
    assert probe.call("PING") == "PONG"
    acked = acknowledged(writers)
    acked[b"before"], acked[b"after"] = b"full", b"recovery"
    assert len(acked) > 1000, "the writers hardly wrote: %d" % len(acked)

    s.kill9()
    _, missing = missing_after_restart(servers, swirl_bin, fs, acked)
    assert missing == [], "%d acknowledged writes lost: %r" % (len(missing), missing[:10])


def test_kill9_while_the_disk_is_full_loses_no_acknowledged_write(small_fs, servers, swirl_bin):
    fs = small_fs
    space = fs.filler()
    s = start(servers, swirl_bin, fs, "--appendfsync", "everysec")
    probe = s.client()
    writers, stop = start_writers(s)
    wait_until(lambda: write_status(probe) == "err", lambda: "the disk to fill: %s" % fs.log_text()[-3000:], 60)
    assert probe.call_raw("SET", "refused", "1") == NO_SPACE
    stop.set()
    s.kill9()
    for w in writers:
        w.join(30)
        assert not w.is_alive()
    acked = acknowledged(writers)
    assert len(acked) > 1000, "the writers hardly wrote: %d" % len(acked)
    os.remove(space)
    _, missing = missing_after_restart(servers, swirl_bin, fs, acked)
    if target_is_redis():
        # Redis acknowledged the commands of the write that failed: each
        # writer can lose its last one.
        assert len(missing) <= len(writers), missing
    else:
        assert missing == [], "%d acknowledged writes lost: %r" % (len(missing), missing[:10])


def test_always_exits_on_a_write_error(small_fs, servers, swirl_bin):
    fs = small_fs
    space = fs.filler()
    s = start(servers, swirl_bin, fs, "--appendfsync", "always")
    writers, stop = start_writers(s)
    try:
        code = s.proc.wait(120)
    finally:
        stop.set()
    # It cannot keep its promise (every acknowledged write is on disk) and stops.
    assert code == 1, fs.log_text()[-3000:]
    assert "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..." in fs.log_text()
    for w in writers:
        w.join(30)
        assert not w.is_alive() and w.refusal is None, (w.name, w.refusal)
        assert isinstance(w.failure, (OSError, ConnectionError)), w.failure
    acked = acknowledged(writers)
    assert len(acked) > 1000, "the writers hardly wrote: %d" % len(acked)
    os.remove(space)
    _, missing = missing_after_restart(servers, swirl_bin, fs, acked, "--appendfsync", "always")
    assert missing == [], "%d acknowledged writes lost: %r" % (len(missing), missing[:10])


def test_counter_is_exact_after_the_disk_had_room_again(small_fs, servers, swirl_bin):
    """Writes retried after a short write are written once: a counter
    incremented through the whole episode loads with its exact value."""
    fs = small_fs
    space = fs.filler(3 << 20)
    s = start(servers, swirl_bin, fs)
    c = s.client()
    stop = threading.Event()
    counter = s.client(timeout=120)

    def increment():
        while not stop.is_set():
            reply = counter.call_raw("INCR", "counter")
            if reply == NO_SPACE:
                return
            assert reply.startswith(b":"), reply
            counter.call_raw("APPEND", "pad", BLOCK)  # fills the disk faster
    writer = threading.Thread(target=increment, daemon=True)
    writer.start()
    wait_until(lambda: write_status(c) == "err", lambda: "the disk to fill: %s" % fs.log_text()[-3000:], 60)
    stop.set()
    os.remove(space)
    wait_until(lambda: write_status(c) == "ok", lambda: "writes again: %s" % fs.log_text()[-3000:])
    writer.join(30)
    assert not writer.is_alive()
    for _ in range(100):
        c.call("INCR", "counter")
    value = c.call("GET", "counter")
    assert s.stop() == 0
    s2 = start(servers, swirl_bin, fs)
    assert s2.client().call("GET", "counter") == value
