"""Lua scripting through real clients: redis-py's Lock (acquire, extend,
release: each a script run by EVALSHA, falling back to EVAL after NOSCRIPT)
and Script objects, a busy script that SCRIPT KILL stops while other clients
get BUSY, and scripts' effects in the AOF after a restart."""
import threading

import pytest
import redis

from harness import wait_until


def test_redis_py_lock(swirl):
    r = redis.Redis(port=swirl.port)
    lock = r.lock("resource", timeout=10)
    assert lock.acquire(blocking=False)
    assert r.get("resource") == lock.local.token
    other = r.lock("resource", timeout=10)
    assert not other.acquire(blocking=False), "a held lock is not acquired twice"
    assert lock.extend(5)
    assert 10 < r.pttl("resource") <= 15000
    assert lock.reacquire()
    lock.release()
    assert r.exists("resource") == 0
    # The release script refuses a lock whose token is no longer ours.
    assert lock.acquire(blocking=False)
    r.set("resource", "someone else")
    with pytest.raises(redis.exceptions.LockNotOwnedError):
        lock.release()
    assert r.get("resource") == b"someone else"
    r.delete("resource")
    with r.lock("resource", timeout=5) as held:
        assert held.owned()
    assert r.exists("resource") == 0


def test_redis_py_script_objects(swirl):
    r = redis.Redis(port=swirl.port)
    incr_by = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    assert incr_by(keys=["counter"], args=[5]) == 5
    r.script_flush()
    assert incr_by(keys=["counter"], args=[2]) == 7, "NOSCRIPT makes redis-py load the script again"
    assert r.script_exists(incr_by.sha) == [True]
    with r.pipeline() as pipe:
        incr_by(keys=["counter"], args=[1], client=pipe)
        pipe.get("counter")
        assert pipe.execute() == [8, b"8"]
    failing = r.register_script("return redis.call('INCR', KEYS[1])")
    r.set("text", "abc")
    with pytest.raises(redis.ResponseError, match="not an integer"):
        failing(keys=["text"])


def test_script_kill_stops_a_busy_script(swirl):
    r = redis.Redis(port=swirl.port)
    r.config_set("busy-reply-threshold", 100)
    # Loops until the key changes: it never can (the script is atomic), so only SCRIPT KILL ends it.
    result = {}

    def run():
        try:
            redis.Redis(port=swirl.port).eval("while redis.call('GET', KEYS[1]) ~= 'stop' do end", 1, "flag")
        except redis.ResponseError as error:
            result["error"] = str(error)

    runner = threading.Thread(target=run)
    runner.start()

    def busy():
        try:
            r.ping()
            return False
        except redis.ResponseError as error:
            return str(error).startswith("BUSY")
    wait_until(busy, "the script to be reported busy")
    with pytest.raises(redis.ResponseError, match="BUSY Redis is busy running a script"):
        r.set("flag", "stop")
    assert r.script_kill()
    runner.join(10)
    assert not runner.is_alive()
    assert result["error"].startswith("Script killed by user with SCRIPT KILL...")
    assert r.ping()
    assert r.get("flag") is None


def test_a_script_that_wrote_cannot_be_killed(swirl):
    r = redis.Redis(port=swirl.port)
    r.config_set("busy-reply-threshold", 100)
    r.set("stop-after", 3)
    # Writes, then loops on a clock it does not control: TIME advances, so it ends by itself.
    script = ("redis.call('SET', 'wrote', '1') local t = redis.call('TIME')[1] "
              "while tonumber(redis.call('TIME')[1]) < tonumber(t) + 2 do end return 'done'")
    result = {}
    runner = threading.Thread(target=lambda: result.setdefault("reply", redis.Redis(port=swirl.port).eval(script, 0)))
    runner.start()

    def unkillable():
        try:
            r.script_kill()
        except redis.ResponseError as error:
            if str(error).startswith("NOTBUSY"):
                return False  # the script has not started yet
            assert str(error).startswith("UNKILLABLE"), str(error)
            return True
        raise AssertionError("SCRIPT KILL stopped a script that wrote")
    wait_until(unkillable, "SCRIPT KILL to answer UNKILLABLE")
    runner.join(10)
    assert result["reply"] == b"done"
    assert r.get("wrote") == b"1"


def test_script_effects_survive_a_restart(servers, swirl_bin, tmp_path):
    server = servers.start(swirl_bin, "--appendonly", "yes", "--appendfsync", "always", dir=tmp_path)
    r = server.client()
    r.call("EVAL", "redis.call('SET', 'a', '1') redis.call('INCR', 'a') redis.call('RPUSH', 'l', 'x')", "0")
    r.call("EVAL", "return redis.call('INCR', 'a')", "0")
    server.stop()
    again = servers.start(swirl_bin, "--appendonly", "yes", dir=tmp_path)
    r = again.client()
    assert r.call("GET", "a") == b"3"
    assert r.call("LRANGE", "l", "0", "-1") == [b"x"]
