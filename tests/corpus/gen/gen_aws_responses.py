"""Issue 11, class 5: credentials in AWS response bodies, boto3/botocore DEBUG against moto_server.

STS AssumeRole / GetSessionToken / AssumeRoleWithWebIdentity and IAM CreateAccessKey return XML with
<SecretAccessKey>/<SessionToken>; Secrets Manager GetSecretValue returns SecretString (escaped JSON
with credentials) or SecretBinary; SSM GetParameter(WithDecryption) returns the SecureString value.
moto generates the STS/IAM credentials itself: they are taken from the parsed responses and labelled.
Clean look-alikes: DescribeSecret, ListSecrets, GetCallerIdentity, String parameters, ARNs with 'secret'.
"""
import base64
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request

import jwt

import common as c

NAME = "boto3_aws_responses"
S = c.Secrets(NAME)
port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server_responses.stderr"), "w")
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
    import botocore.exceptions

    root = logging.getLogger("")
    root.setLevel(logging.INFO)
    h = logging.StreamHandler(open(c.raw_path(NAME), "w", newline="\n"))
    h.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    root.addHandler(h)
    for n in ("botocore.endpoint", "botocore.parsers"):
        logging.getLogger(n).setLevel(logging.DEBUG)
    log = logging.getLogger("app.credentials")
    log.setLevel(logging.DEBUG)

    key_id, key_secret = S.add(c.aws_access_key_id()), S.add(c.aws_secret_access_key())
    sess = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=key_secret, region_name="us-east-1")
    cl = lambda svc: sess.client(svc, endpoint_url=endpoint)

    def creds(d):
        for k in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
            if d.get(k):
                S.add(d[k])

    # ---------------------------------------------------------------- STS
    sts = cl("sts")
    ident = sts.get_caller_identity()
    log.info("running as %s", ident["Arn"])
    iam = cl("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="deploy-secrets-reader", AssumeRolePolicyDocument=trust)["Role"]
    for i in range(3):
        r = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ci-job-%d" % (1000 + i), DurationSeconds=900)
        creds(r["Credentials"])
        log.debug("assumed role %s: %s", r["AssumedRoleUser"]["Arn"], r["Credentials"])
    for i in range(2):
        r = sts.get_session_token(DurationSeconds=3600)
        creds(r["Credentials"])
        log.info("session credentials expire at %s (key %s)", r["Credentials"]["Expiration"], r["Credentials"]["AccessKeyId"])
    for i in range(2):
        web_token = S.add(jwt.encode({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/api:ref:refs/heads/main",
                                      "aud": "sts.amazonaws.com", "exp": int(time.time()) + 300, "jti": c.rand(20)},
                                     c.rand(32), algorithm="HS256"))
        r = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="gha-%d" % i, WebIdentityToken=web_token)
        creds(r["Credentials"])
    # clean: the caller identity of the assumed session, with credentials that moto accepts
    sts.get_caller_identity()

    # ---------------------------------------------------------------- IAM
    for user in ("deploy-bot", "metrics-exporter"):
        iam.create_user(UserName=user, Tags=[{"Key": "team", "Value": "platform"}])
        r = iam.create_access_key(UserName=user)
        creds(r["AccessKey"])
        log.info("created access key for %s: %s", user, r["AccessKey"])
        iam.list_access_keys(UserName=user)
    iam.create_user(UserName="bob")
    pw = S.add(c.password())
    iam.create_login_profile(UserName="bob", Password=pw, PasswordResetRequired=True)
    iam.get_login_profile(UserName="bob")
    pw2 = S.add(c.password())
    iam.update_login_profile(UserName="bob", Password=pw2, PasswordResetRequired=False)
    iam.list_users()
    iam.get_user(UserName="bob")

    # ---------------------------------------------------------------- Secrets Manager
    sm = cl("secretsmanager")
    arns = []
    for name, kind in (("prod/api/postgres", "db"), ("prod/api/stripe", "token"), ("prod/api/oauth-google", "oauth"),
                       ("staging/reporting/mysql", "db")):
        if kind == "db":
            value = {"engine": "postgres", "host": "db-%s.internal" % name.split("/")[1], "port": 5432,
                     "username": "svc_" + name.split("/")[1], "password": S.add(c.password(24)), "dbname": "app"}
        elif kind == "token":
            value = {"api_key": S.add(c.api_key("stripe")), "webhook_secret": S.add("whsec_" + c.rand(32)), "account": "acct_1Nq8xY2eZvKYlo2C"}
        else:
            value = {"client_id": "4815162342-abc.apps.googleusercontent.com", "client_secret": S.add("GOCSPX-" + c.rand(28, c.URLSAFE)),
                     "refresh_token": S.add(c.refresh_token())}
        r = sm.create_secret(Name=name, SecretString=json.dumps(value), Description="%s credentials" % kind)
        arns.append(r["ARN"])
    raw_token = S.add(c.opaque_token())
    r = sm.create_secret(Name="prod/api/internal-token", SecretString=raw_token)
    arns.append(r["ARN"])
    blob = os.urandom(48)
    S.add(base64.b64encode(blob).decode())
    sm.create_secret(Name="prod/api/signing-key", SecretBinary=blob)
    for arn in arns:
        v = sm.get_secret_value(SecretId=arn)
        log.debug("loaded secret %s (version %s)", v["Name"], v["VersionId"])
    v = sm.get_secret_value(SecretId="prod/api/postgres")
    log.info("db config: %s", json.loads(v["SecretString"]))
    sm.get_secret_value(SecretId="prod/api/signing-key")
    new_pw = S.add(c.password(20))
    cur = json.loads(sm.get_secret_value(SecretId="prod/api/postgres")["SecretString"])
    cur["password"] = new_pw
    sm.put_secret_value(SecretId="prod/api/postgres", SecretString=json.dumps(cur))
    sm.get_secret_value(SecretId="prod/api/postgres", VersionStage="AWSPREVIOUS")
    # clean look-alikes
    for arn in arns[:3]:
        sm.describe_secret(SecretId=arn)
    sm.list_secrets(MaxResults=10)
    sm.list_secret_version_ids(SecretId="prod/api/postgres")
    sm.tag_resource(SecretId="prod/api/stripe", Tags=[{"Key": "rotation", "Value": "30d"}])
    try:
        sm.get_secret_value(SecretId="prod/api/does-not-exist")
    except botocore.exceptions.ClientError as e:
        log.warning("secret lookup failed: %s", e)
    log.info("secret rotation scheduled for %s", arns[0])

    # ---------------------------------------------------------------- SSM Parameter Store
    ssm = cl("ssm")
    params = {"/app/prod/db_password": S.add(c.password()), "/app/prod/jwt_signing_key": S.add(c.rand(64, c.B64)),
              "/app/prod/sendgrid_api_key": S.add(c.api_key("sendgrid"))}
    for n, v in params.items():
        ssm.put_parameter(Name=n, Value=v, Type="SecureString", Overwrite=True)
    for n, v in {"/app/prod/log_level": "info", "/app/prod/feature_flags": "checkout_v2,search_beta", "/app/prod/db_host": "db.internal"}.items():
        ssm.put_parameter(Name=n, Value=v, Type="String", Overwrite=True)
    for n in params:
        r = ssm.get_parameter(Name=n, WithDecryption=True)
        log.debug("parameter %s = %s", n, r["Parameter"]["Value"])
    ssm.get_parameters(Names=list(params)[:2], WithDecryption=True)
    ssm.get_parameters_by_path(Path="/app/prod", WithDecryption=True, Recursive=True)
    ssm.get_parameter(Name="/app/prod/log_level")
    ssm.describe_parameters(MaxResults=10)
    try:
        ssm.get_parameter(Name="/app/prod/missing_secret", WithDecryption=True)
    except botocore.exceptions.ClientError as e:
        log.warning("parameter lookup failed: %s", e)
finally:
    server.terminate()
    server.wait(10)
raw = open(c.raw_path(NAME)).read()
for sig in re.findall(r"Signature=([0-9a-f]{64})", raw):
    S.add(sig)
S.save()
