"""maxmemory with the real allocator, as redis-server 7.0.15 does it (every
test here passes with SWIRL_TEST_TARGET=redis): OOM errors under noeviction,
eviction that keeps used memory at the limit, volatile policies that only take
keys with a TTL, LRU that keeps what was read, `evicted` events, and DELs in
the AOF. Loops are bounded by counts and wait on what INFO shows, never on
sleeps."""
import time

from resp import RespError, decode

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
LIMIT = 4 * 1024 * 1024
VALUE = b"x" * 1000


def info_field(client, name):
    text = client.call("INFO", "everything").decode()
    return int(text.split("\r\n%s:" % name)[1].split("\r\n")[0])


def start(servers, swirl_bin, policy, *extra):
    return servers.start(swirl_bin, "--appendonly", "no", "--save", "",
                         "--maxmemory", str(LIMIT), "--maxmemory-policy", policy, *extra)


def write(client, prefix, count, *options):
    """`count` SETs of 1,000-byte values, pipelined 100 at a time; the replies."""
    replies = []
    for start in range(0, count, 100):
        batch = [("SET", "%s:%d" % (prefix, i), VALUE) + options for i in range(start, min(count, start + 100))]
        replies += client.pipeline(batch)
    return replies


def test_noeviction_refuses_writes_with_redis_error_and_serves_reads(servers, swirl_bin):
    server = start(servers, swirl_bin, "noeviction")
    c = server.client()
    # 20 MB offered to a 4 MB server: writes succeed until the limit, then fail (a few
    # still fit, in Redis too, as the pipelined query buffers come and go).
    replies = write(c, "key", 20_000)
    first_refused = next(i for i, r in enumerate(replies) if isinstance(r, RespError))
    assert 1_000 < first_refused < 5_000
    assert all(r == "OK" for r in replies[:first_refused])
    refused = [r for r in replies if isinstance(r, RespError)]
    assert {str(r) for r in refused} == {OOM[1:-2].decode()}
    assert len(refused) > 0.99 * (20_000 - first_refused)
    stored = 20_000 - len(refused)
    assert c.call("DBSIZE") == stored
    assert info_field(c, "evicted_keys") == 0
    # Well over the limit (client buffers come and go, so not just at it): deny-oom commands are refused.
    c.call("CONFIG", "SET", "maxmemory", str(LIMIT // 2))
    assert c.call_raw("SET", "one-more", "v") == OOM
    assert c.call_raw("LPUSH", "list", "v") == OOM
    assert c.call("GET", "key:0") == VALUE, "reads still work"
    assert c.call("DBSIZE") == stored
    # Inside MULTI every command but EXEC/DISCARD is refused, which dooms the EXEC.
    assert c.call("MULTI") == "OK"
    assert c.call_raw("GET", "key:5") == OOM
    assert c.call_raw("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    # DEL is not deny-oom: freeing makes room again.
    c.call("CONFIG", "SET", "maxmemory", str(LIMIT))
    assert c.call("DEL", *["key:%d" % i for i in range(200)]) == 200
    assert c.call("SET", "fits-again", "v") == "OK"


def test_allkeys_lru_keeps_memory_at_the_limit_and_evicts_the_idle_first(servers, swirl_bin):
    # 64 samples per round, not 5: the hot keys' stamps are in the same second as
    # the new keys', so with 5 a round that sampled no idle key evicts an idle-0
    # key, sometimes a hot one (the test failed that way in 5 of 6 runs on a
    # quiet machine). With 64 every round finds idle keys: this checks the
    # policy's order; scripts/eviction.py measures the approximation against Redis.
    server = start(servers, swirl_bin, "allkeys-lru", "--maxmemory-samples", "64")
    c = server.client()
    assert all(r == "OK" for r in write(c, "old", 2_000))
    assert info_field(c, "evicted_keys") == 0
    # LRU's clock has a resolution of a second: wait until the server shows the old keys idle for 2.
    deadline = time.monotonic() + 10
    while c.call("OBJECT", "IDLETIME", "old:1") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert c.call("OBJECT", "IDLETIME", "old:1") >= 2
    hot = ["old:%d" % i for i in range(0, 2_000, 100)]
    for key in hot:
        assert c.call("GET", key) == VALUE
    # Twice as many new keys: about half of the old ones must go, and those are the idle ones.
    assert all(r == "OK" for r in write(c, "new", 2_000))
    evicted = info_field(c, "evicted_keys")
    assert evicted > 500
    assert info_field(c, "used_memory") < LIMIT * 1.1
    assert sum(c.call("EXISTS", key) for key in hot) == len(hot), "keys read since were kept"
    new_kept = sum(c.call("EXISTS", "new:%d" % i) for i in range(2_000))
    assert new_kept >= 1_960, "LRU evicted %d recent keys" % (2_000 - new_kept)
    # Then a long stream: memory stays at the limit.
    write(c, "more", 10_000)
    assert info_field(c, "used_memory") < LIMIT * 1.1
    assert info_field(c, "evicted_keys") > 10_000


def test_volatile_policies_evict_only_keys_with_a_ttl(servers, swirl_bin):
    for policy in ("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"):
        server = start(servers, swirl_bin, policy)
        c = server.client()
        write(c, "keep", 1_000)
        replies = write(c, "ttl", 10_000, "EX", "100000")
        assert all(r == "OK" for r in replies), policy
        assert info_field(c, "evicted_keys") > 5_000, policy
        assert sum(c.call("EXISTS", "keep:%d" % i) for i in range(1_000)) == 1_000, policy
        # Without keys with a TTL left to take, writes end in OOM.
        replies = write(c, "plain", 10_000)
        assert any(isinstance(r, RespError) for r in replies), policy
        assert c.call_raw("SET", "x", VALUE) == OOM, policy
        assert sum(c.call("EXISTS", "keep:%d" % i) for i in range(1_000)) == 1_000, policy
        assert c.call("INFO", "keyspace").decode().count("expires=0,") == 1, policy
        server.kill9()


def test_evicted_events_reach_a_subscriber(servers, swirl_bin):
    server = start(servers, swirl_bin, "allkeys-random", "--notify-keyspace-events", "Ee")
    subscriber = server.client()
    assert subscriber.call("SUBSCRIBE", "__keyevent@0__:evicted") == [b"subscribe", b"__keyevent@0__:evicted", 1]
    c = server.client()
    write(c, "key", 8_000)
    evicted = info_field(c, "evicted_keys")
    assert evicted > 3_000
    keys = set()
    for _ in range(evicted):
        kind, channel, key = decode(subscriber.read_reply())
        assert (kind, channel) == (b"message", b"__keyevent@0__:evicted")
        keys.add(key)
    assert len(keys) == evicted, "one event per evicted key"
    assert not any(c.call("EXISTS", key) for key in list(keys)[:200])


def test_evictions_reach_the_aof_as_dels(servers, swirl_bin):
    directory = servers.new_dir()
    server = servers.start(swirl_bin, "--appendonly", "yes", "--save", "",
                           "--maxmemory", str(LIMIT), "--maxmemory-policy", "allkeys-lru", dir=directory)
    c = server.client()
    write(c, "key", 8_000)
    assert info_field(c, "evicted_keys") > 3_000
    dbsize = c.call("DBSIZE")
    assert server.stop() == 0
    # Restarted without a limit, the AOF gives back exactly the keys that were left.
    restarted = servers.start(swirl_bin, "--appendonly", "yes", "--save", "", dir=directory)
    assert restarted.client().call("DBSIZE") == dbsize
