"""Random commands drawn from the grammars redis-server itself publishes
(COMMAND DOCS): every argument tree of every command and subcommand, with
keys from a small shared pool (so types clash), values that are often numbers,
and numbers that are often at the edges of 32 and 64 bits. Used by
test_grammar_random.py; see its docstring for what is compared and how."""
import random

KEYS = ["k1", "k2", "k3", "k4", "k5", "{a}x"]
BOUNDARY = ["0", "1", "-1", "2", "3", "10", "-10", "100", "2147483647", "2147483648", "-2147483648",
            "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "4611686018427387903",
            "4611686018427387904", "-4611686018427387904", "9223372036854775", "9223372036854776",
            "536870911", "536870912", "1048576", "x", "", "1.5", "01", "-0", "+1", " 1", "0x10", "1e3"]
SMALL = ["0", "1", "2", "3", "5", "-1", "-2", "-3", "10", "-10"]
# No denormals (5e-324): reading one leaves errno at ERANGE in Redis, and its SORT
# checks errno without clearing it, so a later SORT on that connection fails.
DOUBLES = ["0", "1", "-1", "1.5", "-2.25", "1e3", "inf", "-inf", "+inf", "nan", "1e308", "-1e308", "1e400",
           "0.1", "x", "", "(1", "(inf", "3", "9223372036854775807", ".5", "2.2250738585072014e-308"]
VALUES = ["v", "", "hello", "12", "-3", "3.5", "a\x00b", "x" * 70, "9223372036854775807", "abc", "0",
          "b", "c", "1", "2", "10", "-1", "aa", "ab", "[a", "(a", "-", "+"]
PATTERNS = ["*", "k*", "k?", "[a-z]*", "{a}*", "*x*", "\\*", "[", "h*llo", ""]
UNIX_TIMES = ["4000000000", "4100000000", "1", "0", "-1", "9223372036854775807", "9223372036854775",
              "4000000000123", "-9223372036854775808", "x"]
# A relative expiry: now (a deletion), far away, or an error; never a second or
# two, which would fire between the two servers' runs of the same command.
RELATIVE_TIMES = ["0", "-1", "-10", "100000", "1000000", "9223372036854775807", "9223372036854775",
                  "9223372036854776", "-9223372036854775808", "4611686018427387904", "x", "1.5"]
RELATIVE_MS = ["0", "-1", "-10", "100000000", "1000000000"] + RELATIVE_TIMES[5:]
# A blocking command's timeout: short enough to answer at once, or an error;
# never 0 or a huge value, which would block the connection for good.
TIMEOUTS = ["0.01", "0.001", "0.02", "-1", "x", "nan", "1e400", "-0.5", "-9223372036854775808"]


BLOCKING = {"blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "wait",
            "xread", "xreadgroup"}
# XREAD/XREADGROUP BLOCK takes milliseconds: a millisecond at most, or an error.
STREAM_BLOCK_MS = ["1", "2", "-1", "x", "1.5", "-9223372036854775808"]
# Stream IDs (and what stands for one), for the stream commands' ID arguments.
STREAM_IDS = ["0", "0-0", "0-1", "1", "1-0", "1-1", "2-0", "3", "5-*", "1-*", "-", "+", "(1", "(0-1", "(2-0",
              "$", ">", "18446744073709551615-18446744073709551615", "18446744073709551615", "18446744073709551615-*",
              "9223372036854775807-1", "x", "1-x", "", "-1", "+1", "007-1"]
# A minimum idle time compared with the time since a delivery: 0 or far beyond
# any test, never a few milliseconds, which would read the clock differently in each server.
STREAM_MIN_IDLE = ["0", "-1", "100000000", "9223372036854775807", "x", "-9223372036854775808"]


# Each data type's commands mostly use their own key, so most commands get past
# WRONGTYPE to their numbers; the others are shared, so types still clash.
HOME = {b"string": "k1", b"list": "k2", b"set": "k3", b"sorted-set": "k4", b"hash": "k5", b"stream": "k6"}


