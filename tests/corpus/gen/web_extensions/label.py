"""run.log -> run.labels.jsonl: one JSON array per log line listing the secret substrings occurring verbatim in it.
Sources: secrets.json (generated), derived.jsonl (tokens/cookies/etc. the run created), plus credentials harvested
from the log itself (Django csrftoken/sessionid cookies, Flask session cookies, botocore SigV4 'Signature:' values,
SigV2 `Signature=` of presigned URLs, a presigned POST's signature, a submitted csrf_token). A connection string is
labelled by its password, a Slack webhook by its token.
Each secret is expanded to encoded variants (URL/JSON/repr/bytes-repr/HTML/quoted-printable, and pairs of those).
Lines that only carry a wrapped/truncated FRAGMENT (>=20 chars) of a secret's core are labelled with that fragment.
Side output run.labels.kinds.jsonl gives the kind of each label."""
import json, base64, html, quopri, re, itertools
from urllib.parse import quote, quote_plus, urlparse, unquote
S = json.load(open('secrets.json'))
lines = open('run.log', encoding='utf-8', errors='surrogateescape').read().split('\n')
if lines and lines[-1] == '': lines.pop()
vals = [(k, v) for k, v in S.items() if k != 'basic_user']
try:
    for l in open('derived.jsonl'):
        d = json.loads(l); vals.append(('derived:' + d['kind'], d['value']))
except FileNotFoundError:
    pass
# The corpus labels a connection string by its password (tests/corpus/README.md).
# and a Slack webhook by its token.
vals = [(k, unquote(urlparse(v).password or '') if '://' in v and '@' in v else v) for k, v in vals]
vals = [(k, v.rsplit('/', 1)[1] if v.startswith('https://hooks.slack.com/services/') else v) for k, v in vals]
b64 = lambda s: base64.b64encode(s.encode()).decode()
cid_m, cid_b = 'mobile-' + S['session_id'][:10], 'batch-' + S['session_id'][10:20]
for u, p in [('svc-reporting', S['basic_pw']), ('svc-reporting', S['pw_admin']), (cid_b, S['oauth_client_secret']),
             (cid_b, S['twilio_token']), ('mobile-x', S['oauth_app_client_secret'])]:
    vals.append(('basic_auth_b64', b64(u + ':' + p)))
for k in ('kms_plaintext', 'slack_bot', 'api_key_hex'):
    vals.append((k + '_b64', b64(S[k])))
# harvest server-created credentials from the log
for i, ln in enumerate(lines):
    for m in re.finditer(r'\b(csrftoken|sessionid|session|remember_token)=([^;\s\'"\\,]{16,})', ln):
        if not m.group(2).startswith('[REDACTED'):
            vals.append(('harvest:' + m.group(1), m.group(2)))
    # presigned URLs' SigV2 signature, a presigned POST's signature, a submitted CSRF token
    for m in re.finditer(r'[?&]Signature=([^&\s\'"\\]{16,})', ln):
        vals.append(('harvest:sigv2_signature', m.group(1)))
    for m in re.finditer(r"'(signature|csrf_token)': '([^'\[]{16,})'", ln):
        vals.append(('harvest:' + m.group(1), m.group(2)))
    if ln.endswith('botocore.auth [DEBUG] Signature:') and i + 1 < len(lines):
        vals.append(('harvest:sigv4_signature', lines[i + 1].strip()))

T = [lambda v: v, lambda v: quote(v, safe=''), quote, quote_plus, lambda v: json.dumps(v)[1:-1], lambda v: repr(v)[1:-1],
     lambda v: repr(v.encode())[2:-1], lambda v: v.replace('\\', '\\\\').replace("'", "\\'"),
     lambda v: v.replace('\\', '\\\\').replace('"', '\\"'), html.escape, lambda v: html.escape(v, quote=False),
     lambda v: quopri.encodestring(v.encode()).decode().rstrip('\n')]
def variants(v):
    out = set()
    for a, b in itertools.product(T, T):
        try: x = b(a(v))
        except Exception: continue
        if '=\n' not in x and len(x) >= 8: out.add(x)
    return out

def core(kind, v):
    """secret-bearing part of a value, for fragment matching (drop shared non-secret structure)"""
    if '://' in v and '@' in v:
        u = urlparse(v); return [unquote(u.password or ''), quote(unquote(u.password or ''), safe='')]
    if v.startswith('https://hooks.slack.com/'): return [v.split('/services/')[1]]
    if v.startswith('eyJ') and v.count('.') == 2: return [v.split('.')[2]]
    if v.startswith('pbkdf2_'): return [v.rsplit('$', 1)[1]]
    if 'presign_policy' in kind: return []
    if v.startswith('IQoJb3JpZ2luX2VjE'): return [v[17:]]
    if v.startswith('.eJ'): return [v[8:]]
    return [v]

table, seen = [], set()
for kind, v in vals:
    for x in variants(v):
        if x not in seen: seen.add(x); table.append((x, kind))
table.sort(key=lambda t: -len(t[0]))
W = 20
grams = {}
for kind, v in vals:
    for c in core(kind, v):
        for x in {c, json.dumps(c)[1:-1], repr(c)[1:-1], quote(c, safe='')}:
            for j in range(0, len(x) - W + 1):
                grams.setdefault(x[j:j + W], (x, kind))

with open('run.labels.jsonl', 'w') as f, open('run.labels.kinds.jsonl', 'w') as fk:
    nsec = 0
    for ln in lines:
        labs = [(x, k) for x, k in table if x in ln]
        covered = ''.join(x for x, _ in labs)
        j = 0
        while j + W <= len(ln):
            g = ln[j:j + W]
            if g in grams:
                full, kind = grams[g]
                # extend the fragment to the maximal run shared with `full`
                st = full.index(g); a, b = j, j + W
                while b < len(ln) and st + (b - j) < len(full) and ln[b] == full[st + (b - j)]: b += 1
                while a > 0 and st - (j - a) > 0 and ln[a - 1] == full[st - (j - a) - 1]: a -= 1
                frag = ln[a:b]
                if frag not in covered and not any(frag in x for x, _ in labs):
                    labs.append((frag, 'fragment:' + kind))
                j = b
            else:
                j += 1
        nsec += bool(labs)
        f.write(json.dumps([x for x, _ in labs]) + '\n')
        fk.write(json.dumps([k for _, k in labs]) + '\n')
print('labelled', len(lines), 'lines;', nsec, 'with secrets')
