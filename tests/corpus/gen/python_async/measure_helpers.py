import json
from urllib.parse import quote, quote_plus
S = json.load(open("secrets.json"))["secrets"]
def variants(v):
    out = {v, quote(v, safe=""), quote_plus(v), quote(v), json.dumps(v)[1:-1], repr(v)[1:-1],
           json.dumps(json.dumps(v)[1:-1])[1:-1], repr(json.dumps(v)[1:-1])[1:-1]}
    return {x for x in out if x}
FULL = {k: variants(v) for k, v in S.items()}
def full_hits(line):
    return sorted({k for k, vs in FULL.items() for x in vs if x in line})
