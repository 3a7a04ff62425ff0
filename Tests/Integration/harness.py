"""Start and stop real server processes for black-box tests.

Both Swirl and redis-server take the same command line
(`binary [config-file] [--name value ...]`), so one launcher serves both.

Environment:
  SWIRL_BIN          Swirl executable (default <repo>/.build/debug/swirl-server)
  REDIS_SERVER_BIN   redis-server executable (default: `redis-server` on PATH)
  SWIRL_TEST_TARGET  `redis` makes every "Swirl" server a redis-server, which
                     validates the tests themselves against the reference.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from resp import WAIT, RespClient

REPO = Path(__file__).resolve().parents[2]
# Generous bounds: a passing test never waits this long, so a slow or loaded
# machine does not make it fail. A server loading a large AOF answers PING late.
READY_TIMEOUT = 30.0
STOP_TIMEOUT = WAIT


class BinaryMissing(Exception):
    pass


class ServerFailedToStart(Exception):
    pass


def target_is_redis():
    return os.environ.get("SWIRL_TEST_TARGET", "swirl").lower() == "redis"


def _resolve(path_or_name, what, hint):
    found = shutil.which(path_or_name) if os.sep not in path_or_name else (
        path_or_name if os.path.isfile(path_or_name)
        and os.access(path_or_name, os.X_OK) else None)
    if not found:
        raise BinaryMissing("%s not found at %r. %s" % (what, path_or_name, hint))
    return os.path.abspath(found)


def redis_binary():
    return _resolve(os.environ.get("REDIS_SERVER_BIN", "redis-server"),
                    "redis-server",
                    "Install Redis 7.0 (apt-get install redis-server) or set "
                    "REDIS_SERVER_BIN.")


def swirl_binary():
    if target_is_redis():
        return redis_binary()
    return _resolve(os.environ.get("SWIRL_BIN",
                                   str(REPO / ".build" / "debug" / "swirl-server")),
                    "swirl-server",
                    "Build it (swift build), point SWIRL_BIN at it, or run the "
                    "suite against Redis with SWIRL_TEST_TARGET=redis.")


def wait_until(probe, what, timeout=WAIT, step=0.01):
    """Calls `probe` until it returns something true, and returns that; fails
    naming `what` (a text, or a function giving one: a log tail) when
    `timeout` seconds pass first. Tests wait on a state they can observe this
    way, never for a fixed time."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %ss waiting for %s (last: %r)"
                                 % (timeout, what() if callable(what) else what, value))
        time.sleep(step)


def info_fields(client, section):
    """INFO `section` as a dict of strings."""
    text = client.call("INFO", section).decode()
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def server_ms(client):
    """The server's clock (TIME) in milliseconds: the clock its expiry reads."""
    seconds, micros = client.call("TIME")
    return int(seconds) * 1000 + int(micros) // 1000


def wait_past(client, ms):
    """Until the server's clock has moved more than `ms` milliseconds past its
    reading now: a key given a `PX ms` TTL before this call has expired then."""
    deadline = server_ms(client) + ms
    wait_until(lambda: server_ms(client) > deadline, "the server's clock to pass %d ms" % ms, step=0.001)


def free_port():
    # The port is free now; another process could take it before the server
    # binds, which start_server() detects and retries.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, binary, argv, port, directory, log_path, proc):
        self.binary, self.argv, self.port = binary, argv, port
        self.dir, self.log_path, self.proc = directory, log_path, proc
        self._clients = []

    def __repr__(self):
        return "<%s port=%d pid=%d>" % (os.path.basename(self.binary),
                                         self.port, self.proc.pid)

    @property
    def alive(self):
        return self.proc.poll() is None

    def client(self, timeout=WAIT):
        c = RespClient(self.port, timeout=timeout)
        self._clients.append(c)
        return c

    def log(self):
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines=30):
        return "\n".join(self.log().splitlines()[-lines:])

    def _close_clients(self):
        for c in self._clients:
            c.close()
        self._clients.clear()

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM and wait; return the exit code. A server that ignores
        SIGTERM is killed and reported, since that is a bug in itself."""
        if self.alive:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                raise AssertionError("%r did not exit within %ss of SIGTERM\n%s"
                                     % (self, timeout, self.log_tail()))
        self._close_clients()
        return self.proc.returncode

    def kill9(self):
        if self.alive:
            self.proc.kill()
            self.proc.wait()
        self._close_clients()
        return self.proc.returncode


def _serving(port, pid):
    """True once process `pid` answers PING on `port`. A server still loading
    its AOF answers -LOADING: keep waiting. One with requirepass answers
    -NOAUTH: it is up. INFO must name `pid`: another process that took the
    port first is not the server under test."""
    try:
        with RespClient(port, timeout=1.0) as c:
            reply = c.call_raw("PING")
            if reply == b"-NOAUTH Authentication required.\r\n":
                return True
            return reply == b"+PONG\r\n" and b"\r\nprocess_id:%d\r\n" % pid in c.call_raw("INFO", "server")
    except OSError:
        return False


def start_server(binary, *args, dir=None, config_file=None,
                 ready_timeout=READY_TIMEOUT, attempts=3, debug=True):
    """Start `binary` on a free port with `--dir dir`, wait for PING.

    `args` are extra `--name value` strings appended after the harness's own
    `--port/--bind/--dir` (and `--enable-debug-command yes`, which the tests
    rely on, unless `debug=False`: Redis 7.0's default is `no`), so a test can
    override anything.
    """
    directory = str(dir) if dir is not None else tempfile.mkdtemp(prefix="swirl-test-")
    os.makedirs(directory, exist_ok=True)
    last_error = None
    for _ in range(attempts):
        port = free_port()
        argv = [binary] + ([str(config_file)] if config_file else []) + [
            "--port", str(port), "--bind", "127.0.0.1", "--dir", directory,
        ] + (["--enable-debug-command", "yes"] if debug else []) + [str(a) for a in args]
        # Logs go next to the data, one file per start, so restarts in the
        # same dir keep every log for post-mortems.
        log_path = os.path.join(directory, "server-%d-%d.log" % (port, time.time_ns()))
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, cwd=directory)
        server = ServerProcess(binary, argv, port, directory, log_path, proc)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if not server.alive:
                break
            if _serving(port, proc.pid):
                return server
            time.sleep(0.05)
        log_text = server.log()
        server.kill9()
        last_error = ServerFailedToStart(
            "%s did not answer PING within %.0fs (exit code %r)\ncommand: %s\nlog:\n%s"
            % (binary, ready_timeout, proc.returncode, " ".join(argv),
               "\n".join(log_text.splitlines()[-40:])))
        if "in use" not in log_text:  # only a lost port race is worth a retry
            break
    raise last_error
