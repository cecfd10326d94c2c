import json, re, sys, urllib.parse, os
sys.path.insert(0, '.')
src = sys.argv[1]   # dir with holdout.log, secrets.json, derived.jsonl, evaluate.py
os.chdir(src)
ns = {}
code = open('evaluate.py').read()
# reuse evaluate.py's secret set and variants up to VAR definition
cut = code.index('def found(')
exec(code[:cut], ns)
VAR = ns['VAR']
out = []
for line in open('holdout.log', encoding='utf-8', errors='surrogateescape').read().split('\n')[:-1]:
    labs = set()
    for k, vs in VAR.items():
        for x in vs:
            if len(x) >= 6 and x in line:
                labs.add(x)
    # drop a label contained in a longer one
    # A presigned URL's signature grants the access it signs until it expires: a secret.
    labs.update(re.findall(r'X-Amz-Signature=([0-9a-f]{64})', line))
    labs = sorted(labs)
    out.append(json.dumps(labs))
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
print(len(out), sum(1 for o in out if o != '[]'))
