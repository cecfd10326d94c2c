"""Group leaks / false positives from results.json into classes and write REPORT.md."""
import json, collections
R = json.load(open("results.json")); C = R["counts"]
S = json.load(open("secrets.json"))["secrets"]

LEAK_CLASSES = [
 ("L1", "Twilio-shape API key (`SK` + 32 hex) with no keyword context, after `v1=` inside an HTTP error body logged by the app",
  "aiohttp 3.14.5 (client response body of a 400 raised via web.HTTPBadRequest, logged by app)",
  lambda l: "twilio_key" in l["full"] + l["frag"]),
 ("L2", "Google-shape OAuth refresh token (`1//` + 60 chars) stored under a neutral field name (`'value'`) in a MongoDB document: "
        "pymongo structured command log (JSON-in-JSON, `\\\"value\\\": \\\"1//...\\\"`), CommandListener `repr(dict)` and app `repr(doc)`",
  "pymongo 4.20.1 (pymongo.command logger) / motor 3.7.1 + app CommandListener",
  lambda l: "oauth_refresh_token" in l["full"] + l["frag"]),
 ("L3", "Opaque standard-base64 key (40 chars, `+`/`/`) under a non-keyword JSON field (`\"b64key\"`) in a python-json-logger record",
  "python-json-logger 4.2.0 (JsonFormatter, `extra=`)",
  lambda l: "opaque_b64_key" in l["full"] + l["frag"]),
]
FP_CLASSES = [
 ("F1", "botocore `Signature:` multi-line DEBUG record: the bare 64-hex SigV4 signature on the continuation line is redacted "
        "(`[REDACTED:aws-signature]`). Debatable: a SigV4 signature is request-bound and short-lived, not a credential.",
  "botocore 1.43.117 via aiobotocore 3.10.0 (botocore.auth DEBUG)",
  lambda l: l["stack"] == "aws"),
 ("F2", "Logger name containing `token` followed by `: ` (format `%(name)s: %(message)s`) -> the first word of the message "
        "(here the client IP `127.0.0.1`) is redacted as `[REDACTED:token]`",
  "http.server access log routed through stdlib logging, logger `app.tokenserver`",
  lambda l: "tokenserver: [REDACTED" in l["out"]),
 ("F3", "Python traceback source-echo line: `?token={S['github_pat']}` (code, not a value) partly redacted",
  "CPython 3.11 traceback printed by logging.exception (aiohttp stack)",
  lambda l: "S['github_pat']" in l["in"]),
]

def group(items, classes):
    out = collections.OrderedDict((c[0], []) for c in classes); other = []
    for it in items:
        for c in classes:
            if c[3](it): out[c[0]].append(it); break
        else: other.append(it)
    return out, other

lg, lo = group(R["leaks"], LEAK_CLASSES)
fg, fo = group(R["fps"], FP_CLASSES)

# per-secret exposure
per = {k: [0, 0] for k in S}
import measure_helpers as mh
for i, (a, b) in enumerate(zip(open("holdout.log").read().split("\n"), open("holdout.scrubbed.log").read().split("\n"))):
    for k in mh.full_hits(a): per[k][0] += 1
    for k in mh.full_hits(b): per[k][1] += 1

md = []
md.append("# Holdout 3 (Python async/backend stacks) — scrubd-h3 black-box evaluation\n")
md.append("Log produced by really running the libraries below with DEBUG logging against local fakes "
          "(moto for DynamoDB/SecretsManager/SSM, an in-process MongoDB wire-protocol fake, a local OAuth token server, "
          "a local Sentry ingest endpoint, Celery filesystem broker). Secrets are freshly random per run (`gen_secrets.py`).\n")
md.append("## Headline counts\n")
md.append(f"| metric | value |\n|---|---|\n| total lines | {C['total_lines']} |\n| (a) secret lines | {C['secret_lines']} |\n"
          f"| (b) secret lines still leaking after scrub | **{C['leak_lines']}** ({C['leak_lines_full']} full secret in clear, {C['leak_lines_fragment_only']} fragment-only) |\n"
          f"| leak rate | {100*C['leak_lines']/max(1,C['secret_lines']):.1f}% of secret lines |\n"
          f"| clean lines | {C['clean_lines']} |\n| (c) clean lines changed (false positives) | **{C['fp_lines']}** ({100*C['fp_lines']/max(1,C['clean_lines']):.1f}%) |\n")
md.append("Per stack (lines / secret lines / leaking / FP):\n")
for s, v in C["per_stack"].items():
    md.append(f"- {s}: {v['lines']} / {v['secret']} / {v['leak']} / {v['fp']}")
md.append("\nSecret line = contains a generated secret (or derived value: Basic-auth base64, JWT signature) raw, URL-encoded "
          "(quote/quote_plus), JSON-escaped, double-JSON-escaped or Python-repr-escaped; leak = such a form, or any >=16-char window "
          "of a >=20-char form, still present after scrubbing. JWT header/payload windows excluded (constant prefixes); signature counted.\n")
md.append("Per secret kind (lines containing it before -> after scrub):\n")
md.append(", ".join(f"`{k}` {a}->{b}" for k, (a, b) in per.items() if a))
md.append("\n## Leaks by class\n")
def ex(items, n=3):
    seen, outl = set(), []
    for it in items:
        key = it["in"][24:90]
        if key in seen: continue
        seen.add(key); outl.append(it)
        if len(outl) >= n: break
    return outl
for cid, desc, lib, _ in LEAK_CLASSES:
    items = lg[cid]
    md.append(f"### {cid}: {desc}\n\n- printed by: {lib}\n- leaking lines: {len(items)}\n")
    for it in ex(items):
        md.append(f"Line {it['line']} input:\n```\n{it['in']}\n```\nscrubbed:\n```\n{it['out']}\n```\n")
if lo:
    md.append(f"### Unclassified leaks: {len(lo)}\n")
    for it in lo[:5]: md.append(f"```\n{it['in']}\n{it['out']}\n```\n")
md.append("## False positives by class\n")
for cid, desc, lib, _ in FP_CLASSES:
    items = fg[cid]
    md.append(f"### {cid}: {desc}\n\n- printed by: {lib}\n- lines: {len(items)}\n")
    for it in ex(items, 2):
        md.append(f"Line {it['line']} input:\n```\n{it['in']}\n```\nscrubbed:\n```\n{it['out']}\n```\n")
if fo:
    md.append(f"### Unclassified FPs: {len(fo)}\n")
    for it in fo[:5]: md.append(f"```\n{it['in']}\n{it['out']}\n```\n")
md.append(open("REPORT_notes.md").read())
open("REPORT.md", "w").write("\n".join(md))
print({k: len(v) for k, v in lg.items()}, "other", len(lo), {k: len(v) for k, v in fg.items()}, "other", len(fo))
