"""Session fixtures for the differential tests: one redis-server and one
Swirl, started once and shared by every script (each script FLUSHALLs)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "Integration"))
import harness  # noqa: E402
from compat import COMPARED  # noqa: E402

# Identical arguments for both, so CONFIG GET of these agrees.
COMMON_ARGS = ("--appendonly", "no", "--save", "", "--enable-debug-command", "yes")

@pytest.fixture(scope="session")
def compat_servers(tmp_path_factory):
    try:
        redis_bin, swirl_bin = harness.redis_binary(), harness.swirl_binary()
        missing = None
    except harness.BinaryMissing as e:
        missing = str(e)
    if missing:
        pytest.fail(missing, pytrace=False)
    started = []
    try:
        for binary, name in ((redis_bin, "redis"), (swirl_bin, "swirl")):
            started.append(harness.start_server(
                binary, *COMMON_ARGS, dir=tmp_path_factory.mktemp("compat-" + name)))
        yield tuple(started)
    finally:
        for s in started:
            s.kill9()


def pytest_terminal_summary(terminalreporter):
    if COMPARED:
        terminalreporter.write_line(
            "compat: %d replies compared byte for byte over %d scripts%s" % (
                sum(n for _, n in COMPARED), len(COMPARED),
                " (SWIRL_TEST_TARGET=redis: Redis vs Redis)"
                if harness.target_is_redis() else ""))
