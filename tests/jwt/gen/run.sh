#!/usr/bin/env bash
# Regenerates tests/jwt/tokens.json: JWTs minted by the real libraries of the stacks scrubd
# serves (PyJWT, python-jose, djangorestframework-simplejwt, Flask-JWT-Extended, jsonwebtoken),
# one or more per finding plus clean ones, each with the findings it must give, the weak key's
# dictionary id, its issuer label, and the strings of it that must never appear in any output.
# Needs python3, node + npm, and PyPI and the npm registry (versions pinned here).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
npm ci --no-audit --no-fund --loglevel=error
T0=$(date +%s)
.venv/bin/python mint.py "$T0" > .python.json
node mint.js "$T0" > .node.json
.venv/bin/python - "$T0" > ../tokens.json <<'PY'
import json, sys
t0 = int(sys.argv[1])
tokens = json.load(open(".python.json")) + json.load(open(".node.json"))
for t in tokens:
    # Every part of the token is secret too.
    t["secrets"] += [p for p in t["token"].split(".") if len(p) >= 8]
json.dump({
    "generated_by": "tests/jwt/gen/run.sh",
    # The time the test reads the lines: 7 minutes after minting (the 5-minute simplejwt
    # access token and the 1-minute PyJWT token are expired, the rest are not).
    "seen_at": t0 + 420,
    "issuers": ["https://orders.example.com/"],
    "tokens": tokens,
}, sys.stdout, indent=1)
print()
PY
rm -f .python.json .node.json
echo "wrote tests/jwt/tokens.json: $(grep -c '"name"' ../tokens.json) tokens" >&2
