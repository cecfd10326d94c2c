"""JSON escaped two and three levels deep, printed by real software:
- pymongo's structured command log (JSON whose `command` is a JSON string) of documents that hold a
  JSON string holding JSON (pymongo against gen/fake_mongod.py);
- SNS -> SQS fan-out on a real moto_server: the SQS message Body is the SNS envelope (JSON) whose
  `Message` is the app's JSON: botocore's DEBUG `Response body: b'…'` of ReceiveMessage, the app
  logging the Lambda-style event it builds from it through a JSON formatter (4 levels);
- an app's JSON logger (stdlib logging + json.dumps) logging events whose payload is JSON again;
- pino (gen_json_nested.js) messages that are JSON.stringify of objects holding JSON strings.
Values hold quotes, backslashes, {}()[]<>$#@ and non-ASCII letters (\\u escapes)."""
import datetime
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid

os.environ["MONGODB_LOG_MAX_DOCUMENT_LENGTH"] = "20000"

import common as c
from fake_mongod import FakeMongod

NAME = "json_nested"
S = c.Secrets(NAME)
logfile = c.start_log(NAME, "%(asctime)s %(levelname)s [%(name)s] %(message)s", level=logging.INFO)
root = logging.getLogger()


class JsonLineFormatter(logging.Formatter):
    """The usual hand-rolled JSON formatter: json.dumps of a dict per record."""

    def format(self, record):
        d = {"ts": self.formatTime(record), "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        for k in ("event", "payload", "ctx"):
            if hasattr(record, k):
                d[k] = getattr(record, k)
        return json.dumps(d)


# ------------------------------------------------------------------ pymongo structured command log
import pymongo
from bson import ObjectId

logging.getLogger("pymongo.command").setLevel(logging.DEBUG)
server = FakeMongod().start()
client = pymongo.MongoClient("127.0.0.1", server.port, directConnection=True, serverSelectionTimeoutMS=5000)
db = client["app"]
db.command("ping")
for i in range(24):
    innermost = json.dumps({"apiKey": S.add(c.api_key()), "db_pass": S.add(c.nasty_password()), "auth_method": "key"})
    payload = json.dumps({"integration": "partner-%d" % i, "config": innermost, "clientSecret": S.add(c.rand(40, c.URLSAFE)),
                          "token_count": i})
    doc = {"_id": ObjectId(), "type": "integration.saved", "payload": payload, "created_at": datetime.datetime(2024, 6, 1, 12, i)}
    if i % 2:
        doc["headers"] = json.dumps({"X-Partner-Key": S.add(c.rand(40, c.URLSAFE)), "Authorization": "Bearer " + S.add(c.opaque_token()),
                                     "X-Request-Id": str(uuid.uuid4())})
    db["webhook_events"].insert_one(doc)
for i in range(40):
    db["webhook_events"].insert_one({"_id": ObjectId(), "type": "page.view", "trace_id": uuid.uuid4().hex,
                                     "payload": json.dumps({"path": "/docs/%d" % i, "tokenizer_name": "cl100k_base",
                                                            "max_tokens": 4096, "sort_key": "ts", "password": None,
                                                            "api_key": "[FILTERED]"})})
db["webhook_events"].find_one({"type": "integration.saved"})
db["webhook_events"].update_one({"type": "integration.saved"},
                                {"$set": {"payload": json.dumps({"refresh": S.add(c.refresh_token()), "config": json.dumps(
                                    {"PRIVATE_KEY": S.add(c.rand(44, c.B64)), "login_password": S.add(c.nasty_password())})})}})
client.close()
server.stop()
logging.getLogger("pymongo.command").setLevel(logging.WARNING)
logfile.flush()

# ------------------------------------------------------------------ SNS -> SQS on moto_server
port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server_json.stderr"), "w")
moto = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                        stdout=moto_log, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    import boto3

    sess = boto3.session.Session(aws_access_key_id=S.add(c.aws_access_key_id()), aws_secret_access_key=S.add(c.aws_secret_access_key()),
                                 region_name="us-east-1")
    sns = sess.client("sns", endpoint_url=endpoint)
    sqs = sess.client("sqs", endpoint_url=endpoint)
    topic = sns.create_topic(Name="user-events")["TopicArn"]
    qurl = sqs.create_queue(QueueName="user-events-worker")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=qurl, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn)
    for i in range(3):
        msg = json.dumps({"event": "user.credentials.updated", "user": "u%d" % i,
                          "data": json.dumps({"push_token": S.add(c.rand(64, c.URLSAFE)), "device_secret": S.add(c.rand(32)),
                                              "stripeSecretKey": S.add(c.api_key("stripe")), "note": "é ß {}()[]<>$#@ \"q\" \\"})})
        sns.publish(TopicArn=topic, Message=msg, Subject="credentials")
    sns.publish(TopicArn=topic, Message=json.dumps({"event": "password reset email sent", "data": json.dumps({"password_reset_sent": True})}))

    # only the parsed response bodies, as an app debugging its consumer would enable them
    ph = logging.StreamHandler(logfile)
    ph.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    bp = logging.getLogger("botocore.parsers")
    bp.addHandler(ph)
    bp.setLevel(logging.DEBUG)
    bp.propagate = False
    got = sqs.receive_message(QueueUrl=qurl, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    bp.removeHandler(ph)
    bp.propagate = True
    bp.setLevel(logging.WARNING)

    jh = logging.StreamHandler(logfile)
    jh.setFormatter(JsonLineFormatter())
    root.handlers[:] = [jh]
    worker = logging.getLogger("worker.lambda")
    event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                          "eventSource": "aws:sqs", "eventSourceARN": qarn} for m in got.get("Messages", [])]}
    worker.info("received event %s", json.dumps(event))
    for rec in event["Records"]:
        worker.debug("processing record", extra={"event": rec["body"], "ctx": {"aws_request_id": str(uuid.uuid4())}})
