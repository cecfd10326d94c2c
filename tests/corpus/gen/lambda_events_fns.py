"""The Lambda functions of gen_lambda_events.py: each handler below runs inside the real AWS Lambda
Runtime Interface Client for Python (`python -m awslambdaric lambda_events_fns.<handler>`, the
bootstrap of AWS's Python base images), which fetches events from the Runtime API that
gen_lambda_events.py serves on 127.0.0.1, sets up Lambda's root-logger format and prints the
`[ERROR]` record of an unhandled exception. Everything a function prints goes to the log stream.

What the functions log is what such functions commonly log: Powertools for AWS Lambda's Logger
with `inject_lambda_context(log_event=True)` (the whole event), `extra=`, `append_keys`,
`logger.exception`; `print(json.dumps(event))` / `print(event)` and the root logger; the AWS
blueprints' `print("Received event: " + json.dumps(event, indent=2))`; the Lambda docs'
`print(os.environ)`.

Secrets a function makes itself (session ids, one-time codes of a custom auth challenge) are
appended to the file named by LAMBDA_ISSUED, one JSON object a line, so the generator can record
them as planted.
"""
import base64
import json
import logging
import os
import secrets
import string
import time
import urllib.parse
import uuid

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import (
    ALBEvent,
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    DynamoDBStreamEvent,
    EventBridgeEvent,
    SNSEvent,
    SQSEvent,
)

APP = os.environ.get("APP", "")
ALNUM = string.ascii_letters + string.digits


def issued(value, code=False):
    with open(os.environ["LAMBDA_ISSUED"], "a") as f:
        f.write(json.dumps({"v": value, "code": code}) + "\n")
    return value


def _token(n):
    while True:
        s = "".join(secrets.choice(ALNUM + "-_") for _ in range(n))
        if any(c.isdigit() for c in s) and any(c.isalpha() for c in s) and not all(c in "0123456789abcdefABCDEF-" for c in s):
            return s


# ------------------------------------------------------------------ orders-api (HTTP API, payload 2.0)

if APP == "orders-api":
    import boto3

    logger = Logger(service="orders-api")
    ddb = boto3.client("dynamodb")

    @logger.inject_lambda_context(log_event=True, clear_state=True)
    def http_api_handler(event, context):
        ev = APIGatewayProxyEventV2(event)
        claims = ev.request_context.authorizer.jwt_claim or {}
        logger.append_keys(route=ev.route_key, user_sub=claims.get("sub"))
        if claims:
            logger.info("jwt authorizer claims", extra={"claims": claims, "scopes": ev.request_context.authorizer.jwt_scopes})
        route = ev.route_key
        body = None
        if ev.body:
            raw = ev.decoded_body if ev.is_base64_encoded else ev.body
            if (ev.headers.get("content-type") or "").startswith("application/json"):
                body = json.loads(raw)
            else:
                body = dict(urllib.parse.parse_qsl(raw))
        if route == "POST /auth/login":
            logger.debug("login request body", extra={"body": body})
            sid = issued(_token(43))
            rt = issued("rt_" + _token(48))
            ddb.put_item(TableName=os.environ["SESSIONS_TABLE"], Item={
                "pk": {"S": "SESSION#" + sid}, "session_id": {"S": sid}, "refresh_token": {"S": rt},
                "user": {"S": body.get("username", "")}, "created_at": {"N": str(int(time.time()))}})
            logger.info("session created", extra={"session_id": sid, "user": body.get("username")})
            return {"statusCode": 200, "cookies": ["sid=%s; Secure; HttpOnly; SameSite=Lax" % sid],
                    "body": json.dumps({"refresh_token": rt, "token_type": "Bearer", "expires_in": 3600})}
        if route == "POST /auth/token":
            logger.info("token request", extra={"grant_type": body.get("grant_type"), "client_id": body.get("client_id"), "body": body})
            return {"statusCode": 200, "body": json.dumps({"token_type": "Bearer", "expires_in": 3600})}
        if route == "GET /auth/callback":
            q = ev.query_string_parameters or {}
            logger.info("oauth callback", extra={"query": q})
            logger.info("exchanging authorization code for tokens, state=%s", q.get("state"))
            return {"statusCode": 302, "headers": {"location": "/"}}
        if route == "GET /me":
            logger.info("session lookup", extra={"cookies": ev.cookies})
            return {"statusCode": 200, "body": json.dumps({"sub": claims.get("sub")})}
        if route == "POST /orders":
            logger.info("creating order", extra={"order": body})
            return {"statusCode": 201, "body": json.dumps({"order_id": str(uuid.uuid4())})}
        if route == "POST /newsletter":
            logger.info("newsletter signup", extra={"form": body, "isBase64Encoded": ev.is_base64_encoded})
            return {"statusCode": 204}
        if route == "GET /search":
            logger.info("search", extra={"raw_query": ev.raw_query_string})
            return {"statusCode": 200, "body": "[]"}
        if route == "POST /integrations":
            try:
                cfg = body["config"]
                if not cfg.get("webhook_url"):
                    raise ValueError("integration config without webhook_url: %s" % json.dumps(cfg))
            except Exception:
                logger.exception("could not register integration")
                return {"statusCode": 400}
        logger.warning("no route for %s", route)
        return {"statusCode": 404}


