"""Labels for the held-out Python async run (python_async): each line's secrets as they
appear (measure_helpers' variants: plain, URL-, form-, JSON- and repr-escaped, JSON twice),
pieces of 16+ characters a program cut, and botocore's SigV4 `Signature:` value (derived from
the secret key; the corpus labels it). Usage: label.py <run dir> <labels.jsonl>."""
import json, os, re, sys
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
        j = 0
        while j + 16 <= len(v):
            if v[j:j + 16] in line:
                k = j + 16
                while k < len(v) and v[j:k + 1] in line:
                    k += 1
                if not any(v[j:k] in l for l in labs):
                    labs.add(v[j:k])
                j = k
            else:
                j += 1
    if i > 0 and 'Signature:' in lines[i - 1] and re.fullmatch(r'[0-9a-f]{64}', line.strip()):
        labs.add(line.strip())
    out.append(json.dumps(sorted(labs), ensure_ascii=False))
open(dest, 'w').write('\n'.join(out) + '\n')
print(len(out), sum(1 for o in out if o != '[]'))
