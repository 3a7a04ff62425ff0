"""What the server echoes of a client's bytes, side by side with
redis-server 7.0.15 over real connections: arguments in error replies byte
for byte (`a\\xffb` stays `a\\xffb`), and inline and header lines holding a NUL
(Redis searches them as C strings: the line never ends, until it is too
big)."""
from resp import RespClient

ECHOED = [
    b"foo a\xffb\r\n", b"*2\r\n$3\r\nfoo\r\n$3\r\na\xffb\r\n", b"CONFIG a\xffb\r\n", b'foo "a\\x00b" c\r\n',
    b"DEBUG a\xffb\r\n", b'DEBUG ERROR "a\\xffb\\x00c\\nd"\r\n', b"CLIENT KILL TYPE a\xffb\r\n",
    b"CLIENT KILL USER a\xffb\r\n", b"CLIENT LIST TYPE a\xffb\r\n", b"HELLO 2 a\xffb\r\n",
    b"HELLO 2 " + b"\xfe" * 200 + b"\r\n", b"foo " + b"\xfe" * 200 + b"\r\n", b"EXPIRE k 10 a\xffb\r\n",
    b"PUBSUB a\xffb\r\n", b"SLOWLOG a\xffb\r\n", b"OBJECT a\xffb k\r\n", b"CONFIG SET a\xffb 1\r\n",
    b"CLIENT TRACKING on BCAST PREFIX a\xff PREFIX a\xffb\r\n", b"MULTI\r\nfoo a\xffb\r\nEXEC\r\n",
    b"LATENCY GRAPH a\xffb\r\n", b"*1\r\n\xff3\r\n",
]


def replies_to(server, frame):
    with RespClient(server.port) as c:
        c.send_raw(frame)
        c.send_raw(b"PING\r\n")
        replies = []
        while not replies or replies[-1] != b"+PONG\r\n":
            try:
                replies.append(c.read_reply())
            except ConnectionError:
                break  # a protocol error closes the connection
        return replies


def test_errors_echo_arguments_byte_for_byte(servers, swirl, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no", "--enable-debug-command", "yes")
    for frame in ECHOED:
        assert replies_to(swirl, frame) == replies_to(reference, frame), frame
    assert replies_to(swirl, b"foo a\xffb\r\n")[0] == b"-ERR unknown command 'foo', with args beginning with: 'a\xffb' \r\n"


NUL_LINES = [
    (b"SET a b\x00c\r\nSET x y\r\n", b"-ERR Protocol error: too big inline request\r\n"),
    (b"\x00SET x y\r\n", b"-ERR Protocol error: too big inline request\r\n"),
    (b"*1\x00\r\n$4\r\nPING\r\n", b"-ERR Protocol error: too big mbulk count string\r\n"),
    (b"*3\r\n$3\x00\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n", b"-ERR Protocol error: too big bulk count string\r\n"),
]


def test_a_nul_in_a_line_leaves_it_unfinished_until_too_big(servers, swirl, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    for server in (swirl, reference):
        control = server.client()
        for line, error in NUL_LINES:
            with RespClient(server.port) as c:
                c.send_raw(line)
                # Nothing before it runs (observed with the control client), then 64 KB more ends it.
                assert control.call("DBSIZE") == 0
                c.send_raw(b"z" * 65536)
                assert c.read_reply() == error, (server, line)
                assert c.is_closed_by_peer()
        assert control.call("DBSIZE") == 0, "the commands after a NUL never ran"
        assert control.call("ECHO", b"a\x00b") == b"a\x00b", "in a bulk, a NUL is data"
