#!/usr/bin/env python3
"""maxmemory side by side: Swirl and redis-server in the same run.

1. RSS during a write stream (default 1 GB of 1,000-byte values, pipelined by
   redis-benchmark) into a fresh server with `maxmemory` (default 100mb) under
   each policy; RSS is sampled every 50 ms. Target: within 10% of the limit.
2. Hit rate of an LRU cache workload (allkeys-lru): keys drawn from a Zipf
   distribution (s = 0.99) over 10x more keys than fit; GET, and SET on a miss.
   The same seeded sequence for both servers; the first third warms the cache.
   Target: within 2 percentage points of Redis's.
3. Speed at the limit: redis-benchmark SET (every one evicts) and GET against
   servers filled to `maxmemory` under allkeys-lru, alternating rounds, servers
   on core 0 and the client on core 1 (as scripts/bench.py).

Loopback only; every phase is bounded by counts. See docs/PERFORMANCE.md.
"""
import argparse, os, socket, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (ServerProcess, run_benchmark, free_port)

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]


def server_argv(args, name, policy):
    common = ["--appendonly", "no", "--maxmemory", args.maxmemory, "--maxmemory-policy", policy]
    return [args.redis, "--save", ""] + common if name == "redis" else [args.swirl] + common


def info(server, section="everything"):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(b"*2\r\n$4\r\nINFO\r\n$%d\r\n%s\r\n" % (len(section), section.encode()))
        data = b""
        while b"\r\n" not in data or len(data) < int(data[1:data.index(b"\r\n")]) + data.index(b"\r\n") + 4:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            data += chunk
    fields = {}
    for line in data.decode(errors="replace").split("\r\n")[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value
    return fields


class RSSSampler(threading.Thread):
    """Peak and last RSS of a process, sampled every 50 ms until stopped."""
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.last, self.running = server, 0, 0, True

    def run(self):
        while self.running:
            self.last = self.server.rss()
            self.peak = max(self.peak, self.last)
            time.sleep(0.05)


def stream(args, name, policy):
    """Phase 1 for one server and policy: a fresh server, the write stream, RSS."""
    server = bench.ServerProcess(name, server_argv(args, name, policy), bench.free_port())
    try:
        value = "v" * args.value_size
        requests = int(args.stream_gb * (1 << 30)) // args.value_size
        command = ["SET", "key:__rand_int__", value] + (["EX", "100000"] if policy.startswith("volatile") else [])
        argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(requests),
                "-r", "100000000", "-P", "16", "-c", "50", "-q"] + command
        sampler = RSSSampler(server)
        sampler.start()
        started = time.monotonic()
        subprocess.run(argv, capture_output=True, timeout=900)
        seconds = time.monotonic() - started
        sampler.running = False
        sampler.join()
        fields = info(server)
        return {"peak": sampler.peak, "last": sampler.last, "used": int(fields["used_memory"]),
                "evicted": int(fields["evicted_keys"]), "keys": int(fields.get("db0", "keys=0,").split(",")[0][5:] or 0),
                "oom": int(fields.get("errorstat_OOM", "count=0").split("=")[1]), "seconds": seconds}
    finally:
        server.stop()


