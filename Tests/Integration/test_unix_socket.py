"""`unixsocket` and `unixsocketperm`: clients over a unix socket file, served
like TCP ones. redis-cli -s, redis-benchmark -s and redis-py connect; CLIENT
LIST shows the socket as Redis 7.0.15 does; such clients are local (protected
mode, `enable-debug-command local`); the file is replaced at start and
removed at shutdown. Tests that name `both` run against redis-server too, so
every expectation is checked against the reference."""
import os
import shutil
import stat
import subprocess
import tempfile

import pytest
import redis

import harness
from harness import wait_until
from resp import RespClient, RespError


@pytest.fixture
def short_dir():
    # A unix socket path must fit in 107 bytes: pytest's tmp_path may not.
    d = tempfile.mkdtemp(prefix="swirl-us-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(params=["swirl", "redis"])
def both(request, swirl_bin, redis_bin):
    return swirl_bin if request.param == "swirl" else redis_bin


def start(servers, binary, path, *args):
    return servers.start(binary, "--appendonly", "no", "--save", "", "--unixsocket", path, *args)


def unix_client(path):
    return RespClient(None, unix=path)


def fields(line):
    return dict(word.split("=", 1) for word in line.split())


def cli(path, *args):
    out = subprocess.run(["redis-cli", "-s", path] + list(args), capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_commands_over_the_socket_with_redis_cli(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    start(servers, both, path)
    assert cli(path, "SET", "k", "v") == "OK\n"
    assert cli(path, "GET", "k") == "v\n"
    # TCP and the socket reach the same data.
    assert servers.started[-1].client().call("GET", "k") == b"v"


def test_client_list_shows_the_socket_path(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    s = start(servers, both, path)
    c = unix_client(path)
    line = c.call("CLIENT", "INFO").decode().strip()
    f = fields(line)
    assert f["addr"] == path + ":0"
    assert f["laddr"] == path + ":0"
    assert f["flags"] == "U"
    listed = [fields(l) for l in c.call("CLIENT", "LIST").decode().splitlines()]
    assert [l["addr"] for l in listed] == [path + ":0"]
    # A TCP client beside it has no U flag.
    tcp = s.client()
    flags = {l["id"]: l["flags"] for l in (fields(x) for x in tcp.call("CLIENT", "LIST").decode().splitlines())}
    assert sorted(flags.values()) == ["N", "U"]
    # CLIENT KILL ADDR finds it by that address.
    assert tcp.call("CLIENT", "KILL", "ADDR", path + ":0") == 1
    assert c.is_closed_by_peer()


def test_unixsocketperm_sets_the_file_mode(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    s = start(servers, both, path, "--unixsocketperm", "0750")
    assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750
    c = s.client()
    assert c.call("CONFIG", "GET", "unixsocketperm") == [b"unixsocketperm", b"750"]
    assert c.call("CONFIG", "GET", "unixsocket") == [b"unixsocket", path.encode()]


def test_unix_parameters_are_immutable(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    c = start(servers, both, path).client()
    for name, value in [("unixsocket", "/tmp/other.sock"), ("unixsocketperm", "777")]:
        with pytest.raises(RespError) as e:
            c.call("CONFIG", "SET", name, value)
        assert e.value.message == ("ERR CONFIG SET failed (possibly related to argument '%s') - "
                                   "can't set immutable config" % name)


@pytest.mark.parametrize("value,error", [
    ("1000", "argument must be between 0 and 777 inclusive"),
    ("-1", "argument must be between 0 and 777 inclusive"),
    ("9", "argument couldn't be parsed as an octal number"),
])
def test_bad_unixsocketperm_stops_the_start(both, short_dir, value, error):
    out = subprocess.run([both, "--port", "0", "--unixsocket", os.path.join(short_dir, "s"),
                          "--unixsocketperm", value], capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert error in out.stderr


def test_stale_socket_file_is_replaced_and_removed_at_shutdown(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    # What a killed server leaves behind.
    open(path, "w").close()
    s = start(servers, both, path)
    assert cli(path, "PING") == "PONG\n"
    assert s.stop() == 0
    assert not os.path.exists(path)
    assert "Removing the unix socket file." in s.log()


def test_socket_only_server(both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    log = os.path.join(short_dir, "log")
    with open(log, "wb") as out:
        proc = subprocess.Popen([both, "--port", "0", "--unixsocket", path, "--appendonly", "no", "--save", "",
                                 "--dir", short_dir], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready to accept connections at %s" % path in open(log).read(), "the socket's ready line")
        c = unix_client(path)
        assert c.call("PING") == "PONG"
        assert c.call("CONFIG", "GET", "port") == [b"port", b"0"]
        c.send_command("SHUTDOWN", "NOSAVE")
        assert c.is_closed_by_peer()
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_listening_nowhere_exits(both, short_dir):
    out = subprocess.run([both, "--port", "0", "--dir", short_dir], capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "Configured to not listen anywhere, exiting." in out.stdout


def test_too_long_a_path_exits(both, short_dir):
    path = os.path.join(short_dir, "x" * 120)
    out = subprocess.run([both, "--port", "0", "--unixsocket", path, "--dir", short_dir],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "Failed opening Unix socket: unix socket path too long (%d), must be under 108" % len(path) in out.stdout


def test_socket_clients_are_local(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    # `local` allows DEBUG and protected configs only to local clients, and with
    # protected mode on only local ones come in: a unix socket client is local.
    servers.start(both, "--appendonly", "no", "--save", "", "--unixsocket", path, "--protected-mode", "yes",
                      "--enable-debug-command", "local", "--enable-protected-configs", "local")
    c = unix_client(path)
    assert c.call("PING") == "PONG"
    assert c.call("DEBUG", "SLEEP", "0") == "OK"
    assert c.call("CONFIG", "SET", "dir", short_dir) == "OK"


def test_redis_py_over_the_socket(servers, both, short_dir):
    path = os.path.join(short_dir, "s.sock")
    start(servers, both, path)
    r = redis.Redis(unix_socket_path=path, decode_responses=True)
    try:
        assert r.ping()
        r.hset("h", mapping={"a": "1", "b": "2"})
        assert r.hgetall("h") == {"a": "1", "b": "2"}
        pipe = r.pipeline(transaction=True)
        pipe.incr("n").incr("n")
        assert pipe.execute() == [1, 2]
        assert r.client_info()["addr"] == path + ":0"
    finally:
        r.close()


def test_redis_benchmark_over_the_socket(servers, swirl_bin, short_dir):
    path = os.path.join(short_dir, "s.sock")
    s = start(servers, swirl_bin, path)
    out = subprocess.run(["redis-benchmark", "-s", path, "-n", "2000", "-c", "4", "-P", "8",
                          "-t", "set,get,incr,lpush,lpop", "-r", "100", "-q"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for name in ["SET", "GET", "INCR", "LPUSH", "LPOP"]:
        assert name + ":" in out.stdout, out.stdout
    assert "ERR" not in out.stdout + out.stderr
    # 2000 INCRs of keys among 100.
    c = s.client()
    counters = [int(c.call("GET", key)) for key in c.call("KEYS", "counter:*")]
    assert sum(counters) == 2000
