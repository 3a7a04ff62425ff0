"""pytest fixtures for the black-box integration tests.

`swirl` is a freshly started Swirl (or redis-server when
SWIRL_TEST_TARGET=redis) with AOF off; `servers` starts any binary with any
arguments and cleans up whatever is left running at the end of the test.
A missing binary is a test *error*, never a skip: a suite that silently skips
everything looks green.
"""
import pytest

import harness


def _binary_or_fail(find):
    try:
        return find()
    except harness.BinaryMissing as e:
        message = str(e)
    pytest.fail(message, pytrace=False)  # outside `except`: no chained traceback


@pytest.fixture(scope="session")
def redis_bin():
    return _binary_or_fail(harness.redis_binary)


@pytest.fixture(scope="session")
def swirl_bin():
    return _binary_or_fail(harness.swirl_binary)


class ServerPool:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.started = []
        self._dirs = 0

    def new_dir(self):
        self._dirs += 1
        d = self.tmp_path / ("data%d" % self._dirs)
        d.mkdir()
        return d

    def start(self, binary, *args, dir=None, **kw):
        server = harness.start_server(binary, *args,
                                      dir=dir if dir is not None else self.new_dir(),
                                      **kw)
        self.started.append(server)
        return server

    def cleanup(self):
        for s in self.started:
            s.kill9()


@pytest.fixture
def servers(tmp_path):
    pool = ServerPool(tmp_path)
    yield pool
    pool.cleanup()


@pytest.fixture
def swirl(servers, swirl_bin):
    # AOF is on by default in Swirl and off in Redis: always say which.
    return servers.start(swirl_bin, "--appendonly", "no", "--save", "")
