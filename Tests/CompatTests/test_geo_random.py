"""Seeded random geo command sequences, sent to redis-server and Swirl with
every reply compared byte for byte: points anywhere on the indexed globe
(near the ±85.05° limits and the antimeridian too), clusters and exact
duplicates (so that equal distances meet COUNT's partial sort), random radii
and boxes in every unit, every option of GEORADIUS, GEORADIUSBYMEMBER, their
_RO forms, GEOSEARCH and GEOSEARCHSTORE in random order and combination
(including the invalid ones), stored results read back, both sorted-set
encodings, RESP2 and RESP3. The seeds are fixed, so a failure reproduces;
the message shows the commands that led to it."""
import random

import pytest

import compat

UNITS = ["m", "km", "ft", "mi", "KM", "Mi", "M", "furlong"]
HUBS = [(13.361389, 38.115556), (-179.99, 0.5), (179.995, -12.25), (0.0, 85.05), (-70.5, -85.0511),
        (2.35, 48.85), (-122.42, 37.77), (151.2, -33.87), (0.0, 0.0)]


class Generator:
    def __init__(self, seed, large):
        self.r = random.Random(seed)
        self.large = large
        self.members = ["m%d" % i for i in range(400 if large else 40)] + ["", "x" * 70]
        self.points = []

    def decimals(self, value):
        r = self.r
        return repr(value) if r.random() < 0.5 else ("%." + str(r.randint(0, 8)) + "f") % value

    def point(self):
        r = self.r
        kind = r.random()
        if kind < 0.3 and self.points:
            return r.choice(self.points)  # an exact duplicate: equal distances
        if kind < 0.7:
            lon, lat = r.choice(HUBS)
            spread = r.choice([0.0001, 0.01, 0.5, 3])
            lon = max(-180.0, min(180.0, lon + r.uniform(-spread, spread)))
            lat = max(-85.05112878, min(85.05112878, lat + r.uniform(-spread, spread)))
        elif kind < 0.995:
            lon, lat = r.uniform(-180, 180), r.uniform(-85.05112878, 85.05112878)
        else:
            lon, lat = r.choice([(180, 85.05112878), (-180, -85.05112878), (180.0001, 0), (0, 85.06),
                                 (0, -85.0512), ("x", 1), (1, "nan"), ("inf", 0), (0, "-0")])
            return (str(lon), str(lat))
        p = (self.decimals(lon), self.decimals(lat))
        self.points.append(p)
        return p

    def member(self):
        return self.r.choice(self.members)

    def key(self):
        return self.r.choice(["g1", "g1", "g1", "g2", "nokey", "str"])

    def distance(self):
        r = self.r
        if r.random() < 0.05:
            return r.choice(["0", "-1", "x", "inf", "1e-300"])
        return r.choice([repr(10 ** r.uniform(-1, 7.5)), str(r.randint(0, 5000)), "%.3f" % (10 ** r.uniform(0, 4))])

    def unit(self):
        return self.r.choice(UNITS[:4] * 8 + UNITS[4:])

    def options(self, store, search_store=False):
        r = self.r
        parts = []
        if not search_store:
            for word in ("WITHDIST", "WITHHASH", "WITHCOORD"):
                if r.random() < 0.3:
                    parts.append([word])
        if r.random() < 0.5:
            parts.append([r.choice(["ASC", "DESC", "asc"])])
        if r.random() < 0.5:
            count = ["COUNT", r.choice(["1", "2", "3", "5", "10", "50", str(r.randint(1, 100))] * 3 + ["0", "-1", "x"])]
            if r.random() < 0.3:
                count.append("ANY")
            parts.append(count)
        elif r.random() < 0.03:
            parts.append(["ANY"])
        if store and r.random() < 0.3:
            parts.append([r.choice(["STORE", "STOREDIST"]), r.choice(["d1", "d2", "str"])])
        if search_store and r.random() < 0.4:
            parts.append(["STOREDIST"])
        r.shuffle(parts)
        return parts

    def centre(self):
        r = self.r
        if r.random() < 0.5:
            return ["FROMMEMBER", r.choice(self.members[:12])]
        return ["FROMLONLAT"] + list(self.point())

    def shape(self):
        r = self.r
        if r.random() < 0.5:
            return ["BYRADIUS", self.distance(), self.unit()]
        return ["BYBOX", self.distance(), self.distance(), self.unit()]

    def search_parts(self):
        r = self.r
        parts = [self.centre(), self.shape()]
        if r.random() < 0.04:
            parts.append(self.centre())
        if r.random() < 0.04:
            parts.append(self.shape())
        if r.random() < 0.03:
            parts.pop(r.randrange(len(parts)))
        return parts

    def command(self):
        r = self.r
        name = r.choice(["geoadd"] * 5 + ["geopos", "geohash", "geodist", "georadius", "georadius_ro",
                                          "georadiusbymember", "georadiusbymember_ro"] + ["geosearch"] * 3
                        + ["geosearchstore"] * 2 + ["zrange", "zrem"])
        if name == "geoadd":
            args = [name, r.choice(["g1", "g1", "g2", "str"])]
            args += r.sample(["NX", "XX", "CH"], r.randint(0, 2)) if r.random() < 0.4 else []
            for _ in range(r.randint(1, 30 if self.large else 4)):
                args += list(self.point()) + [self.member()]
            return args + (["1"] if r.random() < 0.03 else [])
        if name in ("geopos", "geohash"):
            return [name, self.key()] + [self.member() for _ in range(r.randint(0, 4))]
        if name == "geodist":
            return [name, self.key(), self.member(), self.member()] + (
                [self.unit()] if r.random() < 0.7 else []) + (["x"] if r.random() < 0.03 else [])
        if name in ("georadius", "georadius_ro"):
            return [name, self.key()] + list(self.point()) + [self.distance(), self.unit()] + sum(self.options(
                store=name == "georadius"), [])
        if name in ("georadiusbymember", "georadiusbymember_ro"):
            return [name, self.key(), r.choice(self.members[:12]), self.distance(), self.unit()] + sum(self.options(
                store=name == "georadiusbymember"), [])
        if name == "geosearch":
            parts = self.search_parts() + self.options(store=False)
            r.shuffle(parts)
            return [name, self.key()] + sum(parts, [])
        if name == "geosearchstore":
            parts = self.search_parts() + self.options(store=False, search_store=True)
            if r.random() < 0.05:
                parts.append(["WITHDIST"])
            r.shuffle(parts)
            return [name, r.choice(["d1", "d2", "str"]), self.key()] + sum(parts, [])
        if name == "zrange":
            return [name, r.choice(["d1", "d2", "g1"]), "0", "-1", "WITHSCORES"]
        return [name, r.choice(["g1", "g2"]), self.member()]


def flatten(parts):
    return sum(([p] if isinstance(p, str) else p for p in parts), [])


@pytest.mark.parametrize("seed,large", [(s, False) for s in range(1, 5)] + [(s, True) for s in range(11, 15)],
                         ids=lambda v: str(v))
def test_random_geo_commands(seed, large, compat_servers):
    gen = Generator(seed, large)
    setup = [("SET", "str", "v"), ("HELLO", gen.r.choice(["2", "3"]))]
    if large:
        setup.append(("CONFIG", "SET", "zset-max-listpack-entries", "16"))
    compat.run_random(compat_servers, seed, "geo", setup, lambda: flatten(gen.command()), 1500,
                      reset=[("CONFIG", "SET", "zset-max-listpack-entries", "128")], shown=600)
