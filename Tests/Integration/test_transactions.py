"""MULTI/EXEC/WATCH over real connections: WATCH races between clients,
isolation of EXEC, and transactions in the AOF (kill -9 with
`appendfsync always`, a file cut inside a MULTI block, Redis loading
Swirl's blocks). Run with SWIRL_TEST_TARGET=redis to check the tests."""
import os
import re
import threading
import time

import harness
from resp import decode, encode_command
from test_aof import AOF_ON, aof_dir, last_incr_file, parse_aof_commands


def queue(c, *commands):
    """MULTI, the commands (each must answer QUEUED), then the decoded EXEC reply."""
    assert c.call_raw("MULTI") == b"+OK\r\n"
    for command in commands:
        assert c.call_raw(*command) == b"+QUEUED\r\n", command
    return decode(c.call_raw("EXEC"))


# --- WATCH races ------------------------------------------------------------------

def test_exec_fails_when_another_client_changed_a_watched_key(swirl):
    a, b = swirl.client(), swirl.client()
    a.call("SET", "balance", 100)
    assert a.call("WATCH", "balance") == "OK"
    balance = int(a.call("GET", "balance"))
    assert b.call("SET", "balance", 500) == "OK"  # B gets in between
    assert a.call_raw("MULTI") == b"+OK\r\n"
    assert a.call_raw("SET", "balance", balance - 10) == b"+QUEUED\r\n"
    assert a.call_raw("EXEC") == b"*-1\r\n"
    assert a.call("GET", "balance") == b"500", "the aborted transaction wrote nothing"
    # The watch is over: the retry succeeds.
    a.call("WATCH", "balance")
    balance = int(a.call("GET", "balance"))
    assert queue(a, ("SET", "balance", balance - 10)) == ["OK"]
    assert b.call("GET", "balance") == b"490"


def test_exec_runs_when_the_other_client_only_reads_or_writes_elsewhere(swirl):
    a, b = swirl.client(), swirl.client()
    a.call("SET", "k", "v")
    a.call("WATCH", "k", "missing")
    b.call("GET", "k")
    b.call("SET", "unrelated", 1)
    b.call("DEL", "missing")  # deleting an absent key changes nothing
    b.call("SELECT", 1)
    b.call("SET", "k", "other db")
    assert queue(a, ("SET", "k", "mine")) == ["OK"]


def test_expiry_of_a_watched_key_aborts(swirl):
    a = swirl.client()
    # WATCH must find the key alive, so SET and WATCH go in one write and their
    # round trip must take less than the TTL; a machine too slow for that runs
    # the setup again with a longer TTL rather than test something else.
    ttl = 100
    while True:
        sent = time.monotonic()
        a.send_raw(encode_command("SET", "lease", "held", "PX", ttl) + encode_command("WATCH", "lease"))
        assert [a.read_reply(), a.read_reply()] == [b"+OK\r\n", b"+OK\r\n"]
        if (time.monotonic() - sent) * 1000 < ttl - 1 or ttl >= 10000:
            break
        a.call("UNWATCH")
        ttl *= 4
    harness.wait_past(a, ttl)
    assert a.call_raw("MULTI") == b"+OK\r\n"
    assert a.call_raw("SET", "lease", "renewed") == b"+QUEUED\r\n"
    assert a.call_raw("EXEC") == b"*-1\r\n"


def test_aborted_exec_is_a_null_in_resp3(swirl):
    a, b = swirl.client(), swirl.client()
    a.call("HELLO", 3)
    a.call("WATCH", "k")
    b.call("SET", "k", 1)
    a.call("MULTI")
    assert a.call_raw("EXEC") == b"_\r\n"


def test_optimistic_increments_from_many_threads_lose_nothing(swirl):
    """The WATCH/GET/MULTI/SET/EXEC retry loop, from real concurrent clients."""
    threads, increments = 4, 60
    retries = []

    def worker():
        c = swirl.client()
        done = failed = 0
        while done < increments:
            c.call("WATCH", "counter")
            value = int(c.call("GET", "counter") or 0)
            c.call("MULTI")
            c.call_raw("SET", "counter", value + 1)
            if c.call_raw("EXEC") == b"*-1\r\n":
                failed += 1
            else:
                done += 1
        retries.append(failed)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert len(retries) == threads, "a worker did not finish"
    assert swirl.client().call("GET", "counter") == b"%d" % (threads * increments)


