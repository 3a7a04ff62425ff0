"""The wire protocol as real clients (and broken ones) exercise it: inline
commands, pipelining, frames split across TCP segments, protocol errors, and
slow readers. Everything goes through raw sockets so nothing is smoothed over
by a client library."""
import socket
import threading
import time

import pytest

from harness import wait_until
from resp import decode, encode_command


def read_n(client, n):
    return [client.read_reply() for _ in range(n)]


# --- inline commands -------------------------------------------------------

def test_inline_ping(swirl):
    c = swirl.client()
    c.send_raw(b"PING\r\n")
    assert c.read_reply() == b"+PONG\r\n"
    # redis-cli style clients and telnet users may send a bare \n.
    c.send_raw(b"PING\n")
    assert c.read_reply() == b"+PONG\r\n"
    # Empty lines between inline commands are ignored, not errors.
    c.send_raw(b"\r\n\r\nPING\r\n")
    assert c.read_reply() == b"+PONG\r\n"


def test_inline_quoting(swirl):
    c = swirl.client()
    c.send_raw(b'SET "key with space" "value with space"\r\n')
    assert c.read_reply() == b"+OK\r\n"
    c.send_raw(b"GET 'key with space'\r\n")
    assert c.read_reply() == b"$16\r\nvalue with space\r\n"
    # Double quotes understand C-like escapes, including \xHH.
    c.send_raw(b'SET bin "\\x00\\x41\\n"\r\n')
    assert c.read_reply() == b"+OK\r\n"
    assert c.call("GET", "bin") == b"\x00A\n"
    c.send_raw(b'ECHO ""\r\n')
    assert c.read_reply() == b"$0\r\n\r\n"


def test_inline_and_multibulk_mixed_in_one_send(swirl):
    c = swirl.client()
    c.send_raw(b"SET a 1\r\n" + encode_command("INCR", "a") + b"GET a\r\n"
               + encode_command("PING"))
    assert read_n(c, 4) == [b"+OK\r\n", b":2\r\n", b"$1\r\n2\r\n", b"+PONG\r\n"]


def test_quit_replies_then_closes(swirl):
    c = swirl.client()
    c.send_raw(b"QUIT\r\n")
    assert c.read_reply() == b"+OK\r\n"
    assert c.is_closed_by_peer()


# --- pipelining and split frames -----------------------------------------------

def test_many_pipelined_commands_in_one_send(swirl):
    c = swirl.client()
    n = 5000
    c.send_raw(encode_command("INCR", "counter") * n)
    replies = read_n(c, n)
    assert replies[0] == b":1\r\n"
    assert replies[-1] == b":%d\r\n" % n
    assert replies == [b":%d\r\n" % i for i in range(1, n + 1)]


def test_command_split_byte_by_byte(swirl):
    c = swirl.client()
    frame = encode_command("SET", "split-key", "split-value") + b"GET split-key\r\n"
    for i in range(len(frame)):
        c.send_raw(frame[i:i + 1])
        time.sleep(0.002)  # force separate reads on the server side
    assert read_n(c, 2) == [b"+OK\r\n", b"$11\r\nsplit-value\r\n"]


