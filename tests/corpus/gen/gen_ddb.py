"""Issue 11, classes 1 and 2: DynamoDB expressions, PartiQL and credentials inside key values.

boto3/botocore at DEBUG against a real moto_server; then the AWS SDK for JavaScript v3
(gen_ddb_js.js) against the same server. Three stacks:
  ddb_expressions   UpdateExpression / ConditionExpression / KeyConditionExpression /
                    FilterExpression binding sensitive attributes, ExpressionAttributeNames,
                    PartiQL ExecuteStatement / BatchExecuteStatement (+ Parameters); the app logs the
                    params dict it passes (Python repr); a second part goes through a structured JSON
                    logger (python-json-logger) so the botocore lines are JSON-escaped once more.
  ddb_keys          single-table design: SESSION#/TOKEN#/APIKEY#/RESET#/REFRESH# + secret in
                    PK/SK/GSI1PK, typed (client) and plain (boto3 Table resource), in items, keys,
                    conditions and ConditionalCheckFailedException (ReturnValuesOnConditionCheckFailure).
  awssdk_js_dynamodb  written by gen_ddb_js.js (secrets shared through out/ddb_js.secrets.json).
"""
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid

import common as c

port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server_ddb.stderr"), "w")
server = subprocess.Popen(
    [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
    stdout=moto_log, stderr=subprocess.STDOUT,
)


def wait_up():
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            return
        except Exception:
            time.sleep(0.2)


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def pbkdf2():
    # a Django password hash; the salt$hash part is the secret, the algorithm and iterations are not
    salt_hash = S.add(c.rand(22) + "$" + c.rand(43, c.ALNUM + "+/") + "=")
    return "pbkdf2_sha256$870000$" + salt_hash


def sigs_from(path, S):
    raw = open(path).read()
    for sig in re.findall(r"Signature=([0-9a-f]{64})", raw):
        S.add(sig)
    for sig in re.findall(r"\[DEBUG\] Signature:\n([0-9a-f]{64})\n", raw):
        S.add(sig)


try:
    wait_up()
    import boto3
    import botocore.exceptions
    from boto3.dynamodb.conditions import Attr, Key
    from pythonjsonlogger.json import JsonFormatter

    root = logging.getLogger("")
    root.setLevel(logging.INFO)
    app = logging.getLogger("app.repo")
    app.setLevel(logging.DEBUG)
    # the requests (params incl. the body) and the responses; botocore.hooks/regions/retries and
    # urllib3 stay at INFO (they say nothing about the data and would be 40 % of the file)
    DEBUG_LOGGERS = ["botocore.endpoint", "botocore.parsers"]
    for n in DEBUG_LOGGERS:
        logging.getLogger(n).setLevel(logging.DEBUG)

    def plain_handler(path):
        h = logging.StreamHandler(open(path, "w", newline="\n"))
        # boto3.set_stream_logger's own format
        h.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
        return h

    # ------------------------------------------------------------------ ddb_expressions
    NAME = "ddb_expressions"
    S = c.Secrets(NAME)
    h = plain_handler(c.raw_path(NAME))
    root.addHandler(h)
    key_id, key_secret = S.add(c.aws_access_key_id()), S.add(c.aws_secret_access_key())
    sess = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=key_secret, region_name="us-east-1")
    ddb = sess.client("dynamodb", endpoint_url=endpoint)
    ddb.create_table(TableName="users", KeySchema=[{"AttributeName": "user_id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "user_id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    ddb.create_table(TableName="api_clients", KeySchema=[{"AttributeName": "client_id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "client_id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    uids = [str(uuid.uuid4()) for _ in range(8)]
    for i, uid in enumerate(uids):
        ddb.put_item(TableName="users", Item={"user_id": {"S": uid}, "email": {"S": "user%d@example.com" % i},
                                              "tier": {"S": ["free", "pro"][i % 2]}, "login_count": {"N": str(i)}})

    def call(op, **params):
        app.debug("dynamodb.%s params=%s", op, params)
        try:
            return getattr(ddb, op)(**params)
        except botocore.exceptions.ClientError as e:
            app.warning("dynamodb.%s failed: %s", op, e)
            app.debug("error response: %s", e.response)

    # sensitive attribute bound to a placeholder, placeholder named after or before the expression
    for i, uid in enumerate(uids[:4]):
        rt = S.add(c.refresh_token())
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET refresh_token = :rt, updated_at = :now",
             ExpressionAttributeValues={":rt": {"S": rt}, ":now": {"S": now()}})
        # the same update written with the values first (dict order is what the app builds)
        st = S.add(c.opaque_token())
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             ExpressionAttributeValues={":now": {"S": now()}, ":st": {"S": st}},
             UpdateExpression="SET updated_at = :now, session_token = :st")
    # #t = :v with ExpressionAttributeNames
    for uid in uids[4:7]:
        k = S.add(c.api_key())
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET #t = :v, #u = :now", ExpressionAttributeNames={"#t": "api_key", "#u": "updated_at"},
             ExpressionAttributeValues={":v": {"S": k}, ":now": {"S": now()}}, ReturnValues="UPDATED_NEW")
    pw_hash = pbkdf2()
    call("update_item", TableName="users", Key={"user_id": {"S": uids[7]}},
         UpdateExpression="SET password_hash = :h REMOVE reset_token", ExpressionAttributeValues={":h": {"S": pw_hash}})
    # conditions binding sensitive attributes
    for uid in uids[:3]:
        old, new = S.add(c.refresh_token()), S.add(c.refresh_token())
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET refresh_token = :new", ConditionExpression="refresh_token = :old",
             ExpressionAttributeValues={":old": {"S": old}, ":new": {"S": new}})
    call("put_item", TableName="api_clients",
         Item={"client_id": {"S": "cli_" + uuid.uuid4().hex[:12]}, "name": {"S": "billing-sync"},
               "client_secret": {"S": S.add(c.rand(48, c.URLSAFE))}},
         ConditionExpression="attribute_not_exists(client_id)")
    cs = S.add(c.rand(40, c.URLSAFE))
    call("scan", TableName="api_clients", FilterExpression="client_secret = :cs", ExpressionAttributeValues={":cs": {"S": cs}})
    ak = S.add(c.api_key("stripe"))
    call("scan", TableName="users", FilterExpression="#k = :key AND tier = :p",
         ExpressionAttributeNames={"#k": "api_key"}, ExpressionAttributeValues={":key": {"S": ak}, ":p": {"S": "pro"}})
    ddb.create_table(TableName="sessions", KeySchema=[{"AttributeName": "session_token", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "session_token", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for _ in range(2):
        tok = S.add(c.rand(43, c.URLSAFE))
        call("query", TableName="sessions", KeyConditionExpression="session_token = :t", ExpressionAttributeValues={":t": {"S": tok}})
    tok = S.add(c.rand(43, c.URLSAFE))
    call("query", TableName="sessions", KeyConditionExpression="#pk = :pk",
         ExpressionAttributeNames={"#pk": "session_token"}, ExpressionAttributeValues={":pk": {"S": tok}})
    # clean look-alikes: non-sensitive expressions and placeholders
    for uid in uids:
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET updated_at = :now, login_count = login_count + :one",
             ExpressionAttributeValues={":now": {"S": now()}, ":one": {"N": "1"}})
    for uid in uids[:4]:
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET #s = :s, #t = :t", ExpressionAttributeNames={"#s": "status", "#t": "token_count"},
             ExpressionAttributeValues={":s": {"S": "active"}, ":t": {"N": "5"}}, ConditionExpression="attribute_exists(user_id)")
    call("query", TableName="users", KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": {"S": uids[2]}})
    call("scan", TableName="users", FilterExpression="tier = :p AND login_count > :n",
         ExpressionAttributeValues={":p": {"S": "pro"}, ":n": {"N": "2"}})
    call("update_item", TableName="users", Key={"user_id": {"S": uids[0]}},
         UpdateExpression="SET refresh_token_rotated_at = :now, password_changed = :f",
         ExpressionAttributeValues={":now": {"S": now()}, ":f": {"BOOL": True}})
    call("update_item", TableName="users", Key={"user_id": {"S": uids[1]}}, UpdateExpression="REMOVE session_token, refresh_token")
    # PartiQL
    for uid in uids[:3]:
        st = S.add(c.opaque_token())
        call("execute_statement", Statement="UPDATE \"users\" SET \"session_token\" = '%s' WHERE \"user_id\" = '%s'" % (st, uid))
        k = S.add(c.api_key())
        call("execute_statement", Statement="UPDATE \"users\" SET \"api_key\" = ? WHERE \"user_id\" = ?",
             Parameters=[{"S": k}, {"S": uid}])
    rt = S.add(c.refresh_token())
    call("execute_statement", Statement="SELECT * FROM \"users\" WHERE \"refresh_token\" = '%s'" % rt)
    call("execute_statement", Statement="INSERT INTO \"sessions\" VALUE {'session_token': '%s', 'user_id': '%s', 'expires_at': %d}"
         % (S.add(c.rand(43, c.URLSAFE)), uids[3], int(time.time()) + 3600))
    call("batch_execute_statement", Statements=[
        {"Statement": "UPDATE \"users\" SET \"refresh_token\" = '%s' WHERE \"user_id\" = '%s'" % (S.add(c.refresh_token()), uids[4])},
        {"Statement": "UPDATE \"users\" SET \"password_hash\" = ? WHERE \"user_id\" = ?",
         "Parameters": [{"S": pbkdf2()}, {"S": uids[5]}]},
        {"Statement": "UPDATE \"users\" SET \"status\" = 'active' WHERE \"user_id\" = '%s'" % uids[6]},
    ])
    # clean PartiQL
    call("execute_statement", Statement="SELECT \"email\", \"tier\" FROM \"users\" WHERE \"user_id\" = '%s'" % uids[1])
    call("execute_statement", Statement="UPDATE \"users\" SET \"tier\" = ? WHERE \"user_id\" = ?",
         Parameters=[{"S": "pro"}, {"S": uids[2]}])
    call("execute_statement", Statement="UPDATE \"users\" SET \"status\" = 'idle' WHERE \"user_id\" = '%s'" % uids[3])
    # boto3 Table resource: conditions objects become #n0/:v0 placeholders
    table = sess.resource("dynamodb", endpoint_url=endpoint).Table("users")
    rt = S.add(c.refresh_token())
    app.debug("table.update_item refresh for %s", uids[0])
    table.update_item(Key={"user_id": uids[0]}, UpdateExpression="SET refresh_token = :rt",
                      ExpressionAttributeValues={":rt": rt})
    k = S.add(c.api_key("github"))
    table.scan(FilterExpression=Attr("api_key").eq(k) & Attr("tier").eq("pro"))
    table.scan(FilterExpression=Attr("tier").eq("free") & Attr("login_count").gt(3))
    root.removeHandler(h)
    h.stream.close()

    # ------------------------------------------------------------------ same calls, JSON logger
    jh = logging.StreamHandler(open(c.raw_path(NAME), "a", newline="\n"))
    jh.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(jh)
    for uid in uids[:3]:
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET refresh_token = :rt, updated_at = :now",
             ExpressionAttributeValues={":rt": {"S": S.add(c.refresh_token())}, ":now": {"S": now()}})
        call("update_item", TableName="users", Key={"user_id": {"S": uid}},
             UpdateExpression="SET updated_at = :now, login_count = login_count + :one",
             ExpressionAttributeValues={":now": {"S": now()}, ":one": {"N": "1"}})
    call("update_item", TableName="users", Key={"user_id": {"S": uids[5]}},
         UpdateExpression="SET #t = :v", ExpressionAttributeNames={"#t": "api_key"},
         ExpressionAttributeValues={":v": {"S": S.add(c.api_key())}})
    call("execute_statement", Statement="UPDATE \"users\" SET \"session_token\" = '%s' WHERE \"user_id\" = '%s'" % (S.add(c.opaque_token()), uids[6]))
    root.removeHandler(jh)
    jh.stream.close()
    sigs_from(c.raw_path(NAME), S)
    S.save()

    # ------------------------------------------------------------------ ddb_keys
    NAME = "ddb_keys"
    S = c.Secrets(NAME)
    h = plain_handler(c.raw_path(NAME))
    root.addHandler(h)
    os.environ.update(AWS_ACCESS_KEY_ID=S.add(c.aws_temp_access_key_id()), AWS_SECRET_ACCESS_KEY=S.add(c.aws_secret_access_key()),
                      AWS_SESSION_TOKEN=S.add(c.aws_session_token()), AWS_DEFAULT_REGION="eu-west-1")
    sess = boto3.session.Session()
    ddb = sess.client("dynamodb", endpoint_url=endpoint)
    ddb.create_table(
        TableName="app", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "GSI1PK", "GSI1SK")],
        GlobalSecondaryIndexes=[{"IndexName": "GSI1", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"}, {"AttributeName": "GSI1SK", "KeyType": "RANGE"}]}])

    def kcall(op, **params):
        app.debug("dynamodb.%s %s", op, params)
        try:
            return getattr(ddb, op)(**params)
        except botocore.exceptions.ClientError as e:
            app.warning("dynamodb.%s failed: %s", op, e)
            app.info("error response: %s", e.response)

    users = [(42 + i, n) for i, n in enumerate(["bob", "alice", "carol", "dave", "erin", "frank"])]
    for uid, name in users:
        kcall("put_item", TableName="app", Item={"PK": {"S": "USER#%d" % uid}, "SK": {"S": "PROFILE#%s" % name},
                                                 "email": {"S": "%s@example.com" % name}, "created_at": {"S": now()}})
        kcall("put_item", TableName="app", Item={"PK": {"S": "USER#%d" % uid}, "SK": {"S": "ORDER#2024-11-%02d#%s" % (uid % 28 + 1, uuid.uuid4().hex[:8])},
                                                 "total": {"N": "%d.99" % uid}, "GSI1PK": {"S": "ORDER#2024-11"}, "GSI1SK": {"S": "USER#%d" % uid}})
    sessions = []
    for uid, name in users:
        sid = S.add(c.rand(32, c.LOW + c.DIG))
        sessions.append((uid, sid))
        kcall("put_item", TableName="app", Item={"PK": {"S": "SESSION#%s" % sid}, "SK": {"S": "USER#%d" % uid},
                                                 "GSI1PK": {"S": "USER#%d" % uid}, "GSI1SK": {"S": "SESSION#%s" % sid},
                                                 "expires_at": {"N": str(int(time.time()) + 86400)}, "ip": {"S": "203.0.113.%d" % uid}},
              ConditionExpression="attribute_not_exists(PK)")
    for uid, name in users[:4]:
        tok = S.add(c.opaque_token())
        kcall("put_item", TableName="app", Item={"PK": {"S": "USER#%d" % uid}, "SK": {"S": "TOKEN#%s" % tok},
                                                 "scope": {"S": "read write"}, "GSI1PK": {"S": "TOKEN#%s" % tok}, "GSI1SK": {"S": "USER#%d" % uid}})
        key = S.add(c.api_key())
        kcall("put_item", TableName="app", Item={"PK": {"S": "APIKEY#%s" % key}, "SK": {"S": "USER#%d" % uid},
                                                 "name": {"S": "ci-%s" % name}, "created_at": {"S": now()}})
    for uid, name in users[2:5]:
        rs = S.add(c.rand(c.random_len(24, 40), c.URLSAFE))
        kcall("put_item", TableName="app", Item={"PK": {"S": "RESET#%s" % rs}, "SK": {"S": "USER#%d" % uid},
                                                 "ttl": {"N": str(int(time.time()) + 3600)}})
        rf = S.add(c.refresh_token())
        kcall("put_item", TableName="app", Item={"PK": {"S": "USER#%d" % uid}, "SK": {"S": "REFRESH#%s" % rf},
                                                 "GSI1PK": {"S": "REFRESH#%s" % rf}, "GSI1SK": {"S": "USER#%d" % uid},
                                                 "device": {"S": "ios"}})
    for uid, sid in sessions[:4]:
        kcall("get_item", TableName="app", Key={"PK": {"S": "SESSION#%s" % sid}, "SK": {"S": "USER#%d" % uid}})
    for uid, name in users[:3]:
        kcall("get_item", TableName="app", Key={"PK": {"S": "USER#%d" % uid}, "SK": {"S": "PROFILE#%s" % name}})
        kcall("query", TableName="app", KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
              ExpressionAttributeValues={":pk": {"S": "USER#%d" % uid}, ":sk": {"S": "ORDER#2024-"}})
    kcall("query", TableName="app", IndexName="GSI1", KeyConditionExpression="GSI1PK = :pk",
          ExpressionAttributeValues={":pk": {"S": "ORDER#2024-11"}})
    for uid, sid in sessions[4:]:
        kcall("query", TableName="app", KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "SESSION#%s" % sid}})
    kcall("query", TableName="app", IndexName="GSI1", KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI1SK, :sk)",
          ExpressionAttributeValues={":pk": {"S": "USER#%d" % users[0][0]}, ":sk": {"S": "SESSION#"}})
    # a second login reusing the session id: the conditional put fails and returns the old item
    uid, sid = sessions[1]
    kcall("put_item", TableName="app", Item={"PK": {"S": "SESSION#%s" % sid}, "SK": {"S": "USER#%d" % uid},
                                             "expires_at": {"N": str(int(time.time()) + 86400)}},
          ConditionExpression="attribute_not_exists(PK)", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    uid, sid = sessions[2]
    kcall("delete_item", TableName="app", Key={"PK": {"S": "SESSION#%s" % sid}, "SK": {"S": "USER#%d" % uid}},
          ConditionExpression="expires_at < :now", ExpressionAttributeValues={":now": {"N": str(int(time.time()))}},
          ReturnValuesOnConditionCheckFailure="ALL_OLD")
    uid, name = users[0]
    kcall("update_item", TableName="app", Key={"PK": {"S": "USER#%d" % uid}, "SK": {"S": "PROFILE#%s" % name}},
          UpdateExpression="SET email = :e", ConditionExpression="attribute_not_exists(deleted_at)",
          ExpressionAttributeValues={":e": {"S": "%s+new@example.com" % name}})
    kcall("transact_write_items", TransactItems=[
        {"Put": {"TableName": "app", "Item": {"PK": {"S": "SESSION#%s" % sessions[3][1]}, "SK": {"S": "USER#%d" % sessions[3][0]}},
                 "ConditionExpression": "attribute_not_exists(PK)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        {"Update": {"TableName": "app", "Key": {"PK": {"S": "USER#%d" % sessions[3][0]}, "SK": {"S": "PROFILE#%s" % users[3][1]}},
                    "UpdateExpression": "SET last_login = :now", "ExpressionAttributeValues": {":now": {"S": now()}}}}])
    kcall("delete_item", TableName="app", Key={"PK": {"S": "USER#%d" % users[5][0]}, "SK": {"S": "PROFILE#%s" % users[5][1]}})
    # document API (plain values) through the Table resource
    table = sess.resource("dynamodb", endpoint_url=endpoint).Table("app")
    for uid, name in users[:3]:
        sid = S.add(c.rand(40, c.URLSAFE))
        item = {"PK": "SESSION#%s" % sid, "SK": "USER#%d" % uid, "GSI1PK": "USER#%d" % uid, "GSI1SK": "SESSION#%s" % sid,
                "expires_at": int(time.time()) + 600}
        app.info("creating session item %s", item)
        table.put_item(Item=item)
        table.get_item(Key={"PK": "SESSION#%s" % sid, "SK": "USER#%d" % uid})
        table.query(KeyConditionExpression=Key("GSI1PK").eq("USER#%d" % uid) & Key("GSI1SK").begins_with("SESSION#"), IndexName="GSI1")
    key = S.add(c.api_key("openai"))
    table.query(KeyConditionExpression=Key("PK").eq("APIKEY#%s" % key))
    table.query(KeyConditionExpression=Key("PK").eq("USER#%d" % users[1][0]) & Key("SK").begins_with("ORDER#2024-11"))
    table.get_item(Key={"PK": "USER#%d" % users[2][0], "SK": "PROFILE#%s" % users[2][1]})
    try:
        table.put_item(Item={"PK": "SESSION#%s" % sessions[0][1], "SK": "USER#%d" % sessions[0][0]},
                       ConditionExpression=Attr("PK").not_exists(), ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except botocore.exceptions.ClientError as e:
        app.error("session collision: %s item=%s", e, e.response.get("Item"))
    root.removeHandler(h)
    h.stream.close()
    sigs_from(c.raw_path(NAME), S)
    S.save()

    # ------------------------------------------------------------------ AWS SDK for JavaScript v3
    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST")).read()
    env = dict(os.environ, DDB_ENDPOINT=endpoint)
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(k, None)
    with open(c.raw_path("awssdk_js_dynamodb"), "wb") as out:
        subprocess.run(["node", "gen_ddb_js.js"], cwd=c.HERE, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
finally:
    server.terminate()
    server.wait(10)
