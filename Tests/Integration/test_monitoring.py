"""Debian's prometheus-redis-exporter scraping Swirl (docs/MONITORING.md):
the same workload on Swirl and on redis-server, each scraped by its own
exporter with the options dashboards use, and every metric the exporter
produces for Redis 7.0 is produced for Swirl too, with the same values where
the workload decides them."""
import re
import shutil
import subprocess
import urllib.request

import pytest

import harness
from harness import wait_until
from resp import RespClient

EXPORTER = shutil.which("prometheus-redis-exporter") or "/usr/bin/prometheus-redis-exporter"
OPTIONS = ["--include-system-metrics", "--include-config-metrics", "--export-client-list",
           "--check-keys", "db0=user:*", "--check-single-keys", "db1=queue"]
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def workload(server):
    c = server.client()
    c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
    c.pipeline([("SET", "user:1", "Ada"), ("SET", "user:2", "42"), ("SET", "session", "x", "EX", "1000"),
                ("HSET", "user:3", "name", "Grace", "lang", "COBOL"), ("GET", "user:1"), ("GET", "missing"),
                ("INCR", "counter"), ("SADD", "tags", "a", "b"), ("ZADD", "board", "1", "x")])
    for bad in [("LPUSH", "user:1", "x"), ("NOSUCHCOMMAND",), ("INCR", "user:1")]:
        c.call_raw(*bad)
    c.call("SELECT", "1")
    c.call("RPUSH", "queue", "a", "b", "c")
    # A subscriber and a blocked client, as a live server has.
    sub = server.client()
    sub.send_command("SUBSCRIBE", "news")
    sub.read_reply()
    blocked = server.client()
    blocked.send_command("BLPOP", "nothing", "0")
    wait_until(lambda: harness.info_fields(c, "clients")["blocked_clients"] == "1", "the blocked client")


class Exporter:
    def __init__(self, server):
        self.port = harness.free_port()
        self.proc = subprocess.Popen([EXPORTER, "--redis.addr", "redis://127.0.0.1:%d" % server.port,
                                      "--web.listen-address", "127.0.0.1:%d" % self.port] + OPTIONS,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.text, "the exporter on port %d" % self.port)

    def text(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.port, timeout=5) as r:
                return r.read().decode()
        except OSError:
            return None

    def samples(self):
        """{name: {labels: value}} of the redis_* metrics of one scrape."""
        found = {}
        for line in self.text().splitlines():
            match = SAMPLE.match(line)
            if match and match.group(1).startswith("redis_"):
                found.setdefault(match.group(1), {})[match.group(2) or ""] = float(match.group(3))
        return found

    def stop(self):
        self.proc.terminate()
        self.proc.wait(harness.WAIT)


@pytest.fixture
def scraped(servers, swirl_bin, redis_bin):
    exporters = []
    result = {}
    for name, binary in (("swirl", swirl_bin), ("redis", redis_bin)):
        server = servers.start(binary, "--appendonly", "no", "--save", "")
        workload(server)
        exporter = Exporter(server)
        exporters.append(exporter)
        result[name] = (server, exporter.samples())
    yield result
    for exporter in exporters:
        exporter.stop()


def config_metric_parameter(name):
    """`redis_config_io_threads` comes from the parameter `io-threads`."""
    return name[len("redis_config_"):].replace("_", "-") if name.startswith("redis_config_") else None


def test_every_metric_of_redis_is_exported_for_swirl(scraped):
    swirl_server, swirl = scraped["swirl"]
    _, redis = scraped["redis"]
    assert swirl["redis_up"] == {"": 1.0}
    assert swirl["redis_exporter_last_scrape_error"] == {'{err=""}': 0.0}
    missing = set(redis) - set(swirl)
    # A config metric exists only for a parameter the server has: one Swirl lacks
    # (the configuration table's work) is the only excuse for a missing metric.
    c = swirl_server.client()
    excused = {name for name in missing
               if config_metric_parameter(name) and c.call("CONFIG", "GET", config_metric_parameter(name)) == []}
    assert missing - excused == set()
    assert len(swirl) > 120


def test_values_follow_the_workload(scraped):
    swirl_server, swirl = scraped["swirl"]
    _, redis = scraped["redis"]
    for name in ["redis_db_keys", "redis_db_keys_expiring", "redis_key_size", "redis_key_value",
                 "redis_key_value_as_string", "redis_connected_clients", "redis_blocked_clients",
                 "redis_pubsub_channels", "redis_pubsub_patterns", "redis_keyspace_misses_total",
                 "redis_config_maxclients", "redis_config_maxmemory", "redis_connected_slaves"]:
        assert swirl.get(name) == redis.get(name), name
    # The key checks send PFCOUNT for each string key (user:1, user:2) to see if
    # it is a HyperLogLog: a keyspace hit and a WRONGTYPE error in Redis. Until
    # Swirl has PFCOUNT, it answers the unknown-command error there instead.
    lacks_pfcount = swirl_server.client().call("COMMAND", "INFO", "pfcount") == [None]
    strings_checked = 2 if lacks_pfcount else 0
    assert swirl["redis_keyspace_hits_total"][""] == redis["redis_keyspace_hits_total"][""] - strings_checked
    errors = dict(redis["redis_errors_total"])
    if lacks_pfcount:
        errors['{err="WRONGTYPE"}'] -= strings_checked
        errors['{err="ERR"}'] += strings_checked
    assert swirl["redis_errors_total"] == errors
    # The exporter's own commands (INFO, CONFIG, SCAN …) differ in number per server;
    # the workload's must not.
    for command in ["set", "get", "hset", "incr", "sadd", "zadd", "rpush", "lpush", "blpop", "subscribe"]:
        label = '{cmd="%s"}' % command
        assert swirl["redis_commands_total"].get(label) == redis["redis_commands_total"].get(label), command
        assert swirl["redis_commands_failed_calls_total"].get(label) == \
            redis["redis_commands_failed_calls_total"].get(label), command
    info = next(iter(swirl["redis_instance_info"]))
    for label in ['redis_version="7.0.15"', 'redis_mode="standalone"', 'role="master"']:
        assert label in info
    assert swirl["redis_memory_used_bytes"][""] > 0
    assert swirl["redis_uptime_in_seconds"][""] >= 0
    assert swirl["redis_total_system_memory_bytes"] == redis["redis_total_system_memory_bytes"]
    # --export-client-list: one series per connection, the same connections.
    assert len(swirl["redis_connected_clients_details"]) == len(redis["redis_connected_clients_details"])
    assert swirl["redis_slowlog_length"][""] > 0