finally:
    moto.terminate()
    moto.wait(10)

# ------------------------------------------------------------------ app JSON logger, payload JSON in JSON (3 levels)
app = logging.getLogger("billing.events")
for i in range(60):
    if i % 4 == 0:
        deep = json.dumps({"card": {"brand": "visa", "last4": "4242"}, "secret": S.add(c.nasty_password()),
                           "refresh": S.add(c.refresh_token())})
        payload = json.dumps({"id": "evt_%s" % c.rand(24), "object": "event", "data": deep, "apiKey": S.add(c.api_key("stripe"))})
        app.info("webhook accepted", extra={"event": "stripe.webhook", "payload": payload})
        app.info("forwarding %s", json.dumps({"topic": "billing", "message": payload}))
    else:
        payload = json.dumps({"id": "evt_%s" % c.rand(24), "data": json.dumps({"token_count": i, "max_tokens": 4096,
                                                                                "auth_provider": "stripe", "token": None,
                                                                                "password": "", "session_count": i})})
        app.info("webhook accepted", extra={"event": "stripe.webhook", "payload": payload})
app.warning("retry with api_token: %s", S.add(c.opaque_token()))
app.info("%s", json.dumps({"msg": "config", "value": json.dumps({"msg": "inner", "value": json.dumps(
    {"todo_secret_do_not_commit": S.add(c.rand(32)), "token2": S.add(c.opaque_token()), "author": "ops"})})}))
logfile.flush()

# ------------------------------------------------------------------ pino (node)
node_secrets = {"apiKey": S.add(c.api_key("openai")), "clientSecret": S.add(c.rand(48, c.URLSAFE)), "nasty": S.add(c.nasty_password()),
                "nasty2": S.add(c.nasty_password()), "token": S.add(c.opaque_token()), "partner": S.add(c.rand(40, c.URLSAFE)),
                "csrf": S.add(c.rand(43, c.URLSAFE)), "refresh": [S.add(c.refresh_token()) for _ in range(5)],
                "token2": [S.add(c.opaque_token()) for _ in range(5)]}
out = subprocess.run(["node", "gen_json_nested.js"], cwd=c.HERE, env=dict(os.environ, SCRUBD_NESTED=json.dumps(node_secrets)),
                     stdout=subprocess.PIPE, check=True).stdout.decode()
logfile.write(out)
logfile.close()
S.save()
