"""redis-benchmark as a load generator: many connections, deep pipelines,
and a strict client. This is a smoke test (it asserts completion and
correctness, never speed); measuring speed is scripts/bench.sh's job."""
import re
import shutil
import subprocess

import pytest

TESTS = ["SET", "GET", "INCR", "HSET"]


@pytest.fixture(scope="session")
def redis_benchmark():
    path = shutil.which("redis-benchmark")
    if not path:
        pytest.fail("redis-benchmark not found on PATH", pytrace=False)
    return path


def run(redis_benchmark, server, *args):
    proc = subprocess.run([redis_benchmark, "-p", str(server.port), *args],
                          capture_output=True, timeout=300)
    # -q prints progress lines ending in \r, then one final line per test.
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    return proc.returncode, [l.strip() for l in re.split(r"[\r\n]", text) if l.strip()]


def results(lines):
    found = {}
    for line in lines:
        m = re.match(r"^([A-Z]+): ([0-9.]+) requests per second", line)
        if m:
            found[m.group(1)] = float(m.group(2))
    return found


@pytest.mark.parametrize("pipeline", ["1", "16"])
def test_benchmark_completes(redis_benchmark, swirl, pipeline):
    n = "20000" if pipeline == "16" else "5000"
    rc, lines = run(redis_benchmark, swirl, "-t", "set,get,incr,hset",
                    "-n", n, "-P", pipeline, "-q")
    assert rc == 0, lines
    assert not [l for l in lines if "error" in l.lower()], lines
    got = results(lines)
    assert sorted(got) == sorted(TESTS), lines
    assert all(rps > 0 for rps in got.values()), got


def test_benchmark_leaves_correct_data(redis_benchmark, swirl):
    # Without -r every INCR hits the one key `counter:__rand_int__`, so the
    # final value is exact: a lost or doubled command shows up here.
    rc, lines = run(redis_benchmark, swirl, "-t", "incr", "-n", "20000",
                    "-P", "16", "-c", "20", "-q")
    assert rc == 0, lines
    assert swirl.client().call("GET", "counter:__rand_int__") == b"20000"
