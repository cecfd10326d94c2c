"""Exception tracebacks that print the values of variables next to the code.

A small login / database / HTTP-API service (the functions below) really raises, and each part
really runs one traceback printer on it, in a child process of its own (global hooks are
installed there); the children's stdout and stderr are captured as printed.

  loguru        0.7.3, logger.exception() with the defaults diagnose=True and backtrace=True,
                colorize=False, to a stream: the `│ └ 'value'` lines under each source line
                (arguments, attributes `cfg.db_password` / `self.api_token` / `settings.SECRET_KEY`,
                the dict `request.POST`, keyword arguments, several values on one line, reprs cut at
                128 characters with `...`, bytes, double-quoted reprs, passphrases), library frames
                too (urllib, socket, hmac, PyJWT, botocore); then serialize=True (JSON lines, the
                annotated traceback in "text") and colorize=True (ANSI).
  better_exc    better-exceptions 0.3.3 with BETTER_EXCEPTIONS=1: its logging patch
                (logger.exception) and its sys.excepthook for an uncaught error.
  stdlib        logging with a Formatter whose formatException() prints
                traceback.TracebackException(..., capture_locals=True): `name = repr` per frame.
  rich          rich 15: RichHandler(rich_tracebacks=True, tracebacks_show_locals=True) on a Console
                with color_system=None at widths 80 and 120 (locals boxes; a passphrase wraps at a
                space, a long token is cut with `…`), then rich.traceback.install(show_locals=True,
                locals_overflow="fold") for an uncaught error (long tokens folded over lines).
  stackprinter  stackprinter 0.2.13, stackprinter.format(exc) logged (source context, then
                `name = repr` per frame, long values wrapped at 60 columns).
  pytest        pytest 9.2.0 `-l` (--showlocals) on a failing test file (gen/out/tb_pytest/).
Django's text technical 500 (ExceptionReporter.get_traceback_text()) prints no frame locals
(only `File …, line …` and the request's META/POST/COOKIES): not run here.

Values planted in a line only a reader of its source could call secret (names `value`, `arg`,
`x`, an exception message quoting the value) are labelled too; see README.
A secret cut (`...`, `…`, pytest's middle cut) or wrapped over lines is labelled as each visible
piece of 8 or more characters (planted as extra values after the run, like PEM body lines).
"""
import base64
import hashlib
import hmac
import json
import logging
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

from django.core.management.utils import get_random_secret_key

import common as c

NAME = "tracebacks"
log = None  # the logger of the child (loguru's or a logging.Logger)


# ---------------------------------------------------------------- the service (runs in the children)

class AuthError(Exception):
    pass


class Request:
    def __init__(self, method, path, POST=None, META=None):
        self.method = method
        self.path = path
        self.POST = POST or {}
        self.META = META or {}
        self.request_id = str(uuid.uuid4())

    def __repr__(self):
        return "<WSGIRequest: %s '%s'>" % (self.method, self.path)


class Settings:
    def __init__(self, secret_key, jwt_key):
        self.DEBUG = False
        self.ALLOWED_HOSTS = ["api.shop.example", "localhost"]
        self.SECRET_KEY = secret_key
        self.JWT_SIGNING_KEY = jwt_key


class DBConfig:
    def __init__(self, host, port, db_user, db_password, name):
        self.host = host
        self.port = port
        self.db_user = db_user
        self.db_password = db_password
        self.name = name


def verify_password(user_id, password, hash_version):
    if hash_version < 3:
        raise AuthError("invalid credentials for user %d" % user_id)


def authenticate(username, password, request_id):
    user_id = 40 + sum(map(ord, username)) % 50
    return verify_password(user_id, password, hash_version=2)


def login_view(request):
    try:
        return authenticate(request.POST["username"], request.POST["password"], request.request_id)
    except AuthError:
        log.exception("login failed for %s" % request.POST["username"])


def open_socket(host, port):
    return socket.create_connection((host, port), timeout=0.5)


def pg_connect(username, password, host, port, dbname):
    sock = open_socket(host, port)
    return sock


def init_db(cfg):
    try:
        return pg_connect(cfg.db_user, cfg.db_password, cfg.host, cfg.port, cfg.name)
    except OSError:
        log.exception("could not connect to database %s" % cfg.name)


