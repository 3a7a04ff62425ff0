"""Clients that must still authenticate, over real sockets: frames of more
than 10 arguments or bulks over 16 KB are refused at their header with
Redis's protocol errors and the connection closes (Redis's fix for
CVE-2021-32675), so unauthenticated clients cannot fill the server's memory.
Run with SWIRL_TEST_TARGET=redis to check the tests themselves."""
import socket

import pytest

from harness import wait_until
from resp import RespClient


def rss_kilobytes(server):
    with open("/proc/%d/status" % server.proc.pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize("frame,error", [
    (b"*11\r\n", b"-ERR Protocol error: unauthenticated multibulk length\r\n"),
    (b"*2\r\n$4\r\nECHO\r\n$16385\r\n", b"-ERR Protocol error: unauthenticated bulk length\r\n"),
    (b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$52428800\r\n", b"-ERR Protocol error: unauthenticated bulk length\r\n"),
])
def test_unauthenticated_frames_are_limited(servers, swirl_bin, frame, error):
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--requirepass", "pw")
    with RespClient(server.port) as c:
        c.send_raw(frame)
        assert c.read_reply() == error
        assert c.is_closed_by_peer()


def test_unauthenticated_limits_are_redis_s_and_end_with_auth(servers, swirl_bin):
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--requirepass", "pw")
    c = server.client()
    assert c.call_raw("PING", *["a"] * 9) == b"-NOAUTH Authentication required.\r\n", "10 arguments are fine"
    assert c.call_raw("ECHO", b"x" * 16384) == b"-NOAUTH Authentication required.\r\n", "16 KB is fine"
    assert c.call("AUTH", "pw") == "OK"
    assert c.call("ECHO", b"x" * 100000) == b"x" * 100000
    assert c.call("MSET", *["k%d" % i for i in range(40)]) == "OK"
    # A client connected before the password was set stays authenticated, as in Redis.
    c.call("CONFIG", "SET", "requirepass", "")
    early = server.client()
    assert early.call("PING") == "PONG"  # accepted while no password is set
    c.call("CONFIG", "SET", "requirepass", "pw")
    assert early.call("ECHO", b"y" * 20000) == b"y" * 20000


def test_unauthenticated_clients_cannot_fill_memory(servers, swirl_bin):
    """The issue's attack, scaled down: clients announce 50 MB values and send
    8 MB each without authenticating. Each is refused at the header and closed,
    so the server does not grow by what they send."""
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--requirepass", "pw")
    control = server.client()
    control.call("AUTH", "pw")
    before = rss_kilobytes(server)
    attackers = []
    for _ in range(10):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$52428800\r\n")
        attackers.append(s)
    chunk = b"v" * (1 << 20)
    for s in attackers:
        try:
            for _ in range(8):
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed: what we want
    wait_until(lambda: b"connected_clients:1\r\n" in control.call("INFO", "clients"), "the attackers closed")
    grown = rss_kilobytes(server) - before
    for s in attackers:
        s.close()
    assert grown < 24 * 1024, "RSS grew by %d KB for 80 MB sent" % grown
