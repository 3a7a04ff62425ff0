#!/usr/bin/env python3
"""GEOADD and GEOSEARCH BYRADIUS: Swirl vs redis-server, side by side, with
redis-benchmark at -P 1 and -P 16 (docs/PERFORMANCE.md, "Geo").

Points are random in a 0.1° x 0.1° square at 0 N 0 E (about 11 x 11 km):
redis-benchmark's __rand_int__ is twelve zero-padded digits of random() modulo
-r (so below 2^31), hence `__rand_int__e-10` with -r 10^9 covers 0 to 0.1.
GEOADD adds new members to one growing set; GEOSEARCH runs on a set filled
first with 100,000 such points, from a random centre in the same square with
a 200 m radius (about 100 members in each reply). Servers pinned to core 0,
redis-benchmark to core 1, rounds alternating, medians reported with the
ratio Swirl/Redis and the server CPU time per request, as scripts/bench.py.

Usage: scripts/bench_geo.py [--rounds 3] [--requests 200000] [--swirl PATH]
"""
import argparse, csv, io, os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, ServerProcess, free_port, print_header, print_row  # noqa: E402

SPREAD = str(10 ** 9)
COORD = "__rand_int__e-10"
GEOADD = ["GEOADD", "geo:add", COORD, COORD, "m:__rand_int__"]
GEOSEARCH = ["GEOSEARCH", "geo:search", "FROMLONLAT", COORD, COORD, "BYRADIUS", "200", "m"]


def run(server, command, pipeline, requests, clients=50):
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(requests), "-P", str(pipeline),
            "-c", str(clients), "-r", SPREAD, "--csv", "-q"] + command
    before, started = server.cpu_seconds(), time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900).stdout
    cpu, wall = server.cpu_seconds() - before, time.monotonic() - started
    rows = [r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test"]
    if not rows:
        raise SystemExit(f"redis-benchmark printed nothing on {server.name}: {out!r}")
    row = rows[0]
    return {"rps": float(row[1]), "p50": float(row[4]), "p99": float(row[6]), "cpu_us": cpu * 1e6 / requests,
            "busy": 100 * cpu / wall}


def fill(server, points):
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(points), "-P", "64",
            "-r", SPREAD, "-q", "GEOADD", "geo:search", COORD, COORD, "m:__rand_int__"]
    subprocess.run(argv, capture_output=True, timeout=900, check=True)
    return int(server.call("ZCARD", "geo:search")[1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--search-requests", type=int, default=20_000,
                        help="GEOSEARCH requests per run (each reads ~3,000 points, so fewer)")
    parser.add_argument("--points", type=int, default=100_000)
    args = parser.parse_args()
    redis = ServerProcess("redis", [args.redis, "--save", "", "--appendonly", "no"], free_port())
    swirl = ServerProcess("swirl", [args.swirl, "--appendonly", "no"], free_port())
    try:
        sizes = [fill(server, args.points) for server in (redis, swirl)]
        print(f"# Geo: Swirl vs Redis, {args.rounds} alternating rounds, medians, -c 50, -n {args.requests} "
              f"(GEOSEARCH {args.search_requests}); "
              f"GEOSEARCH over {sizes[0]} (Redis) / {sizes[1]} (Swirl) points\n")
        print_header("redis", "swirl")
        for pipeline in (1, 16):
            for label, command, requests in (("GEOADD", GEOADD, args.requests),
                                             ("GEOSEARCH BYRADIUS 200 m", GEOSEARCH, args.search_requests)):
                samples = {"redis": [], "swirl": []}
                for r in range(args.rounds):
                    for server in ((redis, swirl) if r % 2 == 0 else (swirl, redis)):
                        samples[server.name].append(run(server, command, pipeline, requests))
                med = {n: {k: statistics.median(s[k] for s in v) for k in v[0]} for n, v in samples.items()}
                print_row((label, pipeline, med["redis"], med["swirl"]), "redis", "swirl")
    finally:
        redis.stop()
        swirl.stop()


if __name__ == "__main__":
    main()
