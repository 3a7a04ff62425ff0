"""Every configuration parameter against redis-server 7.0.15: CONFIG GET *
names and values, and CONFIG SET of each parameter with a set of probe values
(valid, out of range, wrong type, units, percentages, several words), the
replies and the values CONFIG GET shows afterwards compared byte for byte.
Each parameter is put back after each probe."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Integration"))
import harness  # noqa: E402
from resp import decode  # noqa: E402

# As conftest.COMMON_ARGS (both servers alike, so CONFIG GET of these agrees).
COMMON_ARGS = ("--appendonly", "no", "--save", "", "--enable-debug-command", "yes")

# Parameters another part of Swirl declares (process and deployment: unix
# sockets, syslog, process title, OOM score). Until they are in, CONFIG GET *
# may lack them; every other name must be there.
DEPLOYMENT = {"unixsocket", "unixsocketperm", "syslog-enabled", "syslog-ident", "syslog-facility",
              "set-proc-title", "proc-title-template", "oom-score-adj", "oom-score-adj-values"}

# Values that depend on the process, not on the configuration read.
PER_PROCESS = {"port", "dir"}
# Swirl's defaults that differ on purpose (docs/CONFIG.md): the listeners.
SWIRL_DEFAULTS = {"bind"}

# Not probed with CONFIG SET: they act on the process in ways the two servers
# cannot share (listeners, working directory, AOF start, TLS contexts, Redis's
# watchdog and test hooks), or are covered by their own tests.
NOT_PROBED = {"port", "bind", "dir", "appendonly", "tls-port", "tls-cluster", "tls-replication",
              "watchdog-period", "key-load-delay", "rdb-key-save-delay", "use-exit-on-panic",
              "loading-process-events-interval-bytes", "requirepass", "timeout", "maxclients",
              "maxmemory-clients"}

PROBES = ["yes", "no", "YES", "0", "1", "-1", "7", "100", "101", "4294967296", "99999999999999999999",
          "1kb", "3MB", "2g", "1tb", "-1mb", "5%", "0%", "150%", "abc", "", "1 2", "1 2 3 4",
          "normal 1mb 2mb 3", "replica 0 0 0", "pubsub 1 1 -1", "master 1 1 1", "50 99.5", "0 100.0",
          "default", "save now", "nosave", "save nosave", "force now", "local", "everysec", "always",
          "allkeys-lru", "volatile-ttl", "KEA", "Ex", "x$", "swapdb", "a/b", "a.rdb", "host.example",
          "bad_host", "no one", "127.0.0.1 6380", "verbose", "resetchannels", "optional", "hostname"]


def config_map(client):
    flat = decode(client.call_raw("CONFIG", "GET", "*"))
    return {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    started = []
    try:
        for binary, name in ((harness.redis_binary(), "redis"), (harness.swirl_binary(), "swirl")):
            started.append(harness.start_server(binary, *COMMON_ARGS,
                                                dir=tmp_path_factory.mktemp("config-" + name)))
        yield tuple(started)
    finally:
        for s in started:
            s.kill9()


def test_config_get_names_and_defaults_match(pair):
    redis, swirl = (config_map(s.client()) for s in pair)
    missing = set(redis) - set(swirl)
    assert missing <= DEPLOYMENT, "parameters Redis has and Swirl lacks: %s" % sorted(missing - DEPLOYMENT)
    assert set(swirl) - set(redis) == set(), "parameters Swirl has and Redis does not"
    differing = {name: (redis[name], swirl[name]) for name in swirl
                 if name not in PER_PROCESS | SWIRL_DEFAULTS and redis[name] != swirl[name]}
    assert differing == {}
    # The harness passes `--bind 127.0.0.1` to both.
    assert redis["bind"] == swirl["bind"] == "127.0.0.1"


def test_hidden_parameters_answer_only_their_exact_name(pair):
    for name in ("rdb-key-save-delay", "key-load-delay", "use-exit-on-panic", "watchdog-period",
                 "loading-process-events-interval-bytes", "lua-enable-deprecated-api"):
        replies = [s.client().call_raw("CONFIG", "GET", name) for s in pair]
        assert replies[0] == replies[1], name
        patterns = [s.client().call_raw("CONFIG", "GET", name[:-1] + "*") for s in pair]
        assert patterns[0] == patterns[1] == b"*0\r\n", name


def test_config_set_of_every_parameter_matches(pair):
    clients = [s.client() for s in pair]
    names = sorted(set(config_map(clients[0])) & set(config_map(clients[1])))
    mismatches, compared = [], 0
    for name in names:
        if name in NOT_PROBED:
            continue
        originals = [decode(c.call_raw("CONFIG", "GET", name))[1] for c in clients]
        for probe in PROBES:
            replies = [c.call_raw("CONFIG", "SET", name, probe) for c in clients]
            shown = [c.call_raw("CONFIG", "GET", name) for c in clients]
            compared += 2
            if replies[0] != replies[1] or shown[0] != shown[1]:
                mismatches.append("CONFIG SET %s %r: redis %r %r, swirl %r %r"
                                  % (name, probe, replies[0], shown[0], replies[1], shown[1]))
            for client, original in zip(clients, originals):
                client.call_raw("CONFIG", "SET", name, original)
        after = [c.call_raw("CONFIG", "GET", name) for c in clients]
        if after[0] != after[1]:
            mismatches.append("%s not put back alike: %r %r" % (name, after[0], after[1]))
    assert compared > 5000
    assert mismatches == [], "\n".join(mismatches[:60])


def test_maxmemory_clients_refusals_match(pair):
    # Not probed above: any limit that small makes Redis evict the test's own client.
    clients = [s.client() for s in pair]
    for value in ("abc", "101%", "-5%", "-1", "1tb", "5%%", "%", "", "0%", "0"):
        replies = [c.call_raw("CONFIG", "SET", "maxmemory-clients", value) for c in clients]
        shown = [c.call_raw("CONFIG", "GET", "maxmemory-clients") for c in clients]
        assert replies[0] == replies[1] and shown[0] == shown[1], value


def test_immutable_and_unknown_parameters_are_refused_alike(pair):
    clients = [s.client() for s in pair]
    for args in (("daemonize", "yes"), ("databases", "5"), ("io-threads", "2"), ("replicaof", "no one"),
                 ("slaveof", "h 1"), ("cluster-enabled", "yes"), ("nosuch", "1"), ("Maxmemory", "1", "maxmemory", "2"),
                 ("hash-max-ziplist-entries", "1", "hash-max-listpack-entries", "2"), ("maxmemory", "1", "nosuch", "1"),
                 ("maxmemory", "x", "hz", "0")):
        replies = [c.call_raw("CONFIG", "SET", *args) for c in clients]
        assert replies[0] == replies[1], args
    for c in clients:
        c.call_raw("CONFIG", "SET", "maxmemory", "0", "hash-max-listpack-entries", "512", "hz", "10")
