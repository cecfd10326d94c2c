"""Hit django_app ASGI under hypercorn with real HTTP requests."""
import sys, time, requests, base64
from common import S, derive
base = sys.argv[1]
for _ in range(50):
    try: requests.get(base + '/api/orders/', timeout=1); break
    except Exception: time.sleep(0.2)
r = requests.post(base + '/api/token/', json={'username': 'alice', 'password': S['pw_user']})
tok = r.json(); derive('jwt_access', tok.get('access')); derive('jwt_refresh', tok.get('refresh'))
requests.get(base + '/api/orders/?access_token=' + tok['access'], headers={'Referer': 'https://app.example-corp.io/callback?code=' + S['opaque_access'] + '&state=xyz'})
requests.get(base + '/api/orders/', headers={'Authorization': 'Bearer ' + tok['access']})
requests.get(base + '/api/keyauth/?api_key=' + S['api_key_b64'], headers={'X-API-Key': S['api_key_b64']})
requests.get(base + '/o/authorize/?response_type=code&client_id=mobile&redirect_uri=https%3A%2F%2Fapp.example-corp.io%2Fcb&state=' + S['csrf_token'][:24])
requests.post(base + '/o/token/', data={'grant_type': 'authorization_code', 'code': S['opaque_refresh'], 'redirect_uri': 'https://app.example-corp.io/cb'},
              auth=('mobile-x', S['oauth_app_client_secret']))
requests.get(base + '/api/orders/?sig=' + S['twilio_token'] + '&user=' + 'alice&password=' + requests.utils.quote(S['pw_user'], safe=''))
requests.post(base + '/api/boom/', json={'email': 'z@example.com', 'slack': S['slack_bot']}, cookies={'sessionid': S['session_id']})
print('hyper client done', file=sys.stderr)
