"""CONFIG SET of several parameters is all or nothing, as in Redis 7.0: a
value the listeners cannot take (a port in use, an address not on this host)
fails at the apply step, and every parameter of the command goes back to its
old value. Played against redis-server and Swirl; the replies are compared."""
import socket

from harness import free_port
from resp import RespClient


def info_field(client, name):
    info = client.call("INFO", "server").decode()
    return info.split(name + ":")[1].split("\r\n")[0]


def listeners_scenario(server):
    c = server.client()
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    used = busy.getsockname()[1]
    out = [c.call_raw("CONFIG", "SET", "maxmemory", "10000001", "port", str(used), "client-query-buffer-limit", "10m")]
    out += [c.call_raw("CONFIG", "GET", "maxmemory"), c.call_raw("CONFIG", "GET", "client-query-buffer-limit")]
    out.append(c.call_raw("CONFIG", "SET", "bind", "192.0.2.1", "maxmemory", "10000001"))
    out += [c.call_raw("CONFIG", "GET", "bind"), c.call_raw("CONFIG", "GET", "maxmemory")]
    with RespClient(server.port) as fresh:  # still listening where it was
        out.append(fresh.call_raw("PING"))
    busy.close()

    moved = free_port()
    out.append(c.call_raw("CONFIG", "SET", "port", str(moved)))
    assert info_field(c, "tcp_port") == str(moved)
    with RespClient(moved) as fresh:
        out.append(fresh.call_raw("PING"))
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        out.append("old port still open")
    except ConnectionRefusedError:
        out.append("old port closed")
    out.append(c.call_raw("PING"))  # connections already made are untouched
    out.append(c.call_raw("CONFIG", "SET", "port", str(server.port)))
    return out


def test_listener_changes_and_rollback_match_redis(swirl, servers, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected = listeners_scenario(reference)
    assert listeners_scenario(swirl) == expected
    assert expected[0] == (b"-ERR CONFIG SET failed (possibly related to argument 'port') - "
                           b"Unable to listen on this port. Check server logs.\r\n")
    assert expected[3] == (b"-ERR CONFIG SET failed (possibly related to argument 'bind') - "
                           b"Failed to bind to specified addresses.\r\n")
    assert expected[1] == b"*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"
    for server in (reference, swirl):
        assert ("Failed applying new configuration. Possibly related to new port setting. "
                "Restoring previous settings.") in server.log()
