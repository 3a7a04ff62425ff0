"""RDB snapshots: SAVE, BGSAVE, save points, SHUTDOWN's save and start-up
loading, and files that interchange with redis-server 7.0.15 both ways
(every type and encoding, compared by content: Swirl's DEBUG DIGEST is its
own scheme), checked by Debian's redis-check-rdb."""
import os
import shutil
import signal
import subprocess

import pytest

from aof_helpers import assert_same_data, snapshot
from harness import info_fields, wait_past, wait_until
from resp import RespError

NO_AOF = ("--appendonly", "no")


def populate(c):
    """Every type in every encoding Redis 7.0 writes, an expiry, three databases."""
    c.call("SET", "int", "12345")
    c.call("SET", "bigint", "123456789012345")
    c.call("SET", "str", "hello")
    c.call("SET", "long", "abcdefgh" * 200)
    c.call("SET", "binary", bytes(range(256)) * 3)
    c.call("RPUSH", "small-list", "a", "1", "-70000", "x" * 80)
    c.call("RPUSH", "big-list", *["element-%d" % i for i in range(3000)])
    c.call("RPUSH", "wide-list", *[("%d" % i) * 5000 for i in range(6)])
    c.call("SADD", "intset", 1, 5, -40000, 1 << 40)
    c.call("SADD", "small-set", "a", "b", "7")
    c.call("SADD", "big-set", *["m%d" % i for i in range(700)])
    c.call("ZADD", "small-zset", 1.5, "a", -2, "b", "inf", "c", 3, "d", 1e300, "e")
    c.call("ZADD", "big-zset", *[x for i in range(300) for x in (i / 3, "member-%d" % i)])
    c.call("ZADD", "big-zset", "-inf", "minus")
    c.call("HSET", "small-hash", "f", "v", "n", "42", "empty", "")
    c.call("HSET", "big-hash", *[x for i in range(200) for x in ("field%d" % i, "value%d" % i)])
    c.call("SET", "expiring", "soon", "EX", 100000)
    c.call("HSET", "expiring-hash", "a", "b")
    c.call("PEXPIRE", "expiring-hash", 90000000)
    c.call("SELECT", 3)
    c.call("SET", "in-db-3", "x")
    c.call("SELECT", 15)
    c.call("LPUSH", "in-db-15", "y")
    c.call("SELECT", 0)


