#!/usr/bin/env python3
"""Run shell commands alternately and report median wall time and CPU time of each.

  alternate.py SPEC.json --runs N [--warmup W] [--json OUT]

SPEC.json is a list of {"name": ..., "cmd": ..., "self_timed": false}. Each round runs every
command once (`bash -c CMD`, stdin from /dev/null unless CMD redirects it), one after the
other, starting the rotation one command further each round (round r runs commands
r, r+1, ..., wrapping), so that no command always runs first or always follows the same one,
and a burst of load from elsewhere on the host falls on all of them alike. W warm-up rounds
are run and discarded first.

Wall time is perf_counter around the child; CPU time is user + system of the child and every
descendant it waited for (os.wait4's rusage), i.e. the whole pipeline. A command with
"self_timed": true reports its own time: the last line of its stdout must be JSON with
"median_s" (benches/hyperscan_scan.py --runs 1), which is used as its wall time (its CPU time
is then not meaningful and left out).

Prints a table on stderr; writes {"rounds": N, "warmup": W, "results": [{"name", "cmd",
"wall_s": [...], "cpu_s": [...], "median_s", "min_s", "mean_s", "cpu_median_s"}]} to OUT.
Exits non-zero as soon as any command fails.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(spec):
    t0 = time.perf_counter()
    p = subprocess.Popen(["bash", "-c", spec["cmd"]], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE if spec.get("self_timed") else subprocess.DEVNULL)
    out = p.stdout.read() if spec.get("self_timed") else b""
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"alternate.py: command failed (exit {p.returncode}): {spec['name']}: {spec['cmd']}")
    cpu = ru.ru_utime + ru.ru_stime
    if spec.get("self_timed"):
        last = out.decode().strip().splitlines()[-1]
        wall, cpu = float(json.loads(last)["median_s"]), None
    return wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--json")
    a = ap.parse_args()
    with open(a.spec) as f:
        specs = json.load(f)
    n = len(specs)
    wall = [[] for _ in specs]
    cpu = [[] for _ in specs]
    for r in range(a.warmup + a.runs):
        order = [(r + k) % n for k in range(n)]
        label = "warm-up" if r < a.warmup else "round %d/%d" % (r - a.warmup + 1, a.runs)
        print("alternate.py: %s" % label, file=sys.stderr, flush=True)
        for i in order:
            w, c = run_once(specs[i])
            if r >= a.warmup:
                wall[i].append(w)
                if c is not None:
                    cpu[i].append(c)
    results = []
    print("%-44s %10s %10s %10s %10s" % ("command", "median s", "min s", "max s", "cpu med s"), file=sys.stderr)
    for i, s in enumerate(specs):
        cm = statistics.median(cpu[i]) if cpu[i] else None
        results.append({
            "name": s["name"], "cmd": s["cmd"], "self_timed": bool(s.get("self_timed")),
            "wall_s": [round(x, 4) for x in wall[i]], "cpu_s": [round(x, 4) for x in cpu[i]],
            "median_s": statistics.median(wall[i]), "min_s": min(wall[i]),
            "mean_s": statistics.fmean(wall[i]), "cpu_median_s": cm,
        })
        print("%-44s %10.3f %10.3f %10.3f %10s" % (s["name"][:44], statistics.median(wall[i]), min(wall[i]),
                                                 max(wall[i]), "%.3f" % cm if cm is not None else "-"),
              file=sys.stderr)
    doc = {"rounds": a.runs, "warmup": a.warmup, "results": results}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)
    else:
        print(json.dumps(doc))


if __name__ == "__main__":
    main()
