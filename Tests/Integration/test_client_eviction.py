"""`maxmemory-clients` (Redis 7.0's client eviction) over real sockets, each
scenario played against redis-server and Swirl with the same assertions: a
client holding a big query buffer or unread replies is disconnected once all
clients together reach the limit, the biggest first and only until the rest
fit; CLIENT NO-EVICT exempts a client; the percentage form follows maxmemory;
the others keep being served; INFO counts `evicted_clients` and the log names
each evicted client. Everything waits on what the server shows (CLIENT LIST,
INFO, the socket closed), never on a sleep."""
import os
import re
import signal

import pytest

from harness import info_fields, wait_until
from resp import encode_command

OPTIONS = ("--save", "", "--appendonly", "no")
LIMIT = 3_000_000


@pytest.fixture(params=["redis", "swirl"])
def server(request, servers, swirl_bin, redis_bin):
    return servers.start(redis_bin if request.param == "redis" else swirl_bin, *OPTIONS)


def clients_by_name(admin):
    """{name: {field: value}} of the named clients in CLIENT LIST."""
    found = {}
    for line in admin.call("CLIENT", "LIST").decode().splitlines():
        fields = dict(field.split("=", 1) for field in line.split(" ") if "=" in field)
        if fields.get("name"):
            found[fields["name"]] = fields
    return found


def admin_client(server):
    """A client that is never evicted, to watch and steer the others."""
    admin = server.client()
    admin.call("CLIENT", "SETNAME", "admin")
    admin.call("CLIENT", "NO-EVICT", "on")
    return admin


def named(server, name):
    c = server.client()
    c.call("CLIENT", "SETNAME", name)
    return c


def send_partial_bulk(client, size):
    """A one-argument command whose bulk never ends: `size` bytes sit in the query buffer.
    The server may close the connection while the bytes are still being sent."""
    try:
        client.send_raw(b"*1\r\n$%d\r\n" % (size + 10) + b"v" * size)
    except (BrokenPipeError, ConnectionResetError):
        pass


def evicted_clients(admin):
    return int(info_fields(admin, "stats")["evicted_clients"])