# ------------------------------------------------------------------ accounts-api (REST API, payload 1.0)

if APP == "accounts-api":
    logger = Logger(service="accounts-api")

    @logger.inject_lambda_context(log_event=True, clear_state=True)
    def rest_api_handler(event, context):
        ev = APIGatewayProxyEvent(event)
        logger.append_keys(resource=ev.resource, http_method=ev.http_method,
                           api_request_id=ev.request_context.request_id)
        claims = (ev.request_context.authorizer.claims or {}) if ev.request_context.authorizer else {}
        if claims:
            logger.info("cognito authorizer claims", extra={"claims": claims})
        res = ev.resource
        if res == "/login":
            form = dict(urllib.parse.parse_qsl(ev.decoded_body if ev.is_base64_encoded else (ev.body or "")))
            logger.info("login attempt", extra={"form": form})
            logger.warning("invalid credentials for %s", form.get("username"))
            return {"statusCode": 401, "body": "{}"}
        if res == "/oauth/token":
            form = dict(urllib.parse.parse_qsl(ev.body or ""))
            auth = ev.headers.get("Authorization") or ""
            logger.info("token endpoint", extra={"grant_type": form.get("grant_type"), "client_auth": auth, "form": form})
            return {"statusCode": 200, "body": json.dumps({"token_type": "Bearer", "expires_in": 3600})}
        if res == "/accounts/{account_id}":
            logger.info("account lookup", extra={"account_id": ev.path_parameters["account_id"],
                                                 "query": ev.query_string_parameters, "headers": ev.headers})
            return {"statusCode": 200, "body": "{}"}
        if res == "/avatar":
            logger.info("avatar upload", extra={"bytes": len(base64.b64decode(ev.body)), "isBase64Encoded": ev.is_base64_encoded})
            return {"statusCode": 204}
        if res == "/password":
            body = ev.json_body
            try:
                if len(body.get("new_password", "")) < 16:
                    raise ValueError("password policy: new password too short in %s" % ev.body)
            except ValueError:
                logger.exception("password change rejected")
            return {"statusCode": 400}
        if res == "/sync":
            # a bug: the upstream call's failure carries the request, and nothing catches it
            raise RuntimeError("upstream rejected sync request: headers=%s" % json.dumps(event["headers"]))
        return {"statusCode": 404}


# ------------------------------------------------------------------ legacy-web (ALB target, plain print + root logger)

if APP == "legacy-web":
    root = logging.getLogger()
    root.setLevel(logging.INFO)

    def alb_handler(event, context):
        print(json.dumps(event))
        ev = ALBEvent(event)
        hdrs = ev.multi_value_headers or ev.headers or {}
        fwd = hdrs.get("x-forwarded-for")
        root.info("%s %s from %s", ev.http_method, ev.path, fwd[0] if isinstance(fwd, list) else fwd)
        qs = ev.multi_value_query_string_parameters or ev.query_string_parameters
        if qs:
            root.info("query: %s", qs)
        if ev.body:
            root.info("body (isBase64Encoded=%s): %s", ev.is_base64_encoded, ev.decoded_body if ev.is_base64_encoded else ev.body)
        return {"statusCode": 200, "statusDescription": "200 OK", "isBase64Encoded": False,
                "headers": {"Content-Type": "text/html"}, "body": "<h1>ok</h1>"}


# ------------------------------------------------------------------ authz (Lambda authorizers)