def test_other_clients_never_see_half_a_transaction(swirl):
    a, b = swirl.client(), swirl.client()
    n = 3000
    a.send_raw(b"MULTI\r\n" + b"INCR c\r\n" * n + b"EXEC\r\n")
    seen = set()
    for _ in range(200):
        seen.add(b.call("GET", "c"))
    assert a.read_reply() == b"+OK\r\n"
    for _ in range(n):
        assert a.read_reply() == b"+QUEUED\r\n"
    assert decode(a.read_reply()) == list(range(1, n + 1))
    seen.add(b.call("GET", "c"))
    assert seen <= {None, b"%d" % n}, sorted(v for v in seen if v)[:5]


def test_client_list_shows_the_transaction(swirl):
    a, b = swirl.client(), swirl.client()
    a_id = a.call("CLIENT", "ID")
    a.call("MULTI")
    a.call("SET", "k", "v")
    a.call("GET", "k")
    line = [l for l in b.call("CLIENT", "LIST").decode().splitlines() if re.search(r"\bid=%d\b" % a_id, l)][0]
    assert " flags=x " in line and " multi=2 " in line, line
    a.call("EXEC")
    a.call("WATCH", "k")
    b.call("SET", "k", "changed")
    line = [l for l in b.call("CLIENT", "LIST").decode().splitlines() if re.search(r"\bid=%d\b" % a_id, l)][0]
    assert " flags=d " in line and " multi=-1 " in line, line


# --- the AOF ---------------------------------------------------------------------------

def test_acknowledged_transaction_survives_kill9_with_fsync_always(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, "--appendfsync", "always", dir=d)
    c = s.client()
    c.call("SET", "before", "1")
    for i in range(50):
        # With `always`, the EXEC reply means the whole block is on disk.
        assert queue(c, ("INCR", "n"), ("HSET", "h", "f%d" % i, i), ("SELECT", 2),
                     ("SET", "in2:%d" % i, i), ("SELECT", 0)) == [i + 1, 1, "OK", "OK", "OK"]
    s.kill9()

    with open(last_incr_file(aof_dir(d)), "rb") as f:
        commands = [[w.upper() for w in cmd[:1]] for cmd in parse_aof_commands(f.read())]
    assert commands.count([b"MULTI"]) == 50 and commands.count([b"EXEC"]) == 50

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    c2 = s2.client()
    assert c2.call("GET", "n") == b"50"
    assert c2.call("HLEN", "h") == 50
    c2.call("SELECT", 2)
    assert c2.call("DBSIZE") == 50


def test_aof_cut_inside_a_multi_block_loads_without_the_partial_transaction(servers, swirl_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    assert queue(c, ("SET", "a", "1"), ("SET", "b", "1")) == ["OK", "OK"]
    assert queue(c, ("SET", "a", "2"), ("SET", "b", "2"), ("SET", "c", "2")) == ["OK", "OK", "OK"]
    assert s.stop() == 0

    incr = last_incr_file(aof_dir(d))
    with open(incr, "rb") as f:
        data = f.read()
    last_multi = data.upper().rindex(b"*1\r\n$5\r\nMULTI\r\n")
    cut = data.index(b"SET", data.index(b"$1\r\nb\r\n", last_multi)) + 3  # inside the block's SET c
    with open(incr, "r+b") as f:
        f.truncate(cut)

    s2 = servers.start(swirl_bin, *AOF_ON, dir=d)
    c2 = s2.client()
    assert c2.call("MGET", "a", "b", "c") == [b"1", b"1", None], "half a transaction was replayed"
    if harness.target_is_redis():
        # Redis 7.0.15 cuts a command torn inside a MULTI block back to the last
        # whole command, leaving MULTI open: what it appends next joins the
        # block, and the next start reverts it (an acknowledged SET is lost).
        # Swirl cuts back to before the MULTI instead.
        return
    assert os.path.getsize(incr) == last_multi, "the file is cut back to before the MULTI"
    # The repaired file takes further writes that load next time.
    c2.call("SET", "after", "yes")
    assert s2.stop() == 0
    s3 = servers.start(swirl_bin, *AOF_ON, dir=d)
    assert s3.client().call("MGET", "a", "c", "after") == [b"1", None, b"yes"]


def test_swirl_transactions_load_in_redis(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    assert queue(c, ("SET", "tx:a", 1), ("INCR", "tx:a"), ("SELECT", 3), ("HSET", "tx:h", "f", "v"),
                 ("EXPIRE", "tx:h", 1000)) == ["OK", 2, "OK", 1, 1]
    assert s.stop() == 0
    r = servers.start(redis_bin, *AOF_ON, dir=d)
    rc = r.client()
    assert rc.call("GET", "tx:a") == b"2"
    rc.call("SELECT", 3)
    assert rc.call("HGET", "tx:h", "f") == b"v"
    assert 0 < rc.call("TTL", "tx:h") <= 1000
