"""Running as a daemon, as Redis 7.0.15 does: `daemonize yes` (the parent
exits, the child leads its own session with its standard streams on
/dev/null), `pidfile` (written at start, removed at a clean exit; Redis's
default path for a daemon without one), `logfile` (checked at start), the
start-up lines tools read (the logo's ` PID: <pid>` line that Redis's test
framework waits for). Tests that take `both` run against redis-server too."""
import os
import signal
import subprocess
import time

import pytest

import harness
from harness import wait_until
from resp import RespClient

DEFAULT_PID_FILE = "/var/run/redis.pid"


@pytest.fixture(params=["swirl", "redis"])
def both(request, swirl_bin, redis_bin):
    return swirl_bin if request.param == "swirl" else redis_bin


class Daemons:
    """Daemons started by a test, killed at its end if they are still there."""

    def __init__(self):
        self.pids = []

    def start(self, binary, directory, *args, prefix=()):
        port = harness.free_port()
        out = subprocess.run(list(prefix) + [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
                              "--appendonly", "no", "--save", "", "--daemonize", "yes"] + list(args),
                             capture_output=True, timeout=30)
        # The parent leaves at once, successfully, having printed nothing.
        assert out.returncode == 0, out
        assert out.stdout == b"" and out.stderr == b""
        return port

    def serving(self, port):
        try:
            with RespClient(port, timeout=1.0) as c:
                return int(harness.info_fields(c, "server")["process_id"])
        except OSError:
            return None

    def wait_serving(self, port):
        pid = wait_until(lambda: self.serving(port), "the daemon to answer on port %d" % port)
        self.pids.append(pid)
        return pid

    def cleanup(self):
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def daemons():
    d = Daemons()
    yield d
    d.cleanup()


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is gone too: it is init's child now, reaped when init gets to it.
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split(") ")[1].startswith("Z")


def test_daemonize_with_pidfile_and_logfile(daemons, both, tmp_path):
    pidfile, logfile = tmp_path / "server.pid", tmp_path / "server.log"
    port = daemons.start(both, tmp_path, "--pidfile", str(pidfile), "--logfile", str(logfile))
    pid = daemons.wait_serving(port)
    assert pidfile.read_text() == "%d\n" % pid
    # Its own session, detached from ours, and no terminal streams.
    assert os.getsid(pid) == pid
    assert os.getsid(pid) != os.getsid(0)
    for fd in (0, 1, 2):
        assert os.readlink("/proc/%d/fd/%d" % (pid, fd)) == "/dev/null"
    log = logfile.read_text()
    assert "pid=%d, just started" % pid in log
    assert "Ready to accept connections" in log
    with RespClient(port) as c:
        c.send_command("SHUTDOWN", "NOSAVE")
        assert c.is_closed_by_peer()
    wait_until(lambda: gone(pid), "the daemon to exit")
    assert not pidfile.exists()
    assert "Removing the pid file." in logfile.read_text()


def test_pidfile_without_daemonize(servers, both, tmp_path):
    pidfile = tmp_path / "p.pid"
    s = servers.start(both, "--appendonly", "no", "--save", "", "--pidfile", str(pidfile))
    assert pidfile.read_text() == "%d\n" % s.proc.pid
    assert s.stop() == 0
    assert not pidfile.exists()


def test_no_pidfile_unless_asked_or_daemonized(servers, swirl_bin, tmp_path):
    # A foreground server without `pidfile` writes none, not even the default one.
    s = servers.start(swirl_bin, "--appendonly", "no", "--save", "")
    assert not (os.path.exists(DEFAULT_PID_FILE) and open(DEFAULT_PID_FILE).read() == "%d\n" % s.proc.pid)


def test_daemon_without_pidfile_writes_the_default_one(daemons, swirl_bin, tmp_path):
    # Redis's default path for a daemon, /var/run/redis.pid. The daemon runs in a
    # mount namespace of its own where /var/run is this test's directory, so no
    # other server's pid file is touched (root, as in CI).
    run = tmp_path / "run"
    run.mkdir()
    port = daemons.start(swirl_bin, tmp_path, "--logfile", str(tmp_path / "log"),
                         prefix=["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                 'mount --bind "$1" /var/run && shift && exec "$@"', "sh", str(run)])
    pid = daemons.wait_serving(port)
    assert (run / "redis.pid").read_text() == "%d\n" % pid
    os.kill(pid, signal.SIGTERM)
    wait_until(lambda: gone(pid), "the daemon to exit")
    assert not (run / "redis.pid").exists()


def test_logfile_gets_the_log_and_stdout_nothing(servers, both, tmp_path):
    logfile = tmp_path / "out.log"
    s = servers.start(both, "--appendonly", "no", "--save", "", "--logfile", str(logfile))
    assert "Ready to accept connections" in logfile.read_text()
    assert s.stop() == 0
    assert s.log() == ""


def test_unwritable_logfile_stops_the_start(both, tmp_path):
    out = subprocess.run([both, "--port", "0", "--logfile", str(tmp_path / "no" / "such" / "dir.log")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***" in out.stderr
    assert "Can't open the log file: No such file or directory" in out.stderr


def test_logo_carries_port_and_pid(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "", "--always-show-logo", "yes")
    log = s.log()
    # What Redis's tests/support/server.tcl waits for.
    assert " PID: %d" % s.proc.pid in log
    assert "Port: %d" % s.port in log
    assert "Running in standalone mode" in log
    assert "Running mode=standalone" not in log


def test_without_logo_one_line_says_mode_and_port(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "")
    log = s.log()
    assert "Running mode=standalone, port=%d." % s.port in log
    assert " PID: " not in log
    lines = log.splitlines()
    # The lines tools read, in Redis's order and at warning level (`#`).
    starting = next(l for l in lines if "just started" in l)
    assert " # " in starting
    assert "Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=%d, just started" % s.proc.pid in starting
    order = ["is starting", "just started", "Configuration loaded", "Running mode=", "Server initialized",
             "Ready to accept connections"]
    positions = [next(i for i, l in enumerate(lines) if marker in l) for marker in order]
    assert positions == sorted(positions)


def test_sigterm_logs_the_shutdown_as_redis(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "")
    assert s.stop() == 0
    log = s.log()
    assert "Received SIGTERM scheduling shutdown..." in log
    assert "User requested shutdown..." in log
    assert "ready to exit, bye bye..." in log


def test_log_rotated_by_renaming_continues_at_the_path(servers, both, tmp_path):
    # Debian's logrotate for Redis renames the file and signals nothing: the
    # server opens its log file for every line, so the next line starts a new file.
    logfile = tmp_path / "server.log"
    s = servers.start(both, "--appendonly", "no", "--save", "", "--logfile", str(logfile))
    logfile.rename(tmp_path / "server.log.1")
    assert s.client().call("DEBUG", "LOG", "after the rotation") == "OK"
    assert "after the rotation" in wait_until(lambda: logfile.exists() and logfile.read_text(), "the new log file")
    assert "after the rotation" not in (tmp_path / "server.log.1").read_text()


def test_relative_logfile_is_in_the_data_directory(servers, both, tmp_path):
    s = servers.start(both, "--appendonly", "no", "--save", "", "--logfile", "relative.log")
    assert "Ready to accept connections" in open(os.path.join(s.dir, "relative.log")).read()
