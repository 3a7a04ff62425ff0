"""Seeded random stream command sequences, sent to redis-server and Swirl with
every reply compared byte for byte: XADD with explicit and `ms-*` IDs, fields
shared with a node's first entry or not, values that listpacks store as
integers or strings of every length class, MAXLEN/MINID trims (`=`, `~`,
LIMIT), XDEL, XTRIM, XRANGE/XREVRANGE and XINFO STREAM, with small node limits
so nodes fill, close and empty all the time. XINFO STREAM shows the node count
and Redis's radix-tree node count, so this checks that Swirl's blocks end
where Redis's listpack nodes end, with deletions and trims. Consumer-group
commands without times (XGROUP, XREADGROUP, XACK, XCLAIM … JUSTID, XINFO
GROUPS) run on the same streams. The seeds are fixed."""
import random

import pytest

import compat

LIMITS = [("7", "200"), ("3", "4096"), ("100", "120")]


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.ms = 1

    def value(self):
        r = self.r
        return r.choice(["1", "v", "", "x" * r.randint(0, 90), "y" * r.choice([63, 64, 127, 128, 4095]),
                         str(r.randint(-10 ** 12, 10 ** 12)), str(r.randint(-200, 200)), "007", "-0",
                         "9223372036854775807", "9223372036854775808"])

    def fields(self):
        r = self.r
        pairs = []
        for i in range(r.randint(1, 3)):
            pairs += [r.choice(["a", "b", "c", "f%d" % i, "f%d" % i]), self.value()]
        return pairs

    def some_id(self):
        r = self.r
        return "%d-%d" % (r.randint(max(0, self.ms - 40), self.ms + 1), r.randint(0, 3))

    def command(self):
        r = self.r
        key = r.choice(["s1", "s2", "s1"])
        roll = r.random()
        if roll < 0.45:
            self.ms += r.randint(0, 2)
            trim = []
            if r.random() < 0.25:
                strategy = r.choice(["MAXLEN", "MINID"])
                threshold = str(r.randint(0, 40)) if strategy == "MAXLEN" else "%d-0" % max(0, self.ms - r.randint(0, 30))
                trim = [strategy] + ([r.choice(["~", "="])] if r.random() < 0.8 else []) + [threshold]
                if "~" in trim and r.random() < 0.5:
                    trim += ["LIMIT", str(r.randint(0, 20))]
            id_ = r.choice(["%d-*" % self.ms, "%d-%d" % (self.ms, r.randint(0, 3)), "%d" % self.ms])
            return ["XADD", key] + trim + [id_] + self.fields()
        if roll < 0.62:
            return ["XDEL", key] + [self.some_id() for _ in range(r.randint(1, 4))]
        if roll < 0.70:
            strategy = r.choice(["MAXLEN", "MINID"])
            threshold = str(r.randint(0, 40)) if strategy == "MAXLEN" else self.some_id()
            command = ["XTRIM", key, strategy] + ([r.choice(["~", "="])] if r.random() < 0.7 else []) + [threshold]
            if "~" in command and r.random() < 0.4:
                command += ["LIMIT", str(r.randint(0, 30))]
            return command
        if roll < 0.78:
            return ["XINFO", "STREAM", key]
        if roll < 0.86:
            low, high = r.choice(["-", self.some_id(), "(" + self.some_id()]), r.choice(["+", self.some_id(), "(" + self.some_id()])
            count = ["COUNT", str(r.randint(-1, 5))] if r.random() < 0.5 else []
            return ["XRANGE", key, low, high] + count if r.random() < 0.5 else ["XREVRANGE", key, high, low] + count
        if roll < 0.89:
            return ["XGROUP", r.choice(["CREATE", "SETID"]), key, r.choice(["g1", "g2"]), r.choice(["$", "0", self.some_id()])]
        if roll < 0.93:
            return ["XREADGROUP", "GROUP", r.choice(["g1", "g2"]), r.choice(["c1", "c2"]), "COUNT", str(r.randint(1, 4))] \
                + (["NOACK"] if r.random() < 0.2 else []) + ["STREAMS", key, r.choice([">", ">", "0"])]
        if roll < 0.95:
            return ["XACK", key, r.choice(["g1", "g2"])] + [self.some_id() for _ in range(r.randint(1, 3))]
        if roll < 0.97:
            return ["XCLAIM", key, r.choice(["g1", "g2"]), r.choice(["c1", "c3"]), "0", self.some_id(), "JUSTID"]
        if roll < 0.99:
            return ["XINFO", "GROUPS", key]
        return ["XLEN", key]


@pytest.mark.parametrize("seed", range(1, 7))
def test_random_stream_commands(seed, compat_servers):
    gen = Generator(seed)
    entries, node_bytes = LIMITS[seed % len(LIMITS)]
    setup = [("HELLO", gen.r.choice(["2", "3"])), ("CONFIG", "SET", "stream-node-max-entries", entries),
             ("CONFIG", "SET", "stream-node-max-bytes", node_bytes)]
    compat.run_random(compat_servers, seed, "streams", setup, gen.command, 2500,
                      reset=[("CONFIG", "SET", "stream-node-max-entries", "100"),
                             ("CONFIG", "SET", "stream-node-max-bytes", "4096")])
