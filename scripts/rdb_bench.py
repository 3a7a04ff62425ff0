#!/usr/bin/env python3
"""RDB snapshots side by side: Swirl and redis-server 7.0.15 in the same run.

The same dataset goes into both servers (1M keys by default: 60% strings, a
third of them integers, a third short, a third of 100 bytes; 10% each lists,
sets of integers, sorted sets and hashes of 10 elements), sent as one RESP
stream through `redis-cli --pipe`. Then, per round (servers alternate):

  SAVE       wall time of the command, the server's CPU time in it, and the
             file's size;
  BGSAVE     fork time (INFO latest_fork_usec) and the wall time until the
             child is reaped (INFO polled every 10 ms);
  load       the server restarted on its own dump.rdb: the "DB loaded from
             disk" seconds of its log, its CPU time until then, and the time
             until PING answers;
  cross      each server loads the other's file (key counts must agree).

Servers run on core 0 (taskset), this script on the other. Loopback only,
bounded by counts. Numbers go to docs/PERFORMANCE.md as medians and ratios.
"""
import argparse, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(*words):
    out = [b"*%d\r\n" % len(words)]
    for w in words:
        w = w if isinstance(w, bytes) else str(w).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(w), w))
    return b"".join(out)


def dataset(keys):
    """The RESP stream that builds the dataset."""
    chunks = []
    strings, each = keys * 6 // 10, keys // 10
    value = b"v" * 100
    for i in range(strings):
        kind = i % 3
        chunks.append(resp(b"SET", b"s:%d" % i, b"%d" % (i * 7) if kind == 0 else b"val-%d" % i if kind == 1 else value))
    for i in range(each):
        chunks.append(resp(b"RPUSH", b"l:%d" % i, *[b"item-%d" % j for j in range(10)]))
        chunks.append(resp(b"SADD", b"t:%d" % i, *[b"%d" % (i + j) for j in range(10)]))
        chunks.append(resp(b"ZADD", b"z:%d" % i, *[x for j in range(10) for x in (b"%d.5" % j, b"m-%d" % j)]))
        chunks.append(resp(b"HSET", b"h:%d" % i, *[x for j in range(10) for x in (b"f%d" % j, b"value-%d" % j)]))
    return b"".join(chunks)


class Server:
    def __init__(self, name, binary, directory):
        self.name, self.binary, self.dir = name, binary, directory
        self.proc = None

    def start(self):
        self.port = free_port()
        argv = ["taskset", "-c", "0", self.binary, "--port", str(self.port), "--dir", self.dir,
                "--appendonly", "no", "--save", ""]
        self.log = os.path.join(self.dir, "log-%d.txt" % time.time_ns())
        started = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)
        deadline = started + 600
        while time.monotonic() < deadline:
            if self.call("PING") == b"+PONG":
                return time.monotonic() - started
            time.sleep(0.005)
        raise SystemExit("%s did not start" % self.name)

    def call(self, *words, timeout=600):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
                s.sendall(resp(*words))
                data = b""
                while not data.endswith(b"\r\n") or (data[:1] == b"$" and len(data) < int(data[1:data.index(b"\r\n")]) + data.index(b"\r\n") + 4):
                    chunk = s.recv(1 << 20)
                    if not chunk:
                        break
                    data += chunk
                return data if data[:1] == b"$" else data.split(b"\r\n")[0]
        except OSError:
            return None

    def cpu(self):
        """CPU seconds of every thread of the server so far (schedstat: nanoseconds on a CPU).
        The machine is shared: wall times include waiting for a core, CPU times do not."""
        total = 0
        task_dir = "/proc/%d/task" % self.proc.pid
        for task in os.listdir(task_dir):
            try:
                with open("%s/%s/schedstat" % (task_dir, task)) as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total / 1e9

    def info(self, section):
        text = self.call("INFO", section).decode(errors="replace")
        return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)

    def stop(self):
        self.call("SHUTDOWN", "NOSAVE")
        self.proc.wait(60)

    def loaded_seconds(self):
        match = re.search(r"DB loaded from disk: ([0-9.]+) seconds", open(self.log, errors="replace").read())
        return float(match.group(1)) if match else float("nan")


def measure(server, stream):
    server.start()
    subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input=stream, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keys = int(server.call("DBSIZE")[1:])
    started, cpu = time.monotonic(), server.cpu()
    assert server.call("SAVE") == b"+OK", server.name
    save = time.monotonic() - started
    save_cpu = server.cpu() - cpu
    size = os.path.getsize(os.path.join(server.dir, "dump.rdb"))
    started = time.monotonic()
    assert server.call("BGSAVE") == b"+Background saving started", server.name
    while server.info("persistence")["rdb_bgsave_in_progress"] != "0":
        time.sleep(0.01)
    bgsave = time.monotonic() - started
    fork = int(server.info("stats")["latest_fork_usec"]) / 1e6
    server.stop()
    until_ping = server.start()
    loaded = server.loaded_seconds()
    load_cpu = server.cpu()  # start-up and load: the process did nothing else yet
    assert int(server.call("DBSIZE")[1:]) == keys
    server.stop()
    return dict(keys=keys, save=save, save_cpu=save_cpu, size=size, bgsave=bgsave, fork=fork, load=loaded,
                load_cpu=load_cpu, ping=until_ping)


def cross_load(a, b):
    """a loads b's dump.rdb: the key count b had."""
    shutil.copy(os.path.join(b.dir, "dump.rdb"), os.path.join(a.dir, "dump.rdb"))
    a.start()
    keys = int(a.call("DBSIZE")[1:])
    a.stop()
    return keys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swirl", default=os.path.join(ROOT, ".build", "release", "swirl-server"))
    parser.add_argument("--redis", default=shutil.which("redis-server") or "redis-server")
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    stream = dataset(args.keys)
    results = {"swirl": [], "redis": []}
    servers = {}
    for round in range(args.rounds):
        for name, binary in (("redis", args.redis), ("swirl", args.swirl)) if round % 2 else (("swirl", args.swirl), ("redis", args.redis)):
            directory = tempfile.mkdtemp(prefix="rdb-bench-%s-" % name)
            servers[name] = Server(name, binary, directory)
            results[name].append(measure(servers[name], stream))
            print(name, results[name][-1], flush=True)
    swirl_from_redis = cross_load(servers["swirl"], servers["redis"])
    redis_from_swirl = cross_load(servers["redis"], servers["swirl"])
    print("cross-loads: Swirl read %d keys of Redis's file, Redis %d of Swirl's" % (swirl_from_redis, redis_from_swirl))
    print("\n| measure (%d keys, median of %d) | Swirl | Redis | Swirl/Redis |" % (args.keys, args.rounds))
    print("| --- | ---: | ---: | ---: |")
    for field, label, unit in [("save", "SAVE (wall)", "s"), ("save_cpu", "SAVE (server CPU)", "s"), ("size", "dump.rdb size", "MB"), ("bgsave", "BGSAVE until reaped", "s"),
                               ("fork", "fork (latest_fork_usec)", "ms"), ("load", "load at start-up (log, wall)", "s"),
                               ("load_cpu", "start-up and load (CPU)", "s"),
                               ("ping", "start until PING answers", "s")]:
        s = statistics.median(r[field] for r in results["swirl"])
        r = statistics.median(x[field] for x in results["redis"])
        scale = 1e-6 if unit == "MB" else 1000 if unit == "ms" else 1
        print("| %s | %.3f %s | %.3f %s | %.2f |" % (label, s * scale, unit, r * scale, unit, s / r if r else float("nan")))
    for server in servers.values():
        shutil.rmtree(server.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
