#!/usr/bin/env python3
"""Soak test of `scrubd run` (see scripts/soak.sh, which builds the binary and calls this).

A release scrubd tails three file families in a temp dir into a file sink:

  a.log, b.log   rename + create rotation every --rotate-every s, logrotate style: a.log.2 ->
                 a.log.3 (the old .3 deleted), a.log.1 -> a.log.2, a.log -> a.log.1, and the
                 writer keeps writing one more batch to its old handle before it opens the new
                 a.log (an application that reopens on a signal, a moment later);
  c.log          copytruncate every --rotate-every s: copied to old/c.log.N (not followed), then
                 truncated in place.

A writer appends numbered lines at --rate lines/s (every third line carries a known secret).
scrubd's RSS (VmRSS), open fds and checkpoint entries are sampled every --sample-every s. At the
end: writer stops, scrubd catches up, SIGTERM, clean exit required, then the output is checked:

  * every line of a and b exactly once, across all their outputs (a.log, a.log.1, ...);
  * c: every line exactly once, except the documented copytruncate window (lines written after
    scrubd's last read of a generation and before its truncation exist only in the copy): such
    lines must be a tail of their generation; they are counted and reported;
  * no known secret in the output, every leaky line carries a placeholder;
  * no sink, source or checkpoint errors, no duplicates in metrics;
  * RSS flat: max of the last half <= 1.2 x max of the first half + 4 MiB; open fds flat.

Checkpoint entries are printed, not checked: checkpoints.json keeps one entry per rotated file
for ever (a known bug, see README "Soak and fault scenarios").

Prints the samples and one summary line ("soak: PASS ..." / "soak: FAIL ..."); exits 1 on failure.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benches"))
from _common import file_to_file_config, free_port, metrics, proc_status  # noqa: E402

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzb2FrIn0.c29hay1zaWduYXR1cmUtYnl0ZXM"
# (template, the secret bytes that must never reach the output)
LEAKS = [
    ("Authorization: Bearer " + JWT, "eyJzdWIiOiJzb2FrIn0"),
    ('{"user": "bob", "password": "Soakpass-7Hq2xV"}', "Soakpass-7Hq2xV"),
    ("GET /cb?access_token=Zq81KdPQm2SoakTok9 200", "Zq81KdPQm2SoakTok9"),
    ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYSOAKSOAKEY", "wJalrXUtnFEMI/K7MDENG"),
]
SECRETS = [s for _, s in LEAKS]
FAMILIES = ["a", "b", "c"]
SEQ = re.compile(rb"seq=([abc]):(\d+) ")


class Writer:
    def __init__(self, logs, rate):
        self.logs, self.rate = logs, rate
        self.n = {f: 0 for f in FAMILIES}
        # c: (generation, first seq of that generation) in order
        self.c_gens = [0]
        self.handles = {f: open(self.path(f), "ab", buffering=0) for f in FAMILIES}
        self.rotations = 0
        self.truncations = 0
        self.copies = 0

    def path(self, f, k=0):
        return os.path.join(self.logs, f"{f}.log" + (f".{k}" if k else ""))

    def lines(self, f, count):
        out = []
        for _ in range(count):
            i = self.n[f]
            self.n[f] += 1
            body = LEAKS[(i // 3) % len(LEAKS)][0] if i % 3 == 0 else f"GET /api/items/{i} 200 {i % 97}ms ok"
            out.append(f"seq={f}:{i} {body}\n")
        return "".join(out).encode()

    def write(self, per_tick):
        for f in FAMILIES:
            self.handles[f].write(self.lines(f, per_tick))

    def rotate_rename(self, f, per_tick):
        oldest = self.path(f, 3)
        if os.path.exists(oldest):
            os.remove(oldest)
        for k in (2, 1):
            if os.path.exists(self.path(f, k)):
                os.rename(self.path(f, k), self.path(f, k + 1))
        os.rename(self.path(f), self.path(f, 1))
        # The application writes once more to its old handle before it reopens.
        self.handles[f].write(self.lines(f, per_tick))
        self.handles[f].close()
        self.handles[f] = open(self.path(f), "ab", buffering=0)
        self.rotations += 1

    def copytruncate(self, f):
        old = os.path.join(self.logs, "old")
        os.makedirs(old, exist_ok=True)
        self.copies += 1
        shutil.copyfile(self.path(f), os.path.join(old, f"{f}.log.{self.copies}"))
        stale = os.path.join(old, f"{f}.log.{self.copies - 3}")
        if os.path.exists(stale):
            os.remove(stale)
        os.truncate(self.path(f), 0)
        self.c_gens.append(self.n[f])
        self.truncations += 1

    def close(self):
        for h in self.handles.values():
            h.close()


def count_output(out_dir, written):
    """Per family: a bytearray of how often each seq was seen; leaks; leaky lines unredacted."""
    seen = {f: bytearray(written[f]) for f in FAMILIES}
    leaks, unredacted, foreign = 0, 0, 0
    d = os.path.join(out_dir, "app")
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        with open(os.path.join(d, name), "rb") as fh:
            for line in fh:
                m = SEQ.match(line)
                if not m:
                    foreign += 1
                    continue
                f, i = m.group(1).decode(), int(m.group(2))
                if not name.startswith(f + ".log"):
                    foreign += 1
                if i < len(seen[f]):
                    seen[f][i] = min(255, seen[f][i] + 1)
                else:
                    foreign += 1
                if i % 3 == 0 and b"[REDACTED:" not in line:
                    unredacted += 1
                if any(s.encode() in line for s in SECRETS):
                    leaks += 1
    return seen, leaks, unredacted, foreign


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--scrubd", default="target/release/scrubd")
    a.add_argument("--minutes", type=float, default=1.0)
    a.add_argument("--rate", type=int, default=2000, help="lines/s over all files")
    a.add_argument("--rotate-every", type=float, default=5.0)
    a.add_argument("--sample-every", type=float, default=None, help="default: 2 s up to 10 min, then 10 s")
    a.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = a.parse_args()
    sample_every = args.sample_every or (2.0 if args.minutes <= 10 else 10.0)

    root = tempfile.mkdtemp(prefix="scrubd-soak-")
    logs, out, state = (os.path.join(root, d) for d in ("logs", "out", "state"))
    for d in (logs, out, state):
        os.makedirs(d)
    port = free_port()
    cfg = os.path.join(root, "scrubd.toml")
    with open(cfg, "w") as f:
        f.write(file_to_file_config(port, ["logs/*.log", "logs/*.log.[0-9]"], "500ms"))
    writer = Writer(logs, args.rate)
    stderr = open(os.path.join(root, "scrubd.stderr"), "wb")
    p = subprocess.Popen([args.scrubd, "run", "--config", cfg], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    failures = []
    try:
        deadline = time.monotonic() + 30
        while metrics(port).get('scrubd_lines_total{source="app"}') is None:
            if p.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"soak: FAIL scrubd did not start (exit {p.poll()}), see {root}/scrubd.stderr")
            time.sleep(0.1)

        tick = 0.1
        per_tick = max(1, round(args.rate * tick / len(FAMILIES)))
        samples = []  # (t, rss KiB, fds, checkpoint entries)
        t0 = time.monotonic()
        duration = args.minutes * 60
        next_tick, next_rot, next_sample = t0, t0 + args.rotate_every, t0
        while True:
            now = time.monotonic()
            if now - t0 >= duration:
                break
            if now >= next_sample:
                try:
                    with open(os.path.join(state, "checkpoints.json")) as fh:
                        entries = len(json.load(fh)["files"])
                except (OSError, ValueError):
                    entries = -1
                samples.append((now - t0, proc_status(p.pid, "VmRSS"), len(os.listdir(f"/proc/{p.pid}/fd")), entries))
                next_sample += sample_every
            if now >= next_rot:
                # Between two writes (a tick after the last), as a cron-driven logrotate lands.
                writer.rotate_rename("a", per_tick)
                writer.rotate_rename("b", per_tick)
                writer.copytruncate("c")
                next_rot += args.rotate_every
            if now >= next_tick:
                writer.write(per_tick)
                next_tick += tick
            if p.poll() is not None:
                failures.append(f"scrubd exited during the run with {p.returncode}")
                break
            time.sleep(max(0.0, min(next_tick, next_sample, next_rot) - time.monotonic()))
        writer.close()
        written = dict(writer.n)
        total_in = sum(written.values())

        # Let scrubd catch up: lines read stops moving.
        last, stable_since, deadline = -1, time.monotonic(), time.monotonic() + 120
        while time.monotonic() < deadline and p.poll() is None:
            n = metrics(port).get('scrubd_lines_total{source="app"}', -1)
            if n != last:
                last, stable_since = n, time.monotonic()
            elif time.monotonic() - stable_since > 2.0:
                break
            time.sleep(0.2)
        m = metrics(port)
        rss_end = proc_status(p.pid, "VmRSS")
        hwm = proc_status(p.pid, "VmHWM")
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = "hung after SIGTERM (killed)"
        if rc != 0:
            failures.append(f"scrubd exit status {rc} after SIGTERM")

        seen, leaks, unredacted, foreign = count_output(out, written)
        fam = {}
        for f in FAMILIES:
            counts = seen[f]
            once = counts.count(1)
            dup = sum(c - 1 for c in counts if c > 1)
            missing = [i for i, c in enumerate(counts) if c == 0]
            window = 0
            if f == "c":
                # A missing line is in the copytruncate window only if it is a tail of its
                # generation: nothing after it in that generation was delivered.
                gens = writer.c_gens + [written[f]]
                for g in range(len(gens) - 1):
                    miss = [i for i in range(gens[g], gens[g + 1]) if counts[i] == 0]
                    if miss and any(counts[i] for i in range(miss[0], gens[g + 1])):
                        failures.append(f"c: line {miss[0]} of generation {g} missing but later lines delivered")
                    window += len(miss)
                missing = []
            out_lines = sum(counts)
            fam[f] = (written[f], out_lines, dup, window)
            if dup:
                failures.append(f"{f}: {dup} duplicate lines")
            if missing:
                failures.append(f"{f}: {len(missing)} lines missing (first {missing[:5]})")
            if written[f] != out_lines + window:
                failures.append(f"{f}: in {written[f]} != out {out_lines} + window {window}")
        total_out = sum(v[1] for v in fam.values())
        total_dup = sum(v[2] for v in fam.values())
        if leaks:
            failures.append(f"{leaks} output lines hold a known secret")
        if unredacted:
            failures.append(f"{unredacted} leaky lines without placeholder")
        if foreign:
            failures.append(f"{foreign} output lines not in the right family's output or unparsable")
        for series in ('scrubd_sink_errors_total{sink="out"}', 'scrubd_source_errors_total{source="app"}',
                       "scrubd_checkpoint_errors_total", 'scrubd_duplicate_lines_total{source="app"}'):
            if m.get(series, 0) != 0:
                failures.append(f"{series} = {m.get(series)}")
        lines_read = m.get('scrubd_lines_total{source="app"}')
        if lines_read != total_out:
            failures.append(f"scrubd_lines_total {lines_read} != lines out {total_out}")

        # RSS: max of the last half within 1.2x + 4 MiB of the max of the first half.
        half = len(samples) // 2
        first, second = samples[:half], samples[half:]
        print(f"soak: samples every {sample_every:g} s (t s: RSS KiB / fds / checkpoint entries):")
        for i in range(0, len(samples), 6):
            print("  " + "  ".join(f"{t:6.0f}: {r}/{fd}/{e}" for t, r, fd, e in samples[i:i + 6]))
        if half < 2:
            failures.append(f"only {len(samples)} RSS samples: run longer")
            rss1 = rss2 = 0
        else:
            rss1 = max(r for _, r, _, _ in first)
            rss2 = max(r for _, r, _, _ in second)
            if rss2 > 1.2 * rss1 + 4096:
                failures.append(f"RSS grew: last-half max {rss2} KiB > 1.2 x first-half max {rss1} KiB + 4 MiB")
        fds = (max(s[2] for s in first) if first else 0, max(s[2] for s in second) if second else 0)
        if fds[1] > fds[0] + 8:
            failures.append(f"open fds grew: {fds[0]} -> {fds[1]}")
        cps = (samples[1][3] if len(samples) > 1 else -1, samples[-1][3] if samples else -1)

        verdict = "PASS" if not failures else "FAIL"
        fams = ", ".join(f"{f} {i}/{o}" + (f"+{w} copytruncate window" if w else "") for f, (i, o, d, w) in fam.items())
        print(f"soak: {verdict} {args.minutes:g} min at {args.rate} lines/s: in {total_in} / out {total_out} ({fams}), "
              f"dup {total_dup}, leaked {leaks}, {writer.rotations} renames, {writer.truncations} copytruncates, "
              f"RSS max KiB first half {rss1} / last half {rss2} (end {rss_end}, peak {hwm}), "
              f"fds {fds[0]} -> {fds[1]}, checkpoint entries {cps[0]} -> {cps[1]}"
              + ("" if not failures else " :: " + "; ".join(failures)))
        return 0 if not failures else 1
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        stderr.close()
        if args.keep or os.environ.get("KEEP_TMP"):
            print(f"soak: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
