"""Connection URIs whose password holds `/`, `+`, `=`, `@` or `:` unescaped, through the libraries
that parse them, really run.

Operators set `DATABASE_URL` / `MONGO_URI` / `REDIS_URL` / `CELERY_BROKER_URL` with a password from
`openssl rand -base64 N` (letters, digits, `+`, `/`, `=`) or one a person typed (`@`, `:`, `/`,
`!`, `#`), written into the URI without percent-encoding. The drivers then refuse or misread it,
and what reaches the log is the URI itself: the app's startup line (logging `%s`, a settings dict
repr, a structlog JSON line), the driver's error in a traceback that stackprinter prints with its
locals, pymongo's `Bad database name "<tail>@host"`, SQLAlchemy's URL rendered for a migration
tool, Node's `TypeError: Invalid URL` with its `input`. Secrets: the passwords. Clean: the same
URIs with `${VAR}` placeholders, a percent-encoded user with no password, URLs with a port and a
path holding an `@` (`host:8443/users/bob@…`), IPv6 hosts, `git@` remotes.

Passwords come from the `openssl` binary (`openssl rand -base64`), drawn until they hold a `/`
(the class under test), and from common.password() with `@:/` among its symbols.
"""
import logging
import re
import subprocess
import sys
import urllib.parse

import common as c

NAME = "dsn_passwords"
S = c.Secrets(NAME)


def openssl_b64(n):
    while True:
        p = subprocess.check_output(["openssl", "rand", "-base64", str(n)]).decode().strip()
        if "/" in p and len(p) >= 12:
            return p


def typed():
    return c.password(symbols="@:/!#$%")


RAW = c.start_log(NAME, "%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.DEBUG)
log = logging.getLogger("app.settings")
err = logging.getLogger("app.db")

import pymongo  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402
import sqlalchemy  # noqa: E402
import stackprinter  # noqa: E402
import structlog  # noqa: E402

structlog.configure(processors=[structlog.processors.add_log_level,
                                structlog.processors.JSONRenderer()],
                    logger_factory=structlog.PrintLoggerFactory(RAW))
slog = structlog.get_logger("app.boot")

CASES = [
    ("postgresql", "app", "db.internal:5432/app"),
    ("mongodb", "orders_rw", "mongo-0.db.internal:27017/orders?authSource=admin"),
    ("redis", "default", "cache.internal:6379/0"),
    ("amqp", "celery", "mq.internal:5672/%2F"),
    ("mysql", "root", "10.0.3.7:3306/shop"),
]


def connect(scheme, url):
    if scheme == "postgresql":
        psycopg.connect(url, connect_timeout=1)
    elif scheme == "mongodb":
        pymongo.MongoClient(url, connect=False, serverSelectionTimeoutMS=200)
    elif scheme == "redis":
        redis.from_url(url, socket_connect_timeout=0.2).ping()
    elif scheme == "amqp":
        from kombu import Connection
        Connection(url, connect_timeout=0.2).ensure_connection(max_retries=1)
    else:
        sqlalchemy.create_engine(url.replace("mysql://", "mysql+pymysql://")).connect()


for i, (scheme, user, rest) in enumerate(CASES * 2):
    pw = S.add(openssl_b64((12, 18, 24, 33)[i % 4]) if i < len(CASES) else typed())
    url = "%s://%s:%s@%s" % (scheme, user, pw, rest)
    try:
        urllib.parse.urlsplit(url).port
    except ValueError as e:
        # urllib ends the netloc at the first `/`, `?` or `#` and reads what follows the user's
        # `:` as the port: `Port could not be cast to integer value as '<head of the password>'`.
        head = re.search(r"as '(.*)'$", str(e)).group(1)
        if len(head) >= 8:
            S.add(head)
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "api.example.com", "URL": url}
    log.info("%s_URL=%s", scheme.upper(), url)
    log.debug("settings loaded: %r", env)
    slog.info("config", service="orders", database_url=url, pool_size=10)
    try:
        connect(scheme, url)
    except Exception as e:  # noqa: BLE001 - what the driver raises is what is logged
        err.error("could not connect to %s: %s: %s", scheme, type(e).__name__, e)
        err.error("%s", stackprinter.format(sys.exc_info(), suppressed_paths=[r"lib/python"]))

    # SQLAlchemy renders the URL for alembic's `sqlalchemy.url` and for debugging.
    if scheme in ("postgresql", "mysql"):
        u = sqlalchemy.engine.make_url(url.replace("mysql://", "mysql+pymysql://"))
        log.info("engine url %r", u)
        log.info("alembic sqlalchemy.url = %s", u.render_as_string(hide_password=False))

# pymongo reads what follows the password's first `/` as the database name, up to its first `.`
# (`+` decoded to a space); a name holding `/` or a space is refused with the password's tail and
# the host's head: `InvalidURI: Bad database name "<tail>@mongo-0"`. Passwords drawn until their
# tail does that (1 in 3 or so of base64 ones with a `/`).
def bad_database(p):
    tail = p.split("/", 1)[1].split(".", 1)[0]
    return "/" in tail or "+" in tail


for n in (18, 24, 33):
    pw = openssl_b64(n)
    while not bad_database(pw):
        pw = openssl_b64(n)
    S.add(pw)
    url = "mongodb://orders_rw:%s@mongo-0.db.internal:27017/orders?authSource=admin" % pw
    try:
        connect("mongodb", url)
    except Exception as e:  # noqa: BLE001
        shown = re.search(r'name "(.*)@', str(e)).group(1)
        if len(shown) >= 8:
            S.add(shown)
        err.error("could not connect to %s: %s: %s", "mongodb", type(e).__name__, e)
        err.error("%s", stackprinter.format(sys.exc_info(), suppressed_paths=[r"lib/python"]))
        slog.error("mongo connect failed", error=repr(e))

# Node's WHATWG URL parser refuses a port that is not digits; the error carries the input.
for scheme, user, rest in CASES[:2]:
    pw = S.add(openssl_b64(24))
    url = "%s://%s:%s@%s" % (scheme, user, pw, rest)
    out = subprocess.run(["node", "-e", "try { new URL(process.argv[1]) } catch (e) { console.error(e) }", url],
                         capture_output=True, text=True).stderr
    RAW.write(out)
    RAW.flush()

# Clean: placeholders, no password, a port and a path with an @, IPv6 hosts, git remotes.
log.info("DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.internal:5432/app")
log.info("MONGO_URI=mongodb://%s@mongo-0.db.internal:27017/?authMechanism=MONGODB-X509",
         urllib.parse.quote("CN=orders,OU=svc,O=acme", safe=""))
log.info("GET https://api.example.com:8443/v1/users/bob@example.com/settings 200")
log.info("GET http://[::1]:8080/users/carol@example.org 404")
log.info("proxy upstream http://[2001:db8::17]:9000/a/b@c.example.com")
log.info("remote origin git@github.com:acme/orders.git")
slog.info("config", service="orders", database_url="postgresql://app@db.internal:5432/app")

S.save()
