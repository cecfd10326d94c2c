"""Validation errors that echo the rejected input next to the field's name.

Users mistype, paste a live key where a test key goes, or send their real password to a rule it
fails; the validation error carries the value and the app logs the whole error. Every part really
runs the library:

  fastapi     validation_app.py (FastAPI + pydantic v2) under uvicorn, driven with urllib: login,
              signup, OAuth token (nested `credentials.client_secret`), billing keys, a query
              `api_key`, an `X-API-Key` header, SecretStr password change, forbidden extra fields;
              the app logs each RequestValidationError as str(exc), the one-line issue-3361 snippet,
              exc.errors(), or a JSON event (body redacted, errors not); a middleware logs 4xx
              bodies (FastAPI's default {"detail": [...]}; not signup's, to keep the file short);
              uvicorn's access lines; a provider
              config validated in the endpoint (pydantic's own multi-line str, which cuts inputs
              longer than 48 characters to 24 + '...' + 23, logger.exception, e.json()); a
              response_model failure (ResponseValidationError traceback).
  pydantic    pydantic-settings Settings from env vars (DATABASE_URL with a scheme typo, API_KEY,
              JWT_SECRET as SecretStr too short) and from a .env file holding an unknown
              STRIPE_SECRET_KEY (BaseSettings forbids extras); a valid Settings repr (SecretStr
              masked, the DSN not).
  marshmallow ValidationError.messages (no values), .data (the whole input), .valid_data, and
              validators with `{input}` in their error message.
  django      Django 5.2 forms (errors never echo the value, except ChoiceField's invalid_choice)
              and DRF 3.18 serializers: ChoiceField, SlugRelatedField(slug_field="key") and
              PrimaryKeyRelatedField over authtoken's Token (its pk is the key) echo it; CharField
              min_length does not.
Planted values a library does not echo (a valid password next to an invalid field, zod's default
issues, ajv without verbose, marshmallow's unknown fields) are in no label.
  node        gen_validation.js: Express 5 + express-validator, Joi, celebrate, zod 4, ajv, and
              mongoose 9 document validation / CastError.
"""
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import common as c

NAME = "validation"
S = c.Secrets(NAME)
RAW = c.raw_path(NAME)
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


def short_pw():
    """A password that fails a 12-character minimum: a person's (Dragon77!x) or a generated one."""
    if random.random() < 0.5:
        while True:
            w = random.choice(c._WORDS)
            s = w.capitalize() + str(random.randint(1, 99)) + random.choice("!#$?.")
            if 8 <= len(s) < 12:
                return s
    return c.password(random.randint(8, 11))


def typo_code():
    """A six-digit one-time code typed with a letter in it (fails ^\\d{6}$): still a code (Secrets.add_code)."""
    d = str(random.randint(100000, 999999))
    k = random.randint(1, 4)
    return S.add_code(d[:k] + random.choice("aoqsl") + d[k + 1:])


def good_pw():
    return random.choice([c.password(), c.human_password() + "!x9", c.nasty_password()])


# ------------------------------------------------------------------ FastAPI under uvicorn

