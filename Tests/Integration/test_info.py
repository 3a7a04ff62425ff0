"""INFO: every section and field Redis 7.0 prints (what redis_exporter and
client libraries read) is there in the same order. Values differ between
servers; names do not."""
from resp import decode


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


def client_lines(server):
    """CLIENT INFO / CLIENT LIST lines as Redis's test suite reads them:
    alone, after a pipelined PING, inline, and with a partial command behind."""
    c, idle = server.client(), server.client()
    idle.call("PING")
    text = c.call("CLIENT", "INFO")
    c.send_raw(b"*1\r\n$4\r\nPING\r\n*2\r\n$6\r\nclient\r\n$4\r\nlist\r\n")
    c.read_reply()
    text += decode(c.read_reply())
    c.send_raw(b"client info\r\n")
    text += decode(c.read_reply())
    c.send_raw(b"*2\r\n$6\r\nclient\r\n$4\r\ninfo\r\n*1\r\n$4\r\nPI")
    text += decode(c.read_reply())
    return [dict(field.split("=", 1) for field in line.split()) for line in text.decode().splitlines()]


def test_client_list_fields_match_redis(swirl, servers, redis_bin):
    reference = servers.start(redis_bin, "--save", "", "--appendonly", "no")
    expected, got = client_lines(reference), client_lines(swirl)
    assert [list(line) for line in got] == [list(line) for line in expected]
    # qbuf is the whole input batch being run (Redis trims its query buffer after
    # the batch), argv-mem the running command's argument bytes.
    for field in ("qbuf", "argv-mem", "multi-mem", "oll", "omem"):
        assert [line[field] for line in got] == [line[field] for line in expected], field
    assert [line["qbuf"] for line in expected] == ["26", "40", "0", "13", "36"]
    for line in got:
        assert int(line["tot-mem"]) > 0 and int(line["qbuf-free"]) >= 0
