"""Differential runner: play a command script against two servers and compare
every reply byte for byte.

Script syntax is documented in README.md next to this file. Run it by hand to
see what a server answers (handy when implementing a command):

    python3 Tests/CompatTests/compat.py --show PORT scripts/strings.redis
    python3 Tests/CompatTests/compat.py --diff PORT_A PORT_B scripts/*.redis
"""
import os
import re
import shlex
import socket
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "Integration"))
from resp import WAIT, RespClient, encode_command, reply_end  # noqa: E402

# Backslash escapes understood inside any token (after shlex grouping).
_ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\0",
           b"\\": b"\\", b"'": b"'", b'"': b'"', b" ": b" "}

# How long a reply may take before the script counts it missing; `@timeout`
# gives one slow command longer.
REPLY_TIMEOUT = WAIT

# (script, replies compared) of every run_diff() in this process, for the
# pytest summary line.
COMPARED = []


class ScriptError(Exception):
    pass


class Step:
    """One script line: a command (compared or not) or a directive."""

    def __init__(self, lineno, text, args=None, compare=True, sleep=None, replies=1, timeout=REPLY_TIMEOUT):
        self.lineno, self.text, self.args = lineno, text, args
        self.compare, self.sleep, self.replies, self.timeout = compare, sleep, replies, timeout


def _unescape(token, where):
    def repl(m):
        esc = m.group(1)
        if esc[:1] == b"x" and len(esc) == 3:
            return bytes([int(esc[1:], 16)])
        if esc in _SIMPLE:
            return _SIMPLE[esc]
        raise ScriptError("%s: unknown escape \\%s" % (where, esc.decode()))
    return _ESCAPE.sub(repl, token.encode("utf-8"))


def split_args(text, where="?"):
    # shlex does the grouping (quotes, whitespace); its own backslash handling
    # is switched off because it differs inside/outside quotes. We decode
    # escapes ourselves, the same way everywhere, so binary bytes are easy.
    lex = shlex.shlex(text, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    lex.escape = ""
    try:
        tokens = list(lex)
    except ValueError as e:
        raise ScriptError("%s: %s" % (where, e))
    return [_unescape(t, where) for t in tokens]


def parse_script(path):
    steps = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            where = "%s:%d" % (os.path.basename(path), lineno)
            if text.startswith("@"):
                word, _, rest = text[1:].partition(" ")
                if word in ("replies", "timeout"):
                    # A command answered by several frames (SUBSCRIBE a b):
                    # read that many and compare them together. Or one that
                    # runs long in a server: wait that many seconds for it.
                    count, _, command = rest.partition(" ")
                    args = split_args(command, where)
                    if not count.isdigit() or not args:
                        raise ScriptError("%s: @%s N COMMAND ..." % (where, word))
                    option = {"replies": int(count)} if word == "replies" else {"timeout": float(count)}
                    steps.append(Step(lineno, text, args=args, **option))
                    continue
                if word != "sleep":
                    raise ScriptError("%s: unknown directive @%s" % (where, word))
                steps.append(Step(lineno, text, sleep=float(rest)))
                continue
            compare = not text.startswith("!")
            if not compare:
                text = text[1:].strip()
            args = split_args(text, where)
            if not args:
                raise ScriptError("%s: empty command" % where)
            steps.append(Step(lineno, text, args=args, compare=compare))
    return steps


def fresh_connection(port):
    """A connection in the state every script starts from: RESP2, DB 0,
    empty dataset."""
    c = RespClient(port, timeout=REPLY_TIMEOUT)
    for cmd in (("FLUSHALL",), ("HELLO", "2"), ("SELECT", "0")):
        c.call_raw(*cmd)  # the reply itself is not part of the comparison
    return c


def _exchange(client, args, replies=1, timeout=REPLY_TIMEOUT):
    """Send one command; return its raw reply (`replies` frames joined) or a
    readable failure marker."""
    try:
        client.sock.settimeout(timeout)
        client.send_raw(encode_command(*args))
        return b"".join(client.read_reply() for _ in range(replies))
    except socket.timeout:
        return "<no reply within %.0fs>" % timeout
    except (ConnectionError, OSError) as e:
        return "<connection lost: %s>" % e
    finally:
        client.sock.settimeout(REPLY_TIMEOUT)


def run_random(servers, seed, label, setup, next_command, count, reset=(), shown=400):
    """The seeded random runs: `setup` on a fresh connection to each server,
    then `count` commands from `next_command()`, each reply compared byte for
    byte (the first difference fails the test, with the commands before it);
    `reset` puts back what `setup` changed on the shared servers."""
    redis, swirl = servers
    a, b = fresh_connection(redis.port), fresh_connection(swirl.port)
    try:
        for command in setup:
            a.call_raw(*command)
            b.call_raw(*command)
        history = []
        for _ in range(count):
            command = next_command()
            history.append(command)
            ra, rb = _exchange(a, command), _exchange(b, command)
            if ra != rb:
                pytest.fail("seed %d: %r\n  redis %r\n  swirl %r\nafter:\n  %s" % (
                    seed, command, ra[:shown], rb[:shown], "\n  ".join(map(repr, history[-10:-1]))), pytrace=False)
        COMPARED.append(("random %s seed %d" % (label, seed), len(history)))
    finally:
        for c in (a, b):
            for command in reset:
                c.call_raw(*command)
            c.close()


def elements(raw):
    """Header line and raw element replies of one aggregate reply (to sort
    the elements of a reply whose order Redis leaves random)."""
    head_end = raw.index(b"\r\n") + 2
    items, pos = [], head_end
    while pos < len(raw):
        end = reply_end(raw, pos)
        items.append(raw[pos:end])
        pos = end
    return raw[:head_end], items


def run_diff(path, port_a, port_b, name_a="redis", name_b="swirl", max_report=25):
    """Return (number of compared replies, list of mismatch descriptions)."""
    steps = parse_script(path)
    a, b = fresh_connection(port_a), fresh_connection(port_b)
    compared, problems = 0, []
    try:
        for st in steps:
            if st.sleep is not None:
                time.sleep(st.sleep)
                continue
            ra, rb = _exchange(a, st.args, st.replies, st.timeout), _exchange(b, st.args, st.replies, st.timeout)
            broken = isinstance(ra, str) or isinstance(rb, str)
            if st.compare or broken:
                compared += 1
                if ra != rb:
                    problems.append("%s:%d: %s\n    %-6s %r\n    %-6s %r" % (
                        os.path.basename(path), st.lineno, st.text,
                        name_a + ":", ra, name_b + ":", rb))
            if broken:
                problems.append("stream is out of sync; rest of script skipped")
                break
            if len(problems) >= max_report:
                problems.append("... stopping after %d mismatches" % max_report)
                break
    finally:
        a.close()
        b.close()
    return compared, problems


def show(path, port):
    c = fresh_connection(port)
    for st in parse_script(path):
        if st.sleep is not None:
            time.sleep(st.sleep)
            continue
        print("%4d %s%s\n     -> %r" % (st.lineno, "" if st.compare else "! ",
                                        st.text, _exchange(c, st.args, st.replies, st.timeout)))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--show":
        for p in sys.argv[3:]:
            show(p, int(sys.argv[2]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "--diff":
        total = 0
        for p in sys.argv[4:]:
            n, probs = run_diff(p, int(sys.argv[2]), int(sys.argv[3]), "A", "B")
            total += n
            print("%s: %d compared, %d mismatches" % (p, n, len(probs)))
            for pr in probs:
                print(pr)
        print("total compared:", total)
    else:
        print(__doc__)
        sys.exit(2)
