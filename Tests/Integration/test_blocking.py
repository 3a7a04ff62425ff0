"""Blocking list commands over real connections: several clients, FIFO
order, timeouts, disconnects, CLIENT UNBLOCK, BLMOVE chains, commands
pipelined behind a blocking one, and the AOF after kill -9.

Every test passes against redis-server 7.0 too (SWIRL_TEST_TARGET=redis).
No test measures how fast something happens: a test waits for a state
(polling with a generous deadline) and then asserts on it.
"""
import glob
import os

from harness import info_fields, wait_until
from resp import RespError, decode, encode_command

AOF_ALWAYS = ("--appendonly", "yes", "--appendfsync", "always", "--save", "")


def blocked_clients(observer):
    return int(info_fields(observer, "clients")["blocked_clients"])


def wait_blocked(observer, count):
    wait_until(lambda: blocked_clients(observer) == count, "blocked_clients to be %d" % count)


def client_flags(observer, client_id):
    line = observer.call("CLIENT", "LIST", "ID", client_id).decode()
    return dict(field.split("=", 1) for field in line.split())["flags"]


def test_a_push_serves_a_blocked_client(swirl):
    a, b = swirl.client(), swirl.client()
    a.send_command("BLPOP", "k", 0)
    wait_blocked(b, 1)
    assert b.call("LLEN", "k") == 0
    assert b.call("RPUSH", "k", "v1", "v2") == 2
    assert decode(a.read_reply()) == [b"k", b"v1"]
    assert b.call("LRANGE", "k", 0, -1) == [b"v2"]
    assert blocked_clients(b) == 0


def test_clients_are_served_in_the_order_they_blocked(swirl):
    observer = swirl.client()
    waiters = [swirl.client() for _ in range(3)]
    for n, waiter in enumerate(waiters):
        waiter.send_command("BLPOP", "queue", 0)
        wait_blocked(observer, n + 1)  # so the blocking order is known
    assert observer.call("RPUSH", "queue", "first", "second") == 2
    assert decode(waiters[0].read_reply()) == [b"queue", b"first"]
    assert decode(waiters[1].read_reply()) == [b"queue", b"second"]
    assert blocked_clients(observer) == 1
    observer.call("RPUSH", "queue", "third")
    assert decode(waiters[2].read_reply()) == [b"queue", b"third"]


def test_a_timeout_answers_null_and_a_client_without_one_stays_blocked(swirl):
    observer, forever, short = swirl.client(), swirl.client(), swirl.client()
    forever_id = forever.call("CLIENT", "ID")
    forever.send_command("BLPOP", "never", 0)
    wait_blocked(observer, 1)
    assert short.call_raw("BLPOP", "k", "0.1") == b"*-1\r\n"
    assert short.call_raw("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05") == b"*-1\r\n"
    short.call("HELLO", 3)
    assert short.call_raw("BLMPOP", "0.01", 1, "k", "LEFT") == b"_\r\n"
    assert "b" in client_flags(observer, forever_id)
    assert blocked_clients(observer) == 1
    observer.call("RPUSH", "never", "at last")
    assert decode(forever.read_reply()) == [b"never", b"at last"]


def test_a_disconnected_blocked_client_leaves_the_queue(swirl):
    observer, gone, stays = swirl.client(), swirl.client(), swirl.client()
    gone.send_command("BLPOP", "k", 0)
    wait_blocked(observer, 1)
    stays.send_command("BLPOP", "k", 0)
    wait_blocked(observer, 2)
    gone.close()
    wait_blocked(observer, 1)
    observer.call("RPUSH", "k", "v")
    assert decode(stays.read_reply()) == [b"k", b"v"]
    assert observer.call("EXISTS", "k") == 0


def test_client_unblock(swirl):
    observer, blocked = swirl.client(), swirl.client()
    blocked_id = blocked.call("CLIENT", "ID")
    blocked.send_command("BLPOP", "k", 0)
    wait_blocked(observer, 1)
    assert observer.call("CLIENT", "UNBLOCK", blocked_id) == 1
    assert blocked.call_raw("PING") == b"*-1\r\n"  # the timeout reply, then PONG
    assert blocked.read_reply() == b"+PONG\r\n"
    blocked.send_command("BRPOPLPUSH", "k", "d", 0)
    wait_blocked(observer, 1)
    assert observer.call("CLIENT", "UNBLOCK", blocked_id, "ERROR") == 1
    assert decode(blocked.read_reply()) == RespError("UNBLOCKED client unblocked via CLIENT UNBLOCK")
    assert observer.call("CLIENT", "UNBLOCK", blocked_id) == 0
    assert blocked_clients(observer) == 0


