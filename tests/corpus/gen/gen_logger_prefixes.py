"""Logger prefixes that look like keys, messages about credentials, ARNs, package coordinates and
other tools' placeholders -- mostly clean lines -- next to secrets under unusual key spellings in
every syntax (logfmt, JSON, repr, env, headers, CLI flags). Each part really runs:

  python gen_logger_prefixes.py            stdlib logging with `%(levelname)s:%(name)s:` (logging's
                                           BASIC_FORMAT) and `%(name)s:%(levelname)s:` formats, then
                                           runs the parts below and appends their output
  python gen_logger_prefixes.py flask      Flask 3.1 default handler (`[time] LEVEL in module: msg`),
                                           modules auth / token_service / session / secrets_manager
  python gen_logger_prefixes.py django     Django 5.2: django.security.csrf and django.request
                                           warnings, django.contrib.auth's failed reset-email error
  node gen_logger_prefixes.js              the debug module (express:*, router, auth:token, …)
"""
import json
import logging
import os
import subprocess
import sys

import common as c

NAME = "logger_prefixes"
MODE = sys.argv[1] if len(sys.argv) > 1 else "main"
SECRETS_FILE = os.path.join(c.OUT, NAME + ".secrets.json")


def load_secrets():
    S = c.Secrets(NAME)
    if os.path.exists(SECRETS_FILE):
        S.values = json.load(open(SECRETS_FILE))
    return S


if MODE == "flask":
    S = load_secrets()
    os.environ["SCRUBD_PREFIX_SECRETS"] = json.dumps({"clientSecret": S.add(c.rand(40, c.URLSAFE)),
                                                      "stripeSecretKey": S.add(c.api_key("stripe"))})
    from prefixes_app import create_app

    app = create_app()
    cl = app.test_client()
    cl.post("/login", json={"email": "a@example.com"})
    cl.post("/login", json={"email": "b@example.com", "password": S.add(c.password()), "reset": True})
    cl.post("/login", json={"email": "c@example.com", "password": S.add(c.human_password()), "expired": True})
    cl.post("/login", json={"email": "d@example.com", "password": S.add(c.password()), "debug": True, "db_pass": S.add(c.password())})
    for i in range(6):
        cl.get("/api/me")
        cl.get("/api/me", headers={"Authorization": "Bearer " + ("expired." if i % 3 == 0 else "") + S.add(c.opaque_token())})
    cl.get("/api/me", headers={"Authorization": "Token abc", "X-Partner-Key": S.add(c.rand(40, c.URLSAFE))})
    cl.post("/session/refresh", json={"session_count": 2})
    cl.post("/session/refresh", json={"session_count": 3, "refresh": S.add(c.refresh_token()), "push_token": S.add(c.rand(64, c.URLSAFE))})
    cl.post("/rotate?arn=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2")
    S.save()
    sys.exit(0)

if MODE == "django":
    S = load_secrets()
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False, SECRET_KEY=c.rand(50), ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=c.free_port(),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "OPTIONS": {"loaders": [
            ("django.template.loaders.locmem.Loader", {
                "registration/password_reset_subject.txt": "Password reset on {{ site_name }}",
                "registration/password_reset_email.html": "Reset: {{ protocol }}://{{ domain }}/reset/{{ uid }}/{{ token }}/"})]}}],
        LOGGING={"version": 1, "disable_existing_loggers": False,
                 "formatters": {"f": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
                 "handlers": {"h": {"class": "logging.StreamHandler", "formatter": "f", "stream": "ext://sys.stdout"}},
                 "loggers": {"django": {"handlers": ["h"], "level": "INFO"}, "app": {"handlers": ["h"], "level": "DEBUG"}}},
    )
    django.setup()
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.http import JsonResponse
    from django.test import Client
    from django.urls import path

    def login_view(request):
        logging.getLogger("app.auth").info("login POST keys=%s auth_method=password", sorted(request.POST))
        return JsonResponse({"ok": True, "token_type": "Bearer"})

    urlpatterns = [path("login/", login_view), path("api/keys/", login_view)]
    call_command("migrate", verbosity=0)
    User.objects.create_user("ops", "ops@example.com", S.add(c.password()))
    cl = Client(enforce_csrf_checks=True)
    cl.post("/login/", {"username": "ops", "password": S.add(c.password())})
    cl.get("/login/")
    cl.cookies["csrftoken"] = S.add(c.rand(32))
    cl.post("/login/", {"username": "ops", "password": S.add(c.password()), "csrfmiddlewaretoken": S.add(c.rand(32))})
    cl.post("/api/keys/", {"name": "ci"}, HTTP_X_CSRFTOKEN=S.add(c.rand(32)))
    Client().get("/no/such/api_key/")
    form = PasswordResetForm({"email": "ops@example.com"})
    form.is_valid()
    form.save(domain_override="billing.example.com")
    S.save()
    sys.exit(0)

