"""`client-output-buffer-limit` for every client class over real sockets,
each scenario played against redis-server and Swirl: a reply past the hard
limit closes its client before anything of it is sent, the rest of its
pipeline does not run, a transaction still runs whole, huge random counts and
KEYS stop early, a client that stays past its soft limit is closed even when
nothing more is sent to it, and a configured limit replaces Swirl's read
back-pressure. Everything waits on what the servers show (the socket closed,
CLIENT LIST, INFO), never on a sleep. Run with SWIRL_TEST_TARGET=redis too."""
import select
import socket
import time

from harness import wait_until
from resp import RespClient, encode_command

OPTIONS = ("--save", "", "--appendonly", "no")


def start_both(servers, swirl_bin, redis_bin, *extra):
    return [servers.start(redis_bin, *OPTIONS, *extra), servers.start(swirl_bin, *OPTIONS, *extra)]


def received_until_closed(client, timeout=20):
    """Everything the server sends until it closes the connection."""
    client.sock.settimeout(timeout)
    data = bytes(client.buf)
    try:
        while True:
            chunk = client.sock.recv(1 << 20)
            if not chunk:
                return data
            data += chunk
    except ConnectionResetError:
        return data


def names(admin):
    return [field[5:] for field in admin.call("CLIENT", "LIST").decode().split() if field.startswith("name=")]


def big_reply_scenario(server):
    admin = server.client()
    admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
    item = b"x" * 1000
    admin.pipeline([("RPUSH", "mylist", item)] * 150)
    admin.call("SET", "bigkey", b"y" * 10000)
    out = []
    # One command whose reply is past the hard limit: closed, nothing sent.
    c = server.client()
    c.call("CLIENT", "SETNAME", "mybiglist")
    c.send_command("LRANGE", "mylist", "0", "-1")
    out.append(received_until_closed(c))
    out.append("mybiglist" in names(admin))
    # A pipeline read at once: the commands after the limit do not run.
    c = server.client()
    c.call("CLIENT", "SETNAME", "multicommands")
    c.send_raw(b"".join(encode_command("SET", "k%d" % i, i) + encode_command("GET", "bigkey") for i in range(15)))
    out.append(received_until_closed(c))
    # Redis counts its reply blocks' allocation sizes, so it stops a command or
    # two earlier than Swirl, which counts bytes: compared loosely.
    out.append(5 < admin.call("EXISTS", *["k%d" % i for i in range(15)]) < 15)
    # A transaction runs whole even though its replies pass the limit.
    c = server.client()
    c.call("SET", "k1", "v1")
    c.send_raw(b"".join(encode_command(*command) for command in [
        ("MULTI",), ("SET", "k2", "v2"), ("LRANGE", "mylist", "0", "-1"), ("SET", "k3", "v3"), ("DEL", "k1"), ("EXEC",)]))
    out.append(received_until_closed(c)[:5])  # MULTI's +OK may leave before the limit is reached
    out.append([admin.call("GET", key) for key in ("k1", "k2", "k3")])
    # Huge random counts and KEYS stop once the limit is passed (else: gigabytes).
    admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1000000 0 0")
    admin.call("HSET", "myhash", "a", "b")
    for command in [("HRANDFIELD", "myhash", "-999999999"), ("KEYS", "*")]:
        if command[0] == "KEYS":
            admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
            prefix = b"long-key-name-prefix-of-100-chars-" + b"-" * 66
            admin.pipeline([("SET", prefix + b"%d" % i, "v") for i in range(2000)])
        c = server.client()
        c.send_command(*command)
        out.append(received_until_closed(c))
    out.append(admin.call("PING"))
    return out


def test_normal_hard_limit_matches_redis(servers, swirl_bin, redis_bin):
    reference, swirl = start_both(servers, swirl_bin, redis_bin)
    expected = big_reply_scenario(reference)
    assert big_reply_scenario(swirl) == expected
    assert expected[:2] == [b"", False] and expected[2] == b""
    assert expected[5] == [None, b"v2", b"v3"]
    for server in (reference, swirl):
        log = server.log()
        assert "name=mybiglist" in log and "scheduled to be closed ASAP for overcoming of output buffer limits." in log


