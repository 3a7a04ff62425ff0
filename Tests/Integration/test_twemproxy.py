"""Swirl behind twemproxy (Debian's `nutcracker`), configured by
deploy/twemproxy/nutcracker.yml: two Swirl instances, keys sharded by a
consistent hash. redis-cli and redis-benchmark go through the proxy; every
command twemproxy forwards that Swirl implements is sent through a proxy in
front of two Swirls and through one in front of two redis-servers, and the
replies must be the same bytes (the two rings are built from the same names,
so each key goes to the same shard in both)."""
import os
import shutil
import signal
import subprocess

import pytest

import harness
from harness import wait_until
from resp import RespClient, decode

CONFIG = harness.REPO / "deploy" / "twemproxy" / "nutcracker.yml"
# Debian installs it in /usr/sbin, which may not be on a user's PATH.
NUTCRACKER = shutil.which("nutcracker") or "/usr/sbin/nutcracker"

# The commands nutcracker 0.5.0 forwards (its notes/redis.md), that Swirl does
# not implement yet; every other forwarded command is compared with Redis. A
# command leaving this list (implemented) is compared from then on.
NOT_YET = {"DUMP", "RESTORE", "BITCOUNT", "BITFIELD", "BITPOS", "GETBIT", "SETBIT", "PFADD", "PFCOUNT", "PFMERGE",
           "GEOADD", "GEODIST", "GEOHASH", "GEOPOS", "GEORADIUS", "GEORADIUSBYMEMBER", "GEOSEARCH",
           "GEOSEARCHSTORE", "EVAL", "EVALSHA"}