def mongo_ping(mongo_uri, app_name, timeout_ms):
    import pymongo
    client = pymongo.MongoClient(mongo_uri, appname=app_name, serverSelectionTimeoutMS=timeout_ms, connect=False)
    return client.admin.command("ping")


def start_worker(task):
    mongo_uri, tenant = task.mongo_uri, task.tenant
    try:
        return mongo_ping(mongo_uri, "orders-worker-%s" % tenant, 150)
    except Exception:
        log.exception("mongodb unavailable for tenant %s" % tenant)


class ApiClient:
    def __init__(self, base_url, api_token, account_id):
        self.base_url = base_url
        self.api_token = api_token
        self.account_id = account_id

    def get(self, path):
        return urllib.request.urlopen(urllib.request.Request(self.base_url + path, headers={"Authorization": "Bearer " + self.api_token}), timeout=0.5).read()

    def login(self, user, token):
        body = json.dumps({"user": user, "grant_type": "refresh_token"}).encode()
        return urllib.request.urlopen(self.base_url + "/v1/sessions?user=%s&token=%s" % (user, token), body, timeout=0.5)


def sync_invoices(client):
    since = "2026-11-01"
    try:
        return client.get("/v1/invoices?account=%s&since=%s" % (client.account_id, since))
    except OSError:
        log.exception("billing sync failed")


def refresh_session(task):
    client, user, token = task.client, task.user, task.token
    try:
        return client.login(user=user, token=token)
    except OSError:
        log.exception("session refresh failed for %s" % user)


