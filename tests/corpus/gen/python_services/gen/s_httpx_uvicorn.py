"""uvicorn --log-level trace serving FastAPI; httpx/httpcore DEBUG client; pydantic validation errors."""
import os, sys, subprocess, time, logging, json
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port
S = secrets_lib.load()
setup_logging()
port = free_port()
vb = os.path.dirname(sys.executable)
srv = subprocess.Popen([os.path.join(vb, 'uvicorn'), 'fastapi_app:app', '--host', '127.0.0.1', '--port', str(port), '--log-level', 'trace'], cwd=os.path.dirname(os.path.abspath(__file__)), stdout=sys.stderr, stderr=sys.stderr)
import httpx
for _ in range(100):
    try: httpx.get(f'http://127.0.0.1:{port}/items'); break
    except Exception: time.sleep(0.1)
base = f'http://127.0.0.1:{port}'
def hook(req):
    logging.getLogger('app.httpx').debug('outgoing %s %s headers=%r', req.method, req.url, req.headers)
with httpx.Client(event_hooks={'request': [hook]}, headers={'Authorization': 'Bearer ' + S['jwt']}) as c:
    c.get(base + '/items', params={'token': S['bearer'], 'api_key': S['api_key']})
    c.post(base + '/login', json={'username': S['basic_user'], 'password': S['user_password'], 'age': 'not-a-number'})
    c.post(base + '/raw', json={'username': S['basic_user'], 'password': S['basic_pass'], 'age': 'x'})
    c.get(base + '/items', auth=(S['basic_user'], S['basic_pass']))
    c.get(base + '/items', cookies={'session': S['session_cookie']})
    c.post(base + '/api/webhooks/112233445566778899/' + S['discord_wh'], json={'content': 'x'})
    c.post(base + '/hooks/slack/T0001/B0002/' + S['plain_token'], json={'text': 'x'})
    c.get(base + '/items', headers={'X-Api-Key': S['sk_live'], 'X-Refresh-Token': S['refresh']})
# pydantic error echoed at app level
from pydantic import BaseModel, SecretStr
class Cfg(BaseModel):
    db_url: str
    port: int
    api_key: SecretStr
try:
    Cfg(db_url=f"postgresql://{S['db_user']}:{S['db_pass']}@db:5432/app", port='abc', api_key=S['sk_live'])
except Exception as e:
    logging.getLogger('app.config').error('bad config: %s', e)
try:
    Cfg.model_validate_json(json.dumps({'db_url': 1, 'port': 5, 'api_key': S['sk_live'], 'extra_token': S['refresh']}))
except Exception as e:
    logging.getLogger('app.config').error('bad config json: %r', e)
from pydantic import constr
class Creds(BaseModel):
    username: str
    password: constr(min_length=40)
    refresh_token: constr(max_length=20)
    retries: int
try:
    Creds(username=S['basic_user'], password=S['user_password'], refresh_token=S['refresh'], retries={'api_key': S['api_key'], 'client_secret': S['client_secret']})
except Exception as e:
    logging.getLogger('app.auth').warning('invalid credentials payload: %s', e)
    logging.getLogger('app.auth').warning('errors json: %s', e.json())
time.sleep(0.3)
srv.terminate(); srv.wait()
