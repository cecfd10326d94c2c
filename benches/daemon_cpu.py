#!/usr/bin/env python3
"""Daemon cost (issue 12, item 4): CPU seconds per GB of `scrubd run` (file source -> file
sink) fed at a sustained rate, next to `scrubd filter` on the same lines.

  daemon_cpu.py --scrubd BIN --log LOG [--rate-mb 20] [--filter-runs 3] [--json]

LOG is a generated log (`benches/gen_log.py --lines N --seed 42`, the realistic mix; bench.sh
passes its own). Steps:

1. Start a real `scrubd run` with the file -> file config of benches/_common.py (one source,
   `start_at = "beginning"`, rescan every 200 ms, metrics on a free port); wait for /metrics.
2. Read scrubd's CPU time (utime + stime of /proc/PID/stat, all threads), append LOG's lines
   to the watched file at a steady --rate-mb MB/s (a chunk of whole lines every 10 ms), wait
   until every line is in the output file, read the CPU time again. The difference, divided
   by LOG's size, is the daemon's CPU s/GB: tailing, framing, scrubbing, writing, checkpoints
   and its idle polling during the load, all included.
3. Stop it (SIGTERM), check its output is byte-identical to `scrubd filter`'s on LOG.
4. Run `scrubd filter < LOG > /dev/null` (default threads) and `--threads 1`, --filter-runs
   times each, alternately; CPU = user + system from os.wait4's rusage; median.

Prints a Markdown table (or one JSON object with --json) with CPU s/GB of each and the ratio
daemon ÷ filter, the target being <= 1.5x. Exits non-zero if the daemon loses or changes lines.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import file_to_file_config, free_port, proc_status, wait_http  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
LIMIT = 1.5


def cpu_s(pid):
    """utime + stime of a process (all its threads), seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / TICK


class LineCounter:
    """Counts the newlines of a growing file, reading only what was added since the last call."""

    def __init__(self, path):
        self.path, self.pos, self.lines = path, 0, 0

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    self.pos += len(chunk)
                    self.lines += chunk.count(b"\n")
        except FileNotFoundError:
            pass
        return self.lines


