#!/usr/bin/env python3
"""Write src/engine/trigrams.txt: how often each byte triple occurs in log text, the table the
keyword search uses to pick its anchors (the rarer the anchor, the fewer false starts).

The text is the labelled corpus and the scanner logs under tests/ (real output of the stacks
scrubd serves), ASCII-lower-cased like the block the search runs over. One line per triple
seen at least MIN_PER_MB times per MB: six hex digits, a space, occurrences per MB. Triples
not listed are rarer than MIN_PER_MB. Re-run after the corpus grows:

  python3 scripts/gen_trigrams.py > src/engine/trigrams.txt
"""
import collections
import glob
import os

MIN_PER_MB = 50

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
files = sorted(glob.glob(os.path.join(root, "tests/corpus/*.log")))
files += sorted(glob.glob(os.path.join(root, "tests/scanners/**/*.log"), recursive=True))
counts = collections.Counter()
total = 0
for f in files:
    with open(f, "rb") as fh:
        for line in fh.read().lower().split(b"\n"):
            counts.update(line[i : i + 3] for i in range(len(line) - 2))
            total += len(line) + 1
mb = total / 1e6
print("# byte triple (hex) -> occurrences per MB of lower-cased log text; made by scripts/gen_trigrams.py from %d files, %.1f MB" % (len(files), mb))
for g in sorted(counts):
    per_mb = counts[g] / mb
    if per_mb >= MIN_PER_MB:
        print("%s %d" % (g.hex(), round(per_mb)))