# One or more invocations per forwarded command, run in this order on both
# proxies. `{t}` keys share a hash tag, so multi-key commands stay on one shard.
CASES = [
    ("SET", ["SET", "s1", "hello"]), ("SET", ["SET", "s2", "10", "EX", "1000"]),
    ("GET", ["GET", "s1"]), ("APPEND", ["APPEND", "s1", " world"]), ("STRLEN", ["STRLEN", "s1"]),
    ("GETRANGE", ["GETRANGE", "s1", "0", "4"]), ("SETRANGE", ["SETRANGE", "s1", "6", "there"]),
    ("GETSET", ["GETSET", "s1", "new"]), ("SETNX", ["SETNX", "s1", "x"]), ("SETEX", ["SETEX", "s3", "100", "v"]),
    ("PSETEX", ["PSETEX", "s4", "100000", "v"]), ("INCR", ["INCR", "n1"]), ("INCRBY", ["INCRBY", "n1", "41"]),
    ("DECR", ["DECR", "n1"]), ("DECRBY", ["DECRBY", "n1", "2"]), ("INCRBYFLOAT", ["INCRBYFLOAT", "f1", "1.5"]),
    ("MSET", ["MSET", "m1", "a", "m2", "b", "m3", "c", "m4", "d"]),
    # Split over both shards by the proxy (these short names above happen to share one).
    ("MSET", ["MSET"] + [word for i in range(64) for word in ("key:%d" % i, str(i))]),
    ("MGET", ["MGET"] + ["key:%d" % i for i in range(64)]), ("MGET", ["MGET", "m1", "m2", "nosuch", "m3", "m4"]),
    ("GETDEL", ["GETDEL", "m4"]), ("GETEX", ["GETEX", "m3", "PX", "100000"]),
    ("EXISTS", ["EXISTS", "m1", "m2", "m4", "s1"]), ("TYPE", ["TYPE", "s1"]),
    ("EXPIRE", ["EXPIRE", "s1", "1000"]), ("TTL", ["TTL", "s1"]), ("PERSIST", ["PERSIST", "s1"]),
    ("PEXPIRE", ["PEXPIRE", "s1", "100000"]), ("EXPIREAT", ["EXPIREAT", "m1", "4102444800"]),
    ("PEXPIREAT", ["PEXPIREAT", "m2", "4102444800000"]), ("PTTL", ["PTTL", "m2"]), ("TTL", ["TTL", "m1"]),
    ("HSET", ["HSET", "h1", "a", "1", "b", "2"]), ("HMSET", ["HMSET", "h1", "c", "3"]), ("HSETNX", ["HSETNX", "h1", "a", "9"]),
    ("HGET", ["HGET", "h1", "a"]), ("HMGET", ["HMGET", "h1", "a", "z", "c"]), ("HGETALL", ["HGETALL", "h1"]),
    ("HKEYS", ["HKEYS", "h1"]), ("HVALS", ["HVALS", "h1"]), ("HLEN", ["HLEN", "h1"]), ("HEXISTS", ["HEXISTS", "h1", "b"]),
    ("HINCRBY", ["HINCRBY", "h1", "a", "5"]), ("HINCRBYFLOAT", ["HINCRBYFLOAT", "h1", "b", "0.5"]),
    ("HDEL", ["HDEL", "h1", "c", "z"]), ("HSCAN", ["HSCAN", "h1", "0"]),
    ("RPUSH", ["RPUSH", "l1", "a", "b", "c", "d"]), ("LPUSH", ["LPUSH", "l1", "z"]), ("LPUSHX", ["LPUSHX", "l1", "y"]),
    ("RPUSHX", ["RPUSHX", "l1", "e"]), ("LRANGE", ["LRANGE", "l1", "0", "-1"]), ("LLEN", ["LLEN", "l1"]),
    ("LINDEX", ["LINDEX", "l1", "2"]), ("LINSERT", ["LINSERT", "l1", "BEFORE", "c", "bb"]), ("LSET", ["LSET", "l1", "0", "Y"]),
    ("LREM", ["LREM", "l1", "1", "z"]), ("LPOS", ["LPOS", "l1", "c"]), ("LPOP", ["LPOP", "l1"]), ("RPOP", ["RPOP", "l1", "2"]),
    ("LTRIM", ["LTRIM", "l1", "0", "2"]), ("RPUSH", ["RPUSH", "{t}l2", "1", "2", "3"]),
    ("RPOPLPUSH", ["RPOPLPUSH", "{t}l2", "{t}l3"]), ("LMOVE", ["LMOVE", "{t}l2", "{t}l3", "LEFT", "RIGHT"]),
    ("LRANGE", ["LRANGE", "{t}l3", "0", "-1"]),
    ("SADD", ["SADD", "{t}s1", "1", "2", "3", "4"]), ("SADD", ["SADD", "{t}s2", "3", "4", "5"]),
    ("SCARD", ["SCARD", "{t}s1"]), ("SISMEMBER", ["SISMEMBER", "{t}s1", "2"]), ("SMISMEMBER", ["SMISMEMBER", "{t}s1", "2", "9"]),
    ("SMEMBERS", ["SMEMBERS", "{t}s1"]), ("SINTER", ["SINTER", "{t}s1", "{t}s2"]), ("SUNION", ["SUNION", "{t}s1", "{t}s2"]),
    ("SDIFF", ["SDIFF", "{t}s1", "{t}s2"]), ("SINTERSTORE", ["SINTERSTORE", "{t}s3", "{t}s1", "{t}s2"]),
    ("SUNIONSTORE", ["SUNIONSTORE", "{t}s4", "{t}s1", "{t}s2"]), ("SDIFFSTORE", ["SDIFFSTORE", "{t}s5", "{t}s1", "{t}s2"]),
    ("SMOVE", ["SMOVE", "{t}s1", "{t}s2", "1"]), ("SREM", ["SREM", "{t}s1", "2"]), ("SSCAN", ["SSCAN", "{t}s1", "0"]),
    # Random picks, made certain: all of a set, or the one member there is.
    ("SRANDMEMBER", ["SRANDMEMBER", "{t}s5", "5"]), ("SADD", ["SADD", "one", "x"]), ("SPOP", ["SPOP", "one"]),
    ("ZADD", ["ZADD", "{t}z1", "1", "a", "2", "b", "3", "c"]), ("ZADD", ["ZADD", "{t}z2", "5", "b", "6", "d"]),
    ("ZCARD", ["ZCARD", "{t}z1"]), ("ZCOUNT", ["ZCOUNT", "{t}z1", "1", "2"]), ("ZSCORE", ["ZSCORE", "{t}z1", "b"]),
    ("ZMSCORE", ["ZMSCORE", "{t}z1", "a", "x"]), ("ZINCRBY", ["ZINCRBY", "{t}z1", "2.5", "a"]),
    ("ZRANK", ["ZRANK", "{t}z1", "a"]), ("ZREVRANK", ["ZREVRANK", "{t}z1", "a"]),
    ("ZRANGE", ["ZRANGE", "{t}z1", "0", "-1", "WITHSCORES"]), ("ZREVRANGE", ["ZREVRANGE", "{t}z1", "0", "1"]),
    ("ZRANGEBYSCORE", ["ZRANGEBYSCORE", "{t}z1", "2", "+inf"]), ("ZREVRANGEBYSCORE", ["ZREVRANGEBYSCORE", "{t}z1", "+inf", "2"]),
    ("ZADD", ["ZADD", "{t}lex", "0", "a", "0", "b", "0", "c"]), ("ZLEXCOUNT", ["ZLEXCOUNT", "{t}lex", "[a", "[b"]),
    ("ZRANGEBYLEX", ["ZRANGEBYLEX", "{t}lex", "-", "[b"]), ("ZREVRANGEBYLEX", ["ZREVRANGEBYLEX", "{t}lex", "+", "(a"]),
    ("ZREMRANGEBYLEX", ["ZREMRANGEBYLEX", "{t}lex", "[a", "[a"]),
    ("ZUNION", ["ZUNION", "2", "{t}z1", "{t}z2", "WITHSCORES"]), ("ZINTER", ["ZINTER", "2", "{t}z1", "{t}z2"]),
    ("ZDIFF", ["ZDIFF", "2", "{t}z1", "{t}z2"]), ("ZUNIONSTORE", ["ZUNIONSTORE", "{t}z3", "2", "{t}z1", "{t}z2"]),
    ("ZINTERSTORE", ["ZINTERSTORE", "{t}z4", "2", "{t}z1", "{t}z2"]), ("ZDIFFSTORE", ["ZDIFFSTORE", "{t}z5", "2", "{t}z1", "{t}z2"]),
    ("ZRANGESTORE", ["ZRANGESTORE", "{t}z6", "{t}z3", "0", "0"]), ("ZRANDMEMBER", ["ZRANDMEMBER", "{t}z6", "-3"]),
    ("ZSCAN", ["ZSCAN", "{t}z1", "0"]), ("ZREM", ["ZREM", "{t}z1", "c"]),
    ("ZREMRANGEBYRANK", ["ZREMRANGEBYRANK", "{t}z3", "0", "0"]), ("ZREMRANGEBYSCORE", ["ZREMRANGEBYSCORE", "{t}z3", "0", "5"]),
    ("ZPOPMIN", ["ZPOPMIN", "{t}z2"]), ("ZPOPMAX", ["ZPOPMAX", "{t}z1"]),
    ("SORT", ["SORT", "{t}l3"]), ("SORT", ["SORT", "{t}s4", "ALPHA", "LIMIT", "0", "2"]),
    ("DEL", ["DEL", "s3", "s4", "nosuch", "m1"]), ("EXISTS", ["EXISTS", "s3", "s4", "m2"]),
    ("PING", ["PING"]), ("LOLWUT", None), ("COMMAND", None),
    ("GET", ["GET", "s1"]), ("MGET", ["MGET", "s1", "s2", "n1", "f1", "m2", "m3"]),
]