# ---------------------------------------------------------------- main: stdlib logging formats
S = c.Secrets(NAME)
raw = open(c.raw_path(NAME), "w", newline="\n")
h = logging.StreamHandler(raw)
h.setFormatter(logging.Formatter(logging.BASIC_FORMAT))  # "%(levelname)s:%(name)s:%(message)s"
root = logging.getLogger()
root.addHandler(h)
root.setLevel(logging.DEBUG)

auth = logging.getLogger("auth")
tokens = logging.getLogger("auth.tokens")
session = logging.getLogger("session")
sm = logging.getLogger("secrets_manager")
ts = logging.getLogger("token_service")
pwreset = logging.getLogger("password_reset")
apikeys = logging.getLogger("api_keys")
cred = logging.getLogger("credentials")

for i in range(5):
    auth.info("Authorization header missing for GET /api/v1/orders/%d", 1000 + i)
    auth.warning("jwt expired at 2024-06-10T06:13:20Z (sub=user-%d)", i)
    tokens.debug("token_count=%d max_tokens=4096 tokenizer_name=cl100k_base", i * 7)
    tokens.info("token_type: Bearer expires_in: 3600 scope: read:orders")
    session.info("session_count=%d active, session: created for user-%d", i + 2, i)
    sm.info("secret rotation scheduled for arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2")
    sm.debug("fetched arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key_name (version %d)", 7 + i)
    ts.info("assumed role arn:aws:iam::123456789012:role/deploy as botocore-session-%d", 1795000000 + i)
    pwreset.info("password reset email sent to user%d@example.com, password_reset_sent=true", i)
    apikeys.info("loaded dependency io.jsonwebtoken:jjwt-api:0.12.6 and @auth/core@0.37.%d", i)
    cred.info("auth_provider=okta auth_method=oidc primary_key=user_id sort_key=created_at author=\"Jane Doe\"")
auth.info("MONGO_NO_AUTH = \"mongodb://mongo.internal:27017\"")
auth.info("config: %s", {"password": "[FILTERED]", "api_key": "[Filtered]", "token": "********", "secret": "<redacted>"})
auth.info("config: %s", json.dumps({"password": None, "token": "", "auth_method": "password", "password_reset_sent": False}))
sm.info("secret: not found (arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/api_key-AbC123)")
ts.warning("token: invalid signature; token_service will retry in 30s")
session.debug("session: botocore-session-1795000000 expires in 900s")

# the same loggers, now leaking values under unusual key spellings, in several syntaxes
tokens.debug("issued push_token=%s device_secret=%s", S.add(c.rand(64, c.URLSAFE)), S.add(c.rand(32)))
ts.info("refresh=%s token2=%s", S.add(c.refresh_token()), S.add(c.opaque_token()))
cred.debug("%r", {"login_password": S.add(c.password()), "db_pass": S.add(c.nasty_password()), "apiKey": S.add(c.api_key("google"))})
cred.debug("%s", json.dumps({"stripeSecretKey": S.add(c.api_key("stripe")), "clientSecret": S.add(c.rand(40, c.URLSAFE)),
                             "todo_secret_do_not_commit": S.add(c.rand(32)), "token_count": 5}))
