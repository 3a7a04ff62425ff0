"""Geo commands in the AOF, as Redis 7.0.15 writes them: GEOADD as the ZADD
it runs (scores the 52-bit geohashes, its NX/XX/CH words kept), the STORE
forms of GEORADIUS/GEORADIUSBYMEMBER and GEOSEARCHSTORE as typed, searches
that store nothing (and read-only searches) not at all. Swirl's incremental
file is compared byte for byte with the one redis-server writes for the
same commands, and each server loads the other's directory."""
import glob
import os

from resp import decode
from aof_helpers import assert_same_typed, rewrite, typed_snapshot

AOF_ON = ("--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", "no")

COMMANDS = [
    ("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
    ("GEOADD", "Sicily", "CH", "XX", "13.4", "38.1", "Palermo", "1", "1", "absent"),
    ("GEOADD", "Sicily", "NX", "13.361389", "38.115556", "Palermo"),  # changes nothing: not logged
    ("GEOADD", "edge", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "zero"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "radius"),
    ("GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "STOREDIST", "bymember", "COUNT", "1"),
    ("GEOSEARCHSTORE", "search", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "STOREDIST"),
    ("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "10", "km"),
    ("GEORADIUS_RO", "Sicily", "15", "37", "200", "km"),
    ("SET", "gone", "x"),
    ("GEOSEARCHSTORE", "gone", "Sicily", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"),  # deletes: logged
    ("GEOSEARCHSTORE", "gone", "Sicily", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"),  # nothing to delete
    ("SELECT", "3"),
    ("GEOADD", "db3", "2.35", "48.85", "Paris"),
    ("GEOSEARCHSTORE", "copy", "db3", "FROMMEMBER", "Paris", "BYRADIUS", "1", "m"),
    ("SELECT", "0"),
]


def run_all(c):
    for cmd in COMMANDS:
        reply = decode(c.call_raw(*cmd))
        assert not isinstance(reply, Exception), (cmd, reply)


def incremental(directory):
    files = sorted(glob.glob(os.path.join(str(directory), "appendonlydir", "*.incr.aof")))
    assert files, os.listdir(str(directory))
    with open(files[-1], "rb") as f:
        return f.read()


def geo_snapshot(server):
    return typed_snapshot(server, "zset")


def test_geo_aof_is_byte_identical_to_redis_and_loads_both_ways(servers, swirl_bin, redis_bin):
    rd, sd = servers.new_dir(), servers.new_dir()
    r = servers.start(redis_bin, *AOF_ON, dir=rd)
    s = servers.start(swirl_bin, *AOF_ON, dir=sd)
    run_all(r.client())
    run_all(s.client())
    expected = geo_snapshot(r)
    assert expected == geo_snapshot(s)
    assert len(expected) == 7
    assert r.stop() == 0 and s.stop() == 0

    redis_log, swirl_log = incremental(rd), incremental(sd)
    assert b"zadd" in redis_log and b"GEOADD" not in redis_log, redis_log
    assert swirl_log == redis_log

    # Each server loads the other's directory.
    r2 = servers.start(redis_bin, *AOF_ON, dir=sd)
    assert_same_typed(expected, geo_snapshot(r2))
    assert r2.stop() == 0
    s2 = servers.start(swirl_bin, *AOF_ON, dir=rd)
    assert_same_typed(expected, geo_snapshot(s2))
    c = s2.client()
    assert c.call("GEOPOS", "Sicily", "Catania") == [[b"15.08726745843887329", b"37.50266842333162032"]]


def test_rewritten_geo_sets_load_in_redis(servers, swirl_bin, redis_bin):
    d = servers.new_dir()
    s = servers.start(swirl_bin, *AOF_ON, dir=d)
    c = s.client()
    run_all(c)
    pairs = []
    for i in range(300):  # past the listpack threshold: the large form
        pairs += ["%.6f" % (-179.9 + i * 1.2), "%.6f" % (-85 + i * 0.56), "p%d" % i]
    c.call("GEOADD", "big", *pairs)
    rewrite(c)
    before = geo_snapshot(s)
    queries = [("GEOHASH", "big", "p0", "p150", "p299"),
               ("GEOSEARCH", "big", "FROMLONLAT", "0", "0", "BYRADIUS", "5000", "km", "WITHDIST", "WITHCOORD", "ASC")]
    answers = [c.call_raw(*q) for q in queries]
    assert s.stop() == 0
    r = servers.start(redis_bin, *AOF_ON, dir=d)
    assert_same_typed(before, geo_snapshot(r))
    rc = r.client()
    assert [rc.call_raw(*q) for q in queries] == answers