def fastapi_part(raw):
    port = c.free_port()
    base = "http://127.0.0.1:%d" % port
    issued = [dict(access=S.add(c.opaque_token("at_")), refresh=S.add(c.refresh_token()))]
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
           "PYTHONUNBUFFERED": "1", "SCRUBD_ISSUED": json.dumps(issued)}
    proc = subprocess.Popen([sys.executable, "validation_app.py", str(port)], cwd=c.HERE, env=env, stdout=raw,
                            stderr=subprocess.STDOUT)

    def call(method, path, body=None, headers=None):
        h = {"User-Agent": "python-requests/2.32.3"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        r = urllib.request.Request(base + path, data=data, method=method, headers=h)
        try:
            urllib.request.urlopen(r, timeout=10).read()
        except urllib.error.HTTPError as e:
            e.read()
        time.sleep(0.01)

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/openapi.json", timeout=1).read()
                break
            except Exception:
                time.sleep(0.2)
        for i in range(3):
            u = random.choice(NAMES)
            # too-short passwords (a person's real one), extra field with a token
            call("POST", "/auth/login", {"username": u, "password": S.add(short_pw())})
            call("POST", "/auth/login", {"username": u, "password": S.add(good_pw()),
                                         "remember_token": S.add(c.opaque_token("rm_"))})
            # clean: errors on non-secret fields (the valid password is not in the errors)
            call("POST", "/auth/signup", {"email": "%s(at)example.com" % u, "username": u.capitalize() + " Smith",
                                          "password": S.add(c.password()), "age": random.choice(["abc", 9, "12y"])})
            if i == 0:
                call("POST", "/auth/login", {"username": "al", "password": "x" * 12})
            # OAuth token: refresh token of the wrong shape, nested client_secret too short
            call("POST", "/oauth/token", {"grant_type": "refresh_token", "refresh_token": S.add(c.refresh_token()),
                                          "credentials": {"client_id": "ios", "client_secret": S.add(
                                              random.choice(["", "cs_"]) + c.rand(random.randint(24, 36), c.URLSAFE))}})
            # clean look-alike: grant_type "password" is not allowed (the value is the word)
            if i < 2:
                call("POST", "/oauth/token", {"grant_type": "password", "credentials": {"client_id": "web-app"}})
            # a live key where the test key goes, a webhook secret of the wrong length
            if i < 2:
                call("POST", "/billing/keys", {"api_key": S.add(c.api_key("stripe")),
                                               "webhook_secret": S.add("whsec_" + c.rand(random.randint(20, 28)))})
            # query parameter and header
            call("GET", "/v1/search?api_key=%s&q=shoes&page=%d" % (S.add(c.api_key("generic")), i + 1))
            if i < 2:
                call("GET", "/v1/search?q=boots&page=x%d" % i)
            if i < 2:
                call("GET", "/v1/me", headers={"X-API-Key": S.add(c.rand(32))})
            # SecretStr: masked when valid, echoed when the constraint fails
            call("POST", "/account/password", {"current_password": S.add(good_pw()), "new_password": S.add(good_pw())})
            call("POST", "/account/password", {"current_password": S.add(good_pw()), "new_password": S.add(short_pw())})
        # a provider config validated inside the endpoint (pydantic's str(): long inputs are cut)
        for i, (prov, mode) in enumerate([("openai", "str"), ("sendgrid", "str"), ("slack", "exception"),
                                          ("stripe", "json"), ("github", "str")]):
            key = S.add(c.api_key(prov))
            call("POST", "/integrations/%s?log_as=%s" % (prov, mode), {"base_url": "https://api.%s.example" % prov,
                                                                       "api_key": key, "timeout_s": 30})
        call("POST", "/integrations/mailgun", {"base_url": "http://api.mailgun.example", "api_key": "ak_live_" + "x" * 8,
                                               "timeout_s": 300})
        call("POST", "/integrations/acme", {"base_url": "https://api.acme.example", "api_key": "ak_live_" + c.rand(32),
                                            "timeout_s": 20})
        call("GET", "/oauth/token-info?user=42")
    finally:
        proc.terminate()
        proc.wait(10)


# ------------------------------------------------------------------ pydantic-settings

def settings_part(log):
    from pydantic import Field, PostgresDsn, RedisDsn, SecretStr, ValidationError
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class Settings(BaseSettings):
        database_url: PostgresDsn
        redis_url: RedisDsn = "redis://localhost:6379/0"
        api_key: str = Field(pattern=r"^ak_live_[A-Za-z0-9]{32}$")
        jwt_secret: SecretStr = Field(min_length=32)
        port: int = 8000
        debug: bool = False

    slog = logging.getLogger("app.config")
    for i in range(2):
        # (kept under 49 characters: pydantic's str() cuts longer inputs in the middle)
        db_pw = S.add(c.password(random.randint(12, 16)) if i == 0 else c.nasty_password(16))
        os.environ.update({
            "DATABASE_URL": "postgress://app:%s@db:5432/app" % db_pw,
            "REDIS_URL": "redis://:%s@cache:6379/0" % S.add(c.password()) if i == 1 else "redis://cache.internal:6379/0",
            "API_KEY": S.add(c.api_key(random.choice(["stripe", "generic", "sendgrid"]))),
            "JWT_SECRET": S.add(c.rand(random.randint(16, 24), c.URLSAFE)),
            "PORT": "80a" if i == 0 else "8000",
            "DEBUG": "false" if i == 0 else "yes please",
        })
        try:
            Settings()
        except ValidationError as e:
            if i == 0:
                slog.exception("invalid configuration")
            else:
                slog.critical("invalid configuration:\n%s", e)
    # a valid Settings: SecretStr masked, the DSN (with its password) not
    os.environ.update({"DATABASE_URL": "postgresql://app:%s@db.internal:5432/app" % S.add(c.password(symbols="-_.~")),
                       "REDIS_URL": "redis://cache.internal:6379/0", "API_KEY": "ak_live_" + c.rand(32),
                       "JWT_SECRET": S.add(c.rand(48, c.URLSAFE)), "PORT": "8000", "DEBUG": "false"})
    os.environ["API_KEY"] = S.add(os.environ["API_KEY"])
    s = Settings()
    slog.info("settings loaded: %r", s)
    slog.info("jwt_secret=%s debug=%s port=%d", s.jwt_secret, s.debug, s.port)

    class FileSettings(BaseSettings):
        model_config = SettingsConfigDict(env_file=None)
        app_name: str = "accounts"
        smtp_host: str = "localhost"

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, ".env")
        with open(path, "w") as f:
            f.write("APP_NAME=accounts\nSMTP_HOST=smtp.internal\nSTRIPE_SECRET_KEY=%s\nSENTRY_DSN=https://%s@o1.ingest.example/42\n"
                    % (S.add(c.api_key("stripe")), S.add(c.rand(32, c.LOW + c.DIG))))
        for k in ("DATABASE_URL", "REDIS_URL", "API_KEY", "JWT_SECRET", "PORT", "DEBUG"):
            os.environ.pop(k)
        try:
            FileSettings(_env_file=path)
        except ValidationError as e:
            slog.critical("invalid configuration:\n%s", e)
            slog.critical("invalid configuration: %s", e.errors())


