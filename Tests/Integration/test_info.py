"""INFO: every section and field Redis 7.0 prints (what redis_exporter and
client libraries read) is there in the same order. Values differ between
servers; names do not."""


def field_names(server):
    text = server.client().call("INFO", "everything").decode()
    names = []
    for line in text.split("\r\n"):
        if not line or line.startswith(("cmdstat_", "errorstat_", "latency_percentiles_usec_", "db")):
            continue
        names.append(line.split(":")[0])
    return [name for name in names if name != "swirl_version"]


def test_info_fields_match_redis(swirl, servers, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    for server in (reference, swirl):
        c = server.client()
        c.call("SET", "k", "v")
        c.call("GET", "k")
    assert field_names(swirl) == field_names(reference)


def test_info_figures_are_live(swirl):
    c = swirl.client()
    c.call("SET", "k", "v")
    info = c.call("INFO", "everything").decode()
    assert "cmdstat_set:calls=1," in info
    assert "latency_percentiles_usec_set:p50=" in info
    assert "# Latencystats" in info
    assert "\r\ndb0:keys=1,expires=0," in info
    used = int(info.split("used_memory:")[1].split("\r\n")[0])
    rss = int(info.split("used_memory_rss:")[1].split("\r\n")[0])
    assert 0 < used < rss, "used_memory is what malloc handed out, below RSS"
