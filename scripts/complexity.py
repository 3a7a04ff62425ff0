#!/usr/bin/env python3
"""How the cost of list, set and sorted-set commands grows with the size of
the key: the server CPU time per command on a key of 10^3 elements and on one
of 10^6, for Swirl and redis-server side by side (see docs/PERFORMANCE.md).

Each server is pinned to core 0 (as in bench.py). Every command is sent
20,000 times in pipelines of 100 from redis-py; its cost is the server's CPU
time (schedstat) divided by the count, minus the cost of a PING measured the
same way, which leaves what the command itself costs beyond the protocol.
An O(1) command costs about the same at both sizes; an O(log n) one at most
about twice as much (log 10^6 / log 10^3), plus what the larger structure
loses to cache misses. Write commands are paired with their inverse (LPUSH
with RPOP, ZADD of a new member with its ZREM) so the size stays put.

Usage: scripts/complexity.py [--swirl PATH] [--redis PATH] [--ops N]
"""
import argparse, os, random, sys

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, ServerProcess, free_port  # noqa: E402

SIZES = (1_000, 1_000_000)


def fill(client, n):
    client.flushall()
    pipe = client.pipeline(transaction=False)
    for start in range(0, n, 1000):
        batch = range(start, min(n, start + 1000))
        pipe.rpush("l", *batch)
        pipe.sadd("s", *(f"m{i}" for i in batch))
        pipe.zadd("z", {f"m{i}": i for i in batch})
        if len(pipe) >= 30:
            pipe.execute()
    pipe.execute()


def workloads(n, rng):
    """name -> function(pipe) adding one unit of work (one or two commands)."""
    def member():
        return f"m{rng.randrange(n)}"

    def fresh():
        return f"new{rng.randrange(1 << 40)}"

    def zadd_zrem(p):
        m = fresh()
        p.zadd("z", {m: rng.random() * n})
        p.zrem("z", m)

    def sadd_srem(p):
        m = fresh()
        p.sadd("s", m)
        p.srem("s", m)

    return {
        "PING": (1, lambda p: p.ping()),
        "LPUSH + RPOP": (2, lambda p: (p.lpush("l", "x"), p.rpop("l"))),
        "LINDEX 0": (1, lambda p: p.lindex("l", 0)),
        "SADD + SREM": (2, sadd_srem),
        "SISMEMBER": (1, lambda p: p.sismember("s", member())),
        "ZADD + ZREM": (2, zadd_zrem),
        "ZSCORE": (1, lambda p: p.zscore("z", member())),
        "ZRANK": (1, lambda p: p.zrank("z", member())),
        "ZRANGE r r+9": (1, lambda p: p.zrange("z", (r := rng.randrange(n - 10)), r + 9)),
        "ZCOUNT window": (1, lambda p: p.zcount("z", (lo := rng.randrange(n - 10)), lo + 9)),
    }


def measure(server, client, work, ops, per_call):
    pipe = client.pipeline(transaction=False)
    before = server.cpu_seconds()
    commands = 0
    while commands < ops:
        for _ in range(100):
            work(pipe)
        pipe.execute()
        commands += 100 * per_call
    return (server.cpu_seconds() - before) * 1e6 / commands


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--ops", type=int, default=20_000)
    args = parser.parse_args()
    servers = [ServerProcess("redis", [args.redis, "--save", "", "--appendonly", "no"], free_port()),
               ServerProcess("swirl", [args.swirl, "--appendonly", "no"], free_port())]
    results = {}  # (server, size, name) -> µs per command
    try:
        for n in SIZES:
            for server in servers:
                client = redis.Redis(port=server.port)
                fill(client, n)
                for name, (per_call, work) in workloads(n, random.Random(7)).items():
                    results[(server.name, n, name)] = measure(server, client, work, args.ops, per_call)
    finally:
        for server in servers:
            server.stop()
    names = list(workloads(10, random.Random(0)))
    print(f"# Server CPU µs per command beyond a PING, keys of {SIZES[0]:,} and {SIZES[1]:,} elements\n")
    print("| command | redis 10^3 | redis 10^6 | growth | swirl 10^3 | swirl 10^6 | growth |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in names[1:]:
        row = [name]
        for server in ("redis", "swirl"):
            small, large = (results[(server, n, name)] - results[(server, n, "PING")] for n in SIZES)
            row += [f"{small:.2f}", f"{large:.2f}", f"{large / small:.1f}x" if small > 0.05 else "-"]
        print("| " + " | ".join(row) + " |")
    print("\nPING itself: " + ", ".join(f"{s} {results[(s, n, 'PING')]:.2f} µs at {n:,}"
                                     for s in ("redis", "swirl") for n in SIZES))


if __name__ == "__main__":
    main()
