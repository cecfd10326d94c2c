"""boto3/botocore DEBUG against moto_server: STS AssumeRole (XML creds), SecretsManager (JSON-in-JSON), SSM SecureString,
S3 presigned URL fetched with requests (urllib3 DEBUG), DynamoDB nested/odd items via PynamoDB + expression values."""
import os, sys, subprocess, time, logging, json
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port, add_extra
S = secrets_lib.load()
port = free_port()
vb = os.path.dirname(sys.executable)
ms = subprocess.Popen([os.path.join(vb, 'moto_server'), '-H', '127.0.0.1', '-p', str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
import atexit; atexit.register(ms.terminate)
import urllib.request
for _ in range(100):
    try: urllib.request.urlopen(f'http://127.0.0.1:{port}/moto-api/'); break
    except Exception: time.sleep(0.2)
os.environ.update(AWS_ACCESS_KEY_ID=S['aws_key'], AWS_SECRET_ACCESS_KEY=S['aws_secret'], AWS_DEFAULT_REGION='us-east-1')
setup_logging()
for noisy in ('botocore.hooks', 'botocore.loaders', 'botocore.regions', 'botocore.utils', 'botocore.client', 'botocore.configprovider', 'botocore.retryhandler', 'botocore.httpchecksum', 'botocore.useragent', 'botocore.awsrequest', 'botocore.retries', 'botocore.endpoint_provider', 'botocore.auth', 'botocore.credentials'):
    logging.getLogger(noisy).setLevel(logging.INFO)
import boto3
ep = f'http://127.0.0.1:{port}'
sts = boto3.client('sts', endpoint_url=ep)
r = sts.assume_role(RoleArn='arn:aws:iam::123456789012:role/app', RoleSessionName='app-session')
c = r['Credentials']
for k in ('AccessKeyId', 'SecretAccessKey', 'SessionToken'): add_extra(c[k])
logging.getLogger('app.aws').info('assumed role creds=%s', c)
sm = boto3.client('secretsmanager', endpoint_url=ep, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
sm.create_secret(Name='prod/db', SecretString=json.dumps({'username': S['db_user'], 'password': S['db_secret_pw'], 'host': 'db.internal', 'webhook_secret': S['webhook_secret']}))
v = sm.get_secret_value(SecretId='prod/db')
logging.getLogger('app.aws').debug('secret value: %s', v['SecretString'])
ssm = boto3.client('ssm', endpoint_url=ep)
ssm.put_parameter(Name='/app/totp_seed', Value=S['totp_seed'], Type='SecureString')
p = ssm.get_parameter(Name='/app/totp_seed', WithDecryption=True)
s3 = boto3.client('s3', endpoint_url=ep)
s3.create_bucket(Bucket='app-backups')
s3.put_object(Bucket='app-backups', Key='keys/signing.pem', Body=S['pem'].encode())
s3c = boto3.client('s3', endpoint_url=ep, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
url = s3c.generate_presigned_url('get_object', Params={'Bucket': 'app-backups', 'Key': 'keys/signing.pem'}, ExpiresIn=3600)
logging.getLogger('app.share').info('presigned url: %s', url)
import requests
logging.getLogger('urllib3').setLevel(logging.DEBUG)
requests.get(url)
# requests/urllib3 connection errors and retry warnings that echo the URL
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
dead = free_port()
sess = requests.Session(); sess.mount('http://', HTTPAdapter(max_retries=Retry(total=1, backoff_factor=0)))
try:
    sess.get(f'http://127.0.0.1:{dead}/v1/hooks', params={'access_token': S['plain_token'], 'secret': S['webhook_secret']}, timeout=0.5)
except Exception as e:
    logging.getLogger('app.webhooks').error('webhook delivery failed: %s', e)
# DynamoDB odd item shapes via PynamoDB
from pynamodb.models import Model
from pynamodb.attributes import UnicodeAttribute, MapAttribute, UnicodeSetAttribute, BinaryAttribute, ListAttribute
class Creds(MapAttribute):
    passphrase = UnicodeAttribute(); privateKey = UnicodeAttribute()
class Integration(Model):
    class Meta:
        table_name = 'integrations'; host = ep; region = 'us-east-1'
    tenant = UnicodeAttribute(hash_key=True)
    creds = Creds()
    recovery_codes = UnicodeSetAttribute()
    otp_seed_bin = BinaryAttribute(legacy_encoding=False)
    notes = UnicodeAttribute()
logging.getLogger('pynamodb').setLevel(logging.DEBUG)
Integration.create_table(read_capacity_units=1, write_capacity_units=1, wait=True)
Integration('t1', creds=Creds(passphrase=S['passphrase'], privateKey=S['pem']), recovery_codes={S['plain_token'], S['totp_seed']},
            otp_seed_bin=S['totp_seed'].encode(), notes=f"rotate {S['plain_token']} monthly").save()
list(Integration.query('t1', filter_condition=Integration.notes.contains(S['plain_token'])))
list(Integration.scan(Integration.creds.passphrase == S['passphrase']))
it = Integration.get('t1'); logging.getLogger('app').info('integration json: %s', it.serialize())
ms.terminate()