# ------------------------------------------------------------------ marshmallow

def marshmallow_part(log):
    from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

    class LoginSchema(Schema):
        class Meta:
            unknown = RAISE
        username = fields.String(required=True, validate=validate.Length(min=3))
        password = fields.String(required=True, validate=validate.Length(min=12))
        otp = fields.String(validate=validate.Regexp(r"^\d{6}$"))

    class ApiKeySchema(Schema):
        class Meta:
            unknown = EXCLUDE
        api_key = fields.String(required=True, validate=validate.Regexp(r"^ak_live_[A-Za-z0-9]{32}$",
                                                                         error="{input} is not a valid API key"))
        scope = fields.String(validate=validate.OneOf(["read", "write"], error="{input} is not one of {choices}"))
        email = fields.Email()

    mlog = logging.getLogger("app.schemas")
    for i in range(3):
        u = random.choice(NAMES)
        pw = S.add(short_pw())
        try:
            LoginSchema().load({"username": u, "password": pw, "otp": typo_code()})
        except ValidationError as e:
            mlog.warning("login payload rejected: %s", e.messages)
            mlog.debug("rejected payload: %s", e.data)
        good = S.add(good_pw())
        try:
            LoginSchema().load({"username": "al", "password": good, "remember_token": S.add(c.opaque_token("rm_"))})
        except ValidationError as e:
            mlog.warning("login payload rejected: %s", e.messages)
            mlog.info("valid part: %s", e.valid_data)
        try:
            ApiKeySchema().load({"api_key": S.add(c.api_key(random.choice(["stripe", "openai"]))), "scope": "admin",
                                 "email": "%s@example" % u})
        except ValidationError as e:
            mlog.warning("api key rejected: %s", json.dumps(e.messages))
        try:
            ApiKeySchema().load({"api_key": "ak_live_" + c.rand(32), "scope": S.add(c.opaque_token("tok_")),
                                 "email": "%s@example.com" % u})
        except ValidationError as e:
            mlog.warning("api key rejected: %r", e)
        try:
            LoginSchema().load({"username": u, "password": "[REDACTED]", "otp": typo_code()})
        except ValidationError as e:
            mlog.warning("login payload rejected: %s", e.messages)


# ------------------------------------------------------------------ Django forms, DRF serializers