def make_reset_token(user_id, secret_key):
    msg = ("%d:%d" % (user_id, int(time.time()) // 3600)).encode()
    return hmac.new(secret_key, msg, hashlib.sha256).hexdigest()


def password_reset(task):
    settings, user_id, email = task.settings, task.user_id, task.email
    try:
        return make_reset_token(user_id, settings.SECRET_KEY)
    except TypeError:
        log.exception("could not create reset link for %s" % email)


def reset_cli(settings, user_id):
    token = make_reset_token(user_id, settings.SECRET_KEY)
    print("https://shop.example/reset/%d/%s/" % (user_id, token))


def sign_claims(claims, signing_key):
    return hmac.new(signing_key, json.dumps(claims), "sha256").digest()


def issue_token(task):
    settings, user_id, scope = task.settings, task.user_id, "orders:read orders:write"
    claims = {"sub": str(user_id), "scope": scope, "iat": int(time.time())}
    try:
        return sign_claims(claims, settings.JWT_SIGNING_KEY.encode())
    except TypeError:
        log.exception("token signing failed")


def decode_id_token(id_token, jwt_secret, audience):
    import jwt
    return jwt.decode(id_token, jwt_secret, algorithms=["HS256"], audience=audience)


def oidc_callback(task):
    id_token, jwt_secret, client_id = task.id_token, task.jwt_secret, task.client_id
    try:
        return decode_id_token(id_token, jwt_secret, audience=client_id)
    except Exception:
        log.exception("id token rejected for client %s" % client_id)


def dynamo_client(region, key_id, secret_key):
    import boto3
    return boto3.client("dynamodb", region_name=region, aws_access_key_id=key_id, aws_secret_access_key=secret_key)


def save_session(task):
    region, key_id, secret_key, table_arn = task.region, task.key_id, task.secret_key, task.table_arn
    try:
        return dynamo_client(region, key_id, secret_key)
    except Exception:
        log.exception("dynamodb client for %s failed" % table_arn)


def store_refresh_token(item, table, key_id, secret_key):
    import boto3
    from botocore.stub import Stubber
    client = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id=key_id, aws_secret_access_key=secret_key)
    stub = Stubber(client)
    stub.add_client_error("put_item", "ConditionalCheckFailedException", "The conditional request failed", 400)
    stub.activate()
    return client.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")


def rotate_refresh_token(task):
    user_id, refresh_token, key_id, secret_key = task.user_id, task.refresh_token, task.key_id, task.secret_key
    item = {"pk": {"S": "USER#%d" % user_id}, "sk": {"S": "REFRESH"}, "refresh_token": {"S": refresh_token}}
    try:
        return store_refresh_token(item, "auth-sessions", key_id, secret_key)
    except Exception:
        log.exception("refresh token not stored for user %d" % user_id)


def open_session(api_key, api_secret, refresh_token, region, request_id):
    raise AuthError("partner session rejected (401) in %s, request %s" % (region, request_id))


def partner_login(task):
    creds, region = task.creds, "eu-west-1"
    request_id = str(uuid.uuid4())
    try:
        return open_session(creds["api_key"], creds["api_secret"], creds["refresh_token"], region, request_id)
    except AuthError:
        log.exception("partner login failed")


def connect_partner(partner, region):
    api_key, api_secret, refresh_token = partner["api_key"], partner["api_secret"], partner["refresh_token"]
    return open_session(api_key, api_secret, refresh_token, region, str(uuid.uuid4()))


def _b64decode(value):
    return base64.b64decode(value, validate=True)


def load_signing_secret(api_secret, key_arn):
    return _b64decode(api_secret)


def normalize(arg):
    return arg.encode("ascii")


def change_password(user_id, new_password):
    return normalize(new_password)


def token_checksum(session_token):
    return sum(int(x, 36) for x in session_token.split("."))


def webhook_setup(task):
    api_secret, key_arn = task.webhook_secret, task.key_arn
    try:
        return load_signing_secret(api_secret, key_arn)
    except Exception:
        log.exception("webhook secret unreadable")


def password_change(task):
    user_id, new_password = task.user_id, task.new_password
    try:
        return change_password(user_id, new_password)
    except Exception:
        log.exception("password change failed")


def session_check(task):
    session_token = task.session_token
    try:
        return token_checksum(session_token)
    except Exception:
        log.exception("session checksum failed")


# ---------------------------------------------------------------- the children

def _planted():
    return json.loads(os.environ["SCRUBD_TB"])


def _closed():
    return "http://127.0.0.1:%s" % os.environ["SCRUBD_CLOSED_PORT"]


class Task:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def _jobs(p):
    """(entry point, its one argument) for each planted record; the arguments' reprs are opaque."""
    closed_port = int(os.environ["SCRUBD_CLOSED_PORT"])
    jobs = []
    for kind, recs in p.items():
        for rec in (recs if isinstance(recs, list) else [recs]):
            if kind == "login":
                jobs.append((login_view, Request("POST", "/api/login", POST={"username": rec["user"], "password": rec["password"],
                                                                             "remember": "on"})))
            elif kind == "db":
                jobs.append((init_db, DBConfig("localhost", closed_port, rec["user"], rec["password"], rec["name"])))
            elif kind == "mongo":
                jobs.append((start_worker, Task(mongo_uri=rec["uri"].replace("PORT", str(closed_port)), tenant=rec["tenant"])))
            elif kind == "api":
                jobs.append((sync_invoices, ApiClient(_closed(), rec["token"], rec["account"])))
            elif kind == "refresh":
                jobs.append((refresh_session, Task(client=ApiClient(_closed(), None, rec["account"]), user=rec["user"],
                                                   token=rec["token"])))
            elif kind in ("reset", "sign"):
                jobs.append((password_reset if kind == "reset" else issue_token,
                             Task(settings=Settings(rec["secret_key"], rec["jwt_key"]), user_id=rec["user_id"], email=rec["email"])))
            elif kind == "oidc":
                jobs.append((oidc_callback, Task(**rec)))
            elif kind in ("aws_client", "ddb"):
                jobs.append((save_session if kind == "aws_client" else rotate_refresh_token, Task(**rec)))
            elif kind == "partner":
                jobs.append((partner_login, Task(creds={"api_key": rec["api_key"], "api_secret": rec["api_secret"],
                                                        "refresh_token": rec["refresh_token"], "partner_id": rec["partner_id"]})))
            elif kind == "misc":
                jobs.append((webhook_setup, Task(webhook_secret=rec["b64_secret"], key_arn=rec["key_arn"])))
                jobs.append((password_change, Task(user_id=41, new_password=rec["accented_pw"])))
                jobs.append((session_check, Task(session_token=rec["dotted_token"])))
    return jobs


def _run_all(*which, skip=()):
    p = _planted()
    for k in which:
        p = p[k]
    jobs = _jobs({k: v for k, v in p.items() if k not in skip})
    del p
    for entry, arg in jobs:
        entry(arg)


def child_loguru():
    global log
    from loguru import logger
    logger.remove()
    mode = sys.argv[3]
    if mode == "text":
        logger.add(sys.stderr, colorize=False, backtrace=True, diagnose=True)
    elif mode == "json":
        logger.add(sys.stdout, serialize=True, backtrace=True, diagnose=True)
    else:
        logger.add(sys.stderr, colorize=True, backtrace=True, diagnose=True)
    log = logger
    _run_all("loguru", mode)


def child_better():
    global log
    import better_exceptions  # BETTER_EXCEPTIONS=1: hooks sys.excepthook and patches logging
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    log = logging.getLogger("shop.api")
    _run_all("better", skip=("uncaught",))
    sys.stderr.flush()
    u = _planted()["better"]["uncaught"]
    settings, user_id = Settings(u["secret_key"], u["jwt_key"]), u["user_id"]
    del u
    reset_cli(settings, user_id)  # uncaught: better_exceptions' excepthook


class LocalsFormatter(logging.Formatter):
    """logging.Formatter printing each frame's locals (traceback's capture_locals)."""

    def formatException(self, ei):
        import traceback
        return "".join(traceback.TracebackException(*ei, capture_locals=True).format()).rstrip("\n")


def child_stdlib():
    global log
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(LocalsFormatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(h)
    logging.getLogger().setLevel(logging.INFO)
    log = logging.getLogger("shop.accounts")
    _run_all("stdlib")


def child_rich():
    global log
    from rich.console import Console
    from rich.logging import RichHandler
    width = int(sys.argv[3])
    console = Console(width=width, color_system=None, file=sys.stderr, log_time_format="[%X]")
    logging.basicConfig(level="INFO", format="%(message)s", datefmt="[%X]",
                        handlers=[RichHandler(console=console, rich_tracebacks=True, tracebacks_show_locals=True)])
    log = logging.getLogger("shop")
    _run_all("rich%d" % width, skip=("uncaught",))
    p = _planted()["rich%d" % width]
    if "uncaught" in p:
        import rich.traceback
        rich.traceback.install(console=console, show_locals=True, locals_overflow="fold", width=width)
        u = p["uncaught"]
        partner = {"api_key": u["api_key"], "api_secret": u["api_secret"], "refresh_token": u["refresh_token"],
                   "partner_id": u["partner_id"]}
        del u, p
        connect_partner(partner, "eu-west-1")


def child_stackprinter():
    global log
    import stackprinter

    class StackprinterLogger(logging.LoggerAdapter):
        def exception(self, msg):
            self.logger.error("%s\n%s", msg, stackprinter.format(sys.exc_info()))

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    log = StackprinterLogger(logging.getLogger("shop.billing"), {})
    _run_all("stackprinter")


CHILDREN = {"loguru": child_loguru, "better": child_better, "stdlib": child_stdlib, "rich": child_rich,
            "stackprinter": child_stackprinter}


# ---------------------------------------------------------------- pytest --showlocals

PYTEST_FILE = '''\
import json
import os
import sys

sys.path.insert(0, os.environ["SCRUBD_GEN"])
import gen_tracebacks as app

P = json.loads(os.environ["SCRUBD_TB"])["pytest"]


def test_login_rejects_wrong_password():
    rec = P["login"][0]
    username, password = rec["user"], rec["password"]
    user_id = 40 + sum(map(ord, username)) % 50
    assert app.verify_password(user_id, password, hash_version=3) is None
    session = app.authenticate(username, password, request_id="req-1")
    assert session is not None


def test_partner_session():
    rec = P["partner"][0]
    creds = {"api_key": rec["api_key"], "api_secret": rec["api_secret"], "partner_id": rec["partner_id"]}
    refresh_token = rec["refresh_token"]
    app.open_session(creds["api_key"], creds["api_secret"], refresh_token, "eu-west-1", "req-2")


def test_settings_dsn():
    rec = P["db"][0]
    # A password goes into a URL percent-encoded (libpq, SQLAlchemy and Django's dj-database-url
    # all decode it).
    password = app.urllib.parse.quote(rec["password"], safe="")
    database_url = "postgresql://%s:%s@db.internal:5432/%s" % (rec["user"], password, rec["name"])
    parsed = app.urllib.parse.urlsplit(database_url)
    assert parsed.port == 6432, database_url
'''


def run_pytest(env):
    d = os.path.join(c.OUT, "tb_pytest")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "test_auth.py"), "w") as f:
        f.write(PYTEST_FILE)
    r = subprocess.run([sys.executable, "-m", "pytest", "-l", "-p", "no:cacheprovider", "test_auth.py"], cwd=d, env=env,
                       capture_output=True, timeout=60)
    return r.stdout + r.stderr


