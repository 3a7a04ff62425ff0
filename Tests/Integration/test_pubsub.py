"""Pub/sub between real connections: the same multi-client scenario played
against redis-server and Swirl with every client's byte stream compared,
RESP3 push frames, cleanup on disconnect, slow subscribers closed at
`client-output-buffer-limit pubsub` while the publisher carries on, and
redis-py's PubSub. Run with SWIRL_TEST_TARGET=redis to check the tests."""
import socket
import time

import pytest

from harness import wait_until
from resp import WAIT, Push, decode

PONG2 = b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"  # PING in RESP2 subscribed mode


def read_until(client, marker):
    """Every frame the client receives before `marker`, joined (marker excluded)."""
    frames = []
    while True:
        frame = client.read_reply()
        if frame == marker:
            return b"".join(frames)
        frames.append(frame)


def drain(client, resp3=False):
    """What a subscriber has received so far: PING, then everything before its answer."""
    client.send_command("PING")
    return read_until(client, b"+PONG\r\n" if resp3 else PONG2)


def scenario(server):
    """Three subscribers and a publisher; returns each one's raw stream."""
    a, b, c, pub = server.client(), server.client(), server.client(), server.client()
    streams = {}
    # One pattern per client matching any channel: Redis walks patterns in its
    # dict's random order, so two matching patterns would not compare.
    a.send_command("SUBSCRIBE", "news.tech", "news.art")
    a.send_command("PSUBSCRIBE", "news.*")
    b.send_command("PSUBSCRIBE", "news.t?ch")
    b.send_command("SSUBSCRIBE", "news.tech")
    b.send_command("SUBSCRIBE", "news.art")
    assert c.call_raw("HELLO", 3).startswith(b"%7")
    c.send_command("SUBSCRIBE", "news.tech")
    c.send_command("SSUBSCRIBE", "shard")
    for client in (a, b):
        drain(client)  # the confirmations arrived; the rest is compared below
    drain(c, resp3=True)
    replies = []
    for command in [("PUBLISH", "news.tech", "m1"), ("PUBLISH", "news.art", "m2"),
                    ("PUBLISH", "news.none", "m3"), ("SPUBLISH", "news.tech", "s1"),
                    ("SPUBLISH", "shard", b"bin\x00\xff\r\n"), ("PUBLISH", "other", "m4")]:
        replies.append(pub.call_raw(*command))
    a.send_command("UNSUBSCRIBE", "news.tech")
    b.send_command("PUNSUBSCRIBE")
    c.send_command("GET", "k")  # RESP3: any command while subscribed; its reply follows the pushes
    first = {"a": drain(a), "b": drain(b)}  # messages m1-m4 and the unsubscribe confirmations
    for command in [("PUBLISH", "news.tech", "m5"), ("PUBLISH", "news.art", "m6"),
                    ("PUBSUB", "NUMSUB", "news.tech", "news.art"), ("PUBSUB", "NUMPAT"),
                    ("PUBSUB", "SHARDNUMSUB", "news.tech", "shard")]:
        replies.append(pub.call_raw(*command))
    streams["a"], streams["b"] = first["a"] + drain(a), first["b"] + drain(b)
    streams["c"] = drain(c, resp3=True)
    streams["publisher"] = b"".join(replies)
    return streams


def test_message_streams_match_redis(swirl, servers, redis_bin):
    redis = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected, got = scenario(redis), scenario(swirl)
    for name in expected:
        assert got[name] == expected[name], name
    # Spot checks, so the comparison is not vacuous.
    assert expected["publisher"].startswith(b":4\r\n:3\r\n:1\r\n:1\r\n:1\r\n:0\r\n")
    assert expected["c"].count(b"_\r\n") == 1, "the GET reply, among the pushes"
    assert b">3\r\n$8\r\nsmessage\r\n$5\r\nshard\r\n$7\r\nbin\x00\xff\r\n\r\n" in expected["c"]


def test_resp3_subscriber_gets_push_frames_between_replies(swirl):
    sub, pub = swirl.client(), swirl.client()
    sub.call("HELLO", 3)
    assert sub.call_raw("SUBSCRIBE", "ch") == b">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
    sub.send_command("SET", "k", "v")
    assert pub.call("PUBLISH", "ch", "hello") == 1
    sub.send_command("GET", "k")
    frames = [decode(sub.read_reply()) for _ in range(3)]
    # The SET reply, then the push and GET's reply in the order the server produced them.
    assert frames[0] == "OK"
    assert Push([b"message", b"ch", b"hello"]) in frames[1:] and b"v" in frames[1:]
    assert isinstance(frames[1], Push) or isinstance(frames[2], Push)