def unread_client(server, value_size, count):
    """A client that asks for `count` values of `value_size` bytes and never reads."""
    admin = server.client()
    admin.call("SET", "value", b"v" * value_size)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(encode_command("CLIENT", "SETNAME", "slow") + encode_command("GET", "value") * count)
    return admin, sock


def gone(admin, sock, timeout=30):
    """Waits (reading nothing, which would drain what the server holds) until
    the client is no longer listed, then checks its socket was closed."""
    wait_until(lambda: "slow" not in names(admin), "the slow reader to be closed", timeout)
    sock.settimeout(timeout)
    try:
        while sock.recv(1 << 20):
            pass
    except ConnectionResetError:
        pass
    return True


def soft_limit_scenario(server):
    admin = server.client()
    admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 1mb 1")
    admin, sock = unread_client(server, 1 << 20, 12)
    # Past the soft limit, then nothing more happens: the cron closes it after its second.
    wait_until(lambda: "slow" in names(admin), "the slow reader to connect", 20.0)
    started = time.monotonic()
    assert gone(admin, sock)
    return time.monotonic() - started


def test_soft_limit_closes_a_client_nobody_writes_to_any_more(servers, swirl_bin, redis_bin):
    for server in start_both(servers, swirl_bin, redis_bin):
        assert soft_limit_scenario(server) < 10
        assert "name=slow" in server.log() and " closed for overcoming of output buffer limits." in server.log()


def test_a_configured_limit_replaces_the_read_back_pressure(servers, swirl_bin, redis_bin):
    # 200 MB of replies nobody reads: past Swirl's 64 MB back-pressure, a
    # configured 100 MB limit is what stops the client, as in Redis.
    for server in start_both(servers, swirl_bin, redis_bin):
        admin = server.client()
        admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 100mb 0 0")
        admin, sock = unread_client(server, 1 << 20, 200)
        assert gone(admin, sock)
        assert "name=slow" in server.log()


def test_unlimited_clients_are_paused_not_closed(swirl):
    # Swirl only (Redis lets the buffer grow): with `normal 0 0 0` a client that
    # does not read stops being read once 64 MB wait for it, and gets every
    # reply once it reads. Each unit asks for 1 MB and sends 1 MB (an EXISTS of
    # a long name), so the socket buffers fill soon after the server stops reading.
    admin = swirl.client()
    admin.call("SET", "value", b"v" * (1 << 20))
    sock = socket.socket()
    sock.connect(("127.0.0.1", swirl.port))
    sock.setblocking(False)
    unit = encode_command("GET", "value") + encode_command("EXISTS", b"k" * (1 << 20))
    stream, sent = unit * 300, 0
    while sent < len(stream):
        try:
            sent += sock.send(stream[sent:])
        except BlockingIOError:
            # Its socket stays full: the server stopped reading it. (A slow
            # server would only stop this loop early; the figures below are
            # what show the server holds back.)
            if not select.select([], [sock], [], 2)[1]:
                break
    assert sent < len(stream), "the server read 300 MB of requests for replies nobody reads"
    processed = int(admin.call("INFO", "stats").decode().split("total_commands_processed:")[1].split("\r\n")[0])
    assert processed < 2 * 150
    line = [l for l in admin.call("CLIENT", "LIST").decode().split("\n") if l and "cmd=client|list" not in l][0]
    assert int(line.split("omem=")[1].split()[0]) > 64 << 20
    # Once it reads, it gets every reply (the unit cut in the middle is
    # finished while reading).
    end = sent + (-sent) % len(unit)
    expected = end // len(unit) * (len(b"$1048576\r\n") + (1 << 20) + 2 + len(b":0\r\n"))
    received = 0
    while received < expected:
        writable = [sock] if sent < end else []
        readable, writable, _ = select.select([sock], writable, [], 60)
        assert readable or writable, "nothing moved for a minute"
        if writable:
            sent += sock.send(stream[sent:end])
        if readable:
            chunk = sock.recv(1 << 20)
            assert chunk, "closed"
            received += len(chunk)
    assert received == expected
