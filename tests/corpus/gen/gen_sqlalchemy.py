"""Issue 11, class 3: SQL debug logs outside Django.

Stack `sqlalchemy`: SQLAlchemy 2.1 `echo=True` and `echo="debug"` (result rows too) on SQLite, then on a
real PostgreSQL 15 (Debian's postgresql package, started here in a temp dir) through psycopg 3:
INSERT/UPDATE/SELECT/DELETE on users (werkzeug password hashes), api_keys, sessions,
password_resets; executemany and insertmanyvalues batches; clean SQL on orders/products.
Stack `postgres`: the PostgreSQL server's own log of the same run (log_statement = 'all',
log_min_error_statement): `statement:` / `execute <unnamed>:` lines with `DETAIL:  parameters: $1 = …`,
a duplicate-key `DETAIL:  Key (key)=(…) already exists.`, and `ALTER ROLE … PASSWORD '…'` run by the
app's migration.
"""
import datetime
import glob
import logging
import os
import shutil
import subprocess
import tempfile
import time

import common as c

S = c.Secrets("sqlalchemy")
P = c.Secrets("postgres")


def both(v):
    S.add(v)
    P.add(v)
    return v


def pw_hash(pw, method):
    from werkzeug.security import generate_password_hash
    h = generate_password_hash(pw, method=method)
    both(h.split("$", 1)[1])  # salt$hash; the method header (scrypt:32768:8:1 / pbkdf2:sha256:1000000) is not secret
    return h


def run_app(url, echo, pg, **engine_kw):
    from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, create_engine,
                            delete, insert, select, text, update)
    md = MetaData()
    users = Table("users", md, Column("id", Integer, primary_key=True), Column("email", String(200), unique=True),
                  Column("password_hash", String(300)), Column("is_active", Boolean, default=True))
    api_keys = Table("api_keys", md, Column("id", Integer, primary_key=True), Column("user_id", ForeignKey("users.id")),
                     Column("key", String(120), unique=True), Column("label", String(50)))
    sessions = Table("sessions", md, Column("token", String(80), primary_key=True), Column("user_id", ForeignKey("users.id")),
                     Column("expires_at", DateTime))
    resets = Table("password_resets", md, Column("id", Integer, primary_key=True), Column("user_id", Integer),
                   Column("reset_token", String(80)), Column("used", Boolean, default=False))
    orders = Table("orders", md, Column("id", Integer, primary_key=True), Column("user_id", Integer), Column("reference", String(40)),
                   Column("status", String(20)), Column("total_cents", Integer))
    products = Table("products", md, Column("id", Integer, primary_key=True), Column("sku", String(20)), Column("name", String(80)),
                     Column("token_count", Integer))
    eng = create_engine(url, echo=echo, **engine_kw)
    md.create_all(eng)
    log = logging.getLogger("app.accounts")
    with eng.begin() as cx:
        ids = []
        for i, name in enumerate(["alice", "bob", "carol", "dave"]):
            pw = both(c.password())
            r = cx.execute(insert(users).values(email="%s@example.com" % name,
                                                password_hash=pw_hash(pw, "scrypt" if i % 2 == 0 else "pbkdf2:sha256")))
            ids.append(r.inserted_primary_key[0])
            log.info("created user %s id=%s", name, ids[-1])
        # executemany / insertmanyvalues of API keys
        cx.execute(insert(api_keys), [{"user_id": ids[i % 4], "key": both(c.api_key()), "label": "key-%d" % i} for i in range(5)])
        cx.execute(insert(products), [{"sku": "SKU-%04d" % i, "name": "Widget %d" % i, "token_count": 5} for i in range(12)])
        cx.execute(insert(orders), [{"user_id": ids[i % 4], "reference": "ORD-2024-11-%05d" % (100 + i), "status": "new",
                                     "total_cents": 999 + i} for i in range(4)])
    with eng.begin() as cx:
        for uid in ids:
            tok = both(c.rand(43, c.URLSAFE))
            cx.execute(insert(sessions).values(token=tok, user_id=uid, expires_at=datetime.datetime(2026, 12, 1, 9, 30)))
            cx.execute(select(sessions.c.user_id, sessions.c.expires_at).where(sessions.c.token == tok)).all()
        cx.execute(select(users.c.id, users.c.email).where(users.c.email == "bob@example.com")).all()
        cx.execute(select(users).where(users.c.id == ids[1])).all()  # the row (with its hash) in echo="debug"
        k = both(c.api_key("stripe"))
        cx.execute(select(api_keys.c.user_id).where(api_keys.c.key == k)).all()
        newh = pw_hash(both(c.password()), "scrypt")
        cx.execute(update(users).where(users.c.id == ids[2]).values(password_hash=newh))
        rt = both(c.rand(40, c.URLSAFE))
        cx.execute(insert(resets).values(user_id=ids[0], reset_token=rt))
        cx.execute(select(resets.c.user_id).where(resets.c.reset_token == rt, resets.c.used.is_(False))).all()
        cx.execute(update(resets).where(resets.c.reset_token == rt).values(used=True))
        cx.execute(delete(sessions).where(sessions.c.user_id == ids[3]))
        # raw SQL with the value inlined, as hand-written code does
        st = both(c.opaque_token())
        cx.execute(text("UPDATE sessions SET token = '%s' WHERE user_id = %d" % (st, ids[0])))
        cx.execute(text("SELECT user_id FROM sessions WHERE token = :t"), {"t": st}).all()
        # clean look-alikes
        cx.execute(select(orders.c.id, orders.c.reference).where(orders.c.status == "new").order_by(orders.c.id.desc()).limit(3)).all()
        cx.execute(update(orders).where(orders.c.reference == "ORD-2024-11-00101").values(status="shipped"))
        cx.execute(select(products.c.sku, products.c.name).where(products.c.token_count == 5).limit(5)).all()
        cx.execute(text("SELECT count(*) FROM users WHERE is_active")).all()
        cx.execute(update(users).where(users.c.id == ids[0]).values(is_active=True))
    if pg:
        with eng.begin() as cx:
            # a second key with the same value: duplicate key error from the server
            dup = cx.execute(select(api_keys.c.key).limit(1)).scalar()
        try:
            with eng.begin() as cx:
                cx.execute(insert(api_keys).values(user_id=ids[0], key=dup, label="dup"))
        except Exception as e:
            log.error("could not store api key: %s", e)
        role_pw = both(c.password())
        with eng.begin() as cx:
            role = "reporting_%s" % url.rsplit("/", 1)[1]
            cx.execute(text("CREATE ROLE %s LOGIN PASSWORD '%s'" % (role, role_pw)))
            role_pw2 = both(c.password())
            cx.execute(text("ALTER ROLE %s WITH PASSWORD '%s'" % (role, role_pw2)))
            cx.execute(text("GRANT SELECT ON orders, products TO %s" % role))
    eng.dispose()


