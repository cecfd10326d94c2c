"""Issue 11, class 4: MongoDB credential collections and duplicate-key errors, real pymongo 4.20.

pymongo against fake_mongod_idx.FakeMongodIdx (unique indexes, mongod's E11000 errmsg/writeErrors
shapes). Logged: a CommandListener (event.command / event.reply / event.failure, Python reprs),
pymongo's structured logging (pymongo.command at DEBUG: JSON with the command as an escaped JSON
string, "Command failed" with the failure), and the app logging DuplicateKeyError / BulkWriteError /
OperationFailure (str = "E11000 … , full error: {…}", .details, and a traceback).
Credential collections: sessions, refresh_tokens, api_keys, password_resets (their _id and string
values); the same shapes on orders/products/carts are the clean look-alikes.
"""
import datetime
import logging
import os
import uuid

os.environ["MONGODB_LOG_MAX_DOCUMENT_LENGTH"] = "20000"

import common as c
from fake_mongod_idx import FakeMongodIdx

NAME = "pymongo_errors"
S = c.Secrets(NAME)

import pymongo
from bson import ObjectId
from pymongo import monitoring
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

logfile = open(c.raw_path(NAME), "w", newline="\n")
h = logging.StreamHandler(logfile)
h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
root = logging.getLogger()
root.addHandler(h)
root.setLevel(logging.INFO)
log = logging.getLogger("app.auth")
mon = logging.getLogger("app.mongo.monitor")
mon.setLevel(logging.DEBUG)


class CommandLogger(monitoring.CommandListener):
    def started(self, event):
        mon.debug("started %s (request %s) on %s: %s", event.command_name, event.request_id, event.connection_id, event.command)

    def succeeded(self, event):
        mon.debug("succeeded %s (request %s) in %dus: %s", event.command_name, event.request_id, event.duration_micros, event.reply)

    def failed(self, event):
        mon.warning("failed %s (request %s) in %dus: %s", event.command_name, event.request_id, event.duration_micros, event.failure)


db_user, db_pw = "auth-svc", S.add(c.password())
server = FakeMongodIdx(users={db_user: db_pw}).start()
# SCRAM-SHA-256 login (pymongo runs saslStart/saslContinue on every new connection)
client = pymongo.MongoClient("127.0.0.1", server.port, directConnection=True, event_listeners=[CommandLogger()],
                             serverSelectionTimeoutMS=5000, appname="auth-service", username=db_user, password=db_pw,
                             authSource="admin", authMechanism="SCRAM-SHA-256")
db = client["app"]
db.command("ping")
# an application running the SASL conversation itself (as a connection checker does)
try:
    db.command("saslStart", mechanism="SCRAM-SHA-256", payload=b"n,,n=%s,r=%s" % (db_user.encode(), c.rand(32).encode()), autoAuthorize=1)
except OperationFailure as e:
    log.warning("sasl probe failed: %s", e)


def structured(on):
    logging.getLogger("pymongo.command").setLevel(logging.DEBUG if on else logging.WARNING)


def try_(what, fn):
    try:
        return fn()
    except DuplicateKeyError as e:
        if what in ("send reset link", "create order"):
            log.exception("%s failed", what)
            return
        log.error("%s: duplicate key: %s", what, e)
        log.debug("%s: error details: %s", what, e.details)
    except BulkWriteError as e:
        log.error("%s: bulk write failed: %s", what, e)
        for we in e.details.get("writeErrors", []):
            log.warning("%s: write error %s: %s", what, we["code"], we["errmsg"])
    except OperationFailure as e:
        log.exception("%s: operation failed (code %s)", what, e.code)


