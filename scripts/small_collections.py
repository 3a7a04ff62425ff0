#!/usr/bin/env python3
"""Many small keys of each collection type: Swirl vs redis-server, side by side.

Memory: for each kind of key, a fresh server of each kind, RSS growth after
redis-benchmark made about 95,000 keys with one 3-element command each (three
calls per key on average), divided by DBSIZE; MEMORY USAGE of one such key.
Speed: on one server of each kind filled that way, commands on those small
keys at -P 16, in alternating rounds (pinned like bench.py), with the ratio
and the server CPU per request. See docs/PERFORMANCE.md, "Small collections".
"""
import argparse, os, statistics, subprocess

from bench import ROOT, ServerProcess, free_port

KINDS = {
    "hash of 3 fields": "HSET h:__rand_int__ a 1 b 2 c 3",
    "sorted set of 3": "ZADD z:__rand_int__ 1 a 2 b 3 c",
    "list of ~9": "RPUSH l:__rand_int__ a b c",
    "set of 3 integers": "SADD i:__rand_int__ 1 2 3",
    "set of 3 strings": "SADD s:__rand_int__ a b c",
}
READS = ["LRANGE l:__rand_int__ 0 -1", "LINDEX l:__rand_int__ 4", "ZRANGE z:__rand_int__ 0 -1 WITHSCORES",
         "ZSCORE z:__rand_int__ b", "ZINCRBY z:__rand_int__ 1 a", "HGET h:__rand_int__ b", "HGETALL h:__rand_int__",
         "SISMEMBER s:__rand_int__ b", "SMEMBERS s:__rand_int__", "LPOP l:__rand_int__"]


def fill(server, command, requests=300_000, pipeline=16):
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(requests), "-r", "100000",
            "-P", str(pipeline), "-q"] + command.split()
    subprocess.run(argv, capture_output=True, timeout=600, check=True)


def timed(server, command, requests):
    before = server.cpu_seconds()
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(requests), "-r", "100000",
            "-c", "50", "-P", "16", "-q", "--csv"] + command.split()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=True).stdout
    rps = float(out.strip().splitlines()[-1].split(",")[1].strip('"'))
    return rps, (server.cpu_seconds() - before) * 1e6 / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    argvs = {"swirl": [args.swirl, "--appendonly", "no"], "redis": [args.redis, "--save", "", "--appendonly", "no"]}

    print("| key holds | swirl B/key (MEMORY USAGE) | redis B/key (MEMORY USAGE) |\n|---|---:|---:|")
    for kind, command in KINDS.items():
        cells = []
        for name in ("swirl", "redis"):
            server = ServerProcess(name, argvs[name], free_port())  # fresh: an allocator keeps freed memory
            try:
                empty = server.rss()
                fill(server, command)
                keys = int(server.call("DBSIZE")[1:])
                usage = server.call("MEMORY", "USAGE", command.split()[1].replace("__rand_int__", "000000000042"))
                cells.append(f"{(server.rss() - empty) / keys:.0f} ({usage.lstrip(':')})")
            finally:
                server.stop()
        print(f"| {kind} | {cells[0]} | {cells[1]} |", flush=True)
    if args.no_speed:
        return

    servers = {name: ServerProcess(name, argv, free_port()) for name, argv in argvs.items()}
    try:
        for server in servers.values():
            for command in KINDS.values():
                fill(server, command)
        print(f"\n# -P 16 -c 50, {args.rounds} alternating rounds of {args.requests} requests, medians\n")
        print("| command | swirl rps | redis rps | ratio | CPU µs/req swirl/redis | CPU ratio |\n|---|---:|---:|---:|---|---:|")
        for command in READS:
            samples = {"swirl": [], "redis": []}
            for r in range(args.rounds):
                for name in (("swirl", "redis") if r % 2 == 0 else ("redis", "swirl")):
                    samples[name].append(timed(servers[name], command, args.requests))
            rps = {n: statistics.median(s[0] for s in v) for n, v in samples.items()}
            cpu = {n: statistics.median(s[1] for s in v) for n, v in samples.items()}
            print(f"| `{command}` | {rps['swirl']:.0f} | {rps['redis']:.0f} | {rps['swirl'] / rps['redis']:.2f} | "
                  f"{cpu['swirl']:.2f}/{cpu['redis']:.2f} | {cpu['swirl'] / cpu['redis']:.2f} |", flush=True)
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main()
