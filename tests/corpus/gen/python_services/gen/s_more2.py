"""Bot/webhook tokens in URL paths (requests + http.client debuglevel + urllib3 + werkzeug), proxy auth,
Django ORM lookups by bare tokens, PEM logged raw, recovery codes lists."""
import os, sys, logging, threading, json
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port, add_extra
S = secrets_lib.load()
setup_logging()
import http.client, requests
from flask import Flask, request
from werkzeug.serving import make_server
app = Flask('bots')
@app.route('/bot<path:rest>', methods=['GET', 'POST'])
def tg(rest): return {'ok': True}
@app.route('/api/webhooks/<int:wid>/<token>', methods=['POST'])
def dc(wid, token): return '', 204
@app.route('/', defaults={'p': ''}, methods=['GET']) 
@app.route('/<path:p>', methods=['GET'])
def any_(p): return 'proxied'
port = free_port(); srv = make_server('127.0.0.1', port, app); threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f'http://127.0.0.1:{port}'
http.client.HTTPConnection.debuglevel = 1
requests.post(f"{base}/bot{S['tg_bot']}/sendMessage", json={'chat_id': 42, 'text': 'deploy finished'})
requests.get(f"{base}/bot{S['tg_bot']}/getUpdates", params={'offset': 10})
requests.post(f"{base}/api/webhooks/112233445566778899/{S['discord_wh']}", json={'content': 'alert'})
for i, (h, pre) in enumerate([('Authorization', 'Digest username="bob", realm="api", nonce="abc", uri="/", response="'), ('Authorization', 'ApiKey '), ('Authorization', 'SSWS '),
        ('Authorization', 'Bot '), ('X-Auth-Token', ''), ('Private-Token', ''), ('X-Vault-Token', 'hvs.'), ('Authorization', 'token ')]):
    requests.get(f'{base}/status/{i}', headers={h: pre + S[f'hdr{i}'] + ('"' if pre.startswith('Digest') else '')})
proxy = f"http://proxyuser:{requests.utils.quote(S['proxy_pass'], safe='')}@127.0.0.1:{port}"
try:
    requests.get('http://internal.example/status', proxies={'http': proxy}, timeout=2)
except Exception as e:
    logging.getLogger('app').error('proxy fetch failed: %s', e)
logging.getLogger('app').info('using proxies %s', {'http': proxy, 'https': proxy})
http.client.HTTPConnection.debuglevel = 0
srv.shutdown()
logging.getLogger('app.keys').info('rotating signing key %s -> %s', S['old_key'], S['new_key'])
logging.getLogger('app.keys').info('rotation done', extra={})
# raw PEM logged
logging.getLogger('app.keys').debug('loaded signing key:\n%s', S['pem'].strip())
# recovery codes
logging.getLogger('app.mfa').info('generated recovery codes for bob: %s', [S['recovery1'], S['recovery2']])
logging.getLogger('app.mfa').info('recovery codes json: %s', json.dumps({'user': 'bob', 'codes': [S['recovery1'], S['recovery2']]}))
# Django ORM lookups by bare tokens
import django
from django.conf import settings
settings.configure(DEBUG=True, SECRET_KEY=S['django_secret'], INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'], DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
    LOGGING={'version': 1, 'disable_existing_loggers': False, 'handlers': {'c': {'class': 'logging.StreamHandler', 'formatter': 'f'}}, 'formatters': {'f': {'format': '[{asctime}] {levelname} {name} {message}', 'style': '{'}}, 'loggers': {'django.db.backends': {'handlers': ['c'], 'level': 'INFO'}}})
django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
logging.getLogger('django.db.backends').setLevel(logging.DEBUG)
from django.contrib.auth.models import User, Group
User.objects.filter(first_name=S['plain_token']).exists()
Group.objects.create(name=S['invite_token'])
list(User.objects.filter(last_name__in=[S['recovery1'], S['recovery2']]))
