"""Labels for the held-out Python async run (python_async): each line's secrets as they
appear (measure_helpers' variants: plain, URL-, form-, JSON- and repr-escaped, JSON twice),
pieces of 16+ characters a program cut, and botocore's SigV4 `Signature:` value (derived from
the secret key; the corpus labels it). Usage: label.py <run dir> <labels.jsonl>."""
import json, os, re, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from pieces import cut_pieces  # noqa: E402
here, dest = sys.argv[1], os.path.abspath(sys.argv[2])
os.chdir(here)
sys.path.insert(0, here)
from measure_helpers import S, FULL
variants = {x for vs in FULL.values() for x in vs if len(x) >= 6}
values = [v for v in S.values() if len(v) >= 20]
lines = open('holdout.log', encoding='utf-8', errors='surrogateescape').read().split('\n')
if lines[-1] == '':
    lines.pop()
out = []
for i, line in enumerate(lines):
    labs = {x for x in variants if x in line}
    for v in values:
        if any(v in l for l in labs):
            continue
        cut_pieces(v, line, 16, labs)
    if i > 0 and 'Signature:' in lines[i - 1] and re.fullmatch(r'[0-9a-f]{64}', line.strip()):
        labs.add(line.strip())
    out.append(json.dumps(sorted(labs), ensure_ascii=False))
open(dest, 'w').write('\n'.join(out) + '\n')
print(len(out), sum(1 for o in out if o != '[]'))
