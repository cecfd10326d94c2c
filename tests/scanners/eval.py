#!/usr/bin/env python3
"""Measure a scrubd binary against the scanner fixtures (tests/scanners/NAME.log + NAME.labels.jsonl).

    SCRUBD=target/release/scrubd tests/scanners/eval.py [--verbose] [NAME ...]

Per file: cases, must-detect cases fully scrubbed (recall), must-not-detect cases changed (false
positives). A must-detect case counts as scrubbed only when none of its labels survives in the
output line; a must-not-detect case (labels `[]`) must come back byte-identical. With --verbose the
misses (in and out) and false positives (in and out) are listed. Exit status is 0 unless the
binary fails or a fixture is malformed; thresholds live in tests/integration/scanners.rs.

Also reported (not a threshold): "over", must-detect lines whose text *outside* the labels did not
survive in order (a redaction that swallowed a delimiter, the next field, a user name, a scheme
word: `Password=secret;Database=x;` -> `Password=[REDACTED:password]`).
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def load(name):
    with open(os.path.join(HERE, name + ".log"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, name + ".labels.jsonl"), encoding="utf-8") as f:
        labels = [json.loads(l) for l in f]
    return data, labels


def lines_of(b):
    return b.split(b"\n")[:-1] if b.endswith(b"\n") else b.split(b"\n")


def kept_outside(a, b, labels):
    """True when every piece of line `a` between label occurrences appears in `b`, in order."""
    pat = b"|".join(re.escape(l.encode()) for l in sorted(labels, key=len, reverse=True))
    pieces = re.split(pat, a)
    pos = 0
    for k, piece in enumerate(pieces):
        if not piece:
            continue
        if 0 < k < len(pieces) - 1 and re.fullmatch(rb"(?:\\[nr]|\s)+", piece):
            continue  # only line breaks between two labels (a JSON-escaped PEM body): may go with them
        at = b.find(piece, pos)
        if at < 0:
            return False
        pos = at + len(piece)
    return True


def evaluate(binary, name):
    data, labels = load(name)
    res = subprocess.run([binary, "filter"], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        sys.exit(f"{name}: scrubd exited {res.returncode}: {res.stderr.decode(errors='replace')}")
    inl, outl = lines_of(data), lines_of(res.stdout)
    if len(inl) != len(labels):
        sys.exit(f"{name}: {len(inl)} lines but {len(labels)} labels")
    if len(inl) != len(outl):
        sys.exit(f"{name}: line count changed {len(inl)} -> {len(outl)}")
    r = {"name": name, "cases": len(inl), "detect": 0, "scrubbed": 0, "partial": 0,
         "clean": 0, "fp": 0, "over": 0, "misses": [], "fps": [], "overs": []}
    for i, (a, b, labs) in enumerate(zip(inl, outl, labels), 1):
        if labs:
            r["detect"] += 1
            left = [l for l in labs if l.encode() in b]
            if not left:
                r["scrubbed"] += 1
                if not kept_outside(a, b, labs):
                    r["over"] += 1
                    r["overs"].append((i, a, b))
            else:
                if len(left) < len(labs):
                    r["partial"] += 1
                r["misses"].append((i, a, b, left))
        else:
            r["clean"] += 1
            if a != b:
                r["fp"] += 1
                r["fps"].append((i, a, b))
    return r


def fmt_ratio(n, d):
    return f"{n / d:.3f}" if d else "  -  "


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "--verbose" in sys.argv or "-v" in sys.argv
    binary = os.environ.get("SCRUBD", os.path.join(ROOT, "target/release/scrubd"))
    if not os.path.exists(binary):
        sys.exit(f"no scrubd binary at {binary} (build with `cargo build --release` or set SCRUBD)")
    names = args or sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".log"))
    results = [evaluate(binary, n) for n in names]
    print(f"{'file':28} {'cases':>6} {'detect':>7} {'scrubbed':>9} {'recall':>7} {'clean':>6} {'FP':>4} {'FP rate':>8} {'over':>5}")
    for r in results:
        print(f"{r['name']:28} {r['cases']:6} {r['detect']:7} {r['scrubbed']:9} {fmt_ratio(r['scrubbed'], r['detect']):>7} "
              f"{r['clean']:6} {r['fp']:4} {fmt_ratio(r['fp'], r['clean']):>8} {r['over']:5}")
    main_rs = [r for r in results if ".ambiguous" not in r["name"]]
    if len(main_rs) > 1:
        d = sum(r["detect"] for r in main_rs)
        s = sum(r["scrubbed"] for r in main_rs)
        c = sum(r["clean"] for r in main_rs)
        fp = sum(r["fp"] for r in main_rs)
        ov = sum(r["over"] for r in main_rs)
        print(f"{'all (not ambiguous)':28} {sum(r['cases'] for r in main_rs):6} {d:7} {s:9} {fmt_ratio(s, d):>7} {c:6} {fp:4} {fmt_ratio(fp, c):>8} {ov:5}")
    if verbose:
        for r in results:
            for i, a, b, left in r["misses"]:
                print(f"\nMISS {r['name']}:{i} (left in clear: {', '.join(left)})\n  in:  {a.decode(errors='replace')}\n  out: {b.decode(errors='replace')}")
            for i, a, b in r["fps"]:
                print(f"\nFP   {r['name']}:{i}\n  in:  {a.decode(errors='replace')}\n  out: {b.decode(errors='replace')}")
            for i, a, b in r["overs"]:
                print(f"\nOVER {r['name']}:{i}\n  in:  {a.decode(errors='replace')}\n  out: {b.decode(errors='replace')}")


if __name__ == "__main__":
    main()
