#!/usr/bin/env python3
"""Scripting, Swirl vs redis-server side by side (docs/PERFORMANCE.md, Scripting).

EVALSHA of a one-call script (`return redis.call('INCR', KEYS[1])`) and of a
ten-call one, with redis-benchmark at -P 1 and -P 16, each server pinned to
core 0 and redis-benchmark to core 1, rounds alternating between the servers
(medians reported with the ratio Swirl/Redis and the server CPU time per call,
read from /proc as bench.py does); then the memory of 10,000 cached scripts
(INFO used_memory and RSS before and after SCRIPT LOAD of each).
"""
import argparse, os, socket, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, ServerProcess, free_port, run_benchmark  # noqa: E402

SCRIPTS = {
    "evalsha_1_call": "return redis.call('INCR', KEYS[1])",
    "evalsha_10_calls": "local n = 0 for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n",
}


def call(port, *words):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        payload = "*%d\r\n" % len(words) + "".join(f"${len(w.encode())}\r\n{w}\r\n" for w in words)
        s.sendall(payload.encode())
        data = b""
        while not data.endswith(b"\r\n"):
            data += s.recv(65536)
        return data.decode()


def script_load(port, body):
    reply = call(port, "SCRIPT", "LOAD", body)
    return reply.split("\r\n")[1]


def info_field(port, section, name):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"*2\r\n$4\r\nINFO\r\n${len(section)}\r\n{section}\r\n".encode())
        data = b""
        while True:
            data += s.recv(65536)
            header, _, rest = data.partition(b"\r\n")
            if len(rest) >= int(header[1:]):
                break
    for line in rest.decode().splitlines():
        if line.startswith(name + ":"):
            return int(line.split(":")[1])
    return 0


def evalsha_benchmark(server, sha, pipeline, requests):
    # run_benchmark's -t path is for redis-benchmark's own tests; a command of our own goes
    # after the options, as the LRANGE tests do (key from -r's __rand_int__).
    return run_benchmark(server, ["EVALSHA", sha, "1", "key:__rand_int__"], pipeline, requests, 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scripts", type=int, default=10000, help="scripts cached for the memory figure")
    args = parser.parse_args()
    swirl = ServerProcess("swirl", [os.path.join(ROOT, ".build/release/swirl-server"), "--appendonly", "no", "--save", ""], free_port())
    redis = ServerProcess("redis", ["redis-server", "--appendonly", "no", "--save", ""], free_port())
    servers = [swirl, redis]
    try:
        print("| test | -P | Swirl rps | Redis rps | ratio | Swirl CPU µs/call | Redis CPU µs/call | CPU ratio |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, body in SCRIPTS.items():
            shas = {s.name: script_load(s.port, body) for s in servers}
            for pipeline in (1, 16):
                results = {s.name: [] for s in servers}
                for round_ in range(args.rounds):
                    order = servers if round_ % 2 == 0 else list(reversed(servers))
                    for s in order:
                        results[s.name].append(evalsha_benchmark(s, shas[s.name], pipeline, args.requests))
                med = {n: {k: statistics.median(r[k] for r in rs) for k in ("rps", "cpu_us")} for n, rs in results.items()}
                a, b = med["swirl"], med["redis"]
                print(f"| {name} | {pipeline} | {a['rps']:.0f} | {b['rps']:.0f} | {a['rps'] / b['rps']:.2f} | "
                      f"{a['cpu_us']:.2f} | {b['cpu_us']:.2f} | {a['cpu_us'] / b['cpu_us']:.2f} |", flush=True)
        print()
        print(f"Memory of {args.scripts} cached scripts (each a distinct one-call script):")
        for s in servers:
            call(s.port, "SCRIPT", "FLUSH")
            used, rss = info_field(s.port, "memory", "used_memory"), s.rss()
            for i in range(args.scripts):
                script_load(s.port, f"return redis.call('GET', KEYS[1]) -- script {i}")
            grown_used = info_field(s.port, "memory", "used_memory") - used
            grown_rss = s.rss() - rss
            print(f"- {s.name}: used_memory +{grown_used / args.scripts:.0f} B per script, RSS +{grown_rss / args.scripts:.0f} B, "
                  f"used_memory_scripts {info_field(s.port, 'memory', 'used_memory_scripts')}, "
                  f"used_memory_lua {info_field(s.port, 'memory', 'used_memory_lua')}")
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    main()
