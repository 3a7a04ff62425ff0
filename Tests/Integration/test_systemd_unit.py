"""deploy/swirl.service: systemd accepts it (`systemd-analyze verify`), and
Swirl started as it says (its ExecStart, under a notify socket as systemd
provides one, with the unit's runtime directory for the pid file) reports
READY=1 once it serves, writes the unit's PIDFile and stops cleanly on
systemd's SIGTERM. No systemd runs here: the test plays its part."""
import os
import shlex
import signal
import socket
import subprocess
import tempfile

import pytest

import harness
from resp import RespClient

UNIT = harness.REPO / "deploy" / "swirl.service"


def unit_settings():
    settings = {}
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_systemd_accepts_the_unit(swirl_bin, tmp_path):
    unit = tmp_path / "swirl.service"
    unit.write_text(UNIT.read_text().replace("/usr/local/bin/swirl-server", swirl_bin))
    out = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    # It reports bad settings only as messages.
    assert out.stdout + out.stderr == ""


def test_unit_is_a_notify_service_like_debians_redis():
    settings = unit_settings()
    assert settings["Type"] == ["notify"]
    command = shlex.split(settings["ExecStart"][0])
    assert command[0] == "/usr/local/bin/swirl-server"
    assert command[1:] == ["/etc/swirl/swirl.conf", "--supervised", "systemd", "--daemonize", "no"]
    assert settings["PIDFile"] == ["/run/swirl/swirl.pid"]
    assert settings["RuntimeDirectory"] == ["swirl"]
    assert "AF_UNIX" in settings["RestrictAddressFamilies"][0].split()


def test_started_as_the_unit_says(swirl_bin, tmp_path):
    settings = unit_settings()
    runtime = tempfile.mkdtemp(prefix="swirl-run-")  # stands for /run/swirl (RuntimeDirectory)
    data = tmp_path / "data"
    data.mkdir()
    port = harness.free_port()
    pidfile = settings["PIDFile"][0].replace("/run/swirl", runtime)
    socket_path = os.path.join(runtime, "swirl.sock")
    conf = tmp_path / "swirl.conf"
    conf.write_text("port %d\nbind 127.0.0.1\ndir %s\nappendonly yes\npidfile %s\nunixsocket %s\n"
                    "unixsocketperm 770\n" % (port, data, pidfile, socket_path))
    command = shlex.split(settings["ExecStart"][0])
    command[0], command[1] = swirl_bin, str(conf)
    notify_path = os.path.join(runtime, "notify")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(notify_path)
    receiver.settimeout(harness.WAIT)
    log = open(tmp_path / "journal", "wb")
    proc = subprocess.Popen(command, env=dict(os.environ, NOTIFY_SOCKET=notify_path),
                            stdout=log, stderr=subprocess.STDOUT, cwd="/")
    log.close()
    try:
        messages = []
        while b"READY=1\n" not in messages:
            messages.append(receiver.recv(4096))
        assert messages == [b"STATUS=Redis is loading...\n", b"STATUS=Ready to accept connections\n", b"READY=1\n"]
        # systemd reads the main pid from PIDFile: the very process it started.
        assert open(pidfile).read() == "%d\n" % proc.pid
        with RespClient(port) as c:
            assert c.call("SET", "k", "v") == "OK"
        with RespClient(None, unix=socket_path) as c:
            assert c.call("GET", "k") == b"v"
        proc.send_signal(signal.SIGTERM)
        assert receiver.recv(4096) == b"STOPPING=1\n"
        assert proc.wait(harness.WAIT) == 0
        assert not os.path.exists(pidfile)
        assert not os.path.exists(socket_path)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        receiver.close()
        for name in os.listdir(runtime):
            os.unlink(os.path.join(runtime, name))
        os.rmdir(runtime)
