"""Count secret lines, leaks (full or >=16-char fragment of >=20-char secret), and false positives."""
import base64, json, re
from urllib.parse import quote, quote_plus

D = json.load(open("secrets.json"))
S = D["secrets"]
frag_excl = set(D["meta"]["fragment_exclude"])
raw = open("holdout.log", encoding="utf-8", errors="surrogateescape").read().split("\n")
scr = open("holdout.scrubbed.log", encoding="utf-8", errors="surrogateescape").read().split("\n")
src = open("holdout.src").read().split("\n")
assert len(raw) == len(scr), (len(raw), len(scr))


def variants(v):
    out = {v, quote(v, safe=""), quote_plus(v), quote(v), json.dumps(v)[1:-1], repr(v)[1:-1],
           json.dumps(json.dumps(v)[1:-1])[1:-1],  # double JSON-escaped (JSON inside a JSON string)
           repr(json.dumps(v)[1:-1])[1:-1]}
    return {x for x in out if x}

full = {k: variants(v) for k, v in S.items()}
# cores for fragment checks
frag = {}
for k, v in S.items():
    if k in frag_excl:
        continue
    vs = [x for x in full[k] if len(x) >= 20]
    # vendor prefixes are not random: strip known fixed prefixes before windowing
    frag[k] = vs

def has_full(line):
    return sorted({k for k, vs in full.items() for x in vs if x in line})

def has_frag(line):
    hits = set()
    for k, vs in frag.items():
        for x in vs:
            for i in range(0, len(x) - 15):
                if x[i:i + 16] in line:
                    hits.add(k); break
            if k in hits: break
    return sorted(hits)

res = {"total_lines": 0, "secret_lines": 0, "secret_lines_fragment_only": 0, "leak_lines": 0,
       "leak_lines_full": 0, "leak_lines_fragment_only": 0, "clean_lines": 0, "fp_lines": 0}
leaks, fps, per_stack = [], [], {}
n = len(raw) - (1 if raw and raw[-1] == "" else 0)
for i in range(n):
    a, b, st = raw[i], scr[i], src[i] if i < len(src) else "?"
    res["total_lines"] += 1
    ps = per_stack.setdefault(st, {"lines": 0, "secret": 0, "leak": 0, "fp": 0})
    ps["lines"] += 1
    f_in, g_in = has_full(a), has_frag(a)
    if f_in or g_in:
        res["secret_lines"] += 1; ps["secret"] += 1
        if not f_in:
            res["secret_lines_fragment_only"] += 1
        f_out, g_out = has_full(b), has_frag(b)
        if f_out or g_out:
            res["leak_lines"] += 1; ps["leak"] += 1
            res["leak_lines_full" if f_out else "leak_lines_fragment_only"] += 1
            leaks.append({"line": i + 1, "stack": st, "full": f_out, "frag": g_out, "in": a, "out": b})
    else:
        res["clean_lines"] += 1
        if a != b:
            res["fp_lines"] += 1; ps["fp"] += 1
            fps.append({"line": i + 1, "stack": st, "in": a, "out": b})
res["per_stack"] = per_stack
json.dump({"counts": res, "leaks": leaks, "fps": fps}, open("results.json", "w"), indent=1)
print(json.dumps(res, indent=1))
