"""ORM query logs that print the bound parameters after or beside the SQL, on SQLite (no network).

Stack `orm_params`. First peewee (the `peewee` logger at DEBUG: every statement as the tuple
`('INSERT INTO "user" (...) VALUES (?, ?)', ['alice@example.com', 'pbkdf2_sha256$...'])`), the app
logging `str(query)` (peewee inlines the values) and `query.sql()`, an `IntegrityError`; then
gen_orm_params.js (TypeORM, Sequelize and knex on SQLite, their own query loggers on), whose
stdout+stderr is appended to the same raw log. Secrets: password hashes (pbkdf2_sha256, bcrypt,
argon2id shaped; the part after the algorithm/cost header), plaintext passwords of a legacy table,
session/refresh/reset tokens, API keys. Clean: orders/products, emails, UUIDs, counts, statuses.
"""
import base64
import hashlib
import json
import logging
import os
import secrets
import subprocess
import uuid

import common as c

NAME = "orm_params"
S = c.Secrets(NAME)
B64NP = c.ALNUM + "+/"


def pbkdf2(pw):
    salt = c.rand(22)
    h = base64.b64encode(hashlib.pbkdf2_hmac("sha256", pw.encode(), salt.encode(), 1000)).decode()
    S.add(salt + "$" + h)  # the `pbkdf2_sha256$<iterations>$` header is not secret
    return "pbkdf2_sha256$870000$%s$%s" % (salt, h)


def bcrypt():
    body = S.add(c.rand(53, c.ALNUM + "./"))
    return "$2b$12$" + body


def argon2():
    tail = S.add(c.rand(22, B64NP) + "$" + c.rand(43, B64NP))
    return "$argon2id$v=19$m=65536,t=3,p=4$" + tail


