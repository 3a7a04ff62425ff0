"""A BGSAVE on a full disk, as in Redis 7.0: the child fails, writes (and
PING) get MISCONF while save points exist, and once there is room a BGSAVE
succeeds and writes go on; SHUTDOWN cannot save, says so and keeps serving.
Run against both servers (a 4 MB filesystem of its own: disk_faults.py)."""
import os

import pytest

from disk_faults import small_fs  # noqa: F401 (fixture)
from harness import info_fields, wait_until
from resp import RespError


@pytest.mark.parametrize("which", ["swirl", "redis"])
def test_bgsave_on_a_full_disk(small_fs, servers, swirl_bin, redis_bin, which):
    fs = small_fs
    binary = swirl_bin if which == "swirl" else redis_bin
    server = servers.start(binary, "--appendonly", "no", "--save", "3600 1", "--rdbcompression", "no",
                           *fs.args, dir=fs.dir)
    c = server.client()
    c.call("SET", "big", "x" * (1 << 20))
    stat = os.statvfs(str(fs.dir))
    filler = fs.filler(stat.f_bavail * stat.f_frsize - (256 << 10))  # 256 KB left: not room for the snapshot
    with pytest.raises(RespError):  # SAVE fails as well
        c.call("SAVE")
    assert c.call("BGSAVE") == "Background saving started"
    wait_until(lambda: info_fields(c, "persistence")["rdb_last_bgsave_status"] == "err", fs.log_text)
    assert info_fields(c, "persistence")["rdb_bgsave_in_progress"] == "0"
    with pytest.raises(RespError, match="^MISCONF Redis is configured to save RDB snapshots"):
        c.call("SET", "k", "v")
    with pytest.raises(RespError, match="^MISCONF"):
        c.call("PING")
    assert len(c.call("GET", "big")) == 1 << 20, "reads go on"
    with pytest.raises(RespError, match="^ERR Errors trying to SHUTDOWN. Check logs."):
        c.call("SHUTDOWN")
    assert server.alive
    assert not [n for n in os.listdir(str(fs.dir)) if n.startswith("temp-")]
    os.unlink(filler)
    assert c.call("BGSAVE") == "Background saving started"
    wait_until(lambda: info_fields(c, "persistence")["rdb_last_bgsave_status"] == "ok", fs.log_text)
    assert c.call("SET", "k", "v") == "OK"
    assert os.path.getsize(os.path.join(str(fs.dir), "dump.rdb")) > 1 << 20
