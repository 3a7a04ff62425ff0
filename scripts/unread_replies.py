#!/usr/bin/env python3
"""What a client that never reads its replies costs: Swirl vs redis-server.

For each server (fresh, pinned like bench.py) and each
`client-output-buffer-limit normal` setting: one client sends N units of
"GET a 1 MB value" + "EXISTS a 1 MB name" (1 MB asked for, 1 MB sent) and
reads nothing until its socket stays full for 2 s (or all is sent). Reported:
how much of the input the server took, its RSS then, and whether it closed the
client. Redis lets an unlimited client's replies grow; Swirl stops reading it
at 64 MB of unsent replies (docs/ARCHITECTURE.md, Limits and protection).
"""
import argparse, os, select, socket, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, ServerProcess, free_port  # noqa: E402


def command(*words):
    return b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words)


def measure(server, units, limit):
    with socket.create_connection(("127.0.0.1", server.port)) as admin:
        admin.sendall(command(b"CONFIG", b"SET", b"client-output-buffer-limit", limit.encode())
                      + command(b"SET", b"value", b"v" * (1 << 20)))
        received = b""
        while received.count(b"+OK\r\n") < 2:
            received += admin.recv(64)
    base = server.rss()
    unit = command(b"GET", b"value") + command(b"EXISTS", b"k" * (1 << 20))
    stream, sent, closed = unit * units, 0, False
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.setblocking(False)
        while sent < len(stream):
            try:
                sent += client.send(stream[sent:])
            except BlockingIOError:
                if not select.select([], [client], [], 2)[1]:
                    break
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
        rss = server.rss()
    return sent / len(unit), (rss - base) / 1e6, closed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build/release/swirl-server"))
    parser.add_argument("--redis", default="redis-server")
    args = parser.parse_args()
    servers = [("redis", [args.redis, "--save", "", "--appendonly", "no"]),
               ("swirl", [args.swirl, "--appendonly", "no"])]
    print(f"| server | normal limit | units sent (of {args.units}) | RSS growth | client closed |")
    print("|---|---|---:|---:|---|")
    for limit in ["normal 0 0 0", "normal 100mb 0 0"]:
        for name, argv in servers:
            server = ServerProcess(name, argv, free_port())
            try:
                taken, grown, closed = measure(server, args.units, limit)
            finally:
                server.stop()
            print(f"| {name} | `{limit[7:]}` | {taken:.0f} | {grown:.0f} MB | {'yes' if closed else 'no'} |", flush=True)


if __name__ == "__main__":
    main()