# Replies whose order is the server's own choice: compared as sorted lists.
UNORDERED = {"SMEMBERS", "SINTER", "SUNION", "SDIFF", "SSCAN", "SRANDMEMBER", "ZRANDMEMBER"}


def forwarded_commands():
    """Every command of nutcracker 0.5.0's list, as the cases name them, plus NOT_YET."""
    return {name for name, _ in CASES} | NOT_YET


def proxy_config(proxy_port, ports, stats_port, directory):
    text = CONFIG.read_text()
    text = text.replace("127.0.0.1:22121", "127.0.0.1:%d" % proxy_port)
    text = text.replace("127.0.0.1:6380:1", "127.0.0.1:%d:1" % ports[0])
    text = text.replace("127.0.0.1:6381:1", "127.0.0.1:%d:1" % ports[1])
    path = os.path.join(directory, "nutcracker-%d.yml" % proxy_port)
    with open(path, "w") as f:
        f.write(text)
    return path


class Proxy:
    def __init__(self, backends, directory):
        self.backends = backends
        self.port, stats = harness.free_port(), harness.free_port()
        config = proxy_config(self.port, [b.port for b in backends], stats, directory)
        check = subprocess.run([NUTCRACKER, "-t", "-c", config], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.log = os.path.join(directory, "nutcracker-%d.log" % self.port)
        self.proc = subprocess.Popen([NUTCRACKER, "-c", config, "-s", str(stats), "-a", "127.0.0.1",
                                      "-o", self.log, "-p", os.path.join(directory, "nutcracker-%d.pid" % self.port)])
        wait_until(self.answers, lambda: "nutcracker on port %d (log: %s)" % (self.port, open(self.log).read()[-2000:]))

    def answers(self):
        try:
            with RespClient(self.port, timeout=2) as c:
                return c.call_raw("GET", "twemproxy-probe") == b"$-1\r\n"
        except OSError:
            return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(harness.WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def proxied(servers, swirl_bin, redis_bin, tmp_path):
    """A proxy over two Swirls and one over two redis-servers."""
    made = []

    def make(binary):
        backends = [servers.start(binary, "--appendonly", "no", "--save", "") for _ in range(2)]
        proxy = Proxy(backends, str(tmp_path))
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.stop()


def normalized(name, raw):
    value = decode(raw)
    if name in ("TTL", "PTTL") and isinstance(value, int) and value > 0:
        return "a time to live"  # the clocks of two servers, read a moment apart

    if name in ("SSCAN", "HSCAN", "ZSCAN") and isinstance(value, list):
        value = [value[0], sorted(value[1])] if name == "SSCAN" else value
    if name in UNORDERED and isinstance(value, list):
        value = sorted(value, key=repr)
    return value


def test_the_shipped_config_is_valid():
    out = subprocess.run([NUTCRACKER, "-t", "-c", str(CONFIG)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert "syntax is ok" in out.stdout + out.stderr


def test_every_forwarded_command_answers_as_redis_through_the_proxy(proxied, swirl_bin):
    swirl, redis = proxied(swirl_bin), proxied(harness.redis_binary())
    with RespClient(swirl.backends[0].port) as c:
        implemented = {name for name in forwarded_commands()
                       if c.call("COMMAND", "INFO", name.lower()) != [None]}
    # What twemproxy forwards and Swirl lacks is exactly what NOT_YET says.
    assert forwarded_commands() - implemented <= NOT_YET
    compared = 0
    with RespClient(swirl.port) as s, RespClient(redis.port) as r:
        for name, command in CASES:
            if command is None or name not in implemented:
                continue
            got, want = s.call_raw(*command), r.call_raw(*command)
            assert normalized(name, got) == normalized(name, want), (command, got, want)
            compared += 1
    assert compared > 100  # the loop ran: every case of an implemented command
    # The keys went to both shards, the same way in both rings.
    for proxy in (swirl, redis):
        sizes = [b.client().call("DBSIZE") for b in proxy.backends]
        assert all(size > 0 for size in sizes), (proxy.backends, sizes)
    assert [b.client().call("DBSIZE") for b in swirl.backends] == [b.client().call("DBSIZE") for b in redis.backends]


def test_redis_cli_through_the_proxy(proxied, swirl_bin):
    proxy = proxied(swirl_bin)
    for i in range(3):
        out = subprocess.run(["redis-cli", "-p", str(proxy.port), "SET", "key:%d" % i, "value-%d" % i],
                             capture_output=True, text=True, timeout=30)
        assert out.stdout == "OK\n"
    # The rest as one pipe of commands, as a script would feed redis-cli.
    script = "".join("SET key:%d value-%d\n" % (i, i) for i in range(3, 200))
    out = subprocess.run(["redis-cli", "-p", str(proxy.port)], input=script, capture_output=True, text=True, timeout=60)
    assert out.stdout == "OK\n" * 197
    out = subprocess.run(["redis-cli", "-p", str(proxy.port), "MGET"] + ["key:%d" % i for i in range(200)],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.split() == ["value-%d" % i for i in range(200)]
    sizes = [b.client().call("DBSIZE") for b in proxy.backends]
    assert sum(sizes) == 200 and min(sizes) > 40, sizes


def test_redis_benchmark_through_the_proxy(proxied, swirl_bin):
    proxy = proxied(swirl_bin)
    tests = "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,mset"
    out = subprocess.run(["redis-benchmark", "-p", str(proxy.port), "-n", "2000", "-c", "10", "-r", "1000",
                          "-t", tests, "-q"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for name in ["SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET", "SPOP", "ZADD",
                 "ZPOPMIN", "LRANGE_100", "MSET"]:
        assert any(line.startswith(name) and "requests per second" in line for line in out.stdout.splitlines()), \
            (name, out.stdout)
    # -r 1000 keys of each kind went to both instances.
    sizes = [b.client().call("DBSIZE") for b in proxy.backends]
    assert all(size > 100 for size in sizes), sizes