if APP == "api-authorizer":
    import jwt

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    KEY = os.environ["JWT_VERIFY_KEY"]

    def token_authorizer(event, context):
        print(event)
        tok = event["authorizationToken"].split(" ", 1)[-1]
        try:
            claims = jwt.decode(tok, KEY, algorithms=["HS256"], audience="https://api.example.com")
            root.info("token ok: sub=%s scope=%s exp=%s", claims["sub"], claims.get("scope"), claims["exp"])
            effect, principal = "Allow", claims["sub"]
        except jwt.PyJWTError as e:
            root.warning("rejecting token %s: %s", tok, e)
            effect, principal = "Deny", "anonymous"
        policy = {"principalId": principal, "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]}}
        root.info("policy: %s", json.dumps(policy))
        return policy

    def request_authorizer(event, context):
        root.info("authorizer event: %s", json.dumps(event))
        key = (event.get("headers") or {}).get("x-api-key") or (event.get("queryStringParameters") or {}).get("api_key")
        ok = bool(key) and not key.startswith("revoked")
        if not ok:
            root.warning("denied: api key %r not recognised for %s", key, event.get("routeArn"))
        return {"isAuthorized": ok, "context": {"tenant": "acme", "plan": "pro"}}


# ------------------------------------------------------------------ sessions-stream (DynamoDB Streams)

if APP == "sessions-stream":
    logger = Logger(service="sessions-stream")

    @logger.inject_lambda_context(log_event=True, clear_state=True)
    def ddb_stream_handler(event, context):
        ev = DynamoDBStreamEvent(event)
        for record in ev.records:
            ddb = record.dynamodb
            logger.info("stream record", extra={"event_name": record.event_name.name, "keys": ddb.keys,
                                                "sequence_number": ddb.sequence_number})
            if ddb.new_image:
                logger.info("new image", extra={"new_image": ddb.new_image})
            if ddb.old_image and record.event_name.name == "REMOVE":
                logger.info("session revoked", extra={"old_image": ddb.old_image})
        return {"batchItemFailures": []}


# ------------------------------------------------------------------ notifier (SQS / SNS / EventBridge)

if APP == "notifier":
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    logger = Logger(service="notifier")

    def sqs_handler(event, context):
        # the AWS blueprints' first line
        print("Received event: " + json.dumps(event, indent=2))
        for record in SQSEvent(event).records:
            body = json.loads(record.body)
            if "Type" in body and body.get("Type") == "Notification":
                inner = json.loads(body["Message"])
                root.info("sns notification %s via sqs: %s", body["MessageId"], inner)
            else:
                root.info("processing message %s: %s", record.message_id, body)
        return {"batchItemFailures": []}

    def sns_handler(event, context):
        print(json.dumps(event))
        for record in SNSEvent(event).records:
            msg = json.loads(record.sns.message)
            root.info("notification %s on %s: %s", record.sns.message_id, record.sns.topic_arn, msg)

    @logger.inject_lambda_context(log_event=True, clear_state=True)
    def eventbridge_handler(event, context):
        ev = EventBridgeEvent(event)
        logger.info("event", extra={"detail_type": ev.detail_type, "source": ev.source, "detail": ev.detail})


# ------------------------------------------------------------------ auth-triggers (Cognito user pool triggers)

if APP == "auth-triggers":
    logger = Logger(service="auth-triggers")

    @logger.inject_lambda_context(log_event=True, clear_state=True)
    def cognito_handler(event, context):
        ts = event["triggerSource"]
        logger.append_keys(trigger=ts, user_pool_id=event["userPoolId"])
        req, resp = event["request"], event["response"]
        if ts == "PreSignUp_SignUp":
            resp["autoConfirmUser"] = req["userAttributes"].get("email", "").endswith("@example.com")
            logger.info("pre sign-up decision", extra={"autoConfirmUser": resp["autoConfirmUser"],
                                                       "client_metadata": req.get("clientMetadata")})
        elif ts.startswith("CustomMessage_"):
            code = req["codeParameter"]
            resp["emailSubject"] = "Your verification code"
            resp["emailMessage"] = "Hello %s, your code is %s" % (req.get("usernameParameter") or event["userName"], code)
            logger.info("custom message built", extra={"response": resp})
        elif ts == "DefineAuthChallenge_Authentication":
            session = req["session"]
            if session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE" and session[-1]["challengeResult"]:
                resp.update(issueTokens=True, failAuthentication=False)
            elif len(session) >= 3:
                resp.update(issueTokens=False, failAuthentication=True)
            else:
                resp.update(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)
            logger.info("define auth challenge", extra={"response": resp, "attempts": len(session)})
        elif ts == "CreateAuthChallenge_Authentication":
            if req["session"] and req["session"][-1].get("challengeMetadata", "").startswith("CODE-"):
                code = req["session"][-1]["challengeMetadata"][5:]  # re-send the same code
            else:
                code = issued("%06d" % (100000 + secrets.randbelow(900000)), code=True)
            email = req["userAttributes"]["email"]
            resp["publicChallengeParameters"] = {"email": email}
            resp["privateChallengeParameters"] = {"secretLoginCode": code}
            resp["challengeMetadata"] = "CODE-" + code
            logger.info("sent one-time code to %s", email)
            logger.debug("challenge", extra={"response": resp})
        elif ts == "VerifyAuthChallengeResponse_Authentication":
            expected = req["privateChallengeParameters"]["secretLoginCode"]
            resp["answerCorrect"] = req["challengeAnswer"] == expected
            if not resp["answerCorrect"]:
                logger.warning("wrong code: got %s expected %s" % (req["challengeAnswer"], expected))
        elif ts.startswith("TokenGeneration_"):
            resp["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"tenant": "acme", "plan": "pro"}}
            logger.info("claims override", extra={"response": resp})
        elif ts == "UserMigration_Authentication":
            # look the user up in the legacy store with the password Cognito hands over
            logger.info("migrating user %s", event["userName"])
            resp.update(userAttributes={"email": "%s@example.com" % event["userName"], "email_verified": "true"},
                        finalUserStatus="CONFIRMED", messageAction="SUPPRESS")
        elif ts == "UserMigration_ForgotPassword":
            resp.update(userAttributes={"email": "%s@example.com" % event["userName"], "email_verified": "true"},
                        messageAction="SUPPRESS")
            logger.info("migrated %s for a password reset", event["userName"])
        elif ts.startswith("PostAuthentication_"):
            logger.info("user signed in", extra={"new_device": req.get("newDeviceUsed")})
        return event


# ------------------------------------------------------------------ secrets-rotation (Secrets Manager rotation, the AWS template's steps)

if APP == "secrets-rotation":
    import boto3

    root = logging.getLogger()
    root.setLevel(logging.DEBUG if os.environ.get("LOG_LEVEL") == "DEBUG" else logging.INFO)
    for noisy in ("botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sm = boto3.client("secretsmanager")

    def rotation_handler(event, context):
        print(event)
        arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
        meta = sm.describe_secret(SecretId=arn)
        if token not in meta["VersionIdsToStages"] and step != "createSecret":
            raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
        if step == "createSecret":
            current = json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
            root.info("createSecret: Successfully retrieved secret for %s." % arn)
            current["password"] = issued(sm.get_random_password(ExcludeCharacters="/@\"'\\", PasswordLength=24)["RandomPassword"])
            sm.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current),
                                VersionStages=["AWSPENDING"])
            root.debug("createSecret: pending secret %s", current)
            root.info("createSecret: Successfully put secret for ARN %s and version %s." % (arn, token))
        elif step == "setSecret":
            pending = json.loads(sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"])
            root.info("setSecret: ALTER USER %s WITH PASSWORD '%s' on %s", pending["username"], pending["password"], pending["host"])
            root.info("setSecret: Successfully set password for user %s in PostgreSQL DB for secret arn %s." % (pending["username"], arn))
        elif step == "testSecret":
            root.info("testSecret: Successfully signed into PostgreSQL DB for secret arn %s." % arn)
        elif step == "finishSecret":
            cur = next(v for v, st in meta["VersionIdsToStages"].items() if "AWSCURRENT" in st)
            sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                           RemoveFromVersionId=cur)
            root.info("finishSecret: Successfully set AWSCURRENT stage to version %s for secret %s." % (token, arn))


# ------------------------------------------------------------------ debug-env (the Lambda docs' example, and its common mistake)

if APP == "debug-env":
    def env_handler(event, context):
        print("## ENVIRONMENT VARIABLES")
        print(os.environ["AWS_LAMBDA_LOG_GROUP_NAME"])
        print(os.environ["AWS_LAMBDA_LOG_STREAM_NAME"])
        print(os.environ)
        print("## EVENT")
        print(event)
        return {"statusCode": 200}