def daemon(scrubd, data, rate):
    root = tempfile.mkdtemp(prefix="scrubd-cpu-")
    try:
        for d in ("logs", "out", "state"):
            os.makedirs(os.path.join(root, d))
        port = free_port()
        cfg = os.path.join(root, "scrubd.toml")
        with open(cfg, "w") as f:
            f.write(file_to_file_config(port, ["logs/*.log"], "200ms"))
        err = open(os.path.join(root, "scrubd.err"), "wb")
        p = subprocess.Popen([scrubd, "run", "--config", cfg], stderr=err, stdout=subprocess.DEVNULL)
        try:
            wait_http(f"http://127.0.0.1:{port}/metrics", timeout=30)
            time.sleep(0.3)
            want = data.count(b"\n")
            out = os.path.join(root, "out", "app", "in.log")
            cpu0 = cpu_s(p.pid)
            t0 = time.monotonic()
            sent = 0
            with open(os.path.join(root, "logs", "in.log"), "ab", buffering=0) as log:
                while sent < len(data):
                    due = min(len(data), int((time.monotonic() - t0) * rate))
                    if due > sent:
                        end = data.rfind(b"\n", sent, due) + 1
                        if end > sent:
                            log.write(data[sent:end])
                            sent = end
                    time.sleep(0.01)
            fed = time.monotonic() - t0
            deadline = time.monotonic() + 120
            got, counter = 0, LineCounter(out)
            while time.monotonic() < deadline:
                got = counter.poll()
                if got >= want:
                    break
                time.sleep(0.05)
            took = time.monotonic() - t0
            cpu1 = cpu_s(p.pid)
            rss = proc_status(p.pid, "VmHWM")
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
            err.close()
        if got != want:
            sys.exit(f"daemon_cpu.py: the daemon wrote {got} of {want} lines in 120 s (see {root})")
        with open(out, "rb") as f:
            result = f.read()
        return {"cpu_s": cpu1 - cpu0, "feed_s": fed, "total_s": took, "lines": want,
                "rss_kib": rss, "output": result}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def filter_cpu(argv, log):
    with open(log, "rb") as stdin:
        p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"daemon_cpu.py: {' '.join(argv)} failed (exit {p.returncode})")
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scrubd", default="target/release/scrubd")
    ap.add_argument("--log", required=True, help="input lines (gen_log.py's realistic mix)")
    ap.add_argument("--rate-mb", type=float, default=20.0, help="feed rate, MB/s (default 20)")
    ap.add_argument("--filter-runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    a = ap.parse_args()
    with open(a.log, "rb") as f:
        data = f.read()
    if not data.endswith(b"\n"):
        sys.exit("daemon_cpu.py: the log must end in a newline")
    gb = len(data) / 1e9

    d = daemon(a.scrubd, data, a.rate_mb * 1e6)
    expected = subprocess.run([a.scrubd, "filter"], stdin=open(a.log, "rb"), capture_output=True,
                              check=True).stdout
    same = d.pop("output") == expected

    runs = {"filter": [], "filter --threads 1": []}
    for _ in range(a.filter_runs):
        runs["filter"].append(filter_cpu([a.scrubd, "filter"], a.log))
        runs["filter --threads 1"].append(filter_cpu([a.scrubd, "filter", "--threads", "1"], a.log))
    f_all = statistics.median(runs["filter"])
    f_one = statistics.median(runs["filter --threads 1"])
    res = {
        "bytes": len(data), "lines": d["lines"], "rate_mb_s": a.rate_mb,
        "daemon_cpu_s": round(d["cpu_s"], 3), "daemon_cpu_s_per_gb": d["cpu_s"] / gb,
        "daemon_feed_s": round(d["feed_s"], 2), "daemon_total_s": round(d["total_s"], 2),
        "daemon_rss_kib": d["rss_kib"], "daemon_output_same_as_filter": same,
        "filter_cpu_s": [round(x, 3) for x in runs["filter"]], "filter_cpu_s_per_gb": f_all / gb,
        "filter_t1_cpu_s": [round(x, 3) for x in runs["filter --threads 1"]], "filter_t1_cpu_s_per_gb": f_one / gb,
        "ratio": (d["cpu_s"] / gb) / (f_all / gb), "limit": LIMIT,
    }
    if a.json:
        print(json.dumps(res))
    else:
        print(table(res))
    if not same:
        sys.exit("daemon_cpu.py: the daemon's output differs from `scrubd filter`'s on the same lines")


def table(r):
    mb = r["bytes"] / 1e6
    rows = [
        "| process | load | CPU s | CPU s per GB |",
        "|---|---|---:|---:|",
        "| `scrubd run` (file → file) | %.1f MB, %d lines, fed at %.0f MB/s over %.1f s, all out after %.1f s | %.3f | %.2f |" % (
            mb, r["lines"], r["rate_mb_s"], r["daemon_feed_s"], r["daemon_total_s"], r["daemon_cpu_s"],
            r["daemon_cpu_s_per_gb"]),
        "| `scrubd filter` | same lines, stdin → /dev/null, median of %d | %.3f | %.2f |" % (
            len(r["filter_cpu_s"]), statistics.median(r["filter_cpu_s"]), r["filter_cpu_s_per_gb"]),
        "| `scrubd filter --threads 1` | same, median of %d | %.3f | %.2f |" % (
            len(r["filter_t1_cpu_s"]), statistics.median(r["filter_t1_cpu_s"]), r["filter_t1_cpu_s_per_gb"]),
        "",
        "daemon ÷ filter: %.2f× (target ≤ %.1f×: %s); daemon output byte-identical to filter's: %s; "
        "daemon peak RSS %.1f MiB" % (r["ratio"], r["limit"], "PASS" if r["ratio"] <= r["limit"] else "FAIL",
                                      "yes" if r["daemon_output_same_as_filter"] else "NO", r["daemon_rss_kib"] / 1024),
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    main()
