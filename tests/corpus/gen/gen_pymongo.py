"""Real pymongo against fake_mongod: CommandListener dumps + pymongo>=4.8 structured logging."""
import datetime
import logging
import os
import uuid
import urllib.parse

os.environ["MONGODB_LOG_MAX_DOCUMENT_LENGTH"] = "20000"  # keep commands whole (default truncates at 1000)

import common as c
from fake_mongod import FakeMongod

NAME = "pymongo"
S = c.Secrets(NAME)

import pymongo
from bson import ObjectId
from pymongo import monitoring

logfile = open(c.raw_path(NAME), "w", newline="\n")
h = logging.StreamHandler(logfile)
h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
root = logging.getLogger()
root.addHandler(h)
root.setLevel(logging.INFO)
logging.getLogger("pymongo.command").setLevel(logging.DEBUG)
logging.getLogger("pymongo.connection").setLevel(logging.DEBUG)
logging.getLogger("pymongo.serverSelection").setLevel(logging.DEBUG)
log = logging.getLogger("app.db")
mon = logging.getLogger("app.mongo.monitor")
mon.setLevel(logging.DEBUG)


class CommandLogger(monitoring.CommandListener):
    def started(self, event):
        mon.debug("Command %s with request id %s started on server %s: %s",
                  event.command_name, event.request_id, event.connection_id, event.command)

    def succeeded(self, event):
        mon.debug("Command %s with request id %s on server %s succeeded in %d microseconds, reply: %s",
                  event.command_name, event.request_id, event.connection_id, event.duration_micros, event.reply)

    def failed(self, event):
        mon.warning("Command %s with request id %s failed: %s", event.command_name, event.request_id, event.failure)


server = FakeMongod().start()

# connection strings with credentials, as applications log them on startup
for user, host, srv in (("app", "db1.internal:27017", False), ("svc-reporting", "cluster0.x7kqe.mongodb.net", True),
                        ("admin", "mongo-0.mongo.prod.svc.cluster.local:27017,mongo-1.mongo.prod.svc.cluster.local:27017", False)):
    pw = S.add(c.password())
    q = urllib.parse.quote_plus(pw)
    if srv:
        uri = "mongodb+srv://%s:%s@%s/reports?retryWrites=true&w=majority&appName=reporting" % (user, q, host)
    else:
        uri = "mongodb://%s:%s@%s/app?authSource=admin&replicaSet=rs0&tls=true" % (user, q, host)
    log.info("connecting to MongoDB uri=%s", uri)
    log.info("settings: %s", {"MONGO_URI": uri, "MONGO_POOL_SIZE": 50, "MONGO_TIMEOUT_MS": 5000})
log.info("connecting to MongoDB uri=mongodb://127.0.0.1:%d/app?directConnection=true", server.port)
log.info("MONGO_URI=mongodb://localhost:27017/test (no auth in dev)")

client = pymongo.MongoClient("127.0.0.1", server.port, directConnection=True, event_listeners=[CommandLogger()],
                             serverSelectionTimeoutMS=5000, appname="scrubd-corpus")
db = client["app"]
db.command("ping")
db.command("buildInfo")

users = db["users"]
uids = []
for i in range(40):
    oid = ObjectId()
    uids.append(oid)
    doc = {"_id": oid, "email": "user%d@example.com" % i, "created_at": datetime.datetime(2024, 5, 1, 12, i % 60, 7),
           "request_id": str(uuid.uuid4())}
    kind = i % 6
    if kind == 0:
        doc.update(password=S.add(c.password()), api_key=S.add(c.api_key()))
    elif kind == 1:
        doc.update(refresh_token=S.add(c.refresh_token()), access_token=S.add(c.opaque_token("ya29.")))
    elif kind == 2:
        doc["oauth"] = {"github": {"access_token": S.add(c.api_key("github")), "scope": "repo,user"},
                        "google": {"refresh_token": S.add(c.refresh_token()), "expires_at": 1718000000}}
    elif kind == 3:
        doc.update(display_name="User %d" % i, token_count=5, password="", login_attempts=0)
    elif kind == 4:
        doc.update(display_name="User %d" % i, token=None, password_reset_sent=True, avatar_sha256=uuid.uuid4().hex * 2)
    else:
        doc.update(display_name="User %d" % i, git_sha=uuid.uuid4().hex[:8] + uuid.uuid4().hex[:32], tokenizer="cl100k_base",
                   max_tokens=4096)
    users.insert_one(doc)

users.insert_many([{"email": "batch%d@example.com" % i, "api_key": S.add(c.api_key("stripe")), "tier": "pro"} for i in range(3)])
users.insert_many([{"email": "bulk%d@example.com" % i, "tier": "free", "signup_source": "web"} for i in range(5)])

for i, oid in enumerate(uids[:20]):
    if i % 3 == 0:
        users.update_one({"_id": oid}, {"$set": {"auth_token": S.add(c.opaque_token()), "last_login": datetime.datetime(2024, 6, 1, 8, i)}})
    elif i % 3 == 1:
        users.update_one({"_id": oid}, {"$set": {"last_login": datetime.datetime(2024, 6, 1, 9, i)}, "$inc": {"login_count": 1}})
    else:
        users.update_one({"_id": oid}, {"$set": {"password_reset_email_sent": True}, "$unset": {"reset_token": ""}})

for oid in uids[:12]:
    users.find_one({"_id": oid})
list(users.find({"tier": "pro"}).limit(5))
users.find_one_and_update({"_id": uids[4]}, {"$set": {"session_token": S.add(c.opaque_token())}})
users.count_documents({})
list(users.aggregate([{"$match": {"tier": "pro"}}, {"$group": {"_id": None, "n": {"$sum": 1}}}]))
users.delete_one({"_id": uids[-1]})

sessions = db["sessions"]
for i in range(10):
    sessions.insert_one({"_id": ObjectId(), "user_id": uids[i], "session_token": S.add(c.rand(40, c.URLSAFE)),
                         "expires_at": datetime.datetime(2024, 7, 1), "ip": "10.0.%d.%d" % (i, i + 3)})
sessions.update_many({"expires_at": {"$lt": datetime.datetime(2024, 6, 1)}}, {"$set": {"revoked": True}})

events = db["events"]
for i in range(200):
    events.insert_one({"_id": ObjectId(), "type": ["login", "logout", "page_view", "password_reset_requested"][i % 4],
                       "trace_id": uuid.uuid4().hex, "span_id": uuid.uuid4().hex[:16], "user_id": uids[i % 40],
                       "ts": datetime.datetime(2024, 6, 2, 10 + i // 60, i % 60), "page_token": None,
                       "msg": "password reset email sent to %d" % i if i % 4 == 3 else "ok"})
list(events.find({"type": "login"}).limit(3))

apikeys = db["api_keys"]
apikeys.insert_one({"name": "ci-deploy", "secret_key": S.add(c.rand(40, c.B64)), "owner": uids[0]})
apikeys.insert_one({"name": "metrics", "key_id": "key_" + uuid.uuid4().hex[:12], "api_secret": S.add(c.api_key("sendgrid"))})
apikeys.create_index("name")
list(apikeys.list_indexes())

client.close()
server.stop()
logfile.flush()
S.save()
