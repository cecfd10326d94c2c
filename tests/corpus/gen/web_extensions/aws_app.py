"""boto3 DEBUG stream logging against moto_server: Cognito IdP auth flows, KMS, SecretsManager, STS web identity,
DynamoDB + DynamoDB Streams, S3 presigned POST/URL, django-storages S3 URLs."""
import sys, json, logging, hmac, hashlib, base64, time
from common import S, derive
import boto3, requests
ep = sys.argv[1]
boto3.set_stream_logger('', logging.DEBUG)
for quiet in ('botocore.hooks', 'botocore.loaders', 'botocore.regions', 'botocore.configprovider'):
    logging.getLogger(quiet).setLevel(logging.INFO)
app = logging.getLogger('identity')
sess = boto3.session.Session(aws_access_key_id=S['aws_akid'], aws_secret_access_key=S['aws_secret'], region_name='eu-west-1')
def cl(name, **kw): return sess.client(name, endpoint_url=ep, **kw)

# ---------------- Cognito
idp = cl('cognito-idp')
pool = idp.create_user_pool(PoolName='customers')['UserPool']['Id']
c = idp.create_user_pool_client(UserPoolId=pool, ClientName='web', GenerateSecret=True,
                                ExplicitAuthFlows=['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])['UserPoolClient']
cid, csec = c['ClientId'], c['ClientSecret']; derive('cognito_client_secret', csec)
def sh(u):
    v = base64.b64encode(hmac.new(csec.encode(), (u + cid).encode(), hashlib.sha256).digest()).decode(); derive('cognito_secret_hash', v); return v
user = 'erin@example-corp.io'
idp.admin_create_user(UserPoolId=pool, Username=user, TemporaryPassword=S['pw_admin'], MessageAction='SUPPRESS')
r = idp.initiate_auth(ClientId=cid, AuthFlow='USER_PASSWORD_AUTH', AuthParameters={'USERNAME': user, 'PASSWORD': S['pw_admin'], 'SECRET_HASH': sh(user)})
derive('cognito_session', r.get('Session'))
app.info('challenge %s session=%s', r.get('ChallengeName'), r.get('Session'))
r = idp.respond_to_auth_challenge(ClientId=cid, ChallengeName='NEW_PASSWORD_REQUIRED', Session=r['Session'],
                                  ChallengeResponses={'USERNAME': user, 'NEW_PASSWORD': S['pw_new'], 'SECRET_HASH': sh(user)})
ar = r['AuthenticationResult']
for k in ('IdToken', 'AccessToken', 'RefreshToken'): derive('cognito_' + k, ar.get(k))
app.info('auth result: %s', ar)
try:
    idp.initiate_auth(ClientId=cid, AuthFlow='USER_PASSWORD_AUTH', AuthParameters={'USERNAME': user, 'PASSWORD': S['pw_user'], 'SECRET_HASH': sh(user)})
except Exception as e:
    app.warning('login failed: %r', e)
r = idp.initiate_auth(ClientId=cid, AuthFlow='REFRESH_TOKEN_AUTH', AuthParameters={'REFRESH_TOKEN': ar['RefreshToken'], 'SECRET_HASH': sh(user)})
derive('cognito_AccessToken', r['AuthenticationResult'].get('AccessToken')); derive('cognito_IdToken', r['AuthenticationResult'].get('IdToken'))
idp.get_user(AccessToken=ar['AccessToken'])
try:
    idp.get_user(AccessToken=S['jwt_hs256'])
except Exception as e:
    app.warning('get_user failed %s', e)

# ---------------- KMS
kms = cl('kms')
kid = kms.create_key(Description='card vault')['KeyMetadata']['KeyId']
ct = kms.encrypt(KeyId=kid, Plaintext=S['kms_plaintext'].encode())['CiphertextBlob']
dk = kms.generate_data_key(KeyId=kid, KeySpec='AES_256')
derive('kms_datakey_b64', base64.b64encode(dk['Plaintext']).decode())
app.debug('data key %r', dk)
kms.decrypt(CiphertextBlob=ct)

# ---------------- SecretsManager
sm = cl('secretsmanager')
sec = {'username': 'orders_rw', 'password': S['pw_mongo'], 'uri': S['mongo_uri'], 'stripe': S['stripe_rk']}
sm.create_secret(Name='prod/orders/mongo', SecretString=json.dumps(sec))
sm.create_secret(Name='prod/orders/slack', SecretBinary=S['slack_bot'].encode())
v = sm.get_secret_value(SecretId='prod/orders/mongo')
app.info('loaded secret %s: %s', v['Name'], json.loads(v['SecretString']))
sm.put_secret_value(SecretId='prod/orders/mongo', SecretString=json.dumps(dict(sec, password=S['pw_new'])))
sm.get_secret_value(SecretId='prod/orders/slack')
try:
    sm.get_secret_value(SecretId='prod/orders/' + S['github_pat'])
except Exception as e:
    app.error('secret lookup failed: %s', e)

# ---------------- STS web identity -> temp creds -> DynamoDB + Streams
sts = cl('sts')
r = sts.assume_role_with_web_identity(RoleArn='arn:aws:iam::123456789012:role/orders-api', RoleSessionName='orders-api-pod-7d9f',
                                      WebIdentityToken=S['jwt_rs256'])
cr = r['Credentials']
derive('sts_akid', cr['AccessKeyId']); derive('sts_secret', cr['SecretAccessKey']); derive('sts_token', cr['SessionToken'])
app.info('assumed role creds=%s', cr)
tsess = boto3.session.Session(aws_access_key_id=cr['AccessKeyId'], aws_secret_access_key=cr['SecretAccessKey'],
                              aws_session_token=cr['SessionToken'], region_name='eu-west-1')
ddb = tsess.client('dynamodb', endpoint_url=ep)
ddb.create_table(TableName='sessions', KeySchema=[{'AttributeName': 'sid', 'KeyType': 'HASH'}],
                 AttributeDefinitions=[{'AttributeName': 'sid', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST',
                 StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'})
ddb.put_item(TableName='sessions', Item={'sid': {'S': S['session_id']}, 'refresh_token': {'S': S['oauth_refresh']},
                                         'gh': {'S': S['ghp']}, 'blob': {'B': S['api_key_hex'].encode()}})
ddb.update_item(TableName='sessions', Key={'sid': {'S': S['session_id']}}, UpdateExpression='SET access_token = :t',
                ExpressionAttributeValues={':t': {'S': S['oauth_access']}})
ddb.get_item(TableName='sessions', Key={'sid': {'S': S['session_id']}})
arn = ddb.describe_table(TableName='sessions')['Table']['LatestStreamArn']
st = tsess.client('dynamodbstreams', endpoint_url=ep)
shards = st.describe_stream(StreamArn=arn)['StreamDescription']['Shards']
it = st.get_shard_iterator(StreamArn=arn, ShardId=shards[0]['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
recs = st.get_records(ShardIterator=it)
for rec in recs['Records']:
    app.info('stream record %s %s', rec['eventName'], rec['dynamodb'].get('NewImage'))

# ---------------- S3 presigned
s3 = tsess.client('s3', endpoint_url=ep)
s3.create_bucket(Bucket='uploads', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
pp = s3.generate_presigned_post('uploads', 'avatars/${filename}', ExpiresIn=600)
derive('presign_sig', pp['fields'].get('x-amz-signature')); derive('presign_policy', pp['fields'].get('policy'))
app.info('presigned post: %s', pp)
rr = requests.post(pp['url'], data=pp['fields'], files={'file': ('a.png', b'\x89PNG....')})
s3p = sess.client('s3', endpoint_url=ep)
url = s3p.generate_presigned_url('get_object', Params={'Bucket': 'uploads', 'Key': 'avatars/a.png'}, ExpiresIn=300)
from urllib.parse import urlparse, parse_qs
q = parse_qs(urlparse(url).query); derive('presign_sig', q.get('X-Amz-Signature', [None])[0])
app.info('download url %s', url)
requests.get(url)
# django-storages
import django
from django.conf import settings
settings.configure(STORAGES={'default': {'BACKEND': 'storages.backends.s3.S3Storage', 'OPTIONS': {
    'bucket_name': 'uploads', 'endpoint_url': ep, 'access_key': S['aws_akid2'], 'secret_key': S['aws_secret2'],
    'region_name': 'eu-west-1', 'querystring_auth': True, 'signature_version': 's3v4'}}})
django.setup()
from django.core.files.storage import default_storage
from django.core.files.base import ContentFile
default_storage.save('reports/q3.csv', ContentFile(b'id,total\n1,2\n'))
u = default_storage.url('reports/q3.csv')
q = parse_qs(urlparse(u).query); derive('presign_sig', q.get('X-Amz-Signature', [None])[0])
app.info('report available at %s', u)
print('aws run done', file=sys.stderr)
