"""What SLOWLOG and MONITOR show, side by side with redis-server 7.0.15 over
real connections: secrets redacted exactly where Redis redacts them (and
nowhere else), and a monitor's own QUIT, which Redis does not send it."""
import re

from resp import RespClient

SECRETS = [
    ("AUTH", "a"), ("AUTH", "a", "b"), ("AUTH", "a", "b", "c"),
    ("HELLO", "3", "AUTH", "u", "p"), ("HELLO", "x", "AUTH", "u", "p"), ("HELLO", "2", "FOO", "AUTH", "u", "p"),
    ("HELLO", "2", "AUTH", "u"), ("HELLO", "2", "SETNAME", "a b", "AUTH", "u", "p"),
    ("HELLO", "2", "AUTH", "default", "", "SETNAME", "ok"),
    ("CONFIG", "SET", "a", "b", "c"), ("CONFIG", "SET", "nosuch", "1", "requirepass", "x"),
    ("CONFIG", "SET", "masterauth", "secret"), ("CONFIG", "SET", "masteruser", "u1", "masterauth", "s2"),
    ("CONFIG", "SET", "requirepass", "pw", "timeout", "-1"), ("CONFIG", "SET", "REQUIREPASS", "pw"),
    ("MULTI",), ("AUTH", "inmulti"), ("EXEC",),
    ("AUTH", "pw"), ("CONFIG", "SET", "requirepass", ""),
]

MONITOR_LINE = re.compile(rb"^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)$")


def logged_secrets(server):
    """What SLOWLOG GET and a monitor show of SECRETS, and every reply."""
    monitor = RespClient(server.port)
    assert monitor.call_raw("MONITOR") == b"+OK\r\n"
    c = RespClient(server.port)
    c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
    c.call("SLOWLOG", "RESET")
    replies = [c.call_raw(*command) for command in SECRETS]
    c.call_raw("PING")
    slowlog = [entry[3] for entry in reversed(c.call("SLOWLOG", "GET", "100"))]
    lines = []
    while not lines or lines[-1] != b'"PING"':
        match = MONITOR_LINE.match(monitor.read_reply().rstrip(b"\r\n"))
        assert match
        lines.append(match.group(2))
    return replies, slowlog, lines


def test_secrets_are_redacted_where_redis_redacts_them(servers, swirl, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected = logged_secrets(reference)
    got = logged_secrets(swirl)
    assert got[1] == expected[1], "SLOWLOG GET"
    assert got[2] == expected[2], "MONITOR"
    hello = [r for command, r in zip(SECRETS, got[0]) if command[0] != "HELLO"]
    assert hello == [r for command, r in zip(SECRETS, expected[0]) if command[0] != "HELLO"], "replies (HELLO's id differs)"
    assert [b"CONFIG", b"SET", b"requirepass", b"(redacted)", b"timeout", b"-1"] in got[1]


def test_a_monitor_that_quits_does_not_see_its_own_quit(swirl):
    quitting, watching = RespClient(swirl.port), RespClient(swirl.port)
    assert quitting.call_raw("MONITOR") == b"+OK\r\n"
    assert watching.call_raw("MONITOR") == b"+OK\r\n"
    quitting.send_raw(b"QUIT\r\n")
    assert quitting.read_reply() == b"+OK\r\n"
    assert quitting.is_closed_by_peer()
    assert quitting.buf == b"", "nothing after +OK: not its own QUIT"
    other = RespClient(swirl.port)
    other.call("PING")
    seen = []
    while not seen or seen[-1] != b'"PING"':
        seen.append(MONITOR_LINE.match(watching.read_reply().rstrip(b"\r\n")).group(2))
    assert seen == [b'"QUIT"', b'"PING"'], "the other monitor saw the QUIT"
    for c in (quitting, watching, other):
        c.close()