def check_rdb(path):
    result = subprocess.run(["redis-check-rdb", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "RDB looks OK" in result.stdout, result.stdout + result.stderr
    return result.stdout


def test_swirl_to_redis_and_back(servers, swirl_bin, redis_bin):
    swirl = servers.start(swirl_bin, *NO_AOF)
    c = swirl.client()
    populate(c)
    before = snapshot(swirl)
    assert c.call("SAVE") == "OK"
    dump = os.path.join(swirl.dir, "dump.rdb")
    report = check_rdb(dump)
    assert "24 keys read" in report or "keys read" in report

    # redis-server loads Swirl's file and writes its own.
    redis_dir = servers.new_dir()
    shutil.copy(dump, redis_dir / "dump.rdb")
    redis = servers.start(redis_bin, "--save", "", *NO_AOF, dir=redis_dir)
    assert_same_data(before, snapshot(redis))
    assert redis.client().call("SAVE") == "OK"
    check_rdb(redis_dir / "dump.rdb")

    # Swirl loads redis-server's file.
    back_dir = servers.new_dir()
    shutil.copy(redis_dir / "dump.rdb", back_dir / "dump.rdb")
    back = servers.start(swirl_bin, *NO_AOF, dir=back_dir)
    assert_same_data(before, snapshot(back))
    fields = info_fields(back.client(), "persistence")
    assert fields["rdb_last_load_keys_loaded"] == str(len(before))
    assert "Done loading RDB, keys loaded: %d, keys expired: 0." % len(before) in back.log()


def test_uncompressed_and_unchecksummed_files_load_in_redis(servers, swirl_bin, redis_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--rdbcompression", "no", "--rdbchecksum", "no")
    populate(swirl.client())
    before = snapshot(swirl)
    swirl.client().call("SAVE")
    redis_dir = servers.new_dir()
    shutil.copy(os.path.join(swirl.dir, "dump.rdb"), redis_dir / "dump.rdb")
    redis = servers.start(redis_bin, "--save", "", *NO_AOF, dir=redis_dir)
    assert_same_data(before, snapshot(redis))


def test_expired_keys_are_not_loaded_and_access_stamps_are_kept(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--maxmemory-policy", "allkeys-lfu")
    c = swirl.client()
    c.call("DEBUG", "SET-ACTIVE-EXPIRE", 0)
    c.call("SET", "gone", "x", "PX", 1)
    wait_past(c, 1)
    c.call("SET", "kept", "y")
    c.call("OBJECT", "FREQ", "kept")
    for _ in range(50):
        c.call("GET", "kept")
    frequency = c.call("OBJECT", "FREQ", "kept")
    assert frequency > 5
    c.call("SAVE")  # "gone" is in the file: nothing read it since it expired
    swirl.stop()
    again = servers.start(swirl_bin, *NO_AOF, "--maxmemory-policy", "allkeys-lfu", dir=swirl.dir)
    c2 = again.client()
    assert c2.call("EXISTS", "gone") == 0
    assert "keys loaded: 1, keys expired: 1." in again.log()
    assert c2.call("OBJECT", "FREQ", "kept") == frequency


def test_bgsave_forks_a_child_and_counts(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "")
    c = swirl.client()
    populate(c)
    assert c.call("BGSAVE") == "Background saving started"
    wait_until(lambda: info_fields(c, "persistence")["rdb_bgsave_in_progress"] == "0", swirl.log_tail)
    fields = info_fields(c, "persistence")
    assert fields["rdb_last_bgsave_status"] == "ok"
    assert fields["rdb_saves"] == "1"
    assert fields["rdb_changes_since_last_save"] == "0"
    assert int(fields["rdb_last_save_time"]) == c.call("LASTSAVE")
    assert "Background saving terminated with success" in swirl.log()
    check_rdb(os.path.join(swirl.dir, "dump.rdb"))
    assert not [name for name in os.listdir(swirl.dir) if name.startswith("temp-")]
    with pytest.raises(RespError, match="syntax error"):
        c.call("BGSAVE", "NOW")


def test_kill9_during_bgsave_leaves_the_previous_dump_intact(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "")
    c = swirl.client()
    c.call("SET", "first", "1")
    c.call("SAVE")
    dump = os.path.join(swirl.dir, "dump.rdb")
    previous = open(dump, "rb").read()
    c.call("DEBUG", "POPULATE", 2000)
    c.call("CONFIG", "SET", "rdb-key-save-delay", 1000)  # 1 ms a key: the child runs for seconds
    assert c.call("BGSAVE") == "Background saving started"
    with pytest.raises(RespError, match="Background save already in progress"):
        c.call("BGSAVE")
    with pytest.raises(RespError, match="Background save already in progress"):
        c.call("SAVE")
    child = wait_until(lambda: [n for n in os.listdir(swirl.dir) if n.startswith("temp-")], "the child's temp file")
    pid = int(child[0][len("temp-"):-len(".rdb")])
    swirl.kill9()
    # The child dies with its server and never renames anything.
    wait_until(lambda: not os.path.exists("/proc/%d" % pid) or open("/proc/%d/stat" % pid).read().split()[2] == "Z",
               "the child to die with its server")
    assert open(dump, "rb").read() == previous
    again = servers.start(swirl_bin, *NO_AOF, dir=swirl.dir)
    assert again.client().call("KEYS", "*") == [b"first"]


def test_failed_bgsave_refuses_writes_with_misconf(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "3600 1", "--enable-protected-configs", "yes")
    c = swirl.client()
    gone = servers.new_dir()
    c.call("CONFIG", "SET", "dir", str(gone))
    gone.rmdir()  # the child cannot create its temp file there
    c.call("SET", "k", "v")
    assert c.call("BGSAVE") == "Background saving started"
    wait_until(lambda: info_fields(c, "persistence")["rdb_last_bgsave_status"] == "err", swirl.log_tail)
    assert "Background saving error" in swirl.log()
    misconf = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
               "Commands that may modify the data set are disabled, because this instance is configured to report "
               "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check "
               "the Redis logs for details about the RDB error.")
    with pytest.raises(RespError) as refused:
        c.call("SET", "k", "w")
    assert str(refused.value) == misconf
    with pytest.raises(RespError, match="MISCONF"):
        c.call("PING")
    assert c.call("GET", "k") == b"v"
    c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
    assert c.call("SET", "k", "w") == "OK"
    c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
    with pytest.raises(RespError, match="MISCONF"):
        c.call("SET", "k", "x")
    c.call("CONFIG", "SET", "dir", swirl.dir)
    assert c.call("SAVE") == "OK"
    assert c.call("SET", "k", "x") == "OK"


def test_save_points_start_a_bgsave(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "1 2")
    c = swirl.client()
    c.call("SET", "a", "1")
    c.call("SET", "b", "2")
    wait_until(lambda: "2 changes in 1 seconds. Saving..." in swirl.log(), swirl.log_tail, timeout=30)
    wait_until(lambda: info_fields(c, "persistence")["rdb_changes_since_last_save"] == "0", swirl.log_tail)
    assert os.path.exists(os.path.join(swirl.dir, "dump.rdb"))
    assert c.call("CONFIG", "GET", "save") == [b"save", b"1 2"]


def test_default_save_points_are_redis_defaults(servers, swirl_bin):
    c = servers.start(swirl_bin, *NO_AOF).client()
    assert c.call("CONFIG", "GET", "save") == [b"save", b"3600 1 300 100 60 10000"]
    for name, value in [("stop-writes-on-bgsave-error", "yes"), ("rdbcompression", "yes"), ("rdbchecksum", "yes"),
                        ("rdb-del-sync-files", "no"), ("dbfilename", "dump.rdb"), ("sanitize-dump-payload", "no")]:
        assert c.call("CONFIG", "GET", name) == [name.encode(), value.encode()]


@pytest.mark.parametrize("how, saves", [
    (("SHUTDOWN",), True), (("SHUTDOWN", "NOSAVE"), False), ("SIGTERM", True)])
def test_shutdown_saves_when_save_points_exist(servers, swirl_bin, how, saves):
    swirl = servers.start(swirl_bin, *NO_AOF)
    c = swirl.client()
    c.call("SET", "k", "v")
    if how == "SIGTERM":
        assert swirl.stop() == 0
    else:
        with pytest.raises((ConnectionError, OSError, EOFError)):
            c.call(*how)
        swirl.proc.wait(30)
    assert os.path.exists(os.path.join(swirl.dir, "dump.rdb")) == saves


def test_shutdown_save_without_save_points(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "")
    c = swirl.client()
    c.call("SET", "k", "v")
    with pytest.raises((ConnectionError, OSError, EOFError)):
        c.call("SHUTDOWN", "SAVE")
    swirl.proc.wait(30)
    assert os.path.exists(os.path.join(swirl.dir, "dump.rdb"))
    again = servers.start(swirl_bin, *NO_AOF, "--save", "", dir=swirl.dir)
    assert again.client().call("GET", "k") == b"v"


def test_a_corrupt_dump_stops_the_start(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "", "--rdbcompression", "no")
    swirl.client().call("SET", "k", "v" * 100)
    swirl.client().call("SAVE")
    swirl.stop()
    path = os.path.join(swirl.dir, "dump.rdb")
    data = bytearray(open(path, "rb").read())
    data[-20] ^= 0xFF  # a byte of the value: the file still parses, its checksum fails
    open(path, "wb").write(bytes(data))
    result = subprocess.run([swirl_bin, "--port", "0", "--appendonly", "no", "--dir", swirl.dir],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Wrong RDB checksum" in result.stdout + result.stderr


def test_bgsave_waits_for_the_aof_rewrite(servers, swirl_bin):
    swirl = servers.start(swirl_bin, "--appendonly", "yes", "--save", "")
    c = swirl.client()
    c.call("DEBUG", "POPULATE", 2000)
    c.call("CONFIG", "SET", "rdb-key-save-delay", 500)
    c.call("BGREWRITEAOF")
    wait_until(lambda: info_fields(c, "persistence")["aof_rewrite_in_progress"] == "1", swirl.log_tail)
    with pytest.raises(RespError, match="Another child process is active"):
        c.call("BGSAVE")
    assert c.call("BGSAVE", "SCHEDULE") == "Background saving scheduled"
    c.call("CONFIG", "SET", "rdb-key-save-delay", 0)
    wait_until(lambda: "Background saving terminated with success" in swirl.log(), swirl.log_tail, timeout=60)


@pytest.mark.parametrize("preamble, suffix", [("yes", ".base.rdb"), ("no", ".base.aof")])
def test_aof_rewrite_base_is_rdb_by_default(servers, swirl_bin, redis_bin, preamble, suffix):
    args = ("--appendonly", "yes", "--save", "") + (("--aof-use-rdb-preamble", preamble) if preamble == "no" else ())
    swirl = servers.start(swirl_bin, *args)
    c = swirl.client()
    assert c.call("CONFIG", "GET", "aof-use-rdb-preamble")[1] == (b"yes" if preamble == "yes" else b"no")
    populate(c)
    c.call("BGREWRITEAOF")
    aof_dir = os.path.join(swirl.dir, "appendonlydir")
    wait_until(lambda: [n for n in os.listdir(aof_dir) if n.endswith(suffix)], swirl.log_tail, timeout=60)
    wait_until(lambda: info_fields(c, "persistence")["aof_rewrite_in_progress"] == "0", swirl.log_tail)
    c.call("SET", "after", "rewrite")
    before = snapshot(swirl)
    base = [n for n in os.listdir(aof_dir) if n.endswith(suffix)][0]
    if preamble == "yes":
        assert open(os.path.join(aof_dir, base), "rb").read(9) == b"REDIS0010"
        check_rdb(os.path.join(aof_dir, base))
    swirl.stop()
    again = servers.start(swirl_bin, *args, dir=swirl.dir)
    assert_same_data(before, snapshot(again))
    if preamble == "yes":
        # redis-server 7.0.15 loads the directory as it is.
        redis_dir = servers.new_dir()
        shutil.copytree(aof_dir, redis_dir / "appendonlydir")
        again.stop()
        redis = servers.start(redis_bin, "--appendonly", "yes", "--save", "", dir=redis_dir)
        assert_same_data(before, snapshot(redis))


def test_debug_reload_goes_through_rdb(servers, swirl_bin):
    swirl = servers.start(swirl_bin, *NO_AOF, "--save", "", "--maxmemory-policy", "allkeys-lru")
    c = swirl.client()
    populate(c)
    before = snapshot(swirl)
    c.call("DEBUG", "OBJECT", "str")
    assert c.call("DEBUG", "RELOAD") == "OK"
    assert_same_data(before, snapshot(swirl))
    assert c.call("OBJECT", "ENCODING", "intset") == b"intset"
    assert c.call("OBJECT", "ENCODING", "big-zset") == b"skiplist"
