#!/usr/bin/env python3
"""The scan limit: Hyperscan (PyPI `hyperscan`, block mode) finding every occurrence of
scrubd's prefilter keywords, ASCII case-insensitively, in a file held in memory and scanned
in 256 KiB blocks, on one thread. Nothing is rewritten: this is what one multi-literal pass
over the bytes costs, the floor under any scanner that must look at every byte.

  hyperscan_scan.py KEYWORDS_FILE LOG [--runs N]

KEYWORDS_FILE holds one keyword per line (`scrubd rules --keywords`). Prints one JSON line:
{"bytes": ..., "keywords": ..., "matches": ..., "scan_s": [per run], "median_s": ...}; the
time covers the scan only (the file is read and the database compiled before).
"""
import argparse
import json
import statistics
import time

import hyperscan

BLOCK = 256 << 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("keywords")
    ap.add_argument("log")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    with open(a.keywords, "rb") as f:
        words = [w for w in f.read().split(b"\n") if w]
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=[escape(w) for w in words],
        ids=list(range(len(words))),
        elements=len(words),
        flags=[hyperscan.HS_FLAG_CASELESS] * len(words),
    )
    with open(a.log, "rb") as f:
        data = f.read()
    blocks = [data[i : i + BLOCK] for i in range(0, len(data), BLOCK)]
    count = [0]

    def on_match(_id, _start, _end, _flags, _ctx):
        count[0] += 1
        return 0

    times = []
    for _ in range(a.runs):
        count[0] = 0
        t0 = time.perf_counter()
        for b in blocks:
            db.scan(b, match_event_handler=on_match)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"bytes": len(data), "keywords": len(words), "matches": count[0],
                      "scan_s": [round(t, 4) for t in times], "median_s": statistics.median(times)}))


def escape(w):
    """A literal as a Hyperscan (PCRE-syntax) pattern: every byte as \\xHH."""
    return b"".join(b"\\x%02x" % c for c in w)


if __name__ == "__main__":
    main()