# ---------------------------------------------------------------- the parent

def jwt_token(secret, n_extra=0, exp_delta=-600):
    import jwt
    now = int(time.time())
    claims = {"sub": "user_%d" % random.randint(100, 999), "iss": "https://auth.shop.example/", "aud": "web-app",
              "iat": now - 3600, "exp": now + exp_delta, "jti": str(uuid.uuid4())}
    for i in range(n_extra):
        claims["scope%d" % i] = random.choice(["orders:read", "orders:write", "billing:admin", "profile"])
    return jwt.encode(claims, secret, algorithm="HS256")


def quote_pw():
    """A person's password with a single quote: Python's repr switches to double quotes."""
    return "%s's %s %d" % (random.choice(c._WORDS).capitalize(), random.choice(c._WORDS), random.randint(10, 99))


def passphrase():
    return " ".join(random.choice(c._WORDS) for _ in range(random.randint(4, 6))) + " %d" % random.randint(10, 99)


def long_passphrase():
    return " ".join(random.choice(c._WORDS) for _ in range(11)) + " %d" % random.randint(10, 99)


def mongo_uri(S, user):
    pw = S.add(c.password(symbols="-_.~"))
    return "mongodb://%s:%s@localhost:PORT/orders?authSource=admin&replicaSet=rs0" % (user, pw)