def test_large_value_split_across_many_sends(swirl):
    c = swirl.client()
    value = bytes((i * 7 + i // 251) % 256 for i in range(1 << 20))  # 1 MB, all byte values
    frame = encode_command("SET", "big", value)
    # Uneven chunk sizes so frame boundaries land everywhere: inside the
    # header, inside the length line, inside the payload, inside the CRLF.
    pos, sizes, k = 0, [1, 2, 3, 5, 8, 13, 4096, 65536, 7, 100000], 0
    while pos < len(frame):
        step = sizes[k % len(sizes)]
        c.send_raw(frame[pos:pos + step])
        pos += step
        k += 1
        if k % 50 == 0:
            time.sleep(0.001)
    assert c.read_reply() == b"+OK\r\n"
    assert c.call("STRLEN", "big") == len(value)
    assert c.call("GET", "big") == value
    assert c.call("GETRANGE", "big", 1000, 1009) == value[1000:1010]


def test_replies_arrive_in_order_for_interleaved_clients(swirl):
    a, b = swirl.client(), swirl.client()
    a.send_raw(encode_command("SET", "x", "from-a") * 100 + encode_command("GET", "x"))
    b.send_raw(encode_command("PING") * 100)
    assert read_n(a, 101)[-1] == b"$6\r\nfrom-a\r\n"
    assert read_n(b, 100) == [b"+PONG\r\n"] * 100


# --- protocol errors -------------------------------------------------------------
# Redis answers one error and closes the connection; the exact texts below are
# Redis 7.0's and clients (and people reading logs) match on them.

PROTOCOL_ERRORS = [
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    # Longer than proto-max-bulk-len (512 MB by default).
    (b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$9999999999\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\nfoo\r\n", b"-ERR Protocol error: expected '$', got 'f'\r\n"),
    (b'SET "a b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"GET 'a\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b'SET k "a"b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    # An inline request over 64 KB without a newline.
    (b"x" * 70000, b"-ERR Protocol error: too big inline request\r\n"),
]


@pytest.mark.parametrize("garbage,expected", PROTOCOL_ERRORS,
                         ids=[repr(g[:20]) for g, _ in PROTOCOL_ERRORS])
def test_protocol_error_replies_and_closes(swirl, garbage, expected):
    c = swirl.client()
    c.send_raw(garbage)
    reply = c.read_reply()
    assert reply.startswith(b"-ERR Protocol error")
    assert reply == expected
    assert c.is_closed_by_peer(), "connection left open after a protocol error"


def test_protocol_error_after_valid_commands_in_same_send(swirl):
    c = swirl.client()
    c.send_raw(encode_command("SET", "before", "ok") + b"*x\r\n"
               + encode_command("SET", "after", "never"))
    assert c.read_reply() == b"+OK\r\n"
    assert c.read_reply().startswith(b"-ERR Protocol error")
    assert c.is_closed_by_peer()
    check = swirl.client()
    assert check.call("GET", "before") == b"ok"
    assert check.call("EXISTS", "after") == 0


def test_other_clients_unaffected_by_protocol_error(swirl):
    good = swirl.client()
    good.call("SET", "k", "v")
    for garbage, _ in PROTOCOL_ERRORS[:4]:
        bad = swirl.client()
        bad.send_raw(garbage)
        bad.read_reply()
        bad.close()
    assert good.call("PING") == "PONG"
    assert good.call("GET", "k") == b"v"
    assert swirl.client().call("PING") == "PONG"


def test_client_disconnecting_mid_frame(swirl):
    c = swirl.client()
    c.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nonly-part")
    c.close()
    other = swirl.client()
    assert other.call("PING") == "PONG"
    assert other.call("EXISTS", "k") == 0


def test_query_buffer_limit_closes_the_client(swirl):
    admin = swirl.client()
    assert admin.call("CONFIG", "SET", "client-query-buffer-limit", "1mb") == "OK"
    try:
        hog = swirl.client()
        # A 3 MB argument announced and 2 MB of it sent: past the limit the
        # connection is closed, with Redis's log line, and nothing is stored.
        try:
            hog.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + b"x" * 2_000_000)
        except OSError:
            pass  # the server may close while we are still sending
        assert hog.is_closed_by_peer()
        assert admin.call("EXISTS", "k") == 0
        assert "Closing client that reached max query buffer length" in swirl.log()
        # A command of the same size is fine once the limit allows it.
        assert admin.call("CONFIG", "SET", "client-query-buffer-limit", "4mb") == "OK"
        assert swirl.client().call("SET", "k", b"x" * 3_000_000) == "OK"
    finally:
        admin.call("CONFIG", "SET", "client-query-buffer-limit", "1gb")


# --- slow readers --------------------------------------------------------------------

def output_memory(observer, name):
    """CLIENT LIST's omem of the client called `name`: replies the server holds for it."""
    for line in observer.call("CLIENT", "LIST").decode().splitlines():
        fields = dict(field.split("=", 1) for field in line.split())
        if fields["name"] == name:
            return int(fields["omem"])
    raise AssertionError("no client named %s" % name)


def test_client_that_never_reads_does_not_block_others(swirl):
    setup = swirl.client()
    setup.call("SET", "big", b"x" * (1 << 20))
    hog = swirl.client()
    hog.call("CLIENT", "SETNAME", "hog")
    # Ask for ~64 MB of replies plus many small ones and never read any:
    # the server's writes to this socket will stall, its event loop must not.
    payload = encode_command("GET", "big") * 64 + encode_command("PING") * 100000

    def flood():
        try:
            hog.send_raw(payload)
        except OSError:
            pass  # the server may legitimately drop a client over its output limit

    t = threading.Thread(target=flood, daemon=True)
    t.start()
    # The socket is full: replies wait in the server. A loop stuck writing them
    # would never answer another client (its calls time out).
    wait_until(lambda: output_memory(setup, "hog") > 0, "the hog's replies to back up")
    other = swirl.client()
    for i in range(20):
        assert other.call("PING") == "PONG"
        assert other.call("SET", "k%d" % i, i) == "OK"
    hog.close()
    t.join(5)
    assert swirl.alive
    assert swirl.client().call("GET", "k19") == b"19"


def test_many_simultaneous_connections(swirl):
    clients = [swirl.client() for _ in range(200)]
    for i, c in enumerate(clients):
        c.send_command("SET", "conn:%d" % i, i)
    for c in clients:
        assert c.read_reply() == b"+OK\r\n"
    assert decode(clients[0].call_raw("DBSIZE")) == 200
    for c in clients:
        c.close()
    assert swirl.client().call("PING") == "PONG"


def test_resp3_after_hello_3(swirl):
    c = swirl.client()
    hello = c.call("HELLO", "3")
    assert isinstance(hello, dict) and hello[b"proto"] == 3
    assert b"version" in hello and b"server" in hello
    c.call("HSET", "h", "f", "v")
    assert c.call_raw("HGETALL", "h") == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    assert c.call_raw("GET", "missing") == b"_\r\n"
    assert c.call_raw("HMGET", "h", "f", "x") == b"*2\r\n$1\r\nv\r\n_\r\n"
    assert isinstance(c.call("HELLO", "2"), list)
    assert c.call_raw("GET", "missing") == b"$-1\r\n"
