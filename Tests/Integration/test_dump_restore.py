"""DUMP and RESTORE between Swirl and redis-server 7.0.15, both ways, for
every type and encoding (the dataset of test_rdb.populate), compared by
content; and payloads corrupted on the wire get Redis's errors from both."""
import pytest

from aof_helpers import assert_same_data, snapshot
from resp import RespError
from test_rdb import NO_AOF, populate


def move_all(source, target):
    """Every key of source's databases DUMPed and RESTOREd into target, with its TTL."""
    src, dst = source.client(), target.client()
    for db in (0, 3, 15):
        src.call("SELECT", db)
        dst.call("SELECT", db)
        for key in src.call("KEYS", "*"):
            payload = src.call("DUMP", key)
            ttl = src.call("PTTL", key)
            assert dst.call("RESTORE", key, max(ttl, 0), payload) == "OK", key


@pytest.mark.parametrize("direction", ["redis-to-swirl", "swirl-to-redis"])
def test_every_type_moves(servers, swirl_bin, redis_bin, direction):
    redis = servers.start(redis_bin, "--save", "", *NO_AOF)
    swirl = servers.start(swirl_bin, "--save", "", *NO_AOF)
    source, target = (redis, swirl) if direction == "redis-to-swirl" else (swirl, redis)
    populate(source.client())
    move_all(source, target)
    assert_same_data(snapshot(source, dbs=(0, 3, 15)), snapshot(target, dbs=(0, 3, 15)))


def test_payloads_of_both_servers_match_for_compact_values(servers, swirl_bin, redis_bin):
    redis = servers.start(redis_bin, "--save", "", *NO_AOF).client()
    swirl = servers.start(swirl_bin, "--save", "", *NO_AOF).client()
    for c in (redis, swirl):
        c.call("RPUSH", "list", "a", "1", "-300", "x" * 70)
        c.call("SADD", "intset", 3, 1, 2)
        c.call("ZADD", "zset", 1, "a", 2.5, "b")
        c.call("HSET", "hash", "f", "v", "n", "12")
        c.call("SET", "int", 123456)
        c.call("SET", "short", "hello")
    for key in ("list", "intset", "zset", "hash", "int", "short"):
        assert swirl.call("DUMP", key) == redis.call("DUMP", key), key


def test_corrupt_payloads_get_redis_errors(servers, swirl_bin, redis_bin):
    redis = servers.start(redis_bin, "--save", "", *NO_AOF).client()
    swirl = servers.start(swirl_bin, "--save", "", *NO_AOF).client()
    redis.call("RPUSH", "l", "a", "b")
    payload = redis.call("DUMP", "l")
    broken = bytearray(payload)
    broken[2] ^= 0x40
    for bad in (b"", b"x" * 9, bytes(broken), payload[:-1]):
        errors = []
        for c in (redis, swirl):
            with pytest.raises(RespError) as refused:
                c.call("RESTORE", "k", 0, bad)
            errors.append(str(refused.value))
        assert errors[0] == errors[1] == "ERR DUMP payload version or checksum are wrong"
