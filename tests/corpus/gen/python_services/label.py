"""Labels for the held-out Python run: each line's secrets as they appear (evaluate.py's
variants), maximal pieces of 12+ characters of a secret a printer cut (rich's wraps), and
botocore's SigV4 `Signature:` value (derived from the secret key; the corpus labels it)."""
import sys, os, re, json, base64
here, dest = sys.argv[1], os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(here, 'gen'))
os.chdir(here)
code = open('gen/evaluate.py').read()
cut = code.index('I = open(inp')
ns = {'__file__': os.path.join(here, 'gen', 'evaluate.py')}
sys.argv = ['evaluate.py', 'holdout.log', 'holdout.src', 'scrubbed.log']
exec(code[:cut], ns)
V, secrets = ns['V'], ns['secrets']
lines = open('holdout.log', encoding='utf-8', errors='surrogateescape').read().split('\n')
if lines[-1] == '':
    lines.pop()
out = []
for i, line in enumerate(lines):
    labs = {x for x in V if x in line}
    for v in secrets.values():
        if len(v) < 16 or any(v in l for l in labs):
            continue
        # maximal pieces of v (12+ chars) in the line
        j = 0
        while j + 12 <= len(v):
            if v[j:j + 12] in line:
                k = j + 12
                while k < len(v) and v[j:k + 1] in line:
                    k += 1
                labs.add(v[j:k])
                j = k
            else:
                j += 1
    if i > 0 and lines[i - 1].rstrip().endswith('botocore.auth: Signature:') or re.fullmatch(r'[0-9a-f]{64}', line.strip()) and i > 0 and 'Signature:' in lines[i - 1]:
        labs.add(line.strip())
    # A presigned URL's signature grants what it signs until it expires (SigV2 `Signature=`).
    labs.update(re.findall(r'[?&]Signature=([A-Za-z0-9%._~-]{20,})', line))
    # A secret stored base64-encoded (a DynamoDB `B` attribute) is that secret.
    for v in secrets.values():
        b = base64.b64encode(v.encode()).decode()
        if len(v) >= 8 and b in line:
            labs.add(b)
    # A password hash's secret part is what follows its algorithm header (`md5$`, as the corpus labels it).
    labs = {re.sub(r'^(?:md5|sha1|pbkdf2_sha256|bcrypt|argon2)\$', '', l) for l in labs}
    labs = sorted(l for l in labs if len(l) >= 8)
    out.append(json.dumps(labs))
open(dest, 'w').write('\n'.join(out) + '\n')
print(len(out), sum(1 for o in out if o != '[]'))