def test_blmove_chain_wakes_each_client_in_turn(swirl):
    observer, first, second = swirl.client(), swirl.client(), swirl.client()
    first.send_command("BLMOVE", "c1", "c2", "LEFT", "RIGHT", 0)
    wait_blocked(observer, 1)
    second.send_command("BLMOVE", "c2", "c3", "RIGHT", "LEFT", 0)
    wait_blocked(observer, 2)
    assert observer.call("RPUSH", "c1", "token") == 1
    assert first.read_reply() == b"$5\r\ntoken\r\n"
    assert second.read_reply() == b"$5\r\ntoken\r\n"
    assert observer.call("LRANGE", "c3", 0, -1) == [b"token"]
    assert observer.call("EXISTS", "c1", "c2") == 0


def test_commands_pipelined_behind_a_blocking_one_wait_for_it(swirl):
    observer, blocked = swirl.client(), swirl.client()
    blocked.send_raw(encode_command("BLPOP", "k", 0) + encode_command("PING")
                     + encode_command("RPUSH", "after", "x") + encode_command("ECHO", "hi"))
    wait_blocked(observer, 1)
    assert observer.call("EXISTS", "after") == 0, "the RPUSH behind the BLPOP must not have run"
    observer.call("RPUSH", "k", "v")
    assert decode(blocked.read_reply()) == [b"k", b"v"]
    assert blocked.read_reply() == b"+PONG\r\n"
    assert blocked.read_reply() == b":1\r\n"
    assert blocked.read_reply() == b"$2\r\nhi\r\n"
    assert observer.call("LRANGE", "after", 0, -1) == [b"x"]


def test_pushes_in_a_transaction_serve_after_exec(swirl):
    observer, blocked = swirl.client(), swirl.client()
    blocked.send_command("BLPOP", "m", 0)
    wait_blocked(observer, 1)
    replies = observer.pipeline([("MULTI",), ("RPUSH", "m", "1"), ("LLEN", "m"), ("EXEC",)])
    assert replies[-1] == [1, 1], "served only once EXEC completed"
    assert decode(blocked.read_reply()) == [b"m", b"1"]


def incr_aof(directory):
    files = sorted(glob.glob(os.path.join(str(directory), "appendonlydir", "*.incr.aof")))
    assert files, os.listdir(str(directory))
    with open(files[-1], "rb") as f:
        return f.read()


def test_a_served_pop_is_in_the_aof_after_kill9(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ALWAYS, dir=d)
    observer, blocked = s.client(), s.client()
    blocked.call("SELECT", 3)
    blocked.send_command("BLPOP", "k", 0)
    wait_blocked(observer, 1)
    observer.call("SELECT", 3)
    assert observer.call("RPUSH", "k", "v1", "v2") == 2
    # With appendfsync always, a reply means its command is on disk.
    assert decode(blocked.read_reply()) == [b"k", b"v1"]
    blocked.send_command("BLMOVE", "src", "dst", "RIGHT", "LEFT", 0)
    wait_blocked(observer, 1)
    observer.call("RPUSH", "src", "m")
    assert blocked.read_reply() == b"$1\r\nm\r\n"
    s.kill9()

    log = incr_aof(d)
    assert encode_command("RPUSH", "k", "v1", "v2") + encode_command("LPOP", "k") in log
    assert encode_command("RPUSH", "src", "m") + encode_command("LMOVE", "src", "dst", "right", "left") in log
    s2 = servers.start(swirl_bin, *AOF_ALWAYS, dir=d)
    c = s2.client()
    c.call("SELECT", 3)
    assert c.call("LRANGE", "k", 0, -1) == [b"v2"]
    assert c.call("LRANGE", "dst", 0, -1) == [b"m"]
    assert c.call("EXISTS", "src") == 0


def test_client_kill_closes_a_blocked_client_and_the_next_is_served(swirl):
    observer, killed, waiting = swirl.client(), swirl.client(), swirl.client()
    killed_id = killed.call("CLIENT", "ID")
    killed.send_command("BLPOP", "k", 0)
    wait_blocked(observer, 1)
    waiting.send_command("BLPOP", "k", 0)
    wait_blocked(observer, 2)
    assert observer.call("CLIENT", "KILL", "ID", killed_id) == 1
    assert killed.is_closed_by_peer()
    assert blocked_clients(observer) == 1
    observer.call("RPUSH", "k", "v")
    assert decode(waiting.read_reply()) == [b"k", b"v"]
    # The old form, by address, may close the caller itself after its reply.
    address = dict(f.split("=", 1) for f in observer.call("CLIENT", "INFO").decode().split())["addr"]
    assert observer.call_raw("CLIENT", "KILL", address) == b"+OK\r\n"
    assert observer.is_closed_by_peer()