apikeys.info("request headers: X-Partner-Key: %s, Cookie: CSRF_COOKIE=%s", S.add(c.rand(40, c.URLSAFE)), S.add(c.rand(43, c.URLSAFE)))
sm.debug("env PRIVATE_KEY=%s CSRF_COOKIE=%s", S.add(c.rand(44, c.B64)), S.add(c.rand(43, c.URLSAFE)))
ts.info("spawning worker: ./worker --apiKey %s --db_pass=%s --refresh %s", S.add(c.api_key("generic")), S.add(c.password()),
        S.add(c.refresh_token()))
raw.flush()

# the other conventional order, %(name)s:%(levelname)s:
h.setFormatter(logging.Formatter("%(asctime)s %(name)s:%(levelname)s: %(message)s"))
for i in range(4):
    auth.info("login ok user=user%d@example.com auth_method=password session_count=%d", i, i + 1)
    tokens.info("token_type: Bearer, token_count: %d, tokenizer_name: cl100k_base", i)
    session.info("session_id=%s created", "s-%04d" % i)
    sm.info("secret rotation scheduled: prod/db-x1y2 (next in %dd)", 30 - i)
    ts.warning("Authorization header missing; token_service falling back to anonymous")
tokens.info("token2: %s", S.add(c.opaque_token()))
cred.warning("login_password: %s (from form, should not be logged)", S.add(c.human_password()))
session.info("refresh: %s", S.add(c.refresh_token()))
sm.info("clientSecret: %s", S.add(c.rand(40, c.URLSAFE)))

# logfmt, as structured loggers print it
h.setFormatter(logging.Formatter("time=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"))
for i in range(8):
    auth.info('msg="Authorization header missing" path=/api/v1/items/%d status=401', i)
    tokens.info('msg="token issued" token_type=Bearer token_count=%d max_tokens=4096 expires_in=3600', i)
    session.info('msg="session created" session_count=%d auth_method=password author=self', i)
    sm.info('msg="secret rotation scheduled" secret_arn=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2')
    if i % 2 == 0:
        ts.info('msg="device registered" push_token=%s device_secret=%s', S.add(c.rand(64, c.URLSAFE)), S.add(c.rand(32)))
    pwreset.info('msg="password reset email sent" password_reset_sent=true to=user%d@example.com', i)
raw.close()
S.save()

# ---------------------------------------------------------------- the other parts, appended in order
here = os.path.dirname(os.path.abspath(__file__))
with open(c.raw_path(NAME), "ab") as out:
    for argv in ([sys.executable, os.path.abspath(__file__), "flask"], [sys.executable, os.path.abspath(__file__), "django"]):
        r = subprocess.run(argv, cwd=here, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        out.write(r.stdout)
        if r.returncode:
            raise SystemExit("part failed: %s\n%s" % (argv, r.stdout.decode()[-2000:]))
    S = load_secrets()
    node_secrets = {"token": S.add(c.opaque_token()), "partner": S.add(c.rand(40, c.URLSAFE)), "push": S.add(c.rand(64, c.URLSAFE)),
                    "refresh": S.add(c.refresh_token()), "apiKey": S.add(c.api_key("openai")), "csrf": S.add(c.rand(43, c.URLSAFE))}
    S.save()
    env = dict(os.environ, DEBUG="express:*,router,router:*,body-parser:*,finalhandler,auth:*,session:*,secrets:*,token_service",
               DEBUG_COLORS="no", SCRUBD_PREFIX_SECRETS=json.dumps(node_secrets))
    r = subprocess.run(["node", "gen_logger_prefixes.js"], cwd=here, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    out.write(r.stdout)
    if r.returncode:
        raise SystemExit("node part failed\n" + r.stdout.decode()[-2000:])
