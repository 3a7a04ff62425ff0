"""Process lifecycle and configuration as an operator sees them: readiness
log line, clean exits, config file + command-line overrides, connection
limits."""
import os
import signal

import pytest

import harness
from harness import info_fields, wait_until
from resp import RespClient, RespError


def test_ready_line_is_logged(swirl):
    # Supervisors and scripts wait for this exact text.
    assert "Ready to accept connections" in swirl.log()


def test_sigterm_exits_zero(swirl):
    swirl.client().call("SET", "k", "v")
    assert swirl.stop() == 0


def test_sigint_exits_zero(swirl):
    swirl.proc.send_signal(signal.SIGINT)
    assert swirl.proc.wait(10) == 0


@pytest.mark.parametrize("command", [("SHUTDOWN", "NOSAVE"), ("SHUTDOWN",),
                                     ("shutdown", "nosave")])
def test_shutdown_command_exits_zero(swirl, command):
    c = swirl.client()
    c.send_command(*command)
    # A successful SHUTDOWN sends no reply: the connection just closes.
    assert c.is_closed_by_peer(timeout=10)
    assert c.buf == b""
    assert swirl.proc.wait(10) == 0


def test_shutdown_with_aof_flushes(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, "--appendonly", "yes", "--appendfsync", "no",
                      "--save", "", dir=d)
    c = s.client()
    c.pipeline([("SET", "k%d" % i, i) for i in range(2000)])
    c.send_command("SHUTDOWN", "NOSAVE")
    assert c.is_closed_by_peer(timeout=10)
    assert s.proc.wait(10) == 0
    s2 = servers.start(swirl_bin, "--appendonly", "yes", "--save", "", dir=d)
    assert s2.client().call("DBSIZE") == 2000


def connected_clients(client):
    return int(info_fields(client, "clients")["connected_clients"])


def test_maxclients(servers, swirl_bin):
    s = servers.start(swirl_bin, "--appendonly", "no", "--save", "",
                      "--maxclients", "10")
    clients = [RespClient(s.port)]
    # The readiness probes' connections are gone once the server says so.
    wait_until(lambda: connected_clients(clients[0]) == 1, "only this client connected")
    for _ in range(9):
        c = RespClient(s.port)
        assert c.call("PING") == "PONG"
        clients.append(c)
    extra = RespClient(s.port)
    # The server accepts the TCP connection, sends the error and closes it
    # without waiting for a command.
    assert extra.read_reply() == b"-ERR max number of clients reached\r\n"
    assert extra.is_closed_by_peer()
    extra.close()
    # Existing clients are unaffected, and a freed slot can be reused.
    assert clients[0].call("PING") == "PONG"
    clients.pop().close()
    wait_until(lambda: connected_clients(clients[0]) == 9, "the closed client to be gone")
    c = RespClient(s.port)
    assert c.call_raw("PING") == b"+PONG\r\n"
    c.close()
    for c in clients:
        c.close()


def test_config_file_and_overrides(servers, swirl_bin, tmp_path):
    conf = tmp_path / "test.conf"
    conf.write_text(
        "# comment line\n"
        "databases 4\n"
        "hz 20\n"
        "maxclients 50\n"
        "appendonly no\n"
        'save ""\n'
        "loglevel notice\n")
    # Command-line options win over the file.
    s = servers.start(swirl_bin, "--maxclients", "60", config_file=conf)
    c = s.client()
    assert c.call("CONFIG", "GET", "databases") == [b"databases", b"4"]
    assert c.call("CONFIG", "GET", "hz") == [b"hz", b"20"]
    assert c.call("CONFIG", "GET", "maxclients") == [b"maxclients", b"60"]
    assert c.call("CONFIG", "GET", "appendonly") == [b"appendonly", b"no"]
    assert c.call("SELECT", 3) == "OK"
    with pytest.raises(RespError, match="DB index is out of range"):
        c.call("SELECT", 4)


def test_command_line_options(servers, swirl_bin, tmp_path):
    logfile = tmp_path / "swirl.log"
    s = servers.start(swirl_bin, "--appendonly", "no", "--save", "",
                      "--databases", "2", "--hz", "50", "--loglevel", "verbose",
                      "--logfile", str(logfile))
    c = s.client()
    assert c.call("CONFIG", "GET", "databases") == [b"databases", b"2"]
    assert c.call("CONFIG", "GET", "hz") == [b"hz", b"50"]
    assert c.call("CONFIG", "GET", "loglevel") == [b"loglevel", b"verbose"]
    assert c.call("CONFIG", "GET", "port") == [b"port", str(s.port).encode()]
    assert os.path.realpath(c.call("CONFIG", "GET", "dir")[1].decode()) == \
        os.path.realpath(s.dir)
    assert s.stop() == 0
    assert "Ready to accept connections" in logfile.read_text()


def test_bad_config_fails_to_start(servers, swirl_bin):
    # A typo in an option must stop the server, not be ignored.
    with pytest.raises(harness.ServerFailedToStart, match=r"exit code [1-9]"):
        servers.start(swirl_bin, "--appendonly", "no", "--no-such-option", "1",
                      ready_timeout=5)


def test_requirepass_is_enforced(swirl_bin):
    """A client must AUTH before any command but AUTH, HELLO, QUIT and RESET."""
    server = harness.start_server(swirl_bin, "--appendonly", "no", "--requirepass", "s3cret")
    try:
        client = server.client()
        assert client.call_raw("PING") == b"-NOAUTH Authentication required.\r\n"
        assert client.call_raw("AUTH", "nope").startswith(b"-WRONGPASS")
        assert client.call_raw("AUTH", "s3cret") == b"+OK\r\n"
        assert client.call_raw("PING") == b"+PONG\r\n"
    finally:
        server.stop()


def test_active_expiry_reclaims_keys_nobody_reads(swirl):
    """Keys whose TTL passed leave DBSIZE without being touched (the cron's sweep)."""
    client = swirl.client()
    for n in range(300):
        client.call_raw("SET", "gone:%d" % n, "v", "PX", "50")
    client.call_raw("SET", "kept", "v", "EX", "100")
    wait_until(lambda: client.call_raw("DBSIZE") == b":1\r\n", "the cron to reclaim 300 keys")
    assert b"db0:keys=1,expires=1," in client.call_raw("INFO", "keyspace")
