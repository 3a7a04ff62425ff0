#!/usr/bin/env python3
"""What idle connections cost: Swirl vs redis-server, side by side.

For each server (fresh, pinned like bench.py): open N connections, send one
PING on each and read its reply, then report the RSS growth per connection,
and the time an extra, active connection takes for 2,000 PINGs one at a time,
with and without the idle ones open. See docs/PERFORMANCE.md.
"""
import argparse, os, resource, socket, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, ServerProcess, free_port  # noqa: E402

PING = b"*1\r\n$4\r\nPING\r\n"


def ping_round_trips(port, count=2000):
    with socket.create_connection(("127.0.0.1", port)) as s:
        started = time.monotonic()
        for _ in range(count):
            s.sendall(PING)
            if s.recv(64) != b"+PONG\r\n":
                raise SystemExit("unexpected reply")
        return time.monotonic() - started


def measure(server, connections):
    ping_round_trips(server.port, 200)  # warm-up: the first connection and pages touched
    alone = ping_round_trips(server.port)
    before = server.rss()
    sockets = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(PING)
        sockets.append(s)
    for s in sockets:
        if s.recv(64) != b"+PONG\r\n":
            raise SystemExit(f"{server.name}: a connection was refused (maxclients?)")
    time.sleep(0.5)
    grown = server.rss() - before
    beside = ping_round_trips(server.port)
    for s in sockets:
        s.close()
    return grown, alone, beside


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    args = parser.parse_args()
    needed = args.connections + 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))  # the servers inherit it
    limit = str(args.connections + 100)
    servers = [("redis", [args.redis, "--save", "", "--appendonly", "no", "--maxclients", limit]),
               ("swirl", [args.swirl, "--appendonly", "no", "--maxclients", limit])]
    print(f"| server | RSS growth for {args.connections} idle connections | per connection | "
          "2,000 PINGs alone | beside them |")
    print("|---|---:|---:|---:|---:|")
    for name, argv in servers:
        server = ServerProcess(name, argv, free_port())
        try:
            grown, alone, beside = measure(server, args.connections)
        finally:
            server.stop()
        print(f"| {name} | {grown / 1e6:.1f} MB | {grown / args.connections:.0f} B | "
              f"{alone * 1000:.0f} ms | {beside * 1000:.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
