"""PynamoDB + botocore DEBUG + aioboto3 against moto_server on 127.0.0.1."""
import os, sys, subprocess, time, logging, asyncio
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port
S = secrets_lib.load()
port = free_port()
venv_bin = os.path.dirname(sys.executable)
ms = subprocess.Popen([os.path.join(venv_bin, 'moto_server'), '-H', '127.0.0.1', '-p', str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
import atexit; atexit.register(ms.terminate)
import urllib.request
for _ in range(100):
    try: urllib.request.urlopen(f'http://127.0.0.1:{port}/moto-api/'); break
    except Exception: time.sleep(0.2)
os.environ.update(AWS_ACCESS_KEY_ID=S['aws_key'], AWS_SECRET_ACCESS_KEY=S['aws_secret'], AWS_DEFAULT_REGION='us-east-1')
setup_logging()
for noisy in ('botocore.hooks', 'botocore.loaders', 'botocore.regions', 'botocore.utils', 'botocore.credentials', 'botocore.client', 'botocore.configprovider', 'botocore.retryhandler', 'botocore.parsers', 'botocore.httpchecksum', 'botocore.useragent', 'botocore.awsrequest', 'botocore.retries', 'botocore.endpoint_provider', 'asyncio', 'urllib3'):
    logging.getLogger(noisy).setLevel(logging.INFO)
logging.getLogger('botocore.credentials').setLevel(logging.DEBUG)
logging.getLogger('botocore.parsers').setLevel(logging.DEBUG)
from pynamodb.models import Model
from pynamodb.attributes import UnicodeAttribute, MapAttribute
class Account(Model):
    class Meta:
        table_name = 'accounts'; host = f'http://127.0.0.1:{port}'; region = 'us-east-1'
        aws_access_key_id = S['aws_key']; aws_secret_access_key = S['aws_secret']
    user_id = UnicodeAttribute(hash_key=True)
    password_hash = UnicodeAttribute()
    refreshToken = UnicodeAttribute()
    apiKey = UnicodeAttribute()
    session_token = UnicodeAttribute(null=True)
Account.create_table(read_capacity_units=1, write_capacity_units=1, wait=True)
a = Account('u-1', password_hash=S['password_hash'], refreshToken=S['refresh'], apiKey=S['sk_live'], session_token=S['session_token'])
a.save()
got = Account.get('u-1')
logging.getLogger('app').info('loaded account %s', got.attribute_values)
list(Account.scan(Account.apiKey == S['sk_live']))
try:
    Account.get('u-1', attributes_to_get=['nope'])  # fine
    Account('u-2', password_hash='x', refreshToken='y', apiKey='z').save(condition=Account.apiKey == S['sk_live'])
except Exception as e:
    logging.getLogger('app').exception('save failed')
a.update(actions=[Account.refreshToken.set(S['refresh'] + 'X')])
# aioboto3
import aioboto3
async def main():
    s = aioboto3.Session(aws_access_key_id=S['aws_key'], aws_secret_access_key=S['aws_secret'], aws_session_token=S['session_token'], region_name='us-east-1')
    async with s.client('dynamodb', endpoint_url=f'http://127.0.0.1:{port}') as c:
        await c.put_item(TableName='accounts', Item={'user_id': {'S': 'u-3'}, 'password_hash': {'S': S['password_hash']}, 'refreshToken': {'S': S['refresh']}, 'apiKey': {'S': S['api_key']}})
        r = await c.get_item(TableName='accounts', Key={'user_id': {'S': 'u-3'}})
        logging.getLogger('app').debug('aioboto3 item: %s', r['Item'])
        await c.put_item(TableName='accounts', Item={'user_id': {'S': 'u-4'}, 'session_token': {'S': S['session_token']}, 'password': {'S': S['user_password']}})
asyncio.run(main())
ms.terminate()
