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


def read_until(client, ending):
    """Every reply up to and including one that ends the stream with `ending`."""
    stream = b""
    while not stream.endswith(ending):
        stream += client.read_reply()
    return stream


def wait_for(probe, timeout=10.0):
    """Polls a server-side condition (never a bare sleep racing the server)."""
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def silenced_subscriber(server):
    """CLIENT REPLY OFF silences a client's replies, not what is pushed to it:
    subscribe confirmations and messages still arrive (Redis 7.0's CLIENT_PUSHING)."""
    sub, pub = server.client(), server.client()
    sub.send_raw(encode_command("CLIENT", "REPLY", "OFF") + encode_command("SUBSCRIBE", "ch1")
                 + encode_command("PSUBSCRIBE", "c*"))
    out = [sub.read_reply() for _ in range(2)]
    out.append(pub.call_raw("PUBLISH", "ch1", "hello"))
    out += [sub.read_reply(), sub.read_reply()]
    sub.send_raw(encode_command("UNSUBSCRIBE") + encode_command("PUNSUBSCRIBE") + encode_command("PING")
                 + encode_command("CLIENT", "REPLY", "ON") + encode_command("PING"))
    out.append(read_until(sub, b"+PONG\r\n"))
    return out


def silenced_resp3_client(server):
    """A RESP3 client's own pushes (its messages, keyspace events, tracking
    invalidations, DEBUG PROTOCOL push) survive REPLY OFF and SKIP; its replies do not."""
    c, admin = server.client(), server.client()
    admin.call("CONFIG", "SET", "notify-keyspace-events", "KA")
    c.call_raw("HELLO", "3")
    commands = [("CLIENT", "REPLY", "OFF"), ("SUBSCRIBE", "ch"), ("PSUBSCRIBE", "__keyspace@0__:*"),
                ("PUBLISH", "ch", "to myself"), ("SET", "k", "v"), ("CLIENT", "TRACKING", "ON"), ("GET", "k"),
                ("SET", "k", "v2"), ("DEBUG", "PROTOCOL", "push"), ("CLIENT", "REPLY", "ON"),
                ("UNSUBSCRIBE", "ch"), ("CLIENT", "REPLY", "SKIP"), ("PUNSUBSCRIBE",), ("PING",), ("PING",)]
    c.send_raw(b"".join(encode_command(*command) for command in commands))
    stream = read_until(c, b"+PONG\r\n")
    admin.call("CONFIG", "SET", "notify-keyspace-events", "")
    return stream


def reset_scenario(server):
    """RESET: the password must be given again, REPLY OFF ends (RESET's own
    reply arrives), a SKIP already in force still swallows it, MONITOR ends."""
    c, other = server.client(), server.client()
    other.call("AUTH", "pw")
    out = [c.call_raw("AUTH", "pw"), c.call_raw("SET", "k", "v"), c.call_raw("RESET"), c.call_raw("GET", "k")]
    c.call("AUTH", "pw")
    commands = [("CLIENT", "REPLY", "OFF"), ("RESET",), ("AUTH", "pw"), ("CLIENT", "REPLY", "SKIP"), ("RESET",),
                ("AUTH", "pw"), ("MONITOR",), ("RESET",), ("AUTH", "pw"), ("PING",)]
    c.send_raw(b"".join(encode_command(*command) for command in commands))
    out.append(read_until(c, b"+PONG\r\n"))
    out.append([f for f in other.call("CLIENT", "LIST").split() if f.startswith(b"flags=")])
    return out


def test_silenced_clients_still_get_pushes_as_in_redis(servers, swirl_bin, redis_bin):
    options = ("--save", "", "--appendonly", "no", "--enable-debug-command", "yes")
    reference, swirl = servers.start(redis_bin, *options), servers.start(swirl_bin, *options)
    expected = silenced_subscriber(reference)
    assert silenced_subscriber(swirl) == expected
    assert expected[2] == b":2\r\n"
    expected = silenced_resp3_client(reference)
    assert silenced_resp3_client(swirl) == expected
    assert b"server-cpu-usage" in expected and b"invalidate" in expected


def test_reset_matches_redis(servers, swirl_bin, redis_bin):
    options = ("--save", "", "--appendonly", "no", "--requirepass", "pw")
    reference = servers.start(redis_bin, *options)
    expected = reset_scenario(reference)
    assert reset_scenario(servers.start(swirl_bin, *options)) == expected
    assert expected[3].startswith(b"-NOAUTH")
