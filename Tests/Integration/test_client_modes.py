"""CLIENT PAUSE/UNPAUSE, REPLY, NO-EVICT and WAIT over real connections,
each scenario played against redis-server and Swirl and the byte streams
compared. A held-back command is checked by its reply arriving only after
UNPAUSE, never by a timing bound. Run with SWIRL_TEST_TARGET=redis too."""
import socket
import time

from resp import encode_command


def quiet_for(client, seconds=0.3):
    """True when nothing arrives within `seconds`."""
    client.sock.settimeout(seconds)
    try:
        return client.sock.recv(1 << 16) == b"<closed>"
    except socket.timeout:
        return True
    finally:
        client.sock.settimeout(10)


def reply_modes(server):
    c = server.client()
    commands = [("CLIENT", "REPLY", "OFF"), ("SET", "a", "1"), ("CLIENT", "REPLY", "SKIP"),
                ("CLIENT", "REPLY", "ON"), ("GET", "a"), ("CLIENT", "REPLY", "SKIP"), ("GET", "a"),
                ("GET", "a"), ("CLIENT", "REPLY", "FOO"), ("CLIENT", "NO-EVICT", "on"),
                ("CLIENT", "NO-EVICT", "x"), ("WAIT", "0", "0"), ("WAIT", "1", "20"), ("WAIT", "x", "1"),
                ("WAIT", "1", "-1"), ("MULTI",), ("WAIT", "5", "0"), ("EXEC",), ("PING",)]
    c.send_raw(b"".join(encode_command(*command) for command in commands))
    stream = b""
    while not stream.endswith(b"+PONG\r\n"):
        stream += c.read_reply()
    flags = [f for f in c.call("CLIENT", "INFO").split() if f.startswith(b"flags=")]
    return stream, flags


def pause_scenario(server):
    pauser, writer, reader = server.client(), server.client(), server.client()
    out = []
    writer.call("SET", "gone", "x", "PX", "300")
    out.append(pauser.call_raw("CLIENT", "PAUSE", "60000", "WRITE"))
    time.sleep(0.4)  # it expires during the pause, when nothing may delete it
    out.append(reader.call_raw("GET", "gone"))
    out.append(reader.call_raw("DBSIZE"))  # expired but kept while writes are paused
    writer.send_command("SET", "k", "v")
    writer.send_command("GET", "k")
    assert quiet_for(writer), "a write must wait for the pause to end"
    info = reader.call("INFO", "clients").decode()
    out.append([line for line in info.split("\r\n") if line.startswith("blocked_clients")])
    out.append(reader.call_raw("MULTI") + reader.call_raw("GET", "k") + reader.call_raw("EXEC"))
    out.append(pauser.call_raw("CLIENT", "UNPAUSE"))
    out.append(writer.read_reply() + writer.read_reply())
    out.append(reader.call_raw("DBSIZE"))
    # ALL holds every command, the pauser's own too, until the time runs out.
    out.append(pauser.call_raw("CLIENT", "PAUSE", "500", "ALL"))
    reader.send_command("PING")
    pauser.send_command("CLIENT", "UNPAUSE")
    assert quiet_for(reader, 0.2)
    out.append(reader.read_reply() + pauser.read_reply())
    return out


def test_reply_modes_match_redis(swirl, servers, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected = reply_modes(reference)
    assert reply_modes(swirl) == expected
    assert expected[1] == [b"flags=e"]


def test_pause_matches_redis(swirl, servers, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected = pause_scenario(reference)
    assert pause_scenario(swirl) == expected
    assert expected[3] == ["blocked_clients:1"]
    assert expected[6] == b"+OK\r\n$1\r\nv\r\n"
