"""boto3/botocore DEBUG logs against a real moto_server with DynamoDB items whose sensitive values are
nested: M in M, L of M, SS, B, a typed value inside another. First with a plain text formatter (what
`boto3.set_stream_logger('', logging.DEBUG)` prints), then the same kind of calls through
python-json-logger's JsonFormatter, so botocore's bytes reprs of the JSON bodies are JSON-escaped
once more; the app also logs items as structured `extra` fields and as deserialised Python values
(`Binary(b'…')`, `Decimal`, sets)."""
import base64
import logging
import os
import re
import secrets as pysecrets
import subprocess
import sys
import time
import urllib.request
import uuid

from pythonjsonlogger.json import JsonFormatter

import common as c

NAME = "dynamodb_nested"
S = c.Secrets(NAME)
logfile = open(c.raw_path(NAME), "w", newline="\n")

port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server_ddb.stderr"), "w")
server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                          stdout=moto_log, stderr=subprocess.STDOUT)


def plant_bytes(b):
    """A B (binary) attribute: the request params repr shows the bytes repr, the JSON body base64."""
    S.add(base64.b64encode(b).decode())
    r = repr(b)[2:-1]
    if len(r) >= 8:
        S.add(r)
    return b


def nested_item(i):
    uid = str(uuid.uuid4())
    ascii_key = ("whsec_" + c.rand(32)).encode()
    raw_key = pysecrets.token_bytes(24)
    item = {
        "user_id": {"S": uid},
        "created_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "profile": {"M": {"email": {"S": "user%d@example.com" % i}, "author": {"S": "self-service"},
                          "auth_method": {"S": "password"}, "session_count": {"N": str(i + 1)},
                          "password_reset_sent": {"BOOL": False}, "tags": {"SS": ["auth", "token", "beta"]}}},
        "credentials": {"M": {
            "login_password": {"S": S.add(c.password() if i % 2 else c.nasty_password())},
            "oauth": {"M": {"github": {"M": {"access_token": {"S": S.add(c.api_key("github"))},
                                              "refresh": {"S": S.add(c.refresh_token())},
                                              "scopes": {"SS": ["repo", "read:org"]},
                                              "token_type": {"S": "bearer"}, "expires_in": {"N": "28800"}}}}},
            "api_keys": {"L": [{"M": {"apiKey": {"S": S.add(c.api_key("stripe"))}, "label": {"S": "billing"}, "primary_key": {"BOOL": True}}},
                               {"M": {"apiKey": {"S": S.add(c.api_key("openai"))}, "label": {"S": "llm"}, "max_tokens": {"N": "4096"}}}]},
            "backup_codes": {"SS": [S.add(c.rand(10, c.LOW + c.DIG)) for _ in range(3)]},
            "webhook_secret": {"B": plant_bytes(ascii_key)},
            "hmac_key": {"B": plant_bytes(raw_key)},
            "recovery": {"L": [{"S": S.add(c.human_password())}, {"M": {"token2": {"S": S.add(c.opaque_token())},
                                                                       "clientSecret": {"S": S.add(c.rand(40, c.URLSAFE))}}}]},
            "device": {"M": {"push_token": {"S": S.add(c.rand(64, c.URLSAFE))}, "device_secret": {"S": S.add(c.rand(32))},
                             "platform": {"S": "ios"}}},
        }},
        "integrations": {"L": [{"M": {"name": {"S": "stripe"}, "config": {"M": {"stripeSecretKey": {"S": S.add(c.api_key("stripe"))},
                                                                                "db_pass": {"S": S.add(c.password())}}}}},
                               {"M": {"name": {"S": "partner"}, "headers": {"M": {"X-Partner-Key": {"S": S.add(c.rand(40, c.URLSAFE))},
                                                                                  "CSRF_COOKIE": {"S": S.add(c.rand(43, c.URLSAFE))}}}}}]},
        "settings": {"M": {"tokenizer_name": {"S": "cl100k_base"}, "token_count": {"N": "0"}, "sort_key": {"S": "created_at"},
                           "todo_secret_do_not_commit": {"S": S.add(c.rand(32))}, "PRIVATE_KEY": {"S": S.add(c.rand(44, c.B64))},
                           "MONGO_NO_AUTH": {"S": "mongodb://mongo.internal:27017"}, "password": {"NULL": True},
                           "token": {"S": "[FILTERED]"}}},
    }
    return uid, item


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    import boto3
    from boto3.dynamodb.types import Binary

    # phase 1: plain text, exactly boto3.set_stream_logger('', logging.DEBUG)'s format
    boto3.set_stream_logger("", logging.DEBUG)
    root = logging.getLogger("")
    for h in root.handlers:
        h.setStream(logfile)
    for n in ("botocore.hooks", "botocore.loaders", "botocore.credentials", "botocore.utils", "botocore.regions",
              "botocore.configprovider", "urllib3.connectionpool", "botocore.httpchecksum"):
        logging.getLogger(n).setLevel(logging.INFO)  # keep the request/response/auth records, not the event chatter
    app = logging.getLogger("app.users")

    akid = S.add(c.aws_access_key_id())
    secret = S.add(c.aws_secret_access_key())
    sess = boto3.session.Session(aws_access_key_id=akid, aws_secret_access_key=secret, region_name="eu-central-1")
    ddb = sess.client("dynamodb", endpoint_url=endpoint)
    ddb.create_table(TableName="accounts", KeySchema=[{"AttributeName": "user_id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "user_id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    ids = []
    for i in range(3):
        uid, item = nested_item(i)
        ids.append(uid)
        ddb.put_item(TableName="accounts", Item=item)
    ddb.get_item(TableName="accounts", Key={"user_id": {"S": ids[0]}})
    ddb.update_item(TableName="accounts", Key={"user_id": {"S": ids[1]}},
                    UpdateExpression="SET credentials.device = :d, settings.token_count = :n",
                    ExpressionAttributeValues={":d": {"M": {"push_token": {"S": S.add(c.rand(64, c.URLSAFE))},
                                                            "device_secret": {"S": S.add(c.rand(32))}}},
                                               ":n": {"N": "1"}})
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "accounts", "Item": nested_item(9)[1]}}])
    ddb.batch_write_item(RequestItems={"accounts": [{"PutRequest": {"Item": nested_item(10 + k)[1]}} for k in range(2)]})
    ddb.scan(TableName="accounts", Limit=2, FilterExpression="profile.auth_method = :m",
             ExpressionAttributeValues={":m": {"S": "password"}})

    # resource layer: Python types serialised by boto3 (sets, Binary, Decimal)
    table = sess.resource("dynamodb", endpoint_url=endpoint).Table("accounts")
    table.put_item(Item={"user_id": str(uuid.uuid4()), "api_tokens": {S.add(c.opaque_token()), S.add(c.opaque_token())},
                         "signing_key": Binary(plant_bytes(("sk_" + c.rand(30)).encode())),
                         "oauth": {"google": {"refresh_token": S.add(c.refresh_token()), "expires_in": 3599}},
                         "token_count": 3, "auth_provider": "google"})
    got = table.get_item(Key={"user_id": ids[2]})["Item"]
    app.info("loaded account %s: %r", ids[2], got)
    app.info("account keys: %s, token_count=%s, auth_method=%s", sorted(got), got["settings"]["token_count"],
             got["profile"]["auth_method"])
    logfile.flush()

    # phase 2: the same kind of calls through python-json-logger (one JSON object per record)
    for h in list(root.handlers):
        root.removeHandler(h)
    jh = logging.StreamHandler(logfile)
    jh.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level"}))
    root.addHandler(jh)
    ddb2 = sess.client("dynamodb", endpoint_url=endpoint)
    uid, item = nested_item(20)
    ddb2.put_item(TableName="accounts", Item=item)
    ddb2.get_item(TableName="accounts", Key={"user_id": {"S": uid}}, ProjectionExpression="credentials")
    ddb2.query(TableName="accounts", KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": {"S": uid}})
    app.info("stored account", extra={"user_id": uid, "item": item})
    app.info("password reset email sent", extra={"user_id": uid, "password_reset_sent": True, "token_count": 0})
    app.warning("jwt expired", extra={"auth_method": "jwt", "token_type": "Bearer", "author": "token_service"})
    ddb2.batch_get_item(RequestItems={"accounts": {"Keys": [{"user_id": {"S": ids[1]}}, {"user_id": {"S": ids[2]}}],
                                                   "ProjectionExpression": "user_id, credentials.device, integrations"}})
    ddb2.update_item(TableName="accounts", Key={"user_id": {"S": uid}}, ReturnValues="ALL_NEW",
                     UpdateExpression="SET credentials.oauth.github.refresh = :r",
                     ExpressionAttributeValues={":r": {"S": S.add(c.refresh_token())}})
    ddb2.delete_item(TableName="accounts", Key={"user_id": {"S": ids[0]}})
    logfile.flush()
finally:
    server.terminate()
    server.wait(10)

raw = open(c.raw_path(NAME)).read()
for sig in re.findall(r"Signature=([0-9a-f]{64})", raw):
    S.add(sig)
for sig in re.findall(r"\[DEBUG\] Signature:\n([0-9a-f]{64})\n", raw):
    S.add(sig)
for sig in re.findall(r"Signature:\\n([0-9a-f]{64})", raw):
    S.add(sig)
S.save()
