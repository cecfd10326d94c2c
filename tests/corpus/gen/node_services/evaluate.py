#!/usr/bin/env python3
"""Compare holdout.log with holdout.scrubbed.log against secrets.json. Writes results.json + leaks.tsv + fps.tsv."""
import json, re, sys, urllib.parse
from collections import defaultdict, Counter
S = json.load(open('secrets.json'))
NOT_SECRET = {'mongoUser', 'basicUser', 'slackHook'}   # identifiers / covered by slackPath
sec = {k: v for k, v in S.items() if k not in NOT_SECRET}
# derived token material: JWT signature segment and unsigned header.payload (printed by jwt.decode / malformed-token tests)
for k in ('jwt', 'jwtRefresh', 'jwtBad'):
    h, p, g = S[k].split('.')
    sec[k + '_sig'] = g; sec[k + '_unsigned'] = h + '.' + p
import os
if os.path.exists('derived.jsonl'):   # values produced inside generators (cookie sessions, vendor tokens)
    for i, l in enumerate(open('derived.jsonl')):
        d = json.loads(l); sec['%s_%d' % (d['name'], i)] = d['value']
def variants(s):
    v = {s, urllib.parse.quote(s, safe=''), urllib.parse.quote(s, safe="-_.!~*'()"),
         urllib.parse.quote_plus(s, safe='*-._'), json.dumps(s)[1:-1], s.replace('\\', '\\\\').replace("'", "\\'")}
    return {x for x in v if x}
VAR = {k: variants(v) for k, v in sec.items()}
def found(line):
    return sorted(k for k, vs in VAR.items() if any(x in line for x in vs))
def partial(line, keys):
    # >=16-char window of a secret (>=20 chars) surviving where the full value no longer does
    out = []
    for k, v in sec.items():
        if len(v) < 20 or k in keys: continue
        for i in range(0, len(v) - 15):
            if v[i:i+16] in line: out.append(k); break
    return out
inp = open('holdout.log', encoding='utf-8', errors='surrogateescape').read().split('\n')
outp = open('holdout.scrubbed.log', encoding='utf-8', errors='surrogateescape').read().split('\n')
if inp and inp[-1] == '': inp.pop()
if outp and outp[-1] == '': outp.pop()
sections = [l.split('\t') for l in open('sections.tsv').read().split('\n') if l]
def section(n):
    for name, a, b in sections:
        if int(a) <= n <= int(b): return name
    return '?'
res = {'lines_in': len(inp), 'lines_out': len(outp), 'secret_lines': 0, 'leaked_lines': 0, 'partial_leak_lines': 0,
       'clean_lines': 0, 'clean_changed': 0, 'per_section': defaultdict(lambda: Counter())}
leaks, fps = [], []
for i, line in enumerate(inp):
    o = outp[i] if i < len(outp) else ''
    n = i + 1; sc = section(n); ps = res['per_section'][sc]
    ks = found(line)
    if ks:
        res['secret_lines'] += 1; ps['secret'] += 1
        lk = found(o)
        if lk:
            res['leaked_lines'] += 1; ps['leaked'] += 1; leaks.append((n, sc, ','.join(lk), line, o))
        else:
            pk = partial(o, [])
            if pk: res['partial_leak_lines'] += 1; ps['partial'] += 1; leaks.append((n, sc, 'PARTIAL:' + ','.join(pk), line, o))
    else:
        res['clean_lines'] += 1; ps['clean'] += 1
        if o != line: res['clean_changed'] += 1; ps['fp'] += 1; fps.append((n, sc, '', line, o))
def klass(line):
    sid = S['sessionId']
    if 'koa.sess=' in line: return 'A koa session cookie value (koa.sess=<id>)'
    if 'ioredis:redis write command' in line: return 'C1 ioredis DEBUG write command args (hello/auth positional password)'
    if 'redis2 connect' in line: return 'C2 bare password printed positionally after an error message'
    if sid in line and ('memory store' in line or re.match(r"^\s*'?" + re.escape(sid) + "'?:", line)): return 'D session id as object key (express-session MemoryStore.sessions dump)'
    if '%253D' in line: return 'E double-URL-encoded nested query parameter'
    if 'x-shopify-hmac-sha256' in line: return 'G per-payload webhook HMAC in x-shopify-hmac-sha256 header (borderline: signature, not a credential)'
    if '/services/T' in line: return 'F Slack webhook path on a non-Slack host (undici diagnostics / NODE_DEBUG=fetch)'
    if re.match(r"^\s*'[^']*',?\s*$", line): return 'B1 bare string element of an inspected array on its own line (req.rawHeaders, process.argv, spawnargs)'
    if re.match(r"^\s*S: '", line): return 'B2 aws-sdk v2 logger: DynamoDB { S: ... } value wrapped onto its own line under a non-secret attribute name (pk)'
    return 'other'
classes = defaultdict(list)
for r in leaks: classes[klass(r[3])].append(r)
res['leak_classes'] = {k: len(v) for k, v in sorted(classes.items())}
res['per_section'] = {k: dict(v) for k, v in res['per_section'].items()}
json.dump(res, open('results.json', 'w'), indent=1)
for fn, rows in (('leaks.tsv', leaks), ('fps.tsv', fps)):
    with open(fn, 'w') as f:
        for r in rows: f.write('\t'.join(str(x) for x in r) + '\n')
print(json.dumps(res, indent=1))