def test_disconnected_subscriber_is_forgotten(swirl):
    sub, pub = swirl.client(), swirl.client()
    sub.send_command("SUBSCRIBE", "a")
    sub.send_command("PSUBSCRIBE", "a*")
    sub.read_reply(), sub.read_reply()
    assert pub.call("PUBLISH", "a", "x") == 2
    sub.close()
    wait_until(lambda: pub.call("PUBSUB", "NUMPAT") == 0, "the subscriber to be gone")
    assert pub.call("PUBLISH", "a", "x") == 0
    assert pub.call("PUBSUB", "NUMSUB", "a") == [b"a", 0]


def stalled_subscriber(server, channel):
    """A subscriber that never reads, with a small receive buffer so the
    server's pending output grows quickly."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.settimeout(WAIT)
    sock.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel))
    confirmation = b""
    while not confirmation.endswith(b":1\r\n"):
        confirmation += sock.recv(64)
    return sock


def closed_by_server(sock, timeout=WAIT):
    """Reads and discards until EOF; True when the server closed the socket."""
    sock.settimeout(timeout)
    try:
        while sock.recv(1 << 20):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def publish_until_gone(pub, channel, payload, pause=0.0, limit=600):
    """Publishes until nobody receives; returns (messages, seconds). A publisher
    blocked by the stalled subscriber would time out (WAIT) instead."""
    started = time.monotonic()
    for sent in range(1, limit + 1):
        if pub.call("PUBLISH", channel, payload) == 0:
            return sent, time.monotonic() - started
        if pause:
            time.sleep(pause)
    return None, time.monotonic() - started


def test_slow_subscriber_is_closed_at_the_hard_limit(swirl):
    pub, healthy = swirl.client(), swirl.client()
    assert pub.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0") == "OK"
    healthy.call("SUBSCRIBE", "other")
    slow = stalled_subscriber(swirl, b"firehose")
    sent, _ = publish_until_gone(pub, "firehose", b"x" * 65536)
    assert sent is not None, "the stalled subscriber was never closed"
    assert closed_by_server(slow)
    # The publisher and the other subscribers carry on.
    assert pub.call("PING") == "PONG"
    assert pub.call("PUBLISH", "other", "still here") == 1
    assert healthy.read_reply() == b"*3\r\n$7\r\nmessage\r\n$5\r\nother\r\n$10\r\nstill here\r\n"
    assert pub.call("PUBSUB", "NUMSUB", "firehose") == [b"firehose", 0]
    if "swirl" in swirl.binary:
        assert "scheduled to be closed ASAP for overcoming of output buffer limits." in swirl.log()


def test_slow_subscriber_is_closed_after_the_soft_limit_seconds(swirl):
    pub = swirl.client()
    assert pub.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 256kb 1") == "OK"
    slow = stalled_subscriber(swirl, b"drip")
    sent, seconds = publish_until_gone(pub, "drip", b"y" * 32768, pause=0.05)
    assert sent is not None, "the soft limit never closed the subscriber"
    assert seconds >= 1.0, "closed before its soft-limit seconds"
    assert closed_by_server(slow)


# --- redis-py --------------------------------------------------------------------


def next_message(pubsub, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            return message
    raise AssertionError("no message within %ss" % timeout)


@pytest.mark.parametrize("protocol", [2, 3])
def test_redis_py_pubsub(swirl, protocol):
    # Imported here so that only this test fails (never skips) without it:
    # pip install -r Tests/Integration/requirements.txt
    import redis as redis_py
    r = redis_py.Redis(port=swirl.port, protocol=protocol)
    p = r.pubsub()
    p.subscribe("chat")
    p.psubscribe("chat.*")
    assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"chat", "data": 1}
    assert next_message(p) == {"type": "psubscribe", "pattern": None, "channel": b"chat.*", "data": 2}
    assert r.publish("chat", "hello") == 1
    assert r.publish("chat.room", "hi") == 1
    assert next_message(p) == {"type": "message", "pattern": None, "channel": b"chat", "data": b"hello"}
    assert next_message(p) == {"type": "pmessage", "pattern": b"chat.*", "channel": b"chat.room", "data": b"hi"}
    assert r.pubsub_channels() == [b"chat"]
    assert r.pubsub_numsub("chat") == [(b"chat", 1)]
    assert r.pubsub_numpat() == 1
    p.unsubscribe()
    p.punsubscribe()
    assert next_message(p)["type"] == "unsubscribe"
    assert next_message(p)["type"] == "punsubscribe"
    assert r.publish("chat", "nobody") == 0
    p.close()
    r.close()
