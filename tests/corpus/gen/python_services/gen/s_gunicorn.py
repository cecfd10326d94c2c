"""gunicorn (sync worker) serving the Flask app with --log-level debug and an access-log format that includes request headers."""
import os, sys, subprocess, time, base64
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, free_port
S = secrets_lib.load()
import requests
import common; common.track_cookies()
port = free_port()
vb = os.path.dirname(sys.executable)
fmt = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" auth="%({authorization}i)s" cookie="%({cookie}i)s" apikey="%({x-api-key}i)s" setcookie="%({set-cookie}o)s" q="%(q)s" %(L)s'
p = subprocess.Popen([os.path.join(vb, 'gunicorn'), '-b', f'127.0.0.1:{port}', '-w', '1', '--log-level', 'debug', '-e', f"DATABASE_URL=postgresql://{S['db_user']}:{requests.utils.quote(S['db_pass'], safe='')}@db.internal:5432/app", '-e', f"STRIPE_API_KEY={S['sk_live']}", '-e', f"AWS_SECRET_ACCESS_KEY={S['aws_secret']}", '--access-logfile', '-', '--error-logfile', '-', '--access-logformat', fmt, 'flask_app:app'],
                     cwd=os.path.dirname(os.path.abspath(__file__)), stdout=sys.stderr, stderr=sys.stderr)
base = f'http://127.0.0.1:{port}'
for _ in range(100):
    try: requests.get(base + '/api/data', timeout=1); break
    except Exception: time.sleep(0.2)
s = requests.Session()
s.get(base + '/api/data', params={'api_key': S['api_key'], 'refresh_token': S['refresh']}, headers={'Authorization': 'Bearer ' + S['jwt']})
s.get(base + '/api/data', auth=(S['basic_user'], S['basic_pass']))
s.post(base + '/login', headers={'X-Api-Key': S['sk_live']})
s.get(base + '/me')
s.get(base + '/api/data', cookies={'sessionid': S['session_cookie']}, headers={'Authorization': 'Token ' + S['bearer']})
requests.get(f"http://{S['basic_user']}:{requests.utils.quote(S['basic_pass'], safe='')}@127.0.0.1:{port}/api/data?password={requests.utils.quote(S['user_password'], safe='')}")
s.post(base + '/oauth/token', data={'grant_type': 'refresh_token', 'refresh_token': S['refresh'], 'client_id': 'cid', 'client_secret': S['client_secret']})
s.post(base + '/hooks/slack/T0001/B0002/' + S['plain_token'], json={'text': 'x'})
requests.post(base + '/api/webhooks/112233445566778899/' + S['discord_wh'], json={'content': 'x'})
time.sleep(0.5)
p.terminate(); p.wait()
