#!/usr/bin/env python3
"""Streams: Swirl vs redis-server, side by side (pinned like bench.py).

Speed, redis-benchmark at -P 1 and -P 16 (-c 50), alternating rounds, medians,
the ratio Swirl/Redis and the server CPU per request:
- XADD key * with 3 small fields, on one stream;
- XRANGE of 10 entries from a random start, on a stream of 100,000 entries;
- XREADGROUP … COUNT 1 STREAMS key > (each call delivers the next entry and
  adds it to the PEL), then XACK of a random delivered ID: the two halves of a
  consumer's loop, each its own run (redis-benchmark sends one command), and
  their sum as the time per read-and-acknowledge.
Memory: RSS growth after 1,000,000 XADDs of 3 small fields into one stream,
fresh servers, divided by XLEN. See docs/PERFORMANCE.md, "Streams".
"""
import argparse, os, socket, statistics, subprocess

from bench import ROOT, ServerProcess, free_port

FIELDS = "name __rand_int__ kind click value 42"


def pipelined(server, commands, batch=1000):
    """Sends commands in batches and reads every reply (counted by lines)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as s:
        for start in range(0, len(commands), batch):
            chunk = commands[start:start + batch]
            s.sendall(b"".join(b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in c) for c in chunk))
            pending = len(chunk)
            data = b""
            while pending:
                data += s.recv(1 << 20)
                # every reply here is one line ($n then the ID, or :n, or +OK): count frames by their first bytes
                lines = data.split(b"\r\n")
                frames = sum(1 for line in lines[:-1] if line[:1] in (b"+", b":", b"-") or line.startswith(b"$"))
                if frames >= len(chunk):
                    pending = 0


def fill_queue(server, key, entries):
    server.call("DEL", key)
    pipelined(server, [[b"XADD", key.encode(), b"%d-0" % (i + 1), b"name", b"x", b"kind", b"click", b"value", b"42"]
                       for i in range(entries)])
    server.call("XGROUP", "CREATE", key, "g", "0")


def timed(server, command, pipeline, requests, keyspace):
    before = server.cpu_seconds()
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(requests), "-r", str(keyspace),
            "-c", "50", "-P", str(pipeline), "-q", "--csv"] + command.split()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=True).stdout
    rps = float(out.strip().splitlines()[-1].split(",")[1].strip('"'))
    return rps, (server.cpu_seconds() - before) * 1e6 / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries for the memory figure")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--pipelines", default="1,16", help="comma-separated -P values")
    args = parser.parse_args()
    argvs = {"swirl": [args.swirl, "--appendonly", "no"], "redis": [args.redis, "--save", "", "--appendonly", "no"]}

    if not args.no_memory:
        memory(args, argvs)
    if not args.no_speed:
        speed(args, argvs)


def memory(args, argvs):
    print(f"# Memory: RSS growth after {args.entries} XADDs of 3 small fields into one stream, fresh servers\n")
    print("| server | XLEN | B/entry (RSS) |\n|---|---:|---:|")
    for name in ("swirl", "redis"):
        server = ServerProcess(name, argvs[name], free_port())
        try:
            empty = server.rss()
            argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(args.entries),
                    "-r", "100000", "-c", "1", "-P", "64", "-q", "XADD", "mem", "*"] + FIELDS.split()
            subprocess.run(argv, capture_output=True, timeout=900, check=True)
            length = int(server.call("XLEN", "mem")[1:])
            print(f"| {name} | {length} | {(server.rss() - empty) / length:.1f} |", flush=True)
        finally:
            server.stop()


def speed(args, argvs):
    servers = {name: ServerProcess(name, argv, free_port()) for name, argv in argvs.items()}
    try:
        for server in servers.values():
            fill_queue(server, "r", 100_000)
        print(f"\n# Speed: {args.rounds} alternating rounds, medians, -c 50, -n {args.requests}\n")
        print("| command | -P | swirl rps | redis rps | ratio | swirl CPU µs/req | redis CPU µs/req | CPU ratio |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        tests = [("XADD s * (3 fields)", "XADD s * " + FIELDS, 1_000_000, None),
                 ("XRANGE 10 entries", "XRANGE r __rand_int__ + COUNT 10", 99_990, None),
                 ("XREADGROUP COUNT 1 >", "XREADGROUP GROUP g c COUNT 1 STREAMS q >", 1, "fill"),
                 ("XACK (random delivered ID)", "XACK q g __rand_int__-0", args.requests, None)]
        for pipeline in [int(p) for p in args.pipelines.split(",")]:
            pair = {}
            for label, command, keyspace, prepare in tests:
                samples = {name: [] for name in servers}
                for r in range(args.rounds):
                    order = ("swirl", "redis") if r % 2 == 0 else ("redis", "swirl")
                    for name in order:
                        if prepare == "fill":
                            fill_queue(servers[name], "q", args.requests)
                        samples[name].append(timed(servers[name], command, pipeline, args.requests, keyspace))
                med = {n: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v)) for n, v in samples.items()}
                (srps, scpu), (rrps, rcpu) = med["swirl"], med["redis"]
                print(f"| {label} | {pipeline} | {srps:.0f} | {rrps:.0f} | {srps / rrps:.2f} | {scpu:.2f} | {rcpu:.2f} | {scpu / rcpu:.2f} |", flush=True)
                if label.startswith(("XREADGROUP", "XACK")):
                    pair[label] = med
            s_time = sum(1 / pair[k]["swirl"][0] for k in pair)
            r_time = sum(1 / pair[k]["redis"][0] for k in pair)
            s_cpu = sum(pair[k]["swirl"][1] for k in pair)
            r_cpu = sum(pair[k]["redis"][1] for k in pair)
            print(f"| XREADGROUP + XACK (sum) | {pipeline} | {1 / s_time:.0f} | {1 / r_time:.0f} | {r_time / s_time:.2f} | {s_cpu:.2f} | {r_cpu:.2f} | {s_cpu / r_cpu:.2f} |", flush=True)
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main()
