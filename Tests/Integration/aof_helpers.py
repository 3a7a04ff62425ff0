"""What the AOF tests share: a snapshot of a server's keyspace, its comparison
after a restart, INFO persistence, and waiting for rewrites."""
from harness import info_fields, wait_until

# A rewrite of 20,000 keys took 0.34 s, of 70,000 keys 0.52 s, in a debug build
# at load average 7; thirty seconds leave room for a machine far busier.
REWRITE_WAIT = 30.0

from resp import RespError


# How each type's value is read, and made comparable.
VALUE_READERS = {
    "string": (lambda key: ("GET", key), lambda raw: raw),
    "hash": (lambda key: ("HGETALL", key), lambda raw: dict(zip(raw[::2], raw[1::2]))),
    "list": (lambda key: ("LRANGE", key, 0, -1), lambda raw: raw),
    "set": (lambda key: ("SMEMBERS", key), sorted),
    "zset": (lambda key: ("ZRANGE", key, 0, -1, "WITHSCORES"), lambda raw: raw),
}


def pipeline(c, commands):
    """c.pipeline, raising the first error reply as c.call does."""
    replies = c.pipeline(commands)
    for reply in replies:
        if isinstance(reply, RespError):
            raise reply
    return replies


def snapshot(server, dbs=range(16)):
    """{(db, key): (type, value, ttl_ms or -1)} for every live key.

    Pipelined a SCAN batch at a time (TYPE of each key, then its value and PTTL):
    a few round trips per thousand keys rather than three per key, so a snapshot
    of a large keyspace on a loaded machine lasts seconds, not minutes. Every reply
    still has the client's timeout to arrive."""
    c = server.client()
    data = {}
    for db in dbs:
        c.call("SELECT", db)
        cursor, seen = b"0", set()
        while True:
            cursor, batch = c.call("SCAN", cursor, "COUNT", 1000)
            keys = [key for key in dict.fromkeys(batch) if key not in seen]
            seen.update(keys)
            kinds = pipeline(c, [("TYPE", key) for key in keys])
            # "none": expired between SCAN and TYPE.
            live = [(key, kind) for key, kind in zip(keys, kinds) if kind != "none"]
            commands = []
            for key, kind in live:
                read = VALUE_READERS.get(kind)
                commands += [read[0](key) if read else ("TYPE", key), ("PTTL", key)]
            replies = pipeline(c, commands)
            for i, (key, kind) in enumerate(live):
                raw, ttl = replies[2 * i], replies[2 * i + 1]
                value = VALUE_READERS[kind][1](raw) if kind in VALUE_READERS else kind
                data[(db, key)] = (kind, value, ttl)
            if cursor == b"0":
                break
    c.call("SELECT", 0)
    return data


def assert_same_data(before, after, ttl_slack_ms=20000):
    assert sorted(before) == sorted(after), (
        "keys differ: missing %r, unexpected %r" % (
            sorted(set(before) - set(after))[:20], sorted(set(after) - set(before))[:20]))
    for k, (kind, value, ttl) in before.items():
        kind2, value2, ttl2 = after[k]
        assert (kind, value) == (kind2, value2), k
        if ttl < 0:
            assert ttl2 == ttl, (k, ttl, ttl2)
        else:  # time passed during the restart; the deadline must not move later
            assert 0 < ttl2 <= ttl and ttl - ttl2 < ttl_slack_ms, (k, ttl, ttl2)


def typed_snapshot(server, kind, dbs=(0, 3)):
    """{(db, key): (value, ttl_ms or -1)} for the keys of one type."""
    return {k: (value, ttl) for k, (t, value, ttl) in snapshot(server, dbs).items() if t == kind}


def assert_same_typed(before, after):
    """`typed_snapshot`s before and after a restart hold the same data; TTLs only shrink."""
    assert sorted(before) == sorted(after)
    for key, (value, ttl) in before.items():
        value2, ttl2 = after[key]
        assert value == value2, key
        assert (ttl < 0 and ttl2 == ttl) or (0 < ttl2 <= ttl), (key, ttl, ttl2)


def persistence(c):
    return info_fields(c, "persistence")


def wait_for_rewrites(c, count):
    """Until INFO says `count` rewrites were started (as Redis counts them) and
    none runs or waits to run; returns INFO persistence then."""
    def finished():
        info = persistence(c)
        done = int(info["aof_rewrites"]) >= count and info["aof_rewrite_in_progress"] == "0" \
            and info["aof_rewrite_scheduled"] == "0"
        return info if done else None
    return wait_until(finished, "%d finished AOF rewrites" % count, REWRITE_WAIT)


def rewrite(c):
    """BGREWRITEAOF, and wait until it has succeeded."""
    count = int(persistence(c)["aof_rewrites"]) + 1
    assert c.call("BGREWRITEAOF") == "Background append only file rewriting started"
    info = wait_for_rewrites(c, count)
    assert info["aof_last_bgrewrite_status"] == "ok", info
