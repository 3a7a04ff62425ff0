"""MONITOR and SLOWLOG over real connections: the same session played
against redis-server and Swirl, every monitor line compared once the
timestamp and client port are masked; redis-py's Monitor. Run with
SWIRL_TEST_TARGET=redis to check the tests themselves."""
import re

import redis

from resp import RespClient

SESSION = [
    ("SET", b'a"\\\n', b"\x01\xff\t "),
    ("SELECT", "3"),
    ("GET", "x"),
    ("AUTH", "p"),
    ("HELLO", "3", "AUTH", "u", "p", "SETNAME", "n"),
    ("HELLO", "2"),
    ("CONFIG", "GET", "maxclients"),
    ("MULTI",),
    ("INCR", "n"),
    ("EXEC",),
    ("NOSUCH",),
    ("GET",),
    ("SELECT", "0"),
]

LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) 127\.0\.0\.1:(\d+)\] (.*)$")


def monitor_lines(server):
    monitor = RespClient(server.port)
    assert monitor.call_raw("MONITOR") == b"+OK\r\n"
    client = RespClient(server.port)
    for command in SESSION:
        client.call_raw(*command)
    client.call_raw("PING")  # the marker: everything before it has been sent
    lines = []
    while True:
        raw = monitor.read_reply().rstrip(b"\r\n")
        match = LINE.match(raw)
        assert match, raw
        lines.append(b"[%s] %s" % (match.group(3), match.group(5)))
        if match.group(5) == b'"PING"':
            return lines, monitor


def test_monitor_lines_match_redis(servers, swirl, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected, _ = monitor_lines(reference)
    got, monitor = monitor_lines(swirl)
    assert got == expected
    assert got[0] == b'[0] "SET" "a\\"\\\\\\n" "\\x01\\xff\\t "'
    # A monitor is a replica: no keys, but PING and its own line.
    assert monitor.call_raw("GET", "a") == b"-ERR Replica can't interact with the keyspace\r\n"


def test_redis_py_monitor(swirl):
    r = redis.Redis(port=swirl.port)
    with r.monitor() as m:
        other = redis.Redis(port=swirl.port)
        other.set("k", "v")
        for info in m.listen():
            if info["command"] == "SET k v":
                assert info["db"] == 0
                break


def test_slowlog_over_a_real_connection(swirl):
    r = redis.Redis(port=swirl.port)
    r.config_set("slowlog-log-slower-than", 0)
    r.slowlog_reset()
    r.client_setname("logger")
    r.set("k", "v" * 300)
    entries = r.slowlog_get()
    assert [e["command"][:12] for e in entries[:2]] == [b"SET k " + b"v" * 6, b"CLIENT SETNA"]
    assert entries[0]["command"].endswith(b"... (172 more bytes)")
    assert entries[0]["client_address"].startswith(b"127.0.0.1:")
    assert entries[0]["client_name"] == b"logger"
    r.config_set("slowlog-log-slower-than", -1)
    before = r.slowlog_len()
    r.set("k", "v")
    assert r.slowlog_len() == before