def main():
    raw = open(c.raw_path("sqlalchemy"), "w", newline="\n")
    h = logging.StreamHandler(raw)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger("app").addHandler(h)
    logging.getLogger("app").setLevel(logging.INFO)
    import sqlalchemy.log
    # echo=True installs its own handler on sys.stdout; point the sqlalchemy loggers at the file instead
    orig = sqlalchemy.log._add_default_handler

    def to_file(logger):
        handler = logging.StreamHandler(raw)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    sqlalchemy.log._add_default_handler = to_file

    db = os.path.join(c.OUT, "sqlalchemy.sqlite3")
    for f in glob.glob(db + "*"):
        os.remove(f)
    run_app("sqlite:///" + db, True, False)
    os.remove(db)
    run_app("sqlite:///" + db, "debug", False)

    # a real PostgreSQL 15 from Debian's packages
    bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    tmp = tempfile.mkdtemp(prefix="scrubd-pg-")
    os.chmod(tmp, 0o777)
    pgdata = os.path.join(tmp, "data")
    port = c.free_port()
    app_pw = both(c.password())
    pwfile = os.path.join(tmp, "pw")
    open(pwfile, "w").write(app_pw)
    os.chmod(pwfile, 0o644)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(as_pg + [bindir + "/initdb", "-D", pgdata, "-U", "app", "--pwfile", pwfile, "-A", "scram-sha-256"],
                   check=True, stdout=subprocess.DEVNULL)
    pglog = os.path.join(tmp, "postgresql.log")
    conf = ["-c", "listen_addresses=127.0.0.1", "-c", "port=%d" % port, "-c", "unix_socket_directories=" + tmp,
            "-c", "log_statement=all", "-c", "log_connections=on", "-c", "log_disconnections=on",
            "-c", "log_line_prefix=%m [%p] %q%u@%d ", "-c", "logging_collector=off"]
    server = subprocess.Popen(as_pg + [bindir + "/postgres", "-D", pgdata] + conf,
                              stdout=open(pglog, "w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if subprocess.run([bindir + "/pg_isready", "-h", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.2)
        import urllib.parse
        url = "postgresql+psycopg://app:%s@127.0.0.1:%d/postgres" % (urllib.parse.quote(app_pw, safe=""), port)
        logging.getLogger("app.accounts").info("database url: %s", url)
        run_app(url, True, True)
        # the same app with client-side binding (psycopg ClientCursor): values inlined in the statements
        import psycopg
        with psycopg.connect("host=127.0.0.1 port=%d user=app password=%s dbname=postgres" % (port, app_pw), autocommit=True) as cx:
            cx.execute("CREATE DATABASE shop")
        run_app(url.rsplit("/", 1)[0] + "/shop", True, True, connect_args={"cursor_factory": psycopg.ClientCursor})
    finally:
        server.terminate()
        server.wait(20)
        shutil.copy(pglog, c.raw_path("postgres"))
        shutil.rmtree(tmp, ignore_errors=True)
    raw.close()
    S.save()
    P.save()


main()
