"""Who may connect and what they may do before and after AUTH, over real
sockets: protected mode (a client from 127.0.0.2 or from this machine's own
non-loopback address is not local to Redis, only 127.0.0.1 and ::1 are),
`enable-debug-command` and `enable-protected-configs` with their `local`
setting. Every expectation is redis-server 7.0.15's: run with
SWIRL_TEST_TARGET=redis to check the tests themselves."""
import ipaddress
import os
import socket
import subprocess

from resp import RespClient

DENIED = (
    b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set "
    b"for the default user. In this mode connections are only accepted from the loopback interface. If you "
    b"want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just "
    b"disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by "
    b"connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly "
    b"accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    b"you can just disable the protected mode by editing the Redis configuration file, and setting the protected "
    b"mode option to 'no', and then restarting the server. 3) If you started the server manually just for "
    b"testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the "
    b"default user. NOTE: You only need to do one of the above things in order for the server to start accepting "
    b"connections from the outside.\r\n")

DEBUG_REFUSED = (b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can "
                 b"run it from a local connection, otherwise you need to set this option in the configuration "
                 b"file, and then restart the server.\r\n")


def own_addresses(version):
    """This machine's global addresses of one IP version (from `ip addr`)."""
    try:
        out = subprocess.run(["ip", "-o", "-%d" % version, "addr", "show", "scope", "global"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for line in out.splitlines():
        words = line.split()
        if "inet" in words or "inet6" in words:
            address = words[words.index("inet6" if version == 6 else "inet") + 1].split("/")[0]
            if not ipaddress.ip_address(address).is_loopback:
                found.append(address)
    return found


def non_local_sources():
    """(connect to, connect from) pairs Redis counts as not local. 127.0.0.2 is
    on every Linux loopback, so there is always at least one."""
    pairs = [("127.0.0.1", "127.0.0.2")]
    pairs += [(address, address) for address in own_addresses(4)]
    pairs += [(address, address) for address in own_addresses(6)]
    return pairs


def all_interfaces(sources):
    """`bind` for every address of `sources`: IPv4's, and IPv6's when used."""
    return "0.0.0.0 ::" if any(":" in host for host, _ in sources) else "0.0.0.0"


def everything_until_closed(host, port, source, send=b""):
    with socket.create_connection((host, port), timeout=10, source_address=(source, 0)) as s:
        if send:
            s.sendall(send)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk


def stat(client, name):
    for line in client.call("INFO", "stats").decode().splitlines():
        if line.startswith(name + ":"):
            return int(line.split(":")[1])
    raise AssertionError(name)


def test_protected_mode_denies_clients_that_are_not_local(servers, swirl_bin):
    sources = non_local_sources()
    has_v6 = any(":" in host for host, _ in sources)
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--bind", all_interfaces(sources))
    local = server.client()
    assert local.call("CONFIG", "GET", "protected-mode") == [b"protected-mode", b"yes"]
    for host, source in sources:
        assert everything_until_closed(host, server.port, source) == DENIED, (host, source)
    assert stat(local, "rejected_connections") == len(sources)
    assert local.call("DBSIZE") == 0
    if has_v6:
        with RespClient(server.port, host="::1", source="::1") as v6:
            assert v6.call("PING") == "PONG", "::1 is local"
    # A password lets everyone in (to be asked for it); protected mode off, likewise.
    assert local.call("CONFIG", "SET", "requirepass", "s3cret") == "OK"
    for host, source in sources:
        with RespClient(server.port, host=host, source=source) as remote:
            assert remote.call_raw("PING") == b"-NOAUTH Authentication required.\r\n"
            assert remote.call("AUTH", "s3cret") == "OK"
    assert local.call("CONFIG", "SET", "requirepass", "") == "OK"
    host, source = sources[0]
    assert everything_until_closed(host, server.port, source) == DENIED
    assert local.call("CONFIG", "SET", "protected-mode", "no") == "OK"
    for host, source in sources:
        with RespClient(server.port, host=host, source=source) as remote:
            assert remote.call("SET", "from:" + source, "1") == "OK"
    assert local.call("DBSIZE") == len(sources)


def start_open(servers, swirl_bin, *args, **kw):
    return servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--bind", all_interfaces(non_local_sources()),
                         "--protected-mode", "no", *args, **kw)


def test_debug_is_refused_by_default(servers, swirl_bin):
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", debug=False)
    c = server.client()
    assert c.call("CONFIG", "GET", "enable-debug-command") == [b"enable-debug-command", b"no"]
    assert c.call_raw("DEBUG", "SLEEP", "0") == DEBUG_REFUSED
    assert c.call_raw("DEBUG", "HELP") == DEBUG_REFUSED
    assert c.call_raw("DEBUG") == b"-ERR wrong number of arguments for 'debug' command\r\n", "arity first"


def test_local_means_127_0_0_1_and_nothing_else(servers, swirl_bin):
    server = start_open(servers, swirl_bin, "--enable-debug-command", "local",
                        "--enable-protected-configs", "local", debug=False)
    target = os.path.join(str(server.dir), "moved")
    os.mkdir(target)
    local = server.client()
    assert local.call("DEBUG", "SLEEP", "0") == "OK"
    refused = b"-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n"
    for host, source in non_local_sources():
        with RespClient(server.port, host=host, source=source) as remote:
            assert remote.call_raw("DEBUG", "SLEEP", "0") == DEBUG_REFUSED, source
            assert remote.call_raw("CONFIG", "SET", "dir", target) == refused, source
    assert local.call("CONFIG", "SET", "dir", target) == "OK"
    assert os.path.realpath(local.call("CONFIG", "GET", "dir")[1].decode()) == os.path.realpath(target)


def test_protected_and_module_settings(servers, swirl_bin):
    server = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--enable-module-command", "yes")
    c = server.client()
    assert c.call("CONFIG", "GET", "enable-module-command") == [b"enable-module-command", b"yes"]
    assert c.call("CONFIG", "GET", "enable-protected-configs") == [b"enable-protected-configs", b"no"]
    assert c.call_raw("CONFIG", "SET", "DIR", "/tmp") == \
        b"-ERR CONFIG SET failed (possibly related to argument 'DIR') - can't set protected config\r\n"
    assert c.call_raw("CONFIG", "SET", "enable-protected-configs", "yes") == \
        b"-ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config\r\n"
    assert c.call_raw("CONFIG", "SET", "a", "b", "c") == b"-ERR syntax error\r\n"
    yes = servers.start(swirl_bin, "--appendonly", "no", "--save", "", "--enable-protected-configs", "yes")
    assert yes.client().call("CONFIG", "SET", "dbfilename", "other.rdb") == "OK"
