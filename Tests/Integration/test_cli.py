"""redis-cli used the way people use it against a server: one-shot commands,
formatted (--no-raw) and raw output, stdin mode and --pipe mass insertion.
redis-cli is strict about reply framing, so this catches encoder bugs that
a forgiving client would hide."""
import shutil
import subprocess

import pytest

from resp import encode_command


@pytest.fixture(scope="session")
def redis_cli():
    path = shutil.which("redis-cli")
    if not path:
        pytest.fail("redis-cli not found on PATH (apt-get install redis-tools)",
                    pytrace=False)
    return path


def cli(redis_cli, server, *args, stdin=None, check=True):
    proc = subprocess.run([redis_cli, "-p", str(server.port), *args],
                          input=stdin, capture_output=True, timeout=60)
    if check:
        assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def out(redis_cli, server, *args, **kw):
    return cli(redis_cli, server, *args, **kw).stdout.decode()


def test_set_get(redis_cli, swirl):
    # When stdout is not a terminal redis-cli prints raw values.
    assert out(redis_cli, swirl, "SET", "k", "v") == "OK\n"
    assert out(redis_cli, swirl, "GET", "k") == "v\n"
    assert out(redis_cli, swirl, "SET", "a b", "c d") == "OK\n"
    assert out(redis_cli, swirl, "GET", "a b") == "c d\n"


def test_formatted_output(redis_cli, swirl):
    assert out(redis_cli, swirl, "--no-raw", "PING") == "PONG\n"
    assert out(redis_cli, swirl, "--no-raw", "SET", "k", "v") == "OK\n"
    assert out(redis_cli, swirl, "--no-raw", "GET", "k") == '"v"\n'
    assert out(redis_cli, swirl, "--no-raw", "GET", "missing") == "(nil)\n"
    assert out(redis_cli, swirl, "--no-raw", "INCR", "n") == "(integer) 1\n"
    assert out(redis_cli, swirl, "--no-raw", "INCRBYFLOAT", "f", "1.5") == '"1.5"\n'
    assert out(redis_cli, swirl, "--no-raw", "HSET", "h", "a", "1", "b", "2") == "(integer) 2\n"
    assert out(redis_cli, swirl, "--no-raw", "HGETALL", "h") == \
        '1) "a"\n2) "1"\n3) "b"\n4) "2"\n'
    assert out(redis_cli, swirl, "--no-raw", "HGETALL", "nope") == "(empty array)\n"
    assert out(redis_cli, swirl, "--no-raw", "GET", "h") == \
        "(error) WRONGTYPE Operation against a key holding the wrong kind of value\n"


def test_resp3_formatting(redis_cli, swirl):
    out(redis_cli, swirl, "HSET", "h", "f", "v", "g", "w")
    assert out(redis_cli, swirl, "-3", "--no-raw", "HGETALL", "h") == \
        '1# "f" => "v"\n2# "g" => "w"\n'
    assert out(redis_cli, swirl, "-3", "--no-raw", "GET", "nope") == "(nil)\n"


def test_errors_are_printed(redis_cli, swirl):
    assert out(redis_cli, swirl, "--no-raw", "NOSUCHCOMMAND", "x") == \
        "(error) ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' \n"
    assert out(redis_cli, swirl, "--no-raw", "GET") == \
        "(error) ERR wrong number of arguments for 'get' command\n"


def test_select_db_with_n(redis_cli, swirl):
    assert out(redis_cli, swirl, "-n", "3", "SET", "indb3", "v") == "OK\n"
    assert out(redis_cli, swirl, "-n", "3", "DBSIZE") == "1\n"
    assert out(redis_cli, swirl, "DBSIZE") == "0\n"


def test_binary_safe_value(redis_cli, swirl):
    c = swirl.client()
    c.call("SET", "bin", b"\x00\x01\xff")
    assert out(redis_cli, swirl, "--no-raw", "GET", "bin") == '"\\x00\\x01\\xff"\n'
    assert cli(redis_cli, swirl, "GET", "bin").stdout == b"\x00\x01\xff\n"


def test_info_server(redis_cli, swirl):
    info = out(redis_cli, swirl, "INFO", "server")
    assert "# Server" in info
    assert "redis_version:" in info
    assert "tcp_port:%d" % swirl.port in info


def test_commands_from_stdin(redis_cli, swirl):
    text = out(redis_cli, swirl, stdin=b"SET x 1\nINCR x\nGET x\n")
    assert text == "OK\n2\n2\n"


def test_pipe_mode_mass_insert(redis_cli, swirl):
    n = 3000
    data = b"".join(encode_command("SET", "pk:%d" % i, "v%d" % i) for i in range(n))
    data += b"".join(encode_command("HSET", "ph", "f%d" % i, i) for i in range(n))
    res = cli(redis_cli, swirl, "--pipe", stdin=data)
    text = res.stdout.decode()
    assert "errors: 0, replies: %d" % (2 * n) in text, text
    c = swirl.client()
    assert c.call("DBSIZE") == n + 1
    assert c.call("GET", "pk:2999") == b"v2999"
    assert c.call("HLEN", "ph") == n


def test_pipe_mode_counts_errors(redis_cli, swirl):
    data = b"SET a 1\r\nINCR a\r\nNOSUCHCOMMAND\r\nINCR a\r\n"
    res = cli(redis_cli, swirl, "--pipe", stdin=data, check=False)
    assert res.returncode == 1
    assert "errors: 1, replies: 4" in res.stdout.decode()
    assert swirl.client().call("GET", "a") == b"3"


def test_scan_option(redis_cli, swirl):
    c = swirl.client()
    c.pipeline([("SET", "scan:%d" % i, i) for i in range(500)] + [("SET", "other", 1)])
    keys = out(redis_cli, swirl, "--scan", "--pattern", "scan:*").split()
    assert sorted(keys) == sorted("scan:%d" % i for i in range(500))
