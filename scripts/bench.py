#!/usr/bin/env python3
"""Swirl vs redis-server, side by side, with redis-benchmark.

Each server runs pinned to core 0 and redis-benchmark to core 1. Every test is
run on both servers in alternating order (A B, B A, ...) so that a drift of the
shared machine hits both alike; the medians are reported with the ratio
Swirl/Redis, latency percentiles, and the server CPU time per request read
from /proc/PID/stat before and after each run. See docs/PERFORMANCE.md.
"""
import argparse, csv, io, os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MATRIX = ["ping_inline", "ping_mbulk", "set", "get", "incr", "hset", "mset", "lpush", "rpush",
          "lpop", "rpop", "sadd", "spop", "zadd", "zpopmin", "lrange_100", "lrange_600"]
# The command each redis-benchmark test needs; a test runs only when both servers have it.
NEEDS = {"ping_inline": "ping", "ping_mbulk": "ping", "lrange_100": "lrange", "lrange_600": "lrange", "zpopmin": "zpopmin"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, name, argv, port, unix=False):
        self.name, self.port = name, port
        self.dir = tempfile.mkdtemp(prefix=f"bench-{name}-")
        # --unix: redis-benchmark reaches the server through this socket file instead of TCP.
        self.socket = os.path.join(self.dir, "s.sock") if unix else None
        extra = ["--unixsocket", self.socket] if unix else []
        self.proc = subprocess.Popen(["taskset", "-c", "0"] + argv + ["--port", str(port), "--dir", self.dir] + extra,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.call("PING") == "+PONG":
                return
            time.sleep(0.05)
        raise SystemExit(f"{name} did not start")

    def call(self, *words):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                s.sendall(("*%d\r\n" % len(words) + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)).encode())
                return s.recv(65536).decode(errors="replace").split("\r\n")[0]
        except OSError:
            return None

    def cpu_seconds(self):
        """CPU time of all the server's threads, in nanosecond resolution (schedstat)."""
        total = 0
        task_dir = f"/proc/{self.proc.pid}/task"
        for task in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass  # a thread that ended between listdir and open
        return total / 1e9

    def rss(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def stop(self):
        self.call("SHUTDOWN", "NOSAVE")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def has_command(server, command):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(f"*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n${len(command)}\r\n{command}\r\n".encode())
        data = b""
        while b"\r\n" not in data[4:] or len(data) < 8:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.startswith(b"*1\r\n*") and not data.startswith(b"*1\r\n*-1")


def run_benchmark(server, test, pipeline, requests, data_size, clients=50, keyspace=100000):
    common = ["-n", str(requests), "-P", str(pipeline), "-c", str(clients), "-r", str(keyspace), "-d", str(data_size), "--csv", "-q"]
    argv = ["taskset", "-c", "1", "redis-benchmark"] + (["-s", server.socket] if server.socket else ["-p", str(server.port)])
    if isinstance(test, list):
        argv += common + test  # a command of the caller's own (bench_scripting.py)
    elif test.startswith("lrange_"):
        # redis-benchmark's own LRANGE tests first LPUSH as many elements as they then
        # read, in the same run (two rows, one CPU total): fill the list apart, then
        # time the very command those tests send.
        fill = argv + ["-n", "1000", "-P", "16", "-r", str(keyspace), "-q", "LPUSH", "mylist", "__rand_int__"]
        subprocess.run(fill, capture_output=True, timeout=600, check=True)
        argv += common + ["LRANGE", "mylist", "0", str(int(test.split("_")[1]) - 1)]
    else:
        argv += ["-t", test] + common
    before, started = server.cpu_seconds(), time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600).stdout
    cpu, wall = server.cpu_seconds() - before, time.monotonic() - started
    rows = [r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test"]
    if not rows:
        raise SystemExit(f"redis-benchmark printed nothing for {test} on {server.name}: {out!r}")
    row = rows[0]
    # busy: the share of the run the server's threads were on a CPU. Well under 100%
    # means the server waited for the client: redis-benchmark's own core was the limit.
    return {"rps": float(row[1]), "p50": float(row[4]), "p99": float(row[6]), "cpu_us": cpu * 1e6 / requests,
            "busy": 100 * cpu / wall}


def compare(a, b, tests, pipelines, rounds, requests, data_size, label):
    results = []
    for pipeline in pipelines:
        for test in tests:
            samples = {a.name: [], b.name: []}
            for r in range(rounds):
                order = (a, b) if r % 2 == 0 else (b, a)
                for server in order:
                    samples[server.name].append(run_benchmark(server, test, pipeline, requests, data_size))
            med = {n: {k: statistics.median(s[k] for s in v) for k in v[0]} for n, v in samples.items()}
            results.append((f"{test.upper()}{label}", pipeline, med[a.name], med[b.name]))
            print_row(results[-1], a.name, b.name)
    return results


def print_header(a, b):
    print(f"| test | -P | {b} rps | {a} rps | ratio | {b} p50/p99 ms | {a} p50/p99 ms | {b} CPU µs/req | {a} CPU µs/req | CPU ratio | busy % {b}/{a} |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")


def print_row(row, a, b):
    test, pipeline, ra, rb = row
    print(f"| {test} | {pipeline} | {rb['rps']:.0f} | {ra['rps']:.0f} | {rb['rps'] / ra['rps']:.2f} | "
          f"{rb['p50']:.3f}/{rb['p99']:.3f} | {ra['p50']:.3f}/{ra['p99']:.3f} | {rb['cpu_us']:.2f} | {ra['cpu_us']:.2f} | "
          f"{rb['cpu_us'] / ra['cpu_us']:.2f} | {rb['busy']:.0f}/{ra['busy']:.0f} |", flush=True)


def memory_per_key(server, keys, ttl=False):
    """RSS growth per key after SETs of `keys` random 16-byte keys with 16-byte values."""
    empty = server.rss()
    if ttl:
        workload = ["SET", "key:__rand_int__", "v" * 16, "EX", "100000"]
    else:
        workload = ["-t", "set", "-d", "16"]
    argv = ["taskset", "-c", "1", "redis-benchmark", "-p", str(server.port), "-n", str(keys * 3),
            "-r", str(keys), "-P", "64", "-q"] + workload
    subprocess.run(argv, capture_output=True, timeout=900)
    dbsize = int(server.call("DBSIZE")[1:])
    used = server.rss() - empty
    return dbsize, used / max(1, dbsize)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="about two minutes: fewer tests, rounds and requests")
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-aof", action="store_true", help="skip the AOF-cost comparison")
    parser.add_argument("--only-aof", action="store_true", help="run only the AOF-cost comparison")
    parser.add_argument("--tests", help="comma-separated redis-benchmark tests instead of the matrix (e.g. lpush,zadd)")
    parser.add_argument("--data-size", type=int, default=3, help="value size for --tests (redis-benchmark -d; default 3)")
    parser.add_argument("--unix", action="store_true",
                        help="run only the unix socket comparison: SET and GET at -P 1 and -P 16 over each server's unixsocket")
    args = parser.parse_args()
    rounds = args.rounds or 3
    requests = args.requests or (100_000 if args.quick else 1_000_000)

    if args.only_aof:
        args.no_memory = True
        aof_cost(args, rounds, requests)
        return
    if args.unix:
        unix_socket(args, rounds, requests)
        return
    redis = ServerProcess("redis", [args.redis, "--save", "", "--appendonly", "no"], free_port())
    swirl = ServerProcess("swirl", [args.swirl, "--appendonly", "no"], free_port())
    try:
        chosen = args.tests.split(",") if args.tests else (["ping_mbulk", "set", "get", "incr", "hset"] if args.quick else MATRIX)
        tests = [t for t in chosen
                 if has_command(swirl, NEEDS.get(t, t)) and has_command(redis, NEEDS.get(t, t))]
        print(f"# Swirl vs Redis, {rounds} alternating rounds, medians, -c 50 -r 100000, -n {requests}\n")
        print_header("redis", "swirl")
        size = args.data_size if args.tests else 3
        compare(redis, swirl, tests, [1, 16], rounds, requests, size, f" -d {size}" if size != 3 else "")
        if not args.tests:
            compare(redis, swirl, ["set", "get"], [1, 16], rounds, requests, 1024, " -d 1024")
    finally:
        redis.stop()
        swirl.stop()
    if not args.no_memory:
        # Fresh processes: an allocator keeps freed memory, so an earlier run would hide the growth.
        keys = 100_000 if args.quick else 1_000_000
        print(f"\n# Memory: RSS growth after SETs of {keys} distinct 16-byte keys and values, fresh servers\n")
        for name, argv in (("redis", [args.redis, "--save", "", "--appendonly", "no"]),
                           ("swirl", [args.swirl, "--appendonly", "no"])):
            for ttl in (False, True):
                server = ServerProcess(name, argv, free_port())
                try:
                    dbsize, per_key = memory_per_key(server, keys, ttl)
                    print(f"- {name}{' (keys with a TTL)' if ttl else ''}: DBSIZE {dbsize}, {per_key:.0f} B/key")
                finally:
                    server.stop()
    if not args.no_aof:
        aof_cost(args, rounds, requests)