def zipf_sequence(keys, count, seed, exponent=0.99):
    """`count` key numbers in 0..<keys, Zipf-distributed, hot keys scattered over the keyspace."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.power(np.arange(1, keys + 1, dtype=np.float64), exponent)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    ranks = np.searchsorted(cdf, rng.random(count))
    return rng.permutation(keys)[ranks]


def hit_rate(args, name, sequence, warmup):
    """Phase 2 for one server: cache-aside over `sequence`; hits / GETs after `warmup`."""
    server = bench.ServerProcess(name, server_argv(args, name, "allkeys-lru"), bench.free_port())
    value = b"v" * args.value_size
    set_tail = b"\r\n$%d\r\n%s\r\n" % (len(value), value)
    hits = gets = 0
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as s:
            reader = s.makefile("rb", buffering=1 << 20)
            batch = 500
            for start in range(0, len(sequence), batch):
                keys = [b"key:%d" % k for k in sequence[start:start + batch]]
                s.sendall(b"".join(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k) for k in keys))
                missed = []
                for key in keys:
                    header = reader.readline()
                    if header.startswith(b"$-1"):
                        missed.append(key)
                    else:
                        reader.read(int(header[1:]) + 2)
                if start >= warmup:
                    gets += len(keys)
                    hits += len(keys) - len(missed)
                if missed:
                    s.sendall(b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s%s" % (len(k), k, set_tail) for k in missed))
                    for _ in missed:
                        reader.readline()
        fields = info(server)
        return hits / max(1, gets), int(fields["evicted_keys"]), int(fields.get("db0", "keys=0,").split(",")[0][5:] or 0)
    finally:
        server.stop()


def speed_at_limit(args):
    """Phase 3: SET and GET on servers kept at the limit (allkeys-lru), alternating rounds."""
    servers = {name: bench.ServerProcess(name, server_argv(args, name, "allkeys-lru"), bench.free_port())
               for name in ("redis", "swirl")}
    try:
        fill = int(2 * bench_limit(args) / args.value_size)
        for server in servers.values():
            subprocess.run(["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-t", "set", "-n", str(fill),
                            "-r", "100000000", "-d", str(args.value_size), "-P", "16", "-q"], capture_output=True, timeout=900)
        print("| test | -P | swirl rps | redis rps | ratio | swirl CPU µs/req | redis CPU µs/req | CPU ratio | evicted swirl/redis |")
        print("|---|---|---|---|---|---|---|---|---|")
        for test, pipeline in (("set", 16), ("get", 16), ("set", 1)):
            samples = {"redis": [], "swirl": []}
            for r in range(args.rounds):
                for name in (("redis", "swirl") if r % 2 == 0 else ("swirl", "redis")):
                    samples[name].append(bench.run_benchmark(servers[name], test, pipeline, args.requests,
                                                             args.value_size, keyspace=100_000_000))
            med = {n: {k: sorted(s[k] for s in v)[len(v) // 2] for k in v[0]} for n, v in samples.items()}
            evicted = {n: info(servers[n], "stats")["evicted_keys"] for n in servers}
            sw, rd = med["swirl"], med["redis"]
            print(f"| {test.upper()} -d {args.value_size} | {pipeline} | {sw['rps']:.0f} | {rd['rps']:.0f} | "
                  f"{sw['rps'] / rd['rps']:.2f} | {sw['cpu_us']:.2f} | {rd['cpu_us']:.2f} | "
                  f"{sw['cpu_us'] / rd['cpu_us']:.2f} | {evicted['swirl']}/{evicted['redis']} |", flush=True)
    finally:
        for server in servers.values():
            server.stop()


def bench_limit(args):
    units = {"gb": 1 << 30, "mb": 1 << 20, "kb": 1 << 10}
    text = args.maxmemory.lower()
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return int(text[:-len(suffix)]) * factor
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--maxmemory", default="100mb")
    parser.add_argument("--value-size", type=int, default=1000)
    parser.add_argument("--stream-gb", type=float, default=1.0, help="size of phase 1's write stream")
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument("--operations", type=int, default=3_000_000, help="phase 2's GETs (a third warm up)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300_000, help="phase 3's requests per run")
    parser.add_argument("--only", choices=["rss", "hits", "speed"], help="run one phase")
    args = parser.parse_args()
    limit = bench_limit(args)

    if args.only in (None, "rss"):
        print(f"# RSS during a {args.stream_gb:g} GB write stream of {args.value_size}-byte values, "
              f"maxmemory {args.maxmemory} ({limit} B)\n")
        print("| policy | server | peak RSS MB | peak / limit | RSS at end MB | used_memory MB | keys | evicted | OOM errors | seconds |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for policy in args.policies.split(","):
            for name in ("redis", "swirl"):
                r = stream(args, name, policy)
                print(f"| {policy} | {name} | {r['peak'] / 2**20:.1f} | {r['peak'] / limit:.3f} | {r['last'] / 2**20:.1f} | "
                      f"{r['used'] / 2**20:.1f} | {r['keys']} | {r['evicted']} | {r['oom']} | {r['seconds']:.1f} |", flush=True)

    if args.only in (None, "hits"):
        fit = limit // (args.value_size + 100)
        keys = 10 * fit
        sequence = zipf_sequence(keys, args.operations, seed=14)
        warmup = args.operations // 3
        print(f"\n# Hit rate, allkeys-lru: Zipf(0.99) over {keys} keys (about 10x what fits), "
              f"{args.operations} GETs (SET on a miss), the first {warmup} warming up\n")
        print("| server | hit rate | evicted | keys held |\n|---|---:|---:|---:|")
        rates = {}
        for name in ("redis", "swirl"):
            rates[name], evicted, held = hit_rate(args, name, sequence, warmup)
            print(f"| {name} | {100 * rates[name]:.2f}% | {evicted} | {held} |", flush=True)
        print(f"\nDifference: {100 * (rates['swirl'] - rates['redis']):+.2f} percentage points")

    if args.only in (None, "speed"):
        print(f"\n# Speed at the limit (allkeys-lru, maxmemory {args.maxmemory}, filled with twice that), "
              f"{args.rounds} alternating rounds of {args.requests} requests, medians, -c 50\n")
        speed_at_limit(args)


if __name__ == "__main__":
    main()
