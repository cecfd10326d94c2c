"""Mints the Python libraries' tokens of tests/jwt/tokens.json: PyJWT, python-jose,
djangorestframework-simplejwt and Flask-JWT-Extended, each the way an application calls it.

Prints a JSON list of entries (see run.sh); `t0` (argv[1]) is the time every relative claim
starts from, so the expected findings hold at the fixture's `seen_at`.
"""
import base64
import json
import os
import sys
import time
import uuid
from datetime import timedelta

import jwt  # PyJWT
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt as jose_jwt

T0 = int(sys.argv[1])
ORDERS = "https://orders.example.com/"  # the fixture's allowlisted issuer
EVIL = "https://evil.example.net/"      # never allowlisted: must never appear in output
entries = []


def add(name, library, token, findings, secrets, weak_key=None, issuer="other"):
    entries.append({
        "name": name,
        "library": library,
        "token": token,
        "findings": findings,
        "weak_key": weak_key,
        "issuer": issuer,
        "secrets": [s for s in secrets if s],
    })


def rand_key():
    return os.urandom(64)


def uid(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex)


def b64u_int(n):
    return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


PYJWT = "PyJWT %s" % jwt.__version__
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

# Clean: RS256, exp in an hour, allowlisted issuer.
sub = uid("user")
kid = uid("orders-key")
t = jwt.encode({"sub": sub, "iss": ORDERS, "aud": "api://orders", "iat": T0, "exp": T0 + 3600},
               rsa_key, algorithm="RS256", headers={"kid": kid})
add("pyjwt-rs256-clean", PYJWT, t, [], [sub, kid], issuer=ORDERS)

# Clean: HS256 with a random 64-byte key.
sub = uid("user")
t = jwt.encode({"sub": sub, "iss": EVIL, "iat": T0, "exp": T0 + 3600}, rand_key(), algorithm="HS256")
add("pyjwt-hs256-random-key-clean", PYJWT, t, [], [sub, EVIL])

# weak_hmac_key: PyJWT's README key.
sub = uid("user")
t = jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 3600}, "secret", algorithm="HS256")
add("pyjwt-readme-key", PYJWT, t, ["weak_hmac_key"], [sub], weak_key="readme-pyjwt-jose-node")

# expired: exp a minute after issue, seen later.
sub = uid("user")
t = jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 60}, rand_key(), algorithm="HS256")
add("pyjwt-expired", PYJWT, t, ["expired"], [sub])

# embedded_jwk: the verification key in the header.
pub = rsa_key.public_key().public_numbers()
sub = uid("user")
t = jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 3600}, rsa_key, algorithm="RS256",
               headers={"jwk": {"kty": "RSA", "n": b64u_int(pub.n), "e": b64u_int(pub.e)}})
add("pyjwt-embedded-jwk", PYJWT, t, ["embedded_jwk"], [sub])

# jku_header: the key set by URL.
sub = uid("user")
jku = "https://keys.%s.example.net/jwks.json" % uuid.uuid4().hex[:12]
t = jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 3600}, rsa_key, algorithm="RS256", headers={"jku": jku})
add("pyjwt-jku", PYJWT, t, ["jku_header"], [sub, jku])

# kid_injection + weak_hmac_key: the classic /dev/null kid, signed with the empty key (PyJWT
# refuses an empty HMAC key; python-jose signs with it).
import jose  # noqa: E402
JOSE = "python-jose %s" % jose.__version__
sub = uid("user")
t = jose_jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 3600}, "", algorithm="HS256",
                    headers={"kid": "../../../../../../dev/null"})
add("python-jose-kid-dev-null", JOSE, t, ["weak_hmac_key", "kid_injection"], [sub, "../../../../../../dev/null"],
    weak_key="empty-key")

# malformed: a JWS whose payload is not a JSON object.
t = jwt.api_jws.encode(b"user=" + uid("user").encode() + b";role=admin", rand_key(), algorithm="HS256")
add("pyjwt-jws-text-payload", PYJWT, t, ["malformed"], [])

# malformed: a payload over the analysis bound (16 KiB encoded), not decoded nor verified.
sub = uid("user")
t = jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 3600, "groups": [uid("group") for _ in range(400)]},
               "secret", algorithm="HS256")
assert len(t.split(".")[1]) > 16 << 10
add("pyjwt-oversized", PYJWT, t, ["malformed"], [sub])

# unencrypted_sensitive_claims: python-jose, credentials in the readable payload.
sub, pw, api_key = uid("user"), uid("pw"), uid("ak")
t = jose_jwt.encode({"sub": sub, "iat": T0, "exp": T0 + 3600, "password": pw, "api_key": api_key},
                    rand_key().hex(), algorithm="HS256")
add("python-jose-sensitive-claims", JOSE, t, ["unencrypted_sensitive_claims"],
    [sub, pw, api_key])

# djangorestframework-simplejwt, signing with its test suite's SECRET_KEY: the access token
# (5 minutes) is expired when seen, the refresh token (1 day, not above the bound) is not.
import django
from django.conf import settings

settings.configure(
    SECRET_KEY="not very secret in tests",
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework_simplejwt"],
    SIMPLE_JWT={"ACCESS_TOKEN_LIFETIME": timedelta(minutes=5), "REFRESH_TOKEN_LIFETIME": timedelta(days=1)},
)
django.setup()
from rest_framework_simplejwt import __version__ as sj_version  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

SIMPLEJWT = "djangorestframework-simplejwt %s" % sj_version
t0 = datetime.fromtimestamp(T0, tz=timezone.utc)
access = AccessToken()
access.set_exp(from_time=t0, lifetime=timedelta(minutes=5))
access.set_iat(at_time=t0)
access["user_id"] = 4242
add("simplejwt-access-test-key-expired", SIMPLEJWT, str(access), ["expired", "weak_hmac_key"],
    ["not very secret in tests", str(access["jti"])], weak_key="simplejwt-tests")
refresh = RefreshToken()
refresh.set_exp(from_time=t0, lifetime=timedelta(days=1))
refresh.set_iat(at_time=t0)
refresh["user_id"] = 4242
add("simplejwt-refresh-test-key", SIMPLEJWT, str(refresh), ["weak_hmac_key"],
    ["not very secret in tests", str(refresh["jti"])], weak_key="simplejwt-tests")

# Flask-JWT-Extended: the README's key; a strong key's refresh token (30 days by default).
from flask import Flask  # noqa: E402
import flask_jwt_extended  # noqa: E402
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token  # noqa: E402

FLASK = "Flask-JWT-Extended %s" % flask_jwt_extended.__version__


def flask_token(key, make, identity):
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = key
    JWTManager(app)
    with app.app_context():
        return make(identity=identity)


# Flask-JWT-Extended reads the clock itself: its tokens start at the real time, which run.sh
# keeps within seconds of T0.
sub = uid("user")
t = flask_token("super-secret", create_access_token, sub)
add("flask-jwt-extended-readme-key", FLASK, t, ["weak_hmac_key"], [sub, "super-secret"],
    weak_key="flask-jwt-extended-docs")
sub = uid("user")
t = flask_token(rand_key().hex(), create_refresh_token, sub)
add("flask-jwt-extended-refresh-30-days", FLASK, t, ["long_lifetime"], [sub])
sub = uid("user")
t = flask_token(rand_key().hex(), create_access_token, sub)
add("flask-jwt-extended-access-clean", FLASK, t, [], [sub])

json.dump(entries, sys.stdout, indent=1)
