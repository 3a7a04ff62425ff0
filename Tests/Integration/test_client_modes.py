"""CLIENT PAUSE/UNPAUSE, REPLY, NO-EVICT and WAIT over real connections,
each scenario played against redis-server and Swirl and the byte streams
compared. A held-back command is checked by its reply arriving only after
UNPAUSE, never by a timing bound. Run with SWIRL_TEST_TARGET=redis too."""
import socket
import time

from harness import info_fields, wait_past, wait_until
from resp import WAIT, encode_command


def quiet_until(client, deadline):
    """False when something (a reply, EOF) arrives before `deadline`
    (time.monotonic()); it is left unread. Something found only after the
    deadline, when this process ran late, may have come in time: not a failure."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return True
    client.sock.settimeout(remaining)
    try:
        client.sock.recv(1, socket.MSG_PEEK)
    except socket.timeout:
        return True
    finally:
        client.sock.settimeout(WAIT)
    return time.monotonic() >= deadline


def quiet_for(client, seconds=0.3):
    """True when nothing arrives within `seconds`: for things that must not happen."""
    return quiet_until(client, time.monotonic() + seconds)


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
    # A key expires during the pause, when nothing may delete it. Active expiry is
    # off until the pause holds writes, so nothing deletes the key before it.
    pauser.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    writer.call("SET", "gone", "x", "PX", "1")
    out.append(pauser.call_raw("CLIENT", "PAUSE", "60000", "WRITE"))
    pauser.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    wait_past(reader, 1)
    time.sleep(0.3)  # the cron's chances to delete it, which it must not take
    out.append(reader.call_raw("GET", "gone"))
    out.append(reader.call_raw("DBSIZE"))  # expired but kept while writes are paused
    pauser.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")  # the DBSIZE after UNPAUSE is not a race with the cron
    writer.send_command("SET", "k", "v")
    writer.send_command("GET", "k")
    wait_until(lambda: info_fields(reader, "clients")["blocked_clients"] == "1", "the write to be held")
    assert quiet_for(writer), "a write must wait for the pause to end"
    out.append(reader.call_raw("MULTI") + reader.call_raw("GET", "k") + reader.call_raw("EXEC"))
    out.append(pauser.call_raw("CLIENT", "UNPAUSE"))
    out.append(writer.read_reply() + writer.read_reply())
    out.append(reader.call_raw("DBSIZE"))
    # ALL holds every command, the pauser's own too, until the time runs out:
    # no reply may come within 500 ms of sending the PAUSE.
    sent = time.monotonic()
    out.append(pauser.call_raw("CLIENT", "PAUSE", "500", "ALL"))
    reader.send_command("PING")
    pauser.send_command("CLIENT", "UNPAUSE")
    assert quiet_until(reader, sent + 0.5) and quiet_until(pauser, sent + 0.5)
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
    assert expected[1:3] == [b"$-1\r\n", b":1\r\n"]
    assert expected[5] == b"+OK\r\n$1\r\nv\r\n"


def read_until(client, ending):
    """Every reply up to and including one that ends the stream with `ending`."""
    stream = b""
    while not stream.endswith(ending):
        stream += client.read_reply()
    return stream



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
