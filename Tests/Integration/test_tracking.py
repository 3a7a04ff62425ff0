"""Client-side caching (CLIENT TRACKING) over real connections: the same
scenario played against redis-server and Swirl with each client's byte
stream compared (default mode, NOLOOP, OPTIN/OPTOUT, BCAST prefixes,
REDIRECT to a RESP2 subscriber, broken redirects, flushes, MULTI), and
redis-py's client_tracking. Run with SWIRL_TEST_TARGET=redis to check it."""
import redis

from harness import wait_until
from resp import encode_command

PONG2 = b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"  # PING in RESP2 subscribed mode


def session(client, *commands, marker=b"+PONG\r\n"):
    """Sends the commands and PING in one write (so the server reads them together
    and BCAST messages, sent before it sleeps, come after the PONG); returns every
    byte received before PONG."""
    client.send_raw(b"".join(encode_command(*command) for command in commands + (("PING",),)))
    frames = []
    while True:
        frame = client.read_reply()
        if frame == marker:
            return b"".join(frames)
        frames.append(frame)


def scenario(server):
    a, b, sub = server.client(), server.client(), server.client()
    out = []
    session(a, ("HELLO", "3"))
    # Default mode: reads remember keys; a change invalidates once; own writes after the reply.
    out.append(session(a, ("CLIENT", "TRACKING", "on"), ("GET", "k1"), ("MGET", "k2", "k3"),
                       ("HGETALL", "h"), ("SET", "k1", "x"), ("GET", "k1")))
    out.append(session(b, ("SET", "k1", "y"), ("SET", "k2", "y"), ("SET", "k1", "z"), ("DEL", "k3"),
                       ("HSET", "h", "f", "v"), ("EXPIRE", "k2", "100")))
    out.append(session(a, ("CLIENT", "TRACKINGINFO")))
    # NOLOOP and flushes.
    out.append(session(a, ("CLIENT", "TRACKING", "off"), ("CLIENT", "TRACKING", "on", "noloop"),
                       ("GET", "k2"), ("SET", "k2", "q"), ("GET", "k1"), ("FLUSHDB",), ("GET", "k1")))
    out.append(session(b, ("FLUSHALL",), ("SET", "k1", "w")))
    # OPTIN: only the command after CLIENT CACHING yes is tracked (all of a MULTI).
    out.append(session(a, ("CLIENT", "TRACKING", "off"), ("CLIENT", "TRACKING", "on", "optin"),
                       ("GET", "o1"), ("CLIENT", "CACHING", "yes"), ("CLIENT", "TRACKINGINFO"), ("GET", "o2"),
                       ("GET", "o3"), ("CLIENT", "CACHING", "yes"), ("MULTI",), ("GET", "o4"), ("GET", "o5"),
                       ("EXEC",), ("CLIENT", "TRACKINGINFO")))
    out.append(session(b, ("MSET", "o1", "1", "o2", "2", "o3", "3", "o4", "4", "o5", "5")))
    out.append(session(a))
    # OPTOUT: everything but the command after CLIENT CACHING no.
    out.append(session(a, ("CLIENT", "TRACKING", "off"), ("CLIENT", "TRACKING", "on", "optout"),
                       ("GET", "p1"), ("CLIENT", "CACHING", "no"), ("GET", "p2")))
    out.append(session(b, ("MSET", "p1", "1", "p2", "2")))
    out.append(session(a))
    # BCAST: changes under the prefixes, batched, sorted, one message per prefix.
    out.append(session(a, ("CLIENT", "TRACKING", "off"), ("CLIENT", "TRACKING", "on", "bcast", "prefix", "u",
                                                            "prefix", "v"), ("SET", "u1", "1")))
    out.append(session(b, ("SET", "v2", "1"), ("SET", "u1", "2"), ("SET", "w", "1"), ("MSET", "u3", "1", "u0", "2")))
    out.append(session(a, ("CLIENT", "TRACKINGINFO")))
    # REDIRECT to a RESP2 connection subscribed to __redis__:invalidate.
    sub_id = sub.call("CLIENT", "ID")
    sub.call_raw("SUBSCRIBE", "__redis__:invalidate")
    out.append(session(a, ("CLIENT", "TRACKING", "off"), ("CLIENT", "TRACKING", "on", "redirect", str(sub_id)),
                       ("GET", "r1"), ("SET", "r1", "x")))
    out.append(session(b, ("SET", "r1", "y"), ("FLUSHALL",)))
    out.append(session(sub, marker=PONG2))
    # The redirect target goes away: a RESP3 client hears about it once a key changes.
    sub.sock.close()
    wait_until(lambda: b.call("CLIENT", "LIST", "ID", str(sub_id)) == b"", "the server to drop the closed client")
    out.append(session(a, ("GET", "r2")))
    out.append(session(b, ("SET", "r2", "1"), ("CLIENT", "LIST", "ID", str(sub_id))))
    out.append(session(a, ("CLIENT", "TRACKINGINFO")))
    # Client ids differ between servers.
    return [step.replace(b":%d\r\n" % sub_id, b":ID\r\n") for step in out]


def test_invalidation_streams_match_redis(swirl, servers, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected, got = scenario(reference), scenario(swirl)
    for step, (want, have) in enumerate(zip(expected, got)):
        assert have == want, "step %d" % step
    # Spot checks, so the comparison is not vacuous.
    assert b">2\r\n$10\r\ninvalidate\r\n*3\r\n$2\r\nu0\r\n$2\r\nu1\r\n$2\r\nu3\r\n" in expected[13]
    assert b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$2\r\nr1\r\n" in expected[16]
    assert expected[19].startswith(b">2\r\n$21\r\ntracking-redir-broken\r\n:ID\r\n")


def test_redis_py_client_tracking(swirl):
    reader = redis.Redis(port=swirl.port, protocol=3)
    seen = []
    conn = reader.connection_pool.get_connection()
    conn.send_command("CLIENT", "TRACKING", "ON")
    assert conn.read_response() in (b"OK", "OK", True)
    conn.send_command("GET", "cached")
    assert conn.read_response() is None
    redis.Redis(port=swirl.port).set("cached", "1")
    conn._parser.set_invalidation_push_handler(lambda message: seen.append(message))
    conn.send_command("PING")
    conn.read_response()
    assert seen == [[b"invalidate", [b"cached"]]]
    assert redis.Redis(port=swirl.port).info("clients")["tracking_clients"] == 1


def test_redis_py_client_tracking_on_with_redirect(swirl):
    r = redis.Redis(port=swirl.port)
    target = redis.Redis(port=swirl.port, single_connection_client=True)
    target_id = target.client_id()
    tracked = redis.Redis(port=swirl.port, single_connection_client=True)
    assert tracked.client_tracking_on(clientid=target_id, prefix=["user:"], bcast=True)
    info = tracked.client_trackinginfo()
    assert info[info.index("prefixes") + 1] == [b"user:"]
    assert tracked.client_getredir() == target_id
    assert tracked.client_tracking_off()
    assert tracked.client_getredir() == -1
    assert r.info("stats")["tracking_total_prefixes"] == 0
