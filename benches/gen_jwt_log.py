#!/usr/bin/env python3
"""A keyword-heavy log of JWT lines, to measure what JWT findings cost (issue 15).

Every line carries one JWT in one of the shapes logs give it (Authorization header, JSON
field, callback URL, cookie), interleaved with ordinary request lines. Tokens come from a pool
of `--distinct` tokens, drawn uniformly (seeded): with a small pool the per-worker cache answers
almost every occurrence; with `--distinct 0` every token is new, so every HS* token is verified
against the whole weak-key dictionary (the worst case).

Token mix (by construction, no JWT library needed): 70 % HS256 signed with a random 32-byte key
(verified, no weak key: the full dictionary is tried), 5 % HS256 under `secret` (a dictionary
hit), 5 % HS512 random key, 15 % RS256 (random signature bytes: decoded, not verified), 5 %
`alg: none`. Claims look like an access token: sub, iat, exp one hour later, scope, jti.

    python3 benches/gen_jwt_log.py --lines 300000 --jwt-every 2 --distinct 2000 --out jwt.log
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import sys


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def token(rng, i):
    r = rng.random()
    now = 1_790_000_000 + rng.randrange(86400)
    claims = {
        "sub": "user-%08d" % rng.randrange(10**8),
        "iat": now,
        "exp": now + 3600,
        "scope": rng.choice(["read", "read write", "orders:read orders:write"]),
        "jti": "%032x" % rng.getrandbits(128),
    }
    if r < 0.70:
        alg, key, digest = "HS256", rng.getrandbits(256).to_bytes(32, "big"), hashlib.sha256
    elif r < 0.75:
        alg, key, digest = "HS256", b"secret", hashlib.sha256
    elif r < 0.80:
        alg, key, digest = "HS512", rng.getrandbits(256).to_bytes(32, "big"), hashlib.sha512
    elif r < 0.95:
        alg, key, digest = "RS256", None, None
    else:
        alg, key, digest = "none", None, None
    header = {"alg": alg, "typ": "JWT"}
    if alg == "RS256":
        header["kid"] = "key-%d" % (i % 3)
    signed = b64(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64(json.dumps(claims, separators=(",", ":")).encode())
    if key is not None:
        sig = b64(hmac.new(key, signed.encode(), digest).digest())
    elif alg == "RS256":
        sig = b64(rng.getrandbits(2048).to_bytes(256, "big"))
    else:
        sig = ""
    return signed + "." + sig


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--jwt-every", type=int, default=2, help="one line in N carries a JWT")
    ap.add_argument("--distinct", type=int, default=2000, help="token pool size; 0: every token new")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pool = [token(rng, i) for i in range(a.distinct)]
    out = sys.stdout if a.out == "-" else open(a.out, "w")
    jwts = 0
    for n in range(a.lines):
        ts = "2026-11-29T12:%02d:%02d.%03dZ" % (n // 60000 % 60, n // 1000 % 60, n % 1000)
        if n % a.jwt_every:
            out.write('%s INFO 10.0.%d.%d "GET /api/v1/orders/%d HTTP/1.1" 200 %d %.3fms\n' % (
                ts, rng.randrange(256), rng.randrange(256), rng.randrange(10**6),
                rng.randrange(100, 9000), rng.random() * 40))
            continue
        jwts += 1
        t = pool[rng.randrange(len(pool))] if pool else token(rng, n)
        shape = n // a.jwt_every % 4
        if shape == 0:
            out.write("%s DEBUG request headers: Authorization: Bearer %s\n" % (ts, t))
        elif shape == 1:
            out.write('{"ts":"%s","level":"info","msg":"login ok","user":%d,"token":"%s"}\n'
                      % (ts, rng.randrange(10**6), t))
        elif shape == 2:
            out.write("%s INFO GET /auth/callback?id_token=%s&state=%016x 302\n"
                      % (ts, t, rng.getrandbits(64)))
        else:
            out.write("%s WARN set-cookie: access_token=%s; Path=/; HttpOnly\n" % (ts, t))
    if out is not sys.stdout:
        out.close()
    print("lines=%d jwt_lines=%d distinct=%s" % (a.lines, jwts, a.distinct or "all"),
          file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
