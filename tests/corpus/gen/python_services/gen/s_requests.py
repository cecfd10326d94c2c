"""requests + urllib3 DEBUG + http.client debuglevel=1 + requests-oauthlib + authlib against local Flask (werkzeug) server."""
import os, sys, threading, logging, time, base64
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port
setup_logging()
S = secrets_lib.load()
import http.client, requests
import common; common.track_cookies()
from werkzeug.serving import make_server
from flask_app import app
port = free_port()
srv = make_server('127.0.0.1', port, app)
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f'http://127.0.0.1:{port}'
http.client.HTTPConnection.debuglevel = 1
sess = requests.Session()
sess.headers['Authorization'] = 'Bearer ' + S['jwt']
sess.headers['X-Api-Key'] = S['api_key']
sess.get(base + '/api/data', params={'access_token': S['bearer'], 'page': 2})
sess.post(base + '/api/data', json={'password': S['user_password'], 'refreshToken': S['refresh']})
requests.get(base + '/api/data', auth=(S['basic_user'], S['basic_pass']))
requests.get(f"http://{S['basic_user']}:{requests.utils.quote(S['basic_pass'], safe='')}@127.0.0.1:{port}/api/data")
requests.post(base + '/api/data', headers={'Authorization': 'Bearer ' + S['sk_live'], 'Stripe-Version': '2024-06-20'}, data={'amount': 100})
r = sess.post(base + '/login')
sess.get(base + '/me')
requests.get(base + '/api/data', cookies={'sessionid': S['session_cookie'], 'csrftoken': S['csrf']})
http.client.HTTPConnection.debuglevel = 0
# requests-oauthlib
from requests_oauthlib import OAuth2Session
os.environ['OAUTHLIB_INSECURE_TRANSPORT'] = '1'
for n in ('requests_oauthlib', 'oauthlib'):
    logging.getLogger(n).setLevel(logging.DEBUG)
oa = OAuth2Session('my-client-id', redirect_uri='http://127.0.0.1/cb', scope=['read'])
url, state = oa.authorization_url(base + '/oauth/authorize')
tok = oa.fetch_token(base + '/oauth/token', client_secret=S['client_secret'], authorization_response=f"http://127.0.0.1/cb?code={S['oauth_code']}&state={state}")
oa.get(base + '/api/data')
oa.refresh_token(base + '/oauth/token', refresh_token=S['refresh'], client_id='my-client-id', client_secret=S['client_secret'])
# Authlib
from authlib.integrations.requests_client import OAuth2Session as AS
logging.getLogger('authlib').setLevel(logging.DEBUG)
a = AS('my-client-id', S['client_secret'], token_endpoint_auth_method='client_secret_post')
t = a.fetch_token(base + '/oauth/token', grant_type='client_credentials')
logging.getLogger('app').debug('authlib token: %r', t)
a2 = AS('my-client-id', S['client_secret'])  # basic auth
t2 = a2.fetch_token(base + '/oauth/token', grant_type='password', username=S['basic_user'], password=S['basic_pass'])
a2.get(base + '/api/data')
srv.shutdown()
