"""rich tracebacks with locals (structlog ConsoleRenderer default with rich installed), RichHandler wrapping,
tokens in URL paths (werkzeug access log, Django PasswordResetTokenGenerator, itsdangerous), SQLAlchemy echo='debug' result rows."""
import os, sys, logging, threading, time
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port, add_extra
S = secrets_lib.load()
setup_logging()
# --- structlog ConsoleRenderer default exception formatter (rich, show_locals)
import structlog
structlog.configure(processors=[structlog.processors.add_log_level, structlog.dev.ConsoleRenderer(colors=False)], logger_factory=structlog.PrintLoggerFactory(sys.stderr))
sl = structlog.get_logger()
def call_partner(endpoint, api_key, client_secret, password):
    headers = {'Authorization': 'Bearer ' + S['oauth_access'], 'X-Api-Key': api_key}
    raise ConnectionError('partner unavailable')
def sync_job(cfg):
    try:
        call_partner('https://partner.example/v1', cfg['api_key'], cfg['client_secret'], cfg['password'])
    except Exception:
        sl.exception('sync failed', tenant='t1')
sync_job({'api_key': S['api_key'], 'client_secret': S['client_secret'], 'password': S['diceware']})
# --- RichHandler (stdlib logging) with narrow console: long messages wrap
from rich.logging import RichHandler
from rich.console import Console
rl = logging.getLogger('svc.rich'); rl.propagate = False
rl.addHandler(RichHandler(console=Console(file=sys.stderr, width=100, color_system=None), rich_tracebacks=True, tracebacks_show_locals=True))
rl.info('issued tokens access=%s refresh=%s', S['jwt'], S['refresh'])
def rotate(secret_key, webhook_secret):
    raise KeyError('missing kid')
def rotation_job(keys):
    try:
        rotate(keys['aws_secret'], keys['webhook_secret'])
    except Exception:
        rl.exception('rotation failed')
rotation_job({'aws_secret': S['aws_secret'], 'webhook_secret': S['webhook_secret']})
# --- tokens in URL paths served by werkzeug (access log) + urllib3 debug
import requests
from flask import Flask
from werkzeug.serving import make_server
from itsdangerous import URLSafeTimedSerializer
app = Flask('paths')
@app.route('/confirm/<token>')
def confirm(token): return 'ok'
@app.route('/reset/<uidb64>/<token>/')
def reset(uidb64, token): return 'ok'
@app.route('/invite/<code>')
def invite(code): return 'ok'
@app.route('/hooks/<path:rest>', methods=['POST'])
def hook(rest): return 'ok'
port = free_port(); srv = make_server('127.0.0.1', port, app); threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f'http://127.0.0.1:{port}'
conf = URLSafeTimedSerializer(S['flask_secret'], salt='email-confirm').dumps('bob@example.com'); add_extra(conf)
import django
from django.conf import settings
settings.configure(SECRET_KEY=S['django_secret'], INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'], DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}, PASSWORD_HASHERS=['django.contrib.auth.hashers.MD5PasswordHasher'])
django.setup()
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.models import User
from django.core.management import call_command
call_command('migrate', verbosity=0)
u = User.objects.create_user('bob', 'bob@example.com', S['diceware']); add_extra(u.password)
from django.utils.http import urlsafe_base64_encode
from django.utils.encoding import force_bytes
rt = PasswordResetTokenGenerator().make_token(u); add_extra(rt)
logging.getLogger('urllib3').setLevel(logging.DEBUG)
requests.get(f'{base}/confirm/{conf}')
requests.get(f'{base}/reset/{urlsafe_base64_encode(force_bytes(u.pk))}/{rt}/')
requests.get(f"{base}/invite/{S['invite_token']}")
requests.post(f"{base}/hooks/slack/T0001/B0002/{S['plain_token']}", json={'text': 'hi'})
logging.getLogger('app.mail').info('sending password reset link https://app.example.com/reset/%s/%s/ to %s', urlsafe_base64_encode(force_bytes(u.pk)), rt, u.email)
logging.getLogger('app.mail').info('created user %s with password %s (hash %s)', u.username, S['diceware'], u.password)
srv.shutdown()
# --- SQLAlchemy echo='debug' (result rows) with diceware password and plain tokens as positional params
import sqlalchemy as sa
eng = sa.create_engine('sqlite://', echo='debug')
logging.getLogger('sqlalchemy.engine.Engine').handlers.clear(); logging.getLogger('sqlalchemy.engine.Engine').propagate = True
with eng.begin() as c:
    c.execute(sa.text('create table creds (id integer primary key, login text, secret text, note text)'))
    c.execute(sa.text('insert into creds (login, secret, note) values (?, ?, ?)'.replace('?', ':x').replace(':x', ':a', 1).replace(':x', ':b', 1).replace(':x', ':c', 1)),
              [{'a': 'bob', 'b': S['diceware'], 'c': 'initial'}, {'a': 'svc', 'b': S['invite_token'], 'c': S['plain_token']}])
    c.execute(sa.text('select login, secret, note from creds')).fetchall()
