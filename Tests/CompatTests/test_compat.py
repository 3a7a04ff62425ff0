"""Every scripts/*.redis file, replayed against redis-server and Swirl with
the replies compared byte for byte. See README.md for the script syntax."""
import glob
import os

import pytest

import compat

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = sorted(glob.glob(os.path.join(HERE, "scripts", "*.redis")))


def test_scripts_exist():
    assert SCRIPTS, "no scripts found in %s/scripts" % HERE


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: os.path.basename(p))
def test_script(script, compat_servers):
    redis, swirl = compat_servers
    for s in compat_servers:
        if not s.alive:
            pytest.fail("%r is not running (crashed in an earlier script?)\n%s"
                        % (s, s.log_tail()), pytrace=False)
    compared, problems = compat.run_diff(script, redis.port, swirl.port)
    compat.COMPARED.append((os.path.basename(script), compared))
    if not swirl.alive:
        problems.append("Swirl exited during this script; log tail:\n"
                        + swirl.log_tail())
    if problems:
        pytest.fail("%d mismatching replies in %s:\n%s" % (
            sum(1 for p in problems if p.startswith(os.path.basename(script))),
            os.path.basename(script), "\n".join(problems)), pytrace=False)


# The script syntax itself: a parser bug would silently test the wrong thing.
@pytest.mark.parametrize("line,expected", [
    ('SET k v', [b"SET", b"k", b"v"]),
    ('SET "a b" \'c d\'', [b"SET", b"a b", b"c d"]),
    ('ECHO ""', [b"ECHO", b""]),
    ('ECHO "\\x00\\xff\\r\\n"', [b"ECHO", b"\x00\xff\r\n"]),
    ('ECHO \\x41B', [b"ECHO", b"AB"]),
    ('KEYS "h\\\\*llo"', [b"KEYS", b"h\\*llo"]),
    ("ECHO 'say \"hi\"'", [b"ECHO", b'say "hi"']),
    ('ECHO a#b', [b"ECHO", b"a#b"]),
    ('ECHO "\xe9"', [b"ECHO", "\xe9".encode()]),
])
def test_split_args(line, expected):
    assert compat.split_args(line) == expected


@pytest.mark.parametrize("line", ['ECHO "unterminated', 'ECHO \\q'])
def test_split_args_rejects(line):
    with pytest.raises(compat.ScriptError):
        compat.split_args(line)