def peewee_app(raw):
    import peewee as pw
    db_path = os.path.join(c.OUT, "orm_params_peewee.sqlite3")
    if os.path.exists(db_path):
        os.remove(db_path)
    db = pw.SqliteDatabase(db_path)

    class Base(pw.Model):
        class Meta:
            database = db

    class User(Base):
        email = pw.CharField(unique=True)
        password_hash = pw.CharField()
        is_active = pw.BooleanField(default=True)
        login_count = pw.IntegerField(default=0)

    class LegacyAccount(Base):  # an old table that keeps passwords in clear
        username = pw.CharField(unique=True)
        password = pw.CharField()
        status = pw.CharField(default="active")

    class Session(Base):
        token = pw.CharField(primary_key=True)
        user = pw.ForeignKeyField(User, backref="sessions")
        refresh_token = pw.CharField(null=True)
        expires_at = pw.DateTimeField()

    class ApiKey(Base):
        user = pw.ForeignKeyField(User)
        key = pw.CharField(unique=True)
        label = pw.CharField()

    class PasswordReset(Base):
        user = pw.ForeignKeyField(User)
        reset_token = pw.CharField(unique=True)
        used = pw.BooleanField(default=False)

    class Product(Base):
        sku = pw.CharField()
        name = pw.CharField()
        token_count = pw.IntegerField()

    class Order(Base):
        uuid = pw.UUIDField()
        user = pw.ForeignKeyField(User)
        reference = pw.CharField()
        status = pw.CharField()
        total_cents = pw.IntegerField()

    log = logging.getLogger("app.accounts")
    db.connect()
    db.create_tables([User, LegacyAccount, Session, ApiKey, PasswordReset, Product, Order])
    users = []
    makers = [pbkdf2, lambda pw_: bcrypt(), lambda pw_: argon2(), pbkdf2]
    for i, name in enumerate(["alice", "bob", "carol", "dave"]):
        u = User.create(email="%s@example.com" % name, password_hash=makers[i](c.password()))
        users.append(u)
        log.info("created user %s id=%s", name, u.id)
    for i, name in enumerate(["erin", "frank", "grace"]):
        secret_pw = S.add(c.nasty_password() if i != 1 else c.human_password())
        LegacyAccount.create(username=name, password=secret_pw)
    # the legacy login: compare the clear password in SQL
    lq = LegacyAccount.select().where((LegacyAccount.username == "erin") & (LegacyAccount.password == S.values[-3]))
    log.debug("legacy login query: %s", lq)
    la = lq.get_or_none()
    log.info("legacy login erin ok=%s", la is not None)
    ApiKey.insert_many([{"user": users[i % 4].id, "key": S.add(c.api_key()), "label": "key-%d" % i}
                        for i in range(4)]).execute()
    Product.insert_many([{"sku": "SKU-%04d" % i, "name": "Widget %d" % i, "token_count": 5 + i} for i in range(6)]).execute()
    for i, u in enumerate(users):
        Order.create(uuid=uuid.uuid4(), user=u, reference="ORD-2024-11-%05d" % (100 + i), status="new",
                     total_cents=1999 + i)
    for u in users[:3]:
        tok = S.add(c.opaque_token())
        Session.create(token=tok, user=u, refresh_token=S.add(c.refresh_token()),
                       expires_at="2026-12-01 09:30:00")
        s = Session.get(Session.token == tok)
        log.info("session for user %s expires %s", s.user_id, s.expires_at)
    # refresh: rotate the refresh token
    s = Session.select().where(Session.user == users[0]).get()
    Session.update(refresh_token=S.add(c.refresh_token())).where(Session.token == s.token).execute()
    key = S.add(c.api_key("stripe"))
    ApiKey.create(user=users[1], key=key, label="billing")
    q = ApiKey.select(ApiKey.user).where(ApiKey.key == key)
    log.debug("auth query: %s", q)  # peewee's str(query) inlines the values
    log.debug("auth query sql=%r", q.sql())
    q.get()
    # password change and reset flow
    User.update(password_hash=pbkdf2(c.password())).where(User.id == users[2].id).execute()
    rt = S.add(c.opaque_token())
    PasswordReset.create(user=users[0], reset_token=rt)
    pr = PasswordReset.get_or_none((PasswordReset.reset_token == rt) & (PasswordReset.used == False))  # noqa: E712
    PasswordReset.update(used=True).where(PasswordReset.id == pr.id).execute()
    User.update(password_hash=argon2()).where(User.id == users[0].id).execute()
    Session.delete().where(Session.user == users[0]).execute()
    # raw SQL with the value inlined, as hand-written code does
    st = S.add(c.opaque_token())
    db.execute_sql("UPDATE session SET token = '%s' WHERE user_id = %d" % (st, users[1].id))
    db.execute_sql("SELECT user_id FROM session WHERE token = ?", (st,))
    # a duplicate key: IntegrityError (SQLite's message has no value)
    try:
        ApiKey.create(user=users[2], key=key, label="dup")
    except pw.IntegrityError as e:
        log.error("could not store api key for user %s: %s", users[2].id, e)
    # clean look-alikes
    list(Order.select(Order.id, Order.reference).where(Order.status == "new").order_by(Order.id.desc()).limit(3))
    Order.update(status="shipped").where(Order.reference == "ORD-2024-11-00101").execute()
    o = Order.get(Order.reference == "ORD-2024-11-00102")
    Order.get(Order.uuid == o.uuid)
    list(Product.select(Product.sku, Product.name).where(Product.token_count > 5).limit(5))
    User.update(login_count=User.login_count + 1).where(User.email == "bob@example.com").execute()
    User.select(pw.fn.COUNT(User.id)).where(User.is_active == True).scalar()  # noqa: E712
    log.info("orders query: %s", Order.select().where(Order.status == "shipped"))
    db.close()


def main():
    raw = open(c.raw_path(NAME), "w", newline="\n")
    h = logging.StreamHandler(raw)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("peewee", "app"):
        logging.getLogger(name).addHandler(h)
        logging.getLogger(name).setLevel(logging.DEBUG)
    peewee_app(raw)
    raw.flush()
    js_secrets = os.path.join(c.OUT, NAME + "_js.secrets.json")
    if os.path.exists(js_secrets):
        os.remove(js_secrets)
    env = dict(os.environ, NODE_NO_WARNINGS="1", ORM_OUT=c.OUT)
    subprocess.run(["node", "gen_orm_params.js"], cwd=c.HERE, env=env, stdout=raw, stderr=subprocess.STDOUT,
                   check=True, timeout=300)
    raw.close()
    for v in json.load(open(js_secrets)):
        S.add(v)
    S.save()


main()