class Generator:
    def __init__(self, seed, docs):
        self.r = random.Random(seed)
        self.docs = docs
        self.home = None

    def key(self):
        return self.home if self.home and self.r.random() < 0.7 else self.r.choice(KEYS)

    def number(self, name):
        r = self.r
        if self.home == "k6" and name == "milliseconds":
            return r.choice(STREAM_BLOCK_MS)
        if self.home == "k6" and name == "min-idle-time":
            return r.choice(STREAM_MIN_IDLE)
        if "timeout" in name:
            return r.choice(TIMEOUTS)
        if name in ("seconds", "milliseconds"):
            return r.choice(RELATIVE_TIMES if name == "seconds" else RELATIVE_MS)
        return r.choice(BOUNDARY) if r.random() < 0.35 else r.choice(SMALL)

    def leaf(self, arg):
        r, kind, name = self.r, arg[b"type"], arg[b"name"].decode()
        if kind == b"key":
            return self.key()
        if kind == b"integer":
            return self.number(name)
        if kind == b"double":
            return r.choice(TIMEOUTS) if "timeout" in name else r.choice(DOUBLES)
        if kind == b"pattern":
            return r.choice(PATTERNS)
        if kind == b"unix-time":
            return r.choice(UNIX_TIMES)
        if kind == b"pure-token":
            return None
        # strings: what the name says they are, else a value (often numeric)
        if self.home == "k6" and name in ("id", "start", "end", "threshold", "last-id", "lastid", "max-deleted-id"):
            return r.choice(STREAM_IDS)
        if self.home == "k6" and name in ("group", "consumer"):
            return r.choice(["g1", "g2", "c1", "c2", "", "a\x00b"])
        if name in ("min", "max", "start", "end"):
            return r.choice(DOUBLES + ["[a", "(b", "-", "+", "[", "(c"])
        if name in ("count", "index", "offset", "rank", "len", "numkeys", "seconds", "milliseconds"):
            return self.number(name)
        return r.choice(VALUES + SMALL + BOUNDARY[:10])

    def one(self, arg):
        """The words for one occurrence of `arg` (token included)."""
        kind = arg[b"type"]
        words = []
        if b"token" in arg:
            token = arg[b"token"].decode()
            words.append(token.lower() if self.r.random() < 0.1 else token)
        if kind == b"oneof":
            words += self.one(self.r.choice(arg[b"arguments"]))
        elif kind == b"block":
            words += self.sequence(arg[b"arguments"])
        else:
            value = self.leaf(arg)
            if value is not None:
                words.append(value)
        return words

    def sequence(self, args):
        words = []
        index = 0
        while index < len(args):
            arg = args[index]
            flags = arg.get(b"flags", [])
            index += 1
            if "optional" in flags and self.r.random() < 0.5:
                continue
            repeats = self.r.choice([1, 1, 2, 3]) if "multiple" in flags else 1
            produced = []
            for i in range(repeats):
                part = self.one(arg)
                if i > 0 and "multiple_token" not in flags and b"token" in arg:
                    part = part[1:]  # the token is written once
                produced.append(part)
            # numkeys before a run of keys: mostly the real count
            if (arg[b"name"] == b"numkeys" and index < len(args) and args[index][b"type"] == b"key"
                    and self.r.random() < 0.8):
                keys = self.r.choice([1, 1, 2, 3])
                words.append(str(keys))
                words += [self.key() for _ in range(keys)]
                index += 1
                continue
            for part in produced:
                words += part
        return words

    def command(self, full_name):
        """A random command line for `full_name` (`container|sub` for subcommands)."""
        r = self.r
        doc = self.docs[full_name]
        self.home = HOME.get(doc.get(b"group"))
        head = full_name.split("|")
        words = [w.upper() if r.random() < 0.8 else w for w in head] + self.sequence(doc.get(b"arguments", []))
        # A count below -1000 asks for that many random picks: 2^31 of them fill memory
        # in both servers (the in-process fuzzer covers those with FuzzBounds' limit).
        if full_name in ("srandmember", "hrandfield", "zrandmember") and len(words) > 2:
            try:
                if int(words[2]) < -1000:
                    words[2] = "-5"
            except ValueError:
                pass
        roll = r.random()
        if roll < 0.03:  # wrong arity or a dangling option
            words = words[:r.randint(1, max(1, len(words) - 1))]
        elif roll < 0.06 and full_name not in BLOCKING:  # a word after the timeout becomes the timeout
            words.append(r.choice(["extra", "0", "NX", "LIMIT", "-1"]))
        return words