def django_part(log):
    import django
    from django.conf import settings
    settings.configure(
        DEBUG=False, SECRET_KEY="not-used-" + "x" * 40, USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "rest_framework.authtoken"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    django.setup()
    from django import forms
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework import serializers
    from rest_framework.authtoken.models import Token
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("alice", "alice@example.com", "x")
    Token.objects.create(user=user)

    class SignupForm(forms.Form):
        username = forms.RegexField(regex=r"^[a-z0-9_]+$", max_length=32)
        email = forms.EmailField()
        password = forms.CharField(min_length=12, widget=forms.PasswordInput)

    class GrantForm(forms.Form):
        grant_type = forms.ChoiceField(choices=[("authorization_code", "code"), ("refresh_token", "refresh")])
        code = forms.CharField(max_length=64, required=False)

    class RevokeSerializer(serializers.Serializer):
        token = serializers.SlugRelatedField(slug_field="key", queryset=Token.objects.all())

    class TokenRefSerializer(serializers.Serializer):
        token = serializers.PrimaryKeyRelatedField(queryset=Token.objects.all())

    class OAuthSerializer(serializers.Serializer):
        grant_type = serializers.ChoiceField(choices=["authorization_code", "refresh_token"])
        client_id = serializers.CharField()
        client_secret = serializers.CharField(min_length=40)

    dlog = logging.getLogger("django.request")
    alog = logging.getLogger("api.views")
    for i in range(3):
        u = random.choice(NAMES)
        f = SignupForm(data={"username": u.capitalize() + "!", "email": "%s@" % u, "password": S.add(short_pw())})
        f.is_valid()
        dlog.warning("signup form invalid: %s", f.errors.as_json())
        alog.info("signup errors: %r", f.errors.as_data())
        f = GrantForm(data={"grant_type": S.add(c.refresh_token()), "code": ""})
        f.is_valid()
        dlog.warning("token form invalid: %s", f.errors.get_json_data())
        f = GrantForm(data={"grant_type": "password", "code": ""})
        f.is_valid()
        dlog.warning("token form invalid: %s", f.errors.get_json_data())

        s = RevokeSerializer(data={"token": S.add(c.rand(40, c.LOW + c.DIG))})
        s.is_valid()
        alog.warning("revoke rejected: %s", s.errors)
        s = TokenRefSerializer(data={"token": S.add(c.rand(40, c.LOW + c.DIG))})
        s.is_valid()
        alog.warning("token lookup failed: %s", json.dumps(s.errors))
        s = OAuthSerializer(data={"grant_type": S.add(c.opaque_token()), "client_id": "web-app",
                                  "client_secret": S.add(c.rand(random.randint(24, 36), c.URLSAFE))})
        s.is_valid()
        alog.warning("Bad Request: /api/oauth/token/ %s", s.errors)
        s = OAuthSerializer(data={"grant_type": "client_credentials", "client_id": "", "client_secret": "[REDACTED]"})
        s.is_valid()
        alog.warning("Bad Request: /api/oauth/token/ %s", json.dumps(s.errors))


def main():
    random.seed()
    raw = open(RAW, "wb")
    fastapi_part(raw)
    raw.flush()
    f = open(RAW, "a", newline="\n")
    h = logging.StreamHandler(f)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    root = logging.getLogger()
    root.addHandler(h)
    root.setLevel(logging.DEBUG)
    settings_part(root)
    marshmallow_part(root)
    django_part(root)
    h.flush()
    f.close()
    # node: Express 5 + express-validator, joi, celebrate, zod, ajv, mongoose
    nd = node_secrets()
    nenv = {"PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin", "HOME": "/home/app",
            "LANG": "C.UTF-8", "SCRUBD_VALIDATION": json.dumps(nd)}
    with open(RAW, "ab") as out:
        subprocess.run(["node", "gen_validation.js"], cwd=c.HERE, env=nenv, stdout=out, stderr=subprocess.STDOUT,
                       check=True, timeout=120)
    raw.close()
    S.save()


def node_secrets():
    """Only the values each library's requests send (gen_validation.js)."""
    make = dict(short=short_pw, good=lambda: random.choice([c.password(), c.human_password() + "!x9"]),
                api_key=lambda: c.api_key(random.choice(["stripe", "openai", "github", "generic"])),
                refresh=c.refresh_token, secret=lambda: c.rand(random.randint(24, 36), c.URLSAFE),
                token=lambda: c.opaque_token("tok_"), session=lambda: c.rand(32, c.URLSAFE), code=typo_code)
    used = [("ev", 3, "short api_key good session"), ("joi", 2, "short api_key good token code"),
            ("celebrate", 2, "refresh secret api_key"), ("zod", 2, "short token refresh api_key"),
            ("ajv", 2, "secret refresh token"), ("mongoose", 3, "short api_key good session")]
    return {lib: [{k: make[k]() if k == "code" else S.add(make[k]()) for k in keys.split()} for _ in range(n)]
            for lib, n, keys in used}


if __name__ == "__main__":
    main()