def arn(kind):
    acct = "1234%08d" % random.randint(0, 10**8 - 1)
    if kind == "secret":
        return "arn:aws:secretsmanager:eu-west-1:%s:secret:prod/api/signing-%s" % (acct, c.rand(6))
    if kind == "table":
        return "arn:aws:dynamodb:eu-west-1:%s:table/auth-sessions" % acct
    return "arn:aws:kms:eu-west-1:%s:key/%s" % (acct, uuid.uuid4())


USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


def plant(S):
    def login(kind=None):
        pw = {"quote": quote_pw, "phrase": passphrase}.get(kind) or random.choice([c.human_password, quote_pw, passphrase, c.password])
        return dict(user=random.choice(USERS), password=S.add(pw()))

    def db():
        return dict(user="app_" + random.choice(["orders", "billing", "auth"]), password=S.add(random.choice([c.password(), passphrase()])),
                    name=random.choice(["orders", "billing", "accounts"]))

    def api():
        return dict(token=S.add(random.choice([c.opaque_token("at_"), c.api_key("stripe"), c.api_key("github")])),
                    account="acct_%d" % random.randint(10000, 99999))

    def refresh():
        return dict(user=random.choice(USERS), token=S.add(c.refresh_token()), account="acct_%d" % random.randint(10000, 99999))

    def reset():
        return dict(secret_key=S.add("django-insecure-" + get_random_secret_key()),  # as startproject writes it
                    jwt_key=S.add(c.rand(48, c.URLSAFE)), user_id=random.randint(40, 90),
                    email="%s@example.com" % random.choice(USERS))

    def oidc(long=False):
        secret = S.add(c.rand(random.choice([32, 48]), c.URLSAFE))
        token = S.add(jwt_token(secret, n_extra=6 if long else 0))
        # PyJWT's decode_complete holds the signature as bytes beside the header and payload
        # (capture_locals prints `decoded`): with them it makes the token again.
        sig = base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==")
        S.add(repr(sig)[2:-1])
        return dict(id_token=token, jwt_secret=secret,
                    client_id="web-app-%s" % uuid.uuid4().hex[:8])

    def aws_client():
        return dict(region="eu west 1", key_id=S.add(c.aws_access_key_id()), secret_key=S.add(c.aws_secret_access_key()),
                    table_arn=arn("table"))

    def ddb():
        return dict(user_id=random.randint(40, 90), refresh_token=S.add(c.refresh_token()), key_id=S.add(c.aws_access_key_id()),
                    secret_key=S.add(c.aws_secret_access_key()))

    def partner(long=False):
        return dict(api_key=S.add(c.api_key(random.choice(["sendgrid", "openai", "slack"]))),
                    api_secret=S.add(c.rand(64 if long else 40, c.URLSAFE)),
                    refresh_token=S.add(c.refresh_token() if not long else "rt_" + c.rand(150, c.URLSAFE)),
                    partner_id="partner-%d" % random.randint(100, 999))

    def misc():
        return dict(b64_secret=S.add("whsec_" + c.rand(32)),  # Stripe's webhook signing secret
                    key_arn=arn("secret"),
                    accented_pw=S.add("Kéllé-" + c.password(12)),
                    dotted_token=S.add(c.rand(12) + "." + c.rand(20) + "-k." + c.rand(10)))

    mongo = lambda: dict(uri=mongo_uri(S, "orders_app"), tenant=random.choice(["eu1", "us2", "ap1"]))
    return {
        "loguru": {
            "text": {"login": [login("quote"), login("phrase")], "db": [db()], "mongo": [mongo()],
                     "refresh": [refresh()], "reset": [reset()],
                     "sign": [reset()], "oidc": [oidc(), oidc(long=True)], "aws_client": [aws_client()],
                     "ddb": [ddb()], "partner": [partner(), partner(long=True)], "misc": misc()},
            "json": {"login": [login()], "db": [db()], "partner": [partner()]},
            "color": {"login": [login()], "reset": [reset()], "partner": [partner()]},
        },
        "better": {"login": [login()], "partner": [partner(long=True)],
                   "sign": [reset()], "uncaught": dict(reset(), user_id=47)},
        "stdlib": {"login": [login()], "api": [api()], "partner": [partner()], "oidc": [oidc()]},
        "rich80": {"login": [dict(user="grace", password=S.add(long_passphrase()))], "partner": [partner(long=True)]},
        "rich120": {"login": [login()], "reset": [reset()], "uncaught": partner(long=True)},
        "stackprinter": {"login": [login()], "partner": [partner(long=True)], "reset": [reset()]},
        "pytest": {"login": [login()], "partner": [partner()], "db": [db()]},
    }


