"""Living under a service manager, as Redis 7.0.15 does: systemd's readiness
notification (`supervised systemd|auto`: datagrams to $NOTIFY_SOCKET, which
the test binds and reads), upstart's SIGSTOP, the process title
(`set-proc-title`, `proc-title-template`), the OOM killer's score
(`oom-score-adj`, `oom-score-adj-values`) and syslog. Tests that take `both`
run against redis-server too."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import harness
from harness import info_fields, wait_until
from resp import RespClient, RespError


@pytest.fixture(params=["swirl", "redis"])
def both(request, swirl_bin, redis_bin):
    return swirl_bin if request.param == "swirl" else redis_bin


@pytest.fixture
def notify_socket():
    """A datagram socket standing in for systemd's notify socket."""
    d = tempfile.mkdtemp(prefix="swirl-sd-")
    path = os.path.join(d, "notify")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(harness.WAIT)
    yield path, s
    s.close()
    os.unlink(path)
    os.rmdir(d)


def start_supervised(binary, tmp_path, env, *args):
    port = harness.free_port()
    log = open(tmp_path / ("server-%d.log" % port), "wb")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
                             "--appendonly", "no", "--save", ""] + list(args),
                            env=dict(os.environ, **env), stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return proc, port


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(harness.WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@pytest.mark.parametrize("mode", ["systemd", "auto"])
def test_systemd_notification(both, tmp_path, notify_socket, mode):
    path, receiver = notify_socket
    # Under a service manager `daemonize yes` does not fork: systemd watches this very process.
    proc, port = start_supervised(both, tmp_path, {"NOTIFY_SOCKET": path}, "--supervised", mode, "--daemonize", "yes")
    try:
        assert receiver.recv(4096) == b"STATUS=Redis is loading...\n"
        assert receiver.recv(4096) == b"STATUS=Ready to accept connections\n"
        assert receiver.recv(4096) == b"READY=1\n"
        # READY=1 means it serves, at once.
        with RespClient(port) as c:
            fields = info_fields(c, "server")
            assert fields["process_supervised"] == "systemd"
            assert int(fields["process_id"]) == proc.pid
            assert c.call("CONFIG", "GET", "supervised") == [b"supervised", b"systemd"]
        proc.send_signal(signal.SIGTERM)
        assert receiver.recv(4096) == b"STOPPING=1\n"
        assert proc.wait(harness.WAIT) == 0
    finally:
        stop(proc)


def test_systemd_abstract_notify_socket(swirl_bin, tmp_path):
    # systemd may name an abstract socket: `@name`, no file.
    name = "swirl-test-%d-%d" % (os.getpid(), time.monotonic_ns())
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind("\0" + name)
    receiver.settimeout(harness.WAIT)
    proc, _ = start_supervised(swirl_bin, tmp_path, {"NOTIFY_SOCKET": "@" + name}, "--supervised", "systemd")
    try:
        assert receiver.recv(4096) == b"STATUS=Redis is loading...\n"
        assert receiver.recv(4096) == b"STATUS=Ready to accept connections\n"
        assert receiver.recv(4096) == b"READY=1\n"
    finally:
        assert stop(proc) == 0
        receiver.close()


def test_systemd_without_notify_socket_warns(servers, both):
    env_had = os.environ.pop("NOTIFY_SOCKET", None)
    try:
        s = servers.start(both, "--appendonly", "no", "--save", "", "--supervised", "systemd")
    finally:
        if env_had is not None:
            os.environ["NOTIFY_SOCKET"] = env_had
    assert "systemd supervision error: NOTIFY_SOCKET not found!" in s.log()
    # Not supervised after all: INFO says so.
    assert info_fields(s.client(), "server")["process_supervised"] == "no"


def test_auto_without_a_manager_is_unsupervised(servers, both):
    saved = {k: os.environ.pop(k) for k in ("NOTIFY_SOCKET", "UPSTART_JOB") if k in os.environ}
    try:
        s = servers.start(both, "--appendonly", "no", "--save", "", "--supervised", "auto")
    finally:
        os.environ.update(saved)
    c = s.client()
    assert info_fields(c, "server")["process_supervised"] == "no"
    assert c.call("CONFIG", "GET", "supervised") == [b"supervised", b"auto"]


def process_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split(") ")[1].split()[0]


def test_upstart_stops_itself_until_continued(both, tmp_path):
    # Upstart's `expect stop`: the job is up when the process stops itself.
    proc, port = start_supervised(both, tmp_path, {"UPSTART_JOB": "swirl"}, "--supervised", "upstart")
    try:
        wait_until(lambda: process_state(proc.pid) == "T", "the server to stop itself")
        os.kill(proc.pid, signal.SIGCONT)
        pid = wait_until(lambda: harness._serving(port, proc.pid), "the server to answer once continued")
        assert pid
        with RespClient(port) as c:
            assert info_fields(c, "server")["process_supervised"] == "upstart"
    finally:
        assert stop(proc) == 0


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().rstrip(b"\0").split(b"\0")[0].decode()


def test_process_title(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "")
    # Redis's default template: the executable as started, the first bind address and port.
    assert cmdline(s.proc.pid) == "%s 127.0.0.1:%d" % (s.binary, s.port)
    c = s.client()
    assert c.call("CONFIG", "SET", "proc-title-template", "{title} port={port} conf={config-file} {{x}") == "OK"
    assert cmdline(s.proc.pid) == "%s port=%d conf=- {x}" % (s.binary, s.port)
    # A moved listener retitles the process.
    assert c.call("CONFIG", "SET", "proc-title-template", "{listen-addr}") == "OK"
    port = harness.free_port()
    assert c.call("CONFIG", "SET", "port", str(port)) == "OK"
    assert cmdline(s.proc.pid) == "127.0.0.1:%d" % port
    # The thread name `pgrep` matches is left alone, as Redis leaves it.
    with open("/proc/%d/comm" % s.proc.pid) as f:
        assert f.read().strip() == os.path.basename(s.binary)[:15]


def raw_cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read()


def test_process_title_bytes(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "")
    arguments = b"\0".join(a.encode() for a in s.argv) + b"\0"
    title = ("%s 127.0.0.1:%d" % (s.binary, s.port)).encode()
    # Shorter than the command line: written over it, the rest NULs.
    assert raw_cmdline(s.proc.pid) == title + b"\0" * (len(arguments) - len(title))
    # Longer: into the environment's room, cut at 255 bytes as Redis's setproctitle.
    assert s.client().call("CONFIG", "SET", "proc-title-template", "t" * 300) == "OK"
    assert raw_cmdline(s.proc.pid) == b"t" * 255 + b"\0"
    # The environment moved to the heap first, intact: the server still works.
    assert s.client().call("PING") == "PONG"


def test_set_proc_title_no_leaves_the_command_line(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "", "--set-proc-title", "no")
    assert cmdline(s.proc.pid) == s.binary


def oom_score(pid):
    with open("/proc/%d/oom_score_adj" % pid) as f:
        return int(f.read())


def test_oom_score_adj(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "", "--oom-score-adj", "absolute",
                      "--oom-score-adj-values", "10 20 30")
    pid = s.proc.pid
    assert oom_score(pid) == 10
    c = s.client()
    assert c.call("CONFIG", "SET", "oom-score-adj-values", "100 200 300") == "OK"
    assert oom_score(pid) == 100
    # Relative: added to the score the process started with (the test's, 0 unless set).
    base = oom_score(os.getpid())
    assert c.call("CONFIG", "SET", "oom-score-adj", "relative", "oom-score-adj-values", "1500 1500 1500") == "OK"
    assert oom_score(pid) == min(1000, base + 1500)
    # `no` puts back the starting score.
    assert c.call("CONFIG", "SET", "oom-score-adj", "no") == "OK"
    assert oom_score(pid) == base


def test_oom_score_of_the_rewrite_child(servers, both):
    s = servers.start(both, "--appendonly", "yes", "--save", "", "--oom-score-adj", "absolute",
                      "--oom-score-adj-values", "0 100 200", "--rdb-key-save-delay", "100000")
    c = s.client()
    c.pipeline([("SET", "k%d" % i, i) for i in range(50)])
    c.call("BGREWRITEAOF")

    def child():
        with open("/proc/%d/task/%d/children" % (s.proc.pid, s.proc.pid)) as f:
            pids = [int(p) for p in f.read().split()]
        return pids[0] if pids else None

    pid = wait_until(child, "the rewrite child")
    assert wait_until(lambda: oom_score(pid) == 200 or None, "the child's score")
    assert oom_score(s.proc.pid) == 0


def test_unprivileged_order_warns(servers, both):
    s = servers.start(both, "--appendonly", "no", "--save", "", "--oom-score-adj-values", "300 200 100")
    assert "The oom-score-adj-values configuration may not work for non-privileged processes!" in s.log()


def test_syslog(both, tmp_path):
    """syslog(3) writes to /dev/log: in a mount namespace of its own the
    server gets a /dev whose `log` is the test's socket (root, as in CI)."""
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "null").touch()
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(dev / "log"))
    receiver.settimeout(harness.WAIT)
    port = harness.free_port()
    script = ('mount --bind /dev/null "$1/null" && mount --rbind "$1" /dev && shift && exec "$@"')
    proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(dev),
                             both, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
                             "--appendonly", "no", "--save", "", "--syslog-enabled", "yes",
                             "--syslog-ident", "swirl-test", "--syslog-facility", "local3",
                             "--logfile", str(tmp_path / "log")])
    try:
        lines = []
        while not any(b"Ready to accept connections" in l for l in lines):
            lines.append(receiver.recv(65536))
        # <priority>timestamp ident[pid]: message, with LOG_LOCAL3 (19 << 3) and LOG_NOTICE (5).
        ready = next(l for l in lines if b"Ready to accept connections" in l)
        assert ready.startswith(b"<%d>" % (19 * 8 + 5))
        assert b" swirl-test[" in ready
        assert ready.endswith(b"]: Ready to accept connections")
        # The first lines come before the server opens syslog (Redis opens it in
        # initServer): glibc's defaults then, LOG_USER (1) and the program's name.
        starting = next(l for l in lines if b"just started" in l)
        assert starting.startswith(b"<%d>" % (1 * 8 + 4))  # LOG_WARNING
        assert (b" %s: " % os.path.basename(both).encode()) in starting
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(harness.WAIT)
        receiver.close()
