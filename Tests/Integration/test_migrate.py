"""MIGRATE from Swirl to redis-server 7.0.15 and to Swirl, and from
redis-server to Swirl: single key and KEYS forms, COPY, REPLACE, AUTH and
AUTH2, destination database, TTLs, Redis's errors and NOKEY."""
import pytest

from aof_helpers import assert_same_data, snapshot
from resp import RespError
from test_rdb import NO_AOF, populate

ARGS = ("--save", "") + NO_AOF


@pytest.fixture(params=["swirl-to-redis", "swirl-to-swirl", "redis-to-swirl"])
def pair(request, servers, swirl_bin, redis_bin):
    source_bin, target_bin = {"swirl-to-redis": (swirl_bin, redis_bin), "swirl-to-swirl": (swirl_bin, swirl_bin),
                              "redis-to-swirl": (redis_bin, swirl_bin)}[request.param]
    return servers.start(source_bin, *ARGS), servers.start(target_bin, *ARGS)


def test_every_type_moves_with_keys(pair):
    source, target = pair
    c = source.client()
    populate(c)
    before = snapshot(source, dbs=(0,))
    keys = [k for (db, k) in before]
    assert c.call("MIGRATE", "127.0.0.1", target.port, "", 5, 5000, "KEYS", *keys) == "OK"
    assert c.call("DBSIZE") == 0
    moved = snapshot(target, dbs=(5,))
    assert_same_data({(5, k): v for (db, k), v in before.items()}, moved)


def test_single_key_copy_replace_and_errors(pair):
    source, target = pair
    c, t = source.client(), target.client()
    c.call("SET", "k", "v1")
    t.call("SET", "k", "old")
    with pytest.raises(RespError) as busy:
        c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000)
    assert str(busy.value) == "ERR Target instance replied with error: BUSYKEY Target key name already exists."
    assert c.call("GET", "k") == b"v1", "a refused key stays"
    assert c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000, "COPY", "REPLACE") == "OK"
    assert t.call("GET", "k") == b"v1" and c.call("GET", "k") == b"v1"
    assert c.call("MIGRATE", "127.0.0.1", target.port, "missing", 0, 5000) == "NOKEY"
    with pytest.raises(RespError, match="KEYS option, the key argument must be set to the empty string"):
        c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000, "KEYS", "k")
    with pytest.raises(RespError, match="syntax error"):
        c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000, "BOGUS")
    with pytest.raises(RespError, match="not an integer"):
        c.call("MIGRATE", "127.0.0.1", target.port, "k", "x", 5000)
    c.call("SET", "ttl", "v", "PX", 100000)
    assert c.call("MIGRATE", "127.0.0.1", target.port, "ttl", 0, 5000) == "OK"
    assert 0 < t.call("PTTL", "ttl") <= 100000


def test_auth(servers, swirl_bin, redis_bin):
    source = servers.start(swirl_bin, *ARGS)
    target = servers.start(redis_bin, *ARGS, "--requirepass", "secret")
    c = source.client()
    c.call("SET", "k", "v")
    with pytest.raises(RespError, match="Target instance replied with error: NOAUTH"):
        c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000)
    with pytest.raises(RespError, match="Target instance replied with error: WRONGPASS"):
        c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000, "AUTH", "wrong")
    assert c.call("MIGRATE", "127.0.0.1", target.port, "k", 0, 5000, "AUTH", "secret") == "OK"
    c.call("SET", "k2", "v")
    assert c.call("MIGRATE", "127.0.0.1", target.port, "k2", 0, 5000, "AUTH2", "default", "secret") == "OK"
    t = target.client()
    t.call("AUTH", "secret")
    assert t.call("MGET", "k", "k2") == [b"v", b"v"]


def test_unreachable_target(servers, swirl_bin):
    import harness
    source = servers.start(swirl_bin, *ARGS)
    c = source.client()
    c.call("SET", "k", "v")
    with pytest.raises(RespError) as refused:
        c.call("MIGRATE", "127.0.0.1", harness.free_port(), "k", 0, 200)
    assert str(refused.value) == "IOERR error or timeout connecting to the client"
    assert c.call("GET", "k") == b"v"


def test_migrate_is_propagated_as_del(servers, swirl_bin, redis_bin):
    source = servers.start(swirl_bin, "--save", "", "--appendonly", "yes")
    target = servers.start(redis_bin, *ARGS)
    c = source.client()
    c.call("SET", "a", "1")
    c.call("SET", "b", "2")
    assert c.call("MIGRATE", "127.0.0.1", target.port, "", 0, 5000, "KEYS", "a", "b") == "OK"
    source.stop()
    again = servers.start(swirl_bin, "--save", "", "--appendonly", "yes", dir=source.dir)
    assert again.client().call("DBSIZE") == 0