users = [ObjectId() for _ in range(6)]
for round_ in range(2):
    structured(round_ == 1)  # first round: listener only; second: listener + pymongo's structured logs
    rt = db["refresh_tokens"]
    rt.create_index("token", unique=True)
    toks = []
    for i in range(4):
        t = S.add(c.refresh_token())
        toks.append(t)
        rt.insert_one({"_id": t, "user_id": users[i], "client_id": "web", "expires_at": datetime.datetime(2026, 12, 1, 12, i)})
    # a retried request inserts the same token again -> E11000 on _id_
    try_("store refresh token", lambda: rt.insert_one({"_id": toks[1], "user_id": users[1], "client_id": "web"}))
    rt.find_one({"_id": toks[2]})
    rt.delete_one({"_id": toks[3]})

    sessions = db["sessions"]
    sessions.create_index("token", unique=True)
    sids = []
    for i in range(4):
        sid = S.add(c.rand(32, c.LOW + c.DIG))
        sids.append(sid)
        sessions.insert_one({"_id": ObjectId(), "token": sid, "user_id": users[i], "ip": "198.51.100.%d" % (10 + i),
                             "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"})
    try_("create session", lambda: sessions.insert_one({"_id": ObjectId(), "token": sids[0], "user_id": users[0]}))
    try_("create sessions", lambda: sessions.insert_many([{"token": S.add(c.rand(32, c.LOW + c.DIG)), "user_id": users[4]},
                                                          {"token": sids[2], "user_id": users[2]}]))
    try_("rotate session", lambda: sessions.update_one({"token": sids[1]}, {"$set": {"token": sids[3]}}))
    sessions.find_one({"token": sids[1]})
    sessions.update_one({"token": sids[1]}, {"$set": {"last_seen": datetime.datetime(2026, 11, 29, 10, 0)}})

    keys = db["api_keys"]
    keys.create_index([("owner", 1), ("key", 1)], unique=True, name="owner_1_key_1")
    k = S.add(c.api_key("stripe"))
    keys.insert_one({"owner": "acme", "key": k, "label": "billing", "scopes": ["charges:write"]})
    try_("register api key", lambda: keys.insert_one({"owner": "acme", "key": k, "label": "billing-2"}))
    k2 = S.add(c.api_key("github"))
    try_("upsert api key", lambda: keys.find_one_and_update({"owner": "acme", "label": "ci"}, {"$set": {"key": k2}}, upsert=True))
    try_("upsert api key", lambda: keys.find_one_and_update({"owner": "acme", "label": "ci-2"}, {"$set": {"key": k2}}, upsert=True))
    keys.find_one({"owner": "acme", "key": k})

    resets = db["password_resets"]
    resets.create_index("reset_token", unique=True)
    r = S.add(c.rand(43, c.URLSAFE))
    resets.insert_one({"reset_token": r, "email": "bob@example.com", "used": False})
    try_("send reset link", lambda: resets.insert_one({"reset_token": r, "email": "bob@example.com", "used": False}))
    resets.find_one_and_update({"reset_token": r}, {"$set": {"used": True}})

    # clean look-alikes: the same shapes on non-credential collections
    orders = db["orders"]
    orders.create_index("reference", unique=True)
    refs = ["ORD-2024-11-%05d" % (200 + i + 10 * round_) for i in range(4)]
    for i, ref in enumerate(refs):
        orders.insert_one({"_id": ObjectId(), "reference": ref, "user_id": users[i], "total_cents": 1999 + i, "status": "new"})
    try_("create order", lambda: orders.insert_one({"_id": ObjectId(), "reference": refs[0], "user_id": users[0]}))
    products = db["products"]
    for i in range(3):
        products.insert_one({"_id": "SKU-%04d" % (i + 10 * round_), "name": "Widget %d" % i, "token_count": 5, "price_cents": 499})
    try_("create product", lambda: products.insert_one({"_id": "SKU-%04d" % (10 * round_), "name": "Widget dup"}))
    try_("import products", lambda: products.insert_many([{"_id": "SKU-9%03d" % round_, "name": "New"},
                                                           {"_id": "SKU-%04d" % (1 + 10 * round_), "name": "Old"}], ordered=False))
    carts = db["carts"]
    carts.create_index([("user_id", 1), ("sku", 1)], unique=True, name="user_id_1_sku_1")
    carts.insert_one({"user_id": 42 + round_, "sku": "SKU-0001", "qty": 1})
    try_("add to cart", lambda: carts.insert_one({"user_id": 42 + round_, "sku": "SKU-0001", "qty": 2}))
    list(orders.find({"status": "new"}).limit(3))
    orders.update_one({"reference": refs[1]}, {"$set": {"status": "shipped"}})
    db.command("listIndexes", "orders")
client.close()
server.stop()
logfile.flush()
S.save()
