#!/usr/bin/env python3
"""End-to-end figures of `scrubd run` (a real process, real files, file sink).

  latency:    write lines at a steady rate into N files; each line carries its write time; a
              reader follows the output files and records write-to-output latency.
  throughput: write M lines into N files as fast as possible; time until all are in the output.

Both report lines in == lines out and scrubd's peak RSS (VmHWM). Usage:

  benches/daemon_bench.py [--scrubd target/release/scrubd] [--rate 10000] [--seconds 10]
                          [--files 1] [--burst-lines 1000000] [--burst-files 20]
"""
import argparse, os, signal, subprocess, sys, tempfile, threading, time

from _common import file_to_file_config, free_port, proc_status

SECRET = "token=Zq81KdPQm2Lr0aBcD9"


def start(scrubd, root, port):
    for d in ("logs", "out", "state"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    cfg = os.path.join(root, "scrubd.toml")
    with open(cfg, "w") as f:
        f.write(file_to_file_config(port, ["logs/*.log"], "200ms"))
    p = subprocess.Popen([scrubd, "run", "--config", cfg], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return p





class Follower:
    """Reads every output file as it grows; records latencies of `ts=` lines."""

    def __init__(self, outdir):
        self.outdir, self.pos, self.lines, self.lat = outdir, {}, 0, []
        self.leaks = 0

    def poll(self):
        d = os.path.join(self.outdir, "app")
        if not os.path.isdir(d):
            return
        now = time.time_ns()
        for name in os.listdir(d):
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                f.seek(self.pos.get(path, 0))
                data = f.read()
            end = data.rfind(b"\n") + 1
            self.pos[path] = self.pos.get(path, 0) + end
            for line in data[:end].splitlines():
                self.lines += 1
                if SECRET.encode() in line:
                    self.leaks += 1
                if line.startswith(b"ts="):
                    self.lat.append((now - int(line[3:line.index(b" ")])) / 1e6)


def latency(args):
    root = tempfile.mkdtemp(prefix="scrubd-lat-")
    p = start(args.scrubd, root, args.port or free_port())
    fol = Follower(os.path.join(root, "out"))
    files = [open(os.path.join(root, "logs", f"f{i}.log"), "ab", buffering=0) for i in range(args.files)]
    total = args.rate * args.seconds
    t0 = time.monotonic()
    sent = 0
    while sent < total:
        due = int((time.monotonic() - t0) * args.rate)
        batch = []
        while sent < min(due, total):
            batch.append(f"ts={time.time_ns()} seq={sent} GET /api 200 {SECRET}\n")
            sent += 1
        if batch:
            files[sent % args.files].write("".join(batch).encode())
        fol.poll()
        time.sleep(0.001)
    deadline = time.monotonic() + 30
    while fol.lines < total and time.monotonic() < deadline:
        fol.poll()
        time.sleep(0.002)
    rss = proc_status(p.pid, "VmHWM")
    p.send_signal(signal.SIGTERM)
    p.wait()
    lat = sorted(fol.lat)
    q = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))] if lat else float("nan")
    print(f"| latency | {args.rate} lines/s × {args.seconds} s into {args.files} file(s) | in {total} / out {fol.lines} / leaked {fol.leaks} "
          f"| p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {lat[-1] if lat else float('nan'):.1f} ms | {rss/1024:.1f} MiB |")


def burst(args):
    root = tempfile.mkdtemp(prefix="scrubd-burst-")
    p = start(args.scrubd, root, free_port())
    fol = Follower(os.path.join(root, "out"))
    per = args.burst_lines // args.burst_files
    line = f"ts=0 GET /api/v1/items?page=2 200 12ms {SECRET} user=alice\n"
    t0 = time.monotonic()
    for i in range(args.burst_files):
        with open(os.path.join(root, "logs", f"b{i:02}.log"), "ab") as f:
            f.write((line * per).encode())
    written = time.monotonic() - t0
    while fol.lines < per * args.burst_files and time.monotonic() - t0 < 300:
        fol.poll()
        time.sleep(0.01)
    took = time.monotonic() - t0
    rss = proc_status(p.pid, "VmHWM")
    p.send_signal(signal.SIGTERM)
    p.wait()
    mb = per * args.burst_files * len(line) / 1e6
    print(f"| throughput | {per * args.burst_files} lines ({mb:.0f} MB) into {args.burst_files} files | in {per * args.burst_files} / out {fol.lines} / leaked {fol.leaks} "
          f"| {per * args.burst_files / took:,.0f} lines/s ({mb / took:.0f} MB/s; writing took {written:.2f} s) | {rss/1024:.1f} MiB |")


if __name__ == "__main__":
    a = argparse.ArgumentParser()
    a.add_argument("--scrubd", default="target/release/scrubd")
    a.add_argument("--rate", type=int, default=10000)
    a.add_argument("--seconds", type=int, default=10)
    a.add_argument("--files", type=int, default=1)
    a.add_argument("--burst-lines", type=int, default=1_000_000)
    a.add_argument("--burst-files", type=int, default=20)
    a.add_argument("--port", type=int, default=None, help="metrics port (default: a free one)")
    args = a.parse_args()
    print("| scenario | load | lines | result | peak RSS |")
    print("|---|---|---|---|---|")
    latency(args)
    burst(args)
