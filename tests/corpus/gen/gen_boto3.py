"""boto3/botocore DEBUG logging against a real moto server (DynamoDB + S3 presign)."""
import json
import logging
import os
import subprocess
import sys
import time
import uuid
import urllib.request

import common as c

NAME = "boto3_dynamodb"
S = c.Secrets(NAME)
port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server.stderr"), "w")
server = subprocess.Popen(
    [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
    stdout=moto_log, stderr=subprocess.STDOUT,
)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.2)

    import boto3
    import botocore

    logfile = open(c.raw_path(NAME), "w", newline="\n")
    # exactly what boto3.set_stream_logger('', logging.DEBUG) does, but into our file
    boto3.set_stream_logger("", logging.DEBUG)
    root = logging.getLogger("")
    for h in root.handlers:
        h.setStream(logfile)

    static_key = S.add(c.aws_access_key_id())
    static_secret = S.add(c.aws_secret_access_key())
    temp_key = S.add(c.aws_temp_access_key_id())
    temp_secret = S.add(c.aws_secret_access_key())
    temp_token = S.add(c.aws_session_token())

    sess_static = boto3.session.Session(aws_access_key_id=static_key, aws_secret_access_key=static_secret, region_name="us-east-1")
    # session credentials the way most deployments get them: from the environment
    os.environ["AWS_ACCESS_KEY_ID"] = temp_key
    os.environ["AWS_SECRET_ACCESS_KEY"] = temp_secret
    os.environ["AWS_SESSION_TOKEN"] = temp_token
    os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
    sess_env = boto3.session.Session()

    def user_item(i, leaky=True):
        uid = str(uuid.uuid4())
        item = {
            "user_id": {"S": uid},
            "email": {"S": "user%d@example.com" % i},
            "created_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "login_count": {"N": str(i * 3)},
        }
        if leaky:
            kind = i % 5
            if kind == 0:
                item["refresh_token"] = {"S": S.add(c.refresh_token())}
                item["access_token"] = {"S": S.add(c.opaque_token("ya29."))}
            elif kind == 1:
                item["password"] = {"S": S.add(c.password())}
                item["api_key"] = {"S": S.add(c.api_key())}
            elif kind == 2:
                item["oauth"] = {"M": {
                    "provider": {"S": "google"},
                    "refresh_token": {"S": S.add(c.refresh_token())},
                    "expires_in": {"N": "3599"},
                }}
            elif kind == 3:
                item["sessions"] = {"L": [
                    {"M": {"session_token": {"S": S.add(c.opaque_token())}, "device": {"S": "ios"}}},
                    {"M": {"session_token": {"S": S.add(c.opaque_token())}, "device": {"S": "web"}}},
                ]}
            else:
                item["api_keys"] = {"L": [{"S": S.add(c.api_key("stripe"))}, {"S": S.add(c.api_key("github"))}]}
                item["client_secret"] = {"S": S.add(c.rand(40, c.URLSAFE))}
        else:
            item["display_name"] = {"S": "User %d" % i}
            item["token_count"] = {"N": "5"}
            item["password_reset_sent"] = {"BOOL": False}
            item["next_token"] = {"NULL": True}
        return uid, item

    for label, sess in (("static", sess_static), ("env", sess_env)):
        ddb = sess.client("dynamodb", endpoint_url=endpoint)
        table = "users_" + label
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "user_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "user_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.describe_table(TableName=table)
        ids = []
        for i in range(14):
            uid, item = user_item(i, leaky=(i % 2 == 0))
            ids.append(uid)
            ddb.put_item(TableName=table, Item=item)
        for uid in ids[:6]:
            ddb.get_item(TableName=table, Key={"user_id": {"S": uid}})
        ddb.query(TableName=table, KeyConditionExpression="user_id = :u",
                  ExpressionAttributeValues={":u": {"S": ids[1]}})
        ddb.update_item(TableName=table, Key={"user_id": {"S": ids[2]}},
                        UpdateExpression="SET access_token = :t, refresh_token = :r",
                        ExpressionAttributeValues={":t": {"S": S.add(c.opaque_token("ya29."))},
                                                   ":r": {"S": S.add(c.refresh_token())}})
        ddb.update_item(TableName=table, Key={"user_id": {"S": ids[3]}},
                        UpdateExpression="SET login_count = login_count + :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})
        ddb.scan(TableName=table, Limit=3)
        ddb.list_tables()

    # a presigned S3 GET URL, handed to the express generator (it appears in access logs there)
    s3 = sess_env.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket="reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="reports", Key="2024/q3.csv", Body=b"a,b\n1,2\n")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "reports", "Key": "2024/q3.csv"}, ExpiresIn=900)
    s3v4 = boto3.session.Session(aws_access_key_id=static_key, aws_secret_access_key=static_secret).client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", config=botocore.config.Config(signature_version="s3v4"))
    url2 = s3v4.generate_presigned_url("get_object", Params={"Bucket": "reports", "Key": "2024/q3.csv"}, ExpiresIn=300)
    logging.getLogger("app").info("presigned url: %s", url)
    logging.getLogger("app").info("presigned url: %s", url2)
    import urllib.parse
    for u in (url, url2):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(u).query)
        for k in ("X-Amz-Signature", "Signature"):
            if k in q:
                S.add(q[k][0])
    logfile.flush()
    with open(os.path.join(c.OUT, "presigned.json"), "w") as f:
        json.dump({"urls": [url, url2], "secrets": S.values}, f)
finally:
    server.terminate()
    server.wait(10)
for sig in c.botocore_signatures(open(c.raw_path(NAME)).read()):
    S.add(sig)
S.save()
