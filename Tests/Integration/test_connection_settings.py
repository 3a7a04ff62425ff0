"""`timeout`, `tcp-keepalive` and `tcp-backlog`, as redis-server applies them:
the same scenario against both, observed from outside (the connections and
`ss`'s view of the sockets)."""
import re
import subprocess

import pytest

from harness import wait_until
from resp import RespClient


def idle_scenario(server):
    idle = server.client()
    subscriber = server.client()
    assert idle.call_raw("PING") == b"+PONG\r\n"
    subscriber.call_raw("SUBSCRIBE", "news")
    blocked = server.client()
    blocked.send_command("BLPOP", "nothing", "0")
    wait_until(lambda: b"blocked_clients:1" in server.client().call_raw("INFO", "clients"), "the BLPOP to block")
    assert idle.is_closed_by_peer(), "an idle client is closed after `timeout` seconds"
    # Clients in pub/sub mode and blocked ones are never timed out (Redis's rule).
    assert subscriber.call_raw("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    with RespClient(server.port) as other:
        other.call_raw("LPUSH", "nothing", "x")
    return blocked.read_reply()


@pytest.mark.parametrize("binary", ["redis", "swirl"])
def test_idle_clients_are_closed_after_timeout(binary, servers, redis_bin, swirl_bin):
    server = servers.start(redis_bin if binary == "redis" else swirl_bin, "--timeout", "1",
                           "--appendonly", "no", "--save", "")
    assert idle_scenario(server) == b"*2\r\n$7\r\nnothing\r\n$1\r\nx\r\n"


def ss(*args):
    return subprocess.run(["ss", "-H", *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("binary", ["redis", "swirl"])
def test_keepalive_and_backlog_reach_the_sockets(binary, servers, redis_bin, swirl_bin):
    server = servers.start(redis_bin if binary == "redis" else swirl_bin, "--tcp-backlog", "100",
                           "--tcp-keepalive", "60", "--appendonly", "no", "--save", "")
    listening = ss("-ltn", "sport = :%d" % server.port)
    assert re.search(r"LISTEN\s+0\s+100\s", listening), listening
    client = server.client()
    client.call_raw("PING")
    sockets = ss("-tno", "state", "established", "( sport = :%d )" % server.port)
    assert re.search(r"timer:\(keepalive,(59|60)sec", sockets) or "timer:(keepalive,1min" in sockets, sockets
    assert client.call_raw("CONFIG", "SET", "tcp-keepalive", "0") == b"+OK\r\n"
    with RespClient(server.port) as fresh:
        fresh.call_raw("PING")
        port = fresh.sock.getsockname()[1]
        mine = ss("-tno", "state", "established", "( sport = :%d and dport = :%d )" % (server.port, port))
        assert "keepalive" not in mine, mine