def add_pieces(S, text):
    """Visible pieces (8+ characters) of a planted secret that is cut (`...`, `…`, pytest's
    middle cut) or wrapped over lines: planted too, so label.py labels each piece."""
    lines = text.split("\n")
    full = [(s, repr(s)[1:-1]) for s in S.values if len(s) >= 16]
    for line in lines:
        rest = line
        for s, r in full:
            for f in (s, r, json.dumps(s)[1:-1]):
                rest = rest.replace(f, "\0")
        cands = []
        for s, r in full:
            j = 0
            while j <= len(r) - 8:
                if r[j:j + 8] not in rest:
                    j += 1
                    continue
                k = 8
                while j + k < len(r) and r[j:j + k + 1] in rest:
                    k += 1
                cands.append((k, r[j:j + k]))
                j += k
        for k, piece in sorted(cands, reverse=True):
            if piece in rest and any(ch.isalnum() for ch in piece):
                S.add(piece)
                rest = rest.replace(piece, "\0")
        # The last few characters of a wrapped value, alone before its closing quote at the
        # start of a line (stackprinter, rich): too short to search for anywhere, certain here.
        m = re.match(r"^[\s│]*([^\s'\"│]{4,7})['\"]", rest)
        if m and any(r.endswith(m.group(1)) for s, r in full) and m.group(1) not in S.values:
            S.values.append(m.group(1))  # labelled as label.py labels short codes


def main():
    random.seed()
    S = c.Secrets(NAME)
    planted = plant(S)
    closed = c.free_port()  # nothing listens there: connections are refused
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8", "TERM": "dumb",
           "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "SCRUBD_TB": json.dumps(planted),
           "SCRUBD_CLOSED_PORT": str(closed), "SCRUBD_GEN": c.HERE, "COLUMNS": "120"}
    me = os.path.abspath(__file__)
    out = []

    def child(*args, extra=None):
        e = dict(env, **(extra or {}))
        r = subprocess.run([sys.executable, me, "--child"] + list(args), cwd=c.HERE, env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        out.append(r.stdout)

    child("loguru", "text")
    child("loguru", "json")
    child("loguru", "color")
    child("better", extra={"BETTER_EXCEPTIONS": "1"})
    child("stdlib")
    child("rich", "80")
    child("rich", "120")
    child("stackprinter")
    out.append(run_pytest(env))
    raw = b"".join(out)
    with open(c.raw_path(NAME), "wb") as f:
        f.write(raw)
    add_pieces(S, raw.decode("utf-8"))
    S.save()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        CHILDREN[sys.argv[2]]()
    else:
        main()
