"""PyJWT: HS256/RS256/ES256/none tokens logged as apps log them, plus clean JWKS/claims lines."""
import base64
import json
import logging
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import common as c

NAME = "jwt"
S = c.Secrets(NAME)
logfile = open(c.raw_path(NAME), "w", newline="\n")
h = logging.StreamHandler(logfile)
h.setFormatter(logging.Formatter("%(asctime)s %(levelname)-5s %(name)s - %(message)s"))
root = logging.getLogger()
root.addHandler(h)
root.setLevel(logging.DEBUG)
log = logging.getLogger("auth.tokens")
mw = logging.getLogger("api.middleware")
jsonlog = logging.getLogger("audit")
jh = logging.StreamHandler(logfile)
jh.setFormatter(logging.Formatter("%(message)s"))
jsonlog.addHandler(jh)
jsonlog.propagate = False

hs_key = c.rand(48, c.URLSAFE)
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())
rsa_kid, ec_kid = str(uuid.uuid4()), str(uuid.uuid4())


def b64u_int(n):
    return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


pub = rsa_key.public_key().public_numbers()
ecpub = ec_key.public_key().public_numbers()
jwks = {"keys": [{"kty": "RSA", "kid": rsa_kid, "use": "sig", "alg": "RS256", "n": b64u_int(pub.n), "e": b64u_int(pub.e)},
                 {"kty": "EC", "kid": ec_kid, "use": "sig", "alg": "ES256", "crv": "P-256", "x": b64u_int(ecpub.x), "y": b64u_int(ecpub.y)}]}
log.info("fetched JWKS from https://auth.example.com/.well-known/jwks.json: %s", json.dumps(jwks))
log.debug("jwt: supported algorithms %s", sorted(jwt.api_jws.get_default_algorithms().keys()))

now = int(time.time())
for i in range(120):
    alg = ["HS256", "RS256", "ES256", "none"][i % 4]
    claims = {"sub": str(1000 + i), "iss": "https://auth.example.com/", "aud": "api://orders", "iat": now, "exp": now + 3600,
              "jti": str(uuid.uuid4()), "scope": "orders:read orders:write", "email": "user%d@example.com" % i}
    if alg == "HS256":
        tok = jwt.encode(claims, hs_key, algorithm="HS256")
    elif alg == "RS256":
        tok = jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": rsa_kid})
    elif alg == "ES256":
        tok = jwt.encode(claims, ec_key, algorithm="ES256", headers={"kid": ec_kid})
    else:
        tok = jwt.encode(claims, None, algorithm="none")
    S.add(tok)
    rid = str(uuid.uuid4())
    shape = i % 6
    if shape == 0:
        log.info("issued %s token for user_id=%s token=%s", alg, claims["sub"], tok)
    elif shape == 1:
        mw.debug("request %s headers: Authorization: Bearer %s", rid, tok)
    elif shape == 2:
        jsonlog.info(json.dumps({"ts": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "event": "token_refreshed",
                                 "user_id": int(claims["sub"]), "access_token": tok, "token_type": "Bearer", "expires_in": 3600,
                                 "request_id": rid}))
    elif shape == 3:
        mw.debug("outgoing request headers: %s", {"Authorization": "Bearer " + tok, "Accept": "application/json", "X-Request-ID": rid})
    elif shape == 4:
        refresh = S.add(c.refresh_token())
        jsonlog.info(json.dumps({"level": "debug", "msg": "oauth token response", "body": json.dumps(
            {"access_token": tok, "refresh_token": refresh, "id_token": tok, "expires_in": 3599, "token_type": "Bearer"})}))
    else:
        mw.info('set-cookie: id_token=%s; Path=/; Secure; HttpOnly; SameSite=Strict', tok)
    # verification, as the API does it: clean lines (claims, header, errors)
    try:
        if alg == "none":
            raise jwt.InvalidAlgorithmError("The specified alg value is not allowed")
        key = {"HS256": hs_key, "RS256": rsa_key.public_key(), "ES256": ec_key.public_key()}[alg]
        decoded = jwt.decode(tok, key, algorithms=[alg], audience="api://orders")
        mw.debug("jwt header=%s claims=%s", jwt.get_unverified_header(tok), decoded)
        mw.info("authenticated user_id=%s scope=%r jti=%s request_id=%s", decoded["sub"], decoded["scope"], decoded["jti"], rid)
    except jwt.PyJWTError as e:
        mw.warning("rejecting token (alg=%s): %s: %s request_id=%s", alg, type(e).__name__, e, rid)
    if i % 5 == 0:
        mw.info("token_count=%d max_tokens=4096 tokenizer=%s", i % 7, "o200k_base")
    if i % 9 == 0:
        try:
            jwt.decode(tok if alg != "none" else tok + "x", "wrong-key-for-signature-check-0123456789", algorithms=["HS256"])
        except jwt.PyJWTError as e:
            mw.warning("rejecting token: %s", e)
        mw.info('{"token": null, "reason": "expired", "retry_after": 30}')

expired = jwt.encode({"sub": "7", "exp": now - 10}, hs_key, algorithm="HS256")
try:
    jwt.decode(expired, hs_key, algorithms=["HS256"])
except jwt.ExpiredSignatureError as e:
    log.warning("ExpiredSignatureError: %s (sub=7)", e)
logfile.flush()
S.save()
