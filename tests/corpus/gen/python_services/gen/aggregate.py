"""Aggregate per-class (leaked, secret lines, FP) over runs/results_*.json."""
import json, glob, collections
agg = collections.defaultdict(list); tot = []
files = sorted(glob.glob('runs/results_*.json'))
for f in files:
    r = json.load(open(f)); tot.append(r['stats'])
    for c in set(r['cls_secret']) | set(r['cls_fp']):
        agg[c].append((r['cls_leak'].get(c, 0), r['cls_secret'].get(c, 0), r['cls_fp'].get(c, 0)))
print(f'{len(files)} runs')
for s in tot: print({k: s.get(k, 0) for k in ('secret', 'leaked', 'partial_only', 'fragment_only_input', 'clean', 'fp')})
print('class: per-run (leaked/secret lines/FP)')
for c, v in sorted(agg.items(), key=lambda kv: (-max(x[0] for x in kv[1]), -max(x[2] for x in kv[1]), kv[0])):
    print(f"{c}: " + ' '.join(f'{a}/{b}/{d}' for a, b, d in v))
