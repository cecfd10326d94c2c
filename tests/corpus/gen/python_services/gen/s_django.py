"""Django: middleware logging request.META / headers, django.request errors, django.db.backends SQL debug with params."""
import os, sys, logging, json, base64
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging
S = secrets_lib.load()
import django
from django.conf import settings
settings.configure(DEBUG=True, SECRET_KEY=S['django_secret'], ROOT_URLCONF=__name__, ALLOWED_HOSTS=['*'],
    MIDDLEWARE=['django.contrib.sessions.middleware.SessionMiddleware', __name__ + '.MetaLogger'],
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
    LOGGING={'version': 1, 'disable_existing_loggers': False, 'handlers': {'c': {'class': 'logging.StreamHandler', 'formatter': 'f'}},
             'formatters': {'f': {'format': '[{asctime}] {levelname} {name} {message}', 'style': '{'}},
             'loggers': {'django.request': {'handlers': ['c'], 'level': 'DEBUG'}, 'django.db.backends': {'handlers': ['c'], 'level': 'DEBUG'}, 'app': {'handlers': ['c'], 'level': 'DEBUG'}}})
log = logging.getLogger('app')
class MetaLogger:
    def __init__(self, get_response): self.get_response = get_response
    def __call__(self, request):
        meta = {k: v for k, v in request.META.items() if k.startswith('HTTP_') or k in ('QUERY_STRING', 'CONTENT_TYPE')}
        log.debug('request.META=%s', meta)
        log.debug('request.headers=%s', dict(request.headers))
        resp = self.get_response(request)
        return resp
from django.urls import path
from django.http import JsonResponse
def login_view(request):
    body = json.loads(request.body or b'{}')
    log.info('login attempt POST=%s body=%s', request.POST.dict(), body)
    request.session['api_token'] = S['bearer']
    request.session.save()
    log.debug('session key=%s data=%s', request.session.session_key, dict(request.session))
    return JsonResponse({'ok': True})
def boom(request):
    raise ValueError('upstream said: invalid api key ' + request.headers.get('X-Api-Key', ''))
urlpatterns = [path('login', login_view), path('boom', boom)]
django.setup()
from django.core.management import call_command
logging.getLogger('django.db.backends').setLevel(logging.INFO)
call_command('migrate', verbosity=0)
logging.getLogger('django.db.backends').setLevel(logging.DEBUG)
from django.test import Client
c = Client(raise_request_exception=False)
c.post('/login?next=/home&token=' + S['bearer'], data=json.dumps({'username': S['basic_user'], 'password': S['user_password']}), content_type='application/json',
       HTTP_AUTHORIZATION='Bearer ' + S['jwt'], HTTP_COOKIE='sessionid=' + S['session_cookie'] + '; csrftoken=' + S['csrf'])
c.post('/login', data={'username': S['basic_user'], 'password': S['basic_pass']}, HTTP_AUTHORIZATION='Basic ' + base64.b64encode(f"{S['basic_user']}:{S['basic_pass']}".encode()).decode())
from common import add_extra
for ck in c.cookies.values(): add_extra(ck.value)
from django.contrib.sessions.models import Session
for ss in Session.objects.all(): add_extra(ss.session_data)
c.get('/boom', HTTP_X_API_KEY=S['sk_live'])
from django.contrib.auth.models import User
u = User.objects.create_user('bob', 'bob@example.com', S['user_password'])
from common import add_extra
add_extra(u.password)
User.objects.filter(username='bob').update(last_name=S['api_key'])
