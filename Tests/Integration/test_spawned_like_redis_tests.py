"""Redis's own test framework (tests/support/server.tcl at 7.0.15) starts a
server as `redis-server <config-file>`, with stdout and stderr to files, and
then: waits for ` PID: <pid>` in stdout (the logo's line; the config sets
`always-show-logo yes`), retries on another port when stdout says `Failed
listening on port`, waits for a new `Ready to accept` line, talks RESP over
TCP and over the config's `unixsocket`, and stops the server with SIGTERM.
These tests do the same with a config of the directives its
tests/assets/default.conf sets (the pid file in the test's directory rather
than /var/run)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile

import pytest

import harness
from harness import wait_until
from resp import RespClient


@pytest.fixture(params=["swirl", "redis"])
def both(request, swirl_bin, redis_bin):
    return swirl_bin if request.param == "swirl" else redis_bin


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="swirl-tf-")  # short: the unix socket lives here
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write_config(directory, port):
    path = os.path.join(directory, "redis.conf")
    lines = [
        "always-show-logo yes", "notify-keyspace-events KEA", "daemonize no",
        "pidfile %s/redis.pid" % directory, "port %d" % port, "timeout 0", "bind 127.0.0.1",
        "loglevel verbose", "logfile ''", "databases 16", "latency-monitor-threshold 1",
        "repl-diskless-sync-delay 0", "save 900 1", "rdbcompression yes", "dbfilename dump.rdb",
        "dir %s" % directory, "slave-serve-stale-data yes", "appendonly no", "appendfsync everysec",
        "no-appendfsync-on-rewrite no", "activerehashing yes",
        "enable-protected-configs yes", "enable-debug-command yes", "enable-module-command yes",
        "propagation-error-behavior panic", "unixsocket %s/socket" % directory,
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def spawn(binary, directory, port):
    config = write_config(directory, port)
    stdout, stderr = os.path.join(directory, "stdout"), os.path.join(directory, "stderr")
    with open(stdout, "ab") as out, open(stderr, "ab") as err:
        proc = subprocess.Popen([binary, config], stdout=out, stderr=err, cwd=directory)
    return proc, stdout, stderr


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def test_started_and_stopped_as_the_framework_does(both, workdir):
    port = harness.free_port()
    proc, stdout, stderr = spawn(both, workdir, port)
    try:
        # wait_server_started: the logo's PID line names the process it spawned.
        wait_until(lambda: re.search(" PID: %d" % proc.pid, read(stdout)), "the PID line in stdout")
        wait_until(lambda: read(stdout).count("Ready to accept") == 1, "Ready to accept")
        # The first line of stdout is no error (the framework checks it for a config error).
        assert "FATAL CONFIG FILE ERROR" not in read(stdout).splitlines()[0]
        with RespClient(port) as c:
            assert c.call("PING") == "PONG"
            assert c.call("CONFIG", "GET", "notify-keyspace-events") == [b"notify-keyspace-events", b"AKE"]
        with RespClient(None, unix=os.path.join(workdir, "socket")) as c:
            assert c.call("SELECT", "9") == "OK"
            assert c.call("DEBUG", "SLEEP", "0") == "OK"
        assert read(os.path.join(workdir, "redis.pid")) == "%d\n" % proc.pid
        # kill_server: SIGTERM, and the process is gone.
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(harness.WAIT) == 0
        assert read(stderr) == ""
        assert not os.path.exists(os.path.join(workdir, "socket"))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_busy_port_says_so_in_stdout(both, workdir):
    # The framework retries on another port when stdout says "Failed listening on port".
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc, stdout, _ = spawn(both, workdir, port)
        assert proc.wait(harness.WAIT) == 1
    assert re.search("Failed listening on port %d \\(TCP\\), aborting" % port, read(stdout))