def test_a_big_query_buffer_is_evicted_and_the_others_are_served(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", LIMIT)
    bystander = named(server, "bystander")
    bystander.call("SET", "k", "v")
    victim = named(server, "victim")
    send_partial_bulk(victim, LIMIT)
    assert victim.is_closed_by_peer()
    wait_until(lambda: "victim" not in clients_by_name(admin), "the victim gone from CLIENT LIST")
    assert bystander.call("GET", "k") == b"v"
    assert evicted_clients(admin) == 1
    wait_until(lambda: re.search(r"Evicting client: id=\d+ .*name=victim", server.log()), server.log_tail)


def test_unread_replies_are_evicted(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", LIMIT)
    admin.call("SETRANGE", "big", 200_000, "v")
    bystander = named(server, "bystander")
    victim = named(server, "victim")
    # 20 MB of replies asked for and never read: more than the sockets' buffers hold.
    victim.send_raw(encode_command("GET", "big") * 100)
    wait_until(lambda: "victim" not in clients_by_name(admin), "the victim evicted")
    assert victim.is_closed_by_peer()
    assert len(bystander.call("GET", "big")) == 200_001
    assert evicted_clients(admin) == 1


def test_no_evict_exempts_a_client(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", LIMIT)
    keeper = named(server, "keeper")
    keeper.call("CLIENT", "NO-EVICT", "on")
    send_partial_bulk(keeper, LIMIT + 1)
    wait_until(lambda: int(clients_by_name(admin)["keeper"]["tot-mem"]) > LIMIT, "the keeper's query buffer full")
    # Over the limit with nobody evictable: nothing happens, and the exempt keep being served.
    assert admin.call("PING") == "PONG"
    assert "keeper" in clients_by_name(admin)
    assert evicted_clients(admin) == 0
    assert "e" in clients_by_name(admin)["keeper"]["flags"]


def test_the_percentage_form_follows_maxmemory(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory", 6 * 1024 * 1024)
    admin.call("CONFIG", "SET", "maxmemory-clients", "7%")
    assert admin.call("CONFIG", "GET", "maxmemory-clients") == [b"maxmemory-clients", b"7%"]
    limit = 6 * 1024 * 1024 * 7 // 100
    half = named(server, "half")
    send_partial_bulk(half, limit // 2)
    wait_until(lambda: int(clients_by_name(admin)["half"]["qbuf"]) >= limit // 2, "half the limit buffered")
    assert limit // 2 <= int(clients_by_name(admin)["half"]["tot-mem"]) < limit
    whole = named(server, "whole")
    send_partial_bulk(whole, limit)
    assert whole.is_closed_by_peer()
    assert "half" in clients_by_name(admin)
    # With maxmemory 0 a percentage means no limit.
    admin.call("CONFIG", "SET", "maxmemory", 0)
    again = named(server, "again")
    send_partial_bulk(again, limit)
    wait_until(lambda: int(clients_by_name(admin)["again"]["qbuf"]) >= limit, "the buffer kept")
    assert evicted_clients(admin) == 1


def test_lowering_the_limit_evicts_the_biggest_until_the_rest_fit(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", 64 * 1024 * 1024)
    sizes = {"small": 200_000, "medium": 450_000, "large": 1_100_000}
    connections = {}
    for name, size in sizes.items():
        connections[name] = named(server, name)
        send_partial_bulk(connections[name], size)
    wait_until(lambda: all(int(clients_by_name(admin)[n]["qbuf"]) >= s for n, s in sizes.items()),
               "every buffer filled")
    listed = clients_by_name(admin)
    total = sum(int(fields["tot-mem"]) for fields in listed.values())
    # Room for all but the largest (and a margin for the admin's own buffers).
    admin.call("CONFIG", "SET", "maxmemory-clients", total - int(listed["large"]["tot-mem"]) + 50_000)
    assert admin.call("PING") == "PONG"
    assert connections["large"].is_closed_by_peer()
    remaining = clients_by_name(admin)
    assert "large" not in remaining and "medium" in remaining and "small" in remaining, remaining
    assert evicted_clients(admin) == 1


def test_tot_mem_counts_the_query_buffer_and_the_output(server):
    admin = admin_client(server)
    idle = named(server, "idle")
    base = int(clients_by_name(admin)["idle"]["tot-mem"])
    send_partial_bulk(idle, 500_000)
    wait_until(lambda: int(clients_by_name(admin)["idle"]["qbuf"]) >= 500_000, "the buffer filled")
    assert int(clients_by_name(admin)["idle"]["tot-mem"]) >= base + 500_000


def closed_while(client, commands):
    """Sends `commands` one at a time, reading each reply, until the server closes
    the connection; True if it did before they ran out."""
    try:
        for command in commands:
            client.call(*command)
    except (ConnectionError, OSError, EOFError):
        return True
    return False


def test_large_arguments_are_served_below_the_limit_and_evicted_past_it(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", LIMIT)
    c = named(server, "writer")
    c.call("MSET", "k", "v", "k2", b"v" * 1_000_000)
    assert c.call("GET", "k") == b"v"
    assert int(clients_by_name(admin)["writer"]["tot-mem"]) < LIMIT
    assert closed_while(c, [("MSET", "k", "v", "k2", b"v" * LIMIT)])
    assert evicted_clients(admin) == 1


def test_a_large_transaction_queue_is_evicted(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", LIMIT)
    c = named(server, "queuer")
    c.call("MULTI")
    c.call("SET", "k", b"v" * (LIMIT // 4))
    c.call("SET", "k", b"v" * (LIMIT // 4))
    assert c.call("EXEC") == ["OK", "OK"] or c.call("GET", "k")
    c.call("MULTI")
    assert closed_while(c, [("SET", "k", b"v" * (LIMIT // 4))] * 5)
    assert evicted_clients(admin) == 1


@pytest.mark.parametrize("command", [
    lambda j: ("WATCH", "key:%d" % j),
    lambda j: ("SUBSCRIBE", "channel:%d" % j),
    lambda j: ("PSUBSCRIBE", "pattern:%d" % j),
], ids=["watch", "subscribe", "psubscribe"])
def test_growing_per_client_tables_are_evicted(server, command):
    # Small overheads each (Redis counts list and dict entries, not the names):
    # a low limit, and enough commands to pass it. (Tracking prefixes count too,
    # ClientEvictionTests; adding one is O(prefixes) in Swirl, too slow to pass 200 KB here.)
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", 200_000)
    c = named(server, "grower")
    assert closed_while(c, (command(j) for j in range(200_000)))
    assert "grower" not in clients_by_name(admin)
    assert evicted_clients(admin) == 1


def test_the_output_limit_closes_before_client_eviction_would(server):
    # Two clients pass their output limit in one loop iteration (the server stopped
    # while they send), taking all clients past maxmemory-clients: they are closed
    # for the output limit, and the client with the big query buffer is not evicted.
    admin = admin_client(server)
    limit, obuf_limit = 10 * 1024 * 1024, 3 * 1024 * 1024
    admin.call("CONFIG", "SET", "maxmemory-clients", limit)
    admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal %d 0 0" % obuf_limit)
    reply_size = obuf_limit + 1024 * 1024
    admin.call("SETRANGE", "k", reply_size, "v")
    holder = named(server, "qbuf-client")
    readers = [named(server, "obuf-client%d" % i) for i in (1, 2)]
    send_partial_bulk(holder, limit - reply_size)
    wait_until(lambda: int(clients_by_name(admin)["qbuf-client"]["qbuf"]) >= limit - reply_size, "the query buffer filled")
    os.kill(server.proc.pid, signal.SIGSTOP)
    try:
        for reader in readers:
            reader.send_command("GET", "k")
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
    for reader in readers:
        assert reader.is_closed_by_peer()
    remaining = clients_by_name(admin)
    assert "qbuf-client" in remaining and "obuf-client1" not in remaining and "obuf-client2" not in remaining, remaining
    assert evicted_clients(admin) == 0


def test_a_subscriber_that_does_not_read_is_evicted_and_the_publisher_served(server):
    admin = admin_client(server)
    admin.call("CONFIG", "SET", "maxmemory-clients", LIMIT)
    subscriber = named(server, "subscriber")
    subscriber.call("SUBSCRIBE", "news")
    publisher = named(server, "publisher")
    message = b"m" * 200_000

    def published_until_gone():
        # Messages pile up for the subscriber, which reads nothing (past what the sockets hold).
        publisher.call("PUBLISH", "news", message)
        return "subscriber" not in clients_by_name(admin)
    wait_until(published_until_gone, "the subscriber evicted")
    assert subscriber.is_closed_by_peer()
    assert publisher.call("PUBLISH", "news", "after") == 0
    assert evicted_clients(admin) == 1
