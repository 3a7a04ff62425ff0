#!/usr/bin/env python3
"""Bitmaps and HyperLogLog, Swirl vs redis-server side by side (docs/PERFORMANCE.md).

Same method as scripts/bench.py (whose servers and table it reuses): each
server pinned to core 0, redis-benchmark to core 1, alternating rounds,
medians, CPU time per request from /proc. The commands:

- SETBIT / GETBIT of bit 1023 in random keys among 100,000 (redis-benchmark
  pads its random numbers with zeros, which an offset may not have), and
  SETBIT / GETBIT at random offsets of one 1 MB bitmap from a pipelining
  Python client (server CPU per request only);
- BITCOUNT of a whole 16 KB bitmap;
- PFADD of a random element to one HLL (dense after the first thousands) and
  to random keys among 100,000 (sparse ones);
- PFCOUNT of one HLL (the cached cardinality: PFADD invalidates it, so in a
  run of PFCOUNTs only the first computes) and of the union of three (each
  call merges 3 x 16,384 registers and estimates).

Then the memory of an HLL: RSS growth per key after 10,000 sparse HLLs of
100 elements and 1,000 dense ones of 20,000 elements, fresh servers.

    python3 scripts/bench_bitmaps_hll.py [--quick] [--swirl PATH] [--redis PATH]
"""
import argparse, csv, io, os, random, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

TESTS = [
    # redis-benchmark pads __rand_int__ to 12 digits, which no offset parser accepts
    # (leading zeros): the random part is the key, the offset is fixed.
    ("SETBIT 100k keys", ["SETBIT", "bits:__rand_int__", "1023", "1"], 100000),
    ("GETBIT 100k keys", ["GETBIT", "bits:__rand_int__", "1023"], 100000),
    ("BITCOUNT 16 KB", ["BITCOUNT", "bitmap16k"], 100000),
    ("PFADD one key", ["PFADD", "hll", "element:__rand_int__"], 100000000),
    ("PFADD sparse keys", ["PFADD", "hll:__rand_int__", "x"], 100000),
    ("PFCOUNT one key", ["PFCOUNT", "hll"], 100000),
    ("PFCOUNT 3 keys", ["PFCOUNT", "hll", "hll2", "hll3"], 100000),
]


def send_all(server, commands, batch=1000):
    """Pipelined commands on one connection, a batch at a time; returns the raw replies' size."""
    import socket
    received = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as s:
        for first in range(0, len(commands), batch):
            chunk = commands[first:first + batch]
            s.sendall(b"".join(b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in c)
                               for c in chunk))
            data = b""
            while data.count(b"\r\n") < len(chunk):
                data += s.recv(1 << 20)
            received += len(data)
    return received


def prepare(server):
    """The keys the read tests read, the same in both servers."""
    r = random.Random(5)
    send_all(server, [[b"SETRANGE", b"bitmap16k", b"0", bytes(r.randrange(256) for _ in range(16384))]])
    base = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-q", "-P", "64"]
    for key in ("hll", "hll2", "hll3"):
        subprocess.run(base + ["-n", "50000", "-r", "100000000", "PFADD", key, "e:__rand_int__"],
                       capture_output=True, timeout=600, check=True)


def big_bitmap(server, requests):
    """SETBITs at random offsets of one 1 MB bitmap (each changes a byte in place), then GETBITs,
    pipelined 1000 at a time: server CPU time per request."""
    r = random.Random(9)
    offsets = [b"%d" % r.randrange(8 << 20) for _ in range(requests)]
    results = []
    for words in ([b"SETBIT", b"big"], [b"GETBIT", b"big"]):
        commands = [words + [o] + ([b"%d" % (i & 1)] if words[0] == b"SETBIT" else []) for i, o in enumerate(offsets)]
        before = server.cpu_seconds()
        send_all(server, commands)
        results.append((server.cpu_seconds() - before) * 1e6 / requests)
    return results


def run(server, words, keyspace, pipeline, requests, clients=50):
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(requests), "-P", str(pipeline),
            "-c", str(clients), "-r", str(keyspace), "--csv", "-q"] + words
    before, started = server.cpu_seconds(), time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900).stdout
    cpu, wall = server.cpu_seconds() - before, time.monotonic() - started
    rows = [r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test"]
    if not rows:
        raise SystemExit(f"redis-benchmark printed nothing for {words} on {server.name}: {out!r}")
    row = rows[0]
    return {"rps": float(row[1]), "p50": float(row[4]), "p99": float(row[6]), "cpu_us": cpu * 1e6 / requests,
            "busy": 100 * cpu / wall}


def memory_per_hll(server, keys, elements):
    """RSS growth per key after PFADDs of `elements` distinct elements to each of `keys` keys."""
    empty = server.rss()
    import socket
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as s:
        for first in range(0, keys, 100):
            batch = b""
            for key in range(first, min(keys, first + 100)):
                for start in range(0, elements, 500):
                    words = [b"PFADD", b"mem:%d" % key] + [b"%d" % e for e in range(start, min(elements, start + 500))]
                    batch += b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words)
            s.sendall(batch)
            expected, data = batch.count(b"*"), b""
            while data.count(b"\r\n") < expected:
                data += s.recv(1 << 20)
    encoding = server.call("PFDEBUG", "ENCODING", "mem:0")
    return (server.rss() - empty) / keys, encoding


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--swirl", default=os.path.join(bench.ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    requests = args.requests or (100_000 if args.quick else 500_000)
    redis = bench.ServerProcess("redis", [args.redis, "--save", "", "--appendonly", "no"], bench.free_port())
    swirl = bench.ServerProcess("swirl", [args.swirl, "--appendonly", "no"], bench.free_port())
    try:
        for server in (redis, swirl):
            prepare(server)
        print(f"# Bitmaps and HyperLogLog: Swirl vs Redis, {rounds} alternating rounds, medians, -c 50, -n {requests}\n")
        bench.print_header("redis", "swirl")
        for pipeline in (1, 16):
            for name, words, keyspace in TESTS:
                samples = {"redis": [], "swirl": []}
                for r in range(rounds):
                    for server in ((redis, swirl) if r % 2 == 0 else (swirl, redis)):
                        samples[server.name].append(run(server, words, keyspace, pipeline, requests))
                med = {n: {k: statistics.median(s[k] for s in v) for k in v[0]} for n, v in samples.items()}
                bench.print_row((name, pipeline, med["redis"], med["swirl"]), "redis", "swirl")
        print("\n# One 1 MB bitmap, random offsets, pipelined 1000 at a time (Python client): server CPU µs/request\n")
        cpu = {server.name: big_bitmap(server, requests) for server in (redis, swirl)}
        for index, name in enumerate(("SETBIT", "GETBIT")):
            print(f"- {name}: redis {cpu['redis'][index]:.2f}, swirl {cpu['swirl'][index]:.2f}, "
                  f"ratio {cpu['swirl'][index] / cpu['redis'][index]:.2f}", flush=True)
    finally:
        redis.stop()
        swirl.stop()
    print("\n# Memory per HLL: RSS growth per key, fresh servers\n")
    for keys, elements in ((10_000, 100), (1_000, 20_000)):
        for name, argv in (("redis", [args.redis, "--save", "", "--appendonly", "no"]),
                           ("swirl", [args.swirl, "--appendonly", "no"])):
            server = bench.ServerProcess(name, argv, bench.free_port())
            try:
                per_key, encoding = memory_per_hll(server, keys, elements)
                print(f"- {name}: {keys} HLLs of {elements} elements ({encoding}): {per_key:.0f} B/key", flush=True)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