def unix_socket(args, rounds, requests):
    """Both servers over their unix sockets (`redis-benchmark -s`), nothing over TCP."""
    redis = ServerProcess("redis", [args.redis, "--save", "", "--appendonly", "no"], free_port(), unix=True)
    swirl = ServerProcess("swirl", [args.swirl, "--appendonly", "no"], free_port(), unix=True)
    try:
        print(f"# Unix socket: Swirl vs Redis, {rounds} alternating rounds, medians, -c 50 -r 100000, -n {requests}\n")
        print_header("redis", "swirl")
        compare(redis, swirl, (args.tests or "set,get").split(","), [1, 16], rounds, requests, args.data_size, " (unix)")
    finally:
        redis.stop()
        swirl.stop()


def aof_cost(args, rounds, requests):
    """Swirl with appendfsync everysec against Swirl without AOF (issue 3's target: ratio >= 0.95)."""
    plain = ServerProcess("swirl", [args.swirl, "--appendonly", "no"], free_port())
    logged = ServerProcess("swirl-aof", [args.swirl, "--appendonly", "yes", "--appendfsync", "everysec"], free_port())
    try:
        print("\n# AOF cost: Swirl with appendfsync everysec vs Swirl without AOF\n")
        print_header("swirl", "swirl-aof")
        compare(plain, logged, ["set", "incr", "hset"], [16], rounds, requests, 3, "")
        compare(plain, logged, ["set"], [16], rounds, requests, 1024, " -d 1024")
    finally:
        plain.stop()
        logged.stop()


if __name__ == "__main__":
    main()
