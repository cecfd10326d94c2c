import sys, os, json, base64, re, urllib.parse, collections
sys.path.insert(0, os.path.dirname(__file__))
import secrets_lib
from classes import classify
inp, srcf, outp = sys.argv[1:4]
S = secrets_lib.load()
NOT_SECRET = {'basic_user', 'db_user'}
secrets = {k: v for k, v in S.items() if k not in NOT_SECRET and k not in ('pem', 'pem_body')}
for i, l in enumerate(S['pem'].strip().splitlines()[1:-1]):
    if len(l) >= 16: secrets[f'pem_line{i}'] = l
extra_path = os.path.join(os.path.dirname(__file__), '..', 'secrets_extra.txt')
if os.path.exists(extra_path):
    for i, l in enumerate(sorted(set(open(extra_path).read().split()))):
        if len(l) >= 8: secrets[f'extra{i}'] = l
def variants(v):
    j = json.dumps(v)[1:-1]; jj = json.dumps(j)[1:-1]
    out = {j.replace('\\', '\\\\'), jj, jj.replace('\\', '\\\\'), v, urllib.parse.quote(v, safe=''), urllib.parse.quote_plus(v), urllib.parse.quote(v), json.dumps(v)[1:-1], repr(v)[1:-1], repr(v.encode())[2:-1]}
    return {x for x in out if len(x) >= 8}
V = {}  # variant -> secret name
for k, v in secrets.items():
    for x in variants(v): V[x] = k
for u, p in (('proxyuser', 'proxy_pass'), ('my-client-id', 'client_secret'), ('basic_user', 'basic_pass'), ('db_user', 'db_pass'), ('db_user', 'mongo_pass'), ('db_user', 'redis_pass')):
    b = base64.b64encode(f'{S.get(u, u)}:{S[p]}'.encode()).decode()
    V[b] = p + '(b64 user:pass)'
    V[b.rstrip('=')] = p + '(b64 user:pass)'
def found(line):
    return sorted({n for x, n in V.items() if x in line})
# partial: 12-char windows of secrets >= 16 chars (only reported, not counted as full leak)
WIN = {}
for k, v in secrets.items():
    if len(v) >= 16:
        for i in range(0, len(v) - 11): WIN[v[i:i+12]] = k
def partial(line):
    return sorted({n for w, n in WIN.items() if w in line})
I = open(inp, encoding='utf-8', errors='surrogateescape').read().split('\n')
O = open(outp, encoding='utf-8', errors='surrogateescape').read().split('\n')
SRC = open(srcf).read().split('\n')
if I and I[-1] == '': I.pop()
if O and O[-1] == '': O.pop()
print(f'input lines: {len(I)}  output lines: {len(O)}')
assert len(I) == len(O), 'line count mismatch'
stats = collections.Counter(); cls_secret = collections.Counter(); cls_leak = collections.Counter(); cls_fp = collections.Counter(); cls_partial = collections.Counter()
ex_leak = collections.defaultdict(list); ex_fp = collections.defaultdict(list); ex_ok = collections.defaultdict(list); ex_partial = collections.defaultdict(list)
leak_names = collections.defaultdict(collections.Counter)
rows = []
for n, (a, b, src) in enumerate(zip(I, O, SRC), 1):
    sec = found(a)
    c = classify(src, a)
    if sec:
        stats['secret'] += 1; cls_secret[c] += 1
        lk = found(b)
        if lk:
            stats['leaked'] += 1; cls_leak[c] += 1; ex_leak[c].append((n, a, b, lk))
            for x in lk: leak_names[c][x] += 1
        else:
            pl = partial(b)
            if pl:
                stats['partial_only'] += 1; cls_partial[c] += 1; ex_partial[c].append((n, a, b, pl))
            ex_ok[c].append((n, a, b))
        rows.append({'n': n, 'src': src, 'class': c, 'secrets': sec, 'leaked': lk})
    elif partial(a):
        stats['fragment_only_input'] += 1
        if a != b: stats['fragment_only_changed'] += 1
        ex_ok['FRAGMENT-ONLY: ' + c].append((n, a, b))
    else:
        stats['clean'] += 1
        if a != b:
            stats['fp'] += 1; cls_fp[c] += 1; ex_fp[c].append((n, a, b))
print(f"secret lines: {stats['secret']}  leaked (full secret/encoding in clear): {stats['leaked']}  "
      f"redacted-but-12char-fragment-remains: {stats['partial_only']}  lines holding only a truncated fragment (>=12 chars) of a secret: {stats['fragment_only_input']} (changed: {stats['fragment_only_changed']})  clean lines: {stats['clean']}  clean lines changed (FP): {stats['fp']}")
print('\n== per class: secret lines / leaked ==')
for c in sorted(cls_secret, key=lambda c: (-cls_leak[c], c)):
    print(f'{cls_leak[c]:4d}/{cls_secret[c]:4d}  {c}   leaked secrets: {dict(leak_names[c])}')
print('\n== FP classes ==')
for c, k in cls_fp.most_common(): print(f'{k:4d}  {c}')
print('\n== partial-fragment classes ==')
for c, k in cls_partial.most_common(): print(f'{k:4d}  {c}')
json.dump({'stats': stats, 'cls_secret': cls_secret, 'cls_leak': cls_leak, 'cls_fp': cls_fp, 'cls_partial': cls_partial,
           'ex_leak': {c: v[:5] for c, v in ex_leak.items()}, 'ex_fp': {c: v[:5] for c, v in ex_fp.items()},
           'ex_ok': {c: v[:3] for c, v in ex_ok.items()}, 'ex_partial': {c: v[:3] for c, v in ex_partial.items()}, 'rows': rows},
          open(os.path.join(os.path.dirname(__file__), '..', 'results.json'), 'w'), indent=1, default=list)
