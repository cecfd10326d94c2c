"""aiobotocore against moto with botocore/aiobotocore DEBUG logging: DynamoDB, Secrets Manager, SSM."""
import asyncio, json, logging, os, sys
from aiobotocore.session import get_session
from botocore.config import Config
from common import S, setup_logging

setup_logging()
log = logging.getLogger("app.repo")
ENDPOINT = os.environ["MOTO_ENDPOINT"]


async def main():
    session = get_session()

    kw = dict(region_name="us-east-1", endpoint_url=ENDPOINT, aws_access_key_id=S["aws_access_key_id"],
              aws_secret_access_key=S["aws_secret_access_key"], aws_session_token=S["aws_session_token"],
              config=Config(retries={"max_attempts": 2, "mode": "standard"}))
    async with session.create_client("dynamodb", **kw) as ddb:
        await ddb.create_table(TableName="sessions", KeySchema=[{"AttributeName": "sid", "KeyType": "HASH"}],
                               AttributeDefinitions=[{"AttributeName": "sid", "AttributeType": "S"}],
                               BillingMode="PAY_PER_REQUEST")
        for i, (tok_k, pw_k) in enumerate([("jwt_user", "user_password"), ("oauth_refresh_token", "admin_password")]):
            item = {"sid": {"S": f"sess-{i}"}, "token": {"S": S[tok_k]}, "password": {"S": S[pw_k]},
                    "api_key": {"S": S["sendgrid_key"]}, "cookie": {"S": S["session_cookie"]}}
            await ddb.put_item(TableName="sessions", Item=item)
            r = await ddb.get_item(TableName="sessions", Key={"sid": {"S": f"sess-{i}"}})
            log.debug("loaded session %s", r["Item"])
        r = await ddb.query(TableName="sessions", KeyConditionExpression="sid = :s",
                            ExpressionAttributeValues={":s": {"S": "sess-0"}})
        log.info("query count=%s", r["Count"])
        try:
            await ddb.update_item(TableName="sessions", Key={"sid": {"S": "sess-0"}},
                                  UpdateExpression="SET api_key = :k",
                                  ConditionExpression="api_key = :old",
                                  ExpressionAttributeValues={":k": {"S": S["slack_bot"]}, ":old": {"S": "nope"}})
        except Exception as e:
            log.warning("conditional update failed: %r", e)
        try:
            await ddb.get_item(TableName="missing-table", Key={"sid": {"S": S["csrf_token"]}})
        except Exception as e:
            log.exception("get_item failed")
    async with session.create_client("secretsmanager", **kw) as sm:
        await sm.create_secret(Name="prod/db", SecretString=json.dumps(
            {"username": "orders_app", "password": S["db_password"], "host": "db.internal"}))
        v = await sm.get_secret_value(SecretId="prod/db")
        log.debug("secret loaded: %s", v["SecretString"])
    async with session.create_client("ssm", **kw) as ssm:
        await ssm.put_parameter(Name="/app/stripe", Value=S["stripe_key"], Type="SecureString")
        p = await ssm.get_parameter(Name="/app/stripe", WithDecryption=True)
        log.debug("param=%s", p["Parameter"])
    # wrong region endpoint with bad creds -> error path
    bad = dict(kw, endpoint_url="http://127.0.0.1:1", config=Config(retries={"max_attempts": 1}, connect_timeout=1))
    async with session.create_client("dynamodb", **bad) as ddb2:
        try:
            await ddb2.list_tables()
        except Exception as e:
            log.error("dynamodb unreachable: %r", e)


asyncio.run(main())
