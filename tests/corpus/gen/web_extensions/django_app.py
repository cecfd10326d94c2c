"""Single-file Django 5 service: DRF + simplejwt(+blacklist) + django-oauth-toolkit + signed_cookies sessions,
AdminEmailHandler via console email backend, DEBUG logging for django.request/security/db.backends/oauthlib."""
import os, sys, json, logging, base64, time
from common import S, derive
import django
from django.conf import settings

LOGGING = {
    'version': 1, 'disable_existing_loggers': False,
    'formatters': {
        'verbose': {'format': '%(asctime)s %(levelname)s [%(name)s:%(lineno)d] %(process)d %(message)s'},
        'withargs': {'format': '%(levelname)s %(name)s %(message)s | args=%(args)s'},
        'reprmsg': {'format': '%(asctime)s %(levelname)s %(name)s %(message)r'},
    },
    'handlers': {
        'console': {'class': 'logging.StreamHandler', 'stream': 'ext://sys.stdout', 'formatter': 'verbose'},
        'sqlconsole': {'class': 'logging.StreamHandler', 'stream': 'ext://sys.stdout', 'formatter': 'withargs'},
        'reprconsole': {'class': 'logging.StreamHandler', 'stream': 'ext://sys.stderr', 'formatter': 'reprmsg'},
        'mail_admins': {'class': 'django.utils.log.AdminEmailHandler', 'level': 'ERROR', 'include_html': False},
    },
    'loggers': {
        'django.request': {'handlers': ['console', 'mail_admins'], 'level': 'DEBUG', 'propagate': False},
        'django.security': {'handlers': ['console', 'mail_admins'], 'level': 'DEBUG', 'propagate': False},
        'django.db.backends': {'handlers': ['sqlconsole'], 'level': 'INFO', 'propagate': False},
        'oauthlib': {'handlers': ['console'], 'level': 'DEBUG', 'propagate': False},
        'oauth2_provider': {'handlers': ['console'], 'level': 'DEBUG', 'propagate': False},
        'orders': {'handlers': ['console'], 'level': 'DEBUG', 'propagate': False},
        'orders.audit': {'handlers': ['reprconsole'], 'level': 'DEBUG', 'propagate': False},
    },
}

settings.configure(
    DEBUG=False,
    SECRET_KEY=S['django_secret_key'],
    ALLOWED_HOSTS=['api.orders.internal', 'testserver', '127.0.0.1', 'localhost'],
    ADMINS=[('Ops', 'ops@example-corp.io')],
    SERVER_EMAIL='django@orders.internal',
    EMAIL_BACKEND='django.core.mail.backends.console.EmailBackend',
    EMAIL_HOST='smtp.sendgrid.net', EMAIL_HOST_USER='apikey', EMAIL_HOST_PASSWORD=S['sendgrid'],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        'django.middleware.security.SecurityMiddleware',
        'django.contrib.sessions.middleware.SessionMiddleware',
        'django.middleware.common.CommonMiddleware',
        'django.middleware.csrf.CsrfViewMiddleware',
        'django.contrib.auth.middleware.AuthenticationMiddleware',
        'django.contrib.messages.middleware.MessageMiddleware',
        __name__ + '.RequestLogMiddleware',
    ],
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions',
                    'django.contrib.messages', 'rest_framework', 'rest_framework_simplejwt.token_blacklist',
                    'oauth2_provider'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': './work/dj.sqlite3'},
               'reporting': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'appdb', 'USER': 'app_user',
                             'PASSWORD': S['pw_db'], 'HOST': 'pg-primary.internal', 'PORT': 5432}},
    SESSION_ENGINE='django.contrib.sessions.backends.signed_cookies',
    TEMPLATES=[{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'APP_DIRS': True, 'DIRS': [],
                'OPTIONS': {'context_processors': ['django.template.context_processors.request',
                                                   'django.contrib.auth.context_processors.auth']}}],
    REST_FRAMEWORK={
        'DEFAULT_AUTHENTICATION_CLASSES': ['rest_framework_simplejwt.authentication.JWTAuthentication',
                                           'oauth2_provider.contrib.rest_framework.OAuth2Authentication',
                                           'rest_framework.authentication.BasicAuthentication'],
        'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.AnonRateThrottle', 'rest_framework.throttling.UserRateThrottle'],
        'DEFAULT_THROTTLE_RATES': {'anon': '4/min', 'user': '6/min'},
    },
    SIMPLE_JWT={'SIGNING_KEY': S['jwt_hs_key'], 'ROTATE_REFRESH_TOKENS': True, 'BLACKLIST_AFTER_ROTATION': True,
                'UPDATE_LAST_LOGIN': True},
    OAUTH2_PROVIDER={'ACCESS_TOKEN_EXPIRE_SECONDS': 3600, 'PKCE_REQUIRED': False},
    CACHES={'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'LOCATION': S['redis_uri']}},
    MONGODB_URI=S['mongo_uri'],
    DYNAMODB={'region': 'eu-west-1', 'aws_access_key_id': S['aws_akid'], 'aws_secret_access_key': S['aws_secret'], 'table': 'orders'},
    SLACK_WEBHOOK_URL=S['slack_webhook'],
    STRIPE_LIVE_SECRET=S['stripe_sk'],
    GITHUB_CREDENTIAL=S['ghp'],
    DATADOG={'api': S['dd_api_key'], 'site': 'datadoghq.eu'},
    LOGGING=LOGGING,
    USE_TZ=True,
    DEFAULT_AUTO_FIELD='django.db.models.AutoField',
)
django.setup()

from django.urls import path, include
from django.http import JsonResponse, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.contrib.auth.models import User
from django.contrib.auth import views as auth_views
from rest_framework.views import APIView
from rest_framework.response import Response
from rest_framework import authentication, exceptions, permissions, serializers
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView, TokenVerifyView, TokenBlacklistView

log = logging.getLogger('orders')
audit = logging.getLogger('orders.audit')

class RequestLogMiddleware:
    def __init__(self, get_response): self.get_response = get_response
    def __call__(self, request):
        body = request.body[:2000]
        log.debug('request %s %s headers=%s', request.method, request.get_full_path(), dict(request.headers))
        if body:
            log.debug('request body: %s', body)
        audit.info('%r', request)
        resp = self.get_response(request)
        log.debug('response %s %s cookies=%s', resp.status_code, resp.get('Content-Type'), resp.cookies.output(header='Set-Cookie:', sep=' | '))
        if resp.get('Content-Type', '').startswith('application/json'):
            log.debug('response body: %s', resp.content[:1500].decode())
        return resp

class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        key = request.META.get('HTTP_X_API_KEY')
        if not key:
            return None
        if key != S['api_key_hex']:
            log.warning('rejecting api key %s from %s', key, request.META.get('REMOTE_ADDR'))
            raise exceptions.AuthenticationFailed('Invalid API key: %s' % key)
        return (User.objects.get(username='svc-reporting'), key)

class OrderSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=12)
    qty = serializers.IntegerField(min_value=1)
    card_token = serializers.CharField()

class OrdersView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    def get(self, request):
        log.info('orders list user=%s auth=%r', request.user, request.auth)
        return Response({'orders': [], 'user': request.user.username})
    def post(self, request):
        ser = OrderSerializer(data=request.data)
        if not ser.is_valid():
            log.warning('invalid order payload %s errors=%s', request.data, ser.errors)
            return Response(ser.errors, status=400)
        return Response({'ok': True})

class KeyAuthView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    def get(self, request):
        return Response({'hello': request.user.username})

class BoomView(APIView):
    permission_classes = [permissions.AllowAny]
    def post(self, request):
        mongo_uri = settings.MONGODB_URI
        stripe_key = settings.STRIPE_LIVE_SECRET
        payload = dict(request.data)
        raise RuntimeError('payment provider rejected charge for %s using %s' % (payload.get('email'), mongo_uri))

@csrf_exempt
def webhook(request):
    sig = request.headers.get('Stripe-Signature')
    if 'v1=' + S['api_key_hex'] not in (sig or ''):
        from django.core.exceptions import SuspiciousOperation
        raise SuspiciousOperation('bad stripe webhook signature %s' % sig)
    return HttpResponse('ok')

def session_view(request):
    request.session['oauth_state'] = S['csrf_token'][:32]
    request.session['github_token'] = S['ghp']
    request.session['stripe_customer'] = 'cus_' + S['session_id'][:14]
    return JsonResponse({'stored': True})

urlpatterns = [
    path('api/token/', TokenObtainPairView.as_view()),
    path('api/token/refresh/', TokenRefreshView.as_view()),
    path('api/token/verify/', TokenVerifyView.as_view()),
    path('api/token/blacklist/', TokenBlacklistView.as_view()),
    path('api/orders/', OrdersView.as_view()),
    path('api/keyauth/', KeyAuthView.as_view()),
    path('api/boom/', BoomView.as_view()),
    path('webhooks/stripe/', webhook),
    path('session/', session_view),
    path('accounts/login/', auth_views.LoginView.as_view(template_name='rest_framework/login.html')),
    path('o/', include('oauth2_provider.urls', namespace='oauth2_provider')),
    path('api-auth/', include('rest_framework.urls')),
]

from django.core.asgi import get_asgi_application
application = get_asgi_application()

def main():
    from django.core.management import call_command
    from django.test import Client
    os.makedirs('./work', exist_ok=True)
    if os.path.exists('./work/dj.sqlite3'):
        os.remove('./work/dj.sqlite3')
    call_command('migrate', verbosity=0)
    logging.getLogger('django.db.backends').setLevel('DEBUG')
    u = User.objects.create_user('alice', 'alice@example-corp.io', S['pw_user'])
    derive('pw_hash', u.password)
    svc = User.objects.create_user('svc-reporting', 'svc@example-corp.io', S['basic_pw'])
    derive('pw_hash', svc.password)
    ou = User.objects.create_user('oauth-user', 'o@example-corp.io', S['pw_oauth_user'])
    derive('pw_hash', ou.password)
    from oauth2_provider.models import Application
    app = Application.objects.create(name='mobile', client_id='mobile-' + S['session_id'][:10], client_secret=S['oauth_app_client_secret'],
                                     client_type='confidential', authorization_grant_type='password', user=ou)
    derive('client_secret_hash', app.client_secret)
    capp = Application.objects.create(name='batch', client_id='batch-' + S['session_id'][10:20], client_secret=S['oauth_client_secret'],
                                      client_type='confidential', authorization_grant_type='client-credentials')
    derive('client_secret_hash', capp.client_secret)

    c = Client(raise_request_exception=False, HTTP_USER_AGENT='orders-mobile/4.2 (iOS 17.4)')
    def j(r):
        try: return r.json()
        except Exception: return {}
    # simplejwt
    r = c.post('/api/token/', {'username': 'alice', 'password': 'wrong' + S['pw_user']}, content_type='application/json')
    r = c.post('/api/token/', {'username': 'alice', 'password': S['pw_user']}, content_type='application/json')
    tok = j(r); derive('jwt_access', tok.get('access')); derive('jwt_refresh', tok.get('refresh'))
    access, refresh = tok.get('access'), tok.get('refresh')
    for i in range(8):
        c.get('/api/orders/?page=%d' % i, HTTP_AUTHORIZATION='Bearer ' + access)
    derive('card_token', 'tok_' + S['stripe_rk'][8:30])
    c.post('/api/orders/', {'sku': 'X' * 20, 'qty': 0, 'card_token': 'tok_' + S['stripe_rk'][8:30]}, content_type='application/json',
           HTTP_AUTHORIZATION='Bearer ' + access)
    r = c.post('/api/token/refresh/', {'refresh': refresh}, content_type='application/json')
    t2 = j(r); derive('jwt_access', t2.get('access')); derive('jwt_refresh', t2.get('refresh'))
    c.post('/api/token/refresh/', {'refresh': refresh}, content_type='application/json')  # blacklisted now
    c.post('/api/token/verify/', {'token': S['jwt_hs256']}, content_type='application/json')
    derive('jwt_tampered', access[:-4] + 'AAAA')
    c.post('/api/token/verify/', {'token': access[:-4] + 'AAAA'}, content_type='application/json')
    c.post('/api/token/blacklist/', {'refresh': t2.get('refresh')}, content_type='application/json')
    c.get('/api/orders/', HTTP_AUTHORIZATION='Bearer ' + S['jwt_rs256'])
    # api key auth
    c.get('/api/keyauth/', HTTP_X_API_KEY=S['api_key_b64'])
    c.get('/api/keyauth/', HTTP_X_API_KEY=S['api_key_hex'])
    # basic auth
    ba = base64.b64encode(('svc-reporting:' + S['basic_pw']).encode()).decode()
    c.get('/api/orders/', HTTP_AUTHORIZATION='Basic ' + ba)
    c.get('/api/orders/', HTTP_AUTHORIZATION='Basic ' + base64.b64encode(('svc-reporting:' + S['pw_admin']).encode()).decode())
    # oauth toolkit password grant + client credentials
    r = c.post('/o/token/', {'grant_type': 'password', 'username': 'oauth-user', 'password': S['pw_oauth_user'],
                             'client_id': app.client_id, 'client_secret': S['oauth_app_client_secret'], 'scope': 'read write'})
    ot = j(r); derive('oauth_access', ot.get('access_token')); derive('oauth_refresh', ot.get('refresh_token'))
    basic = base64.b64encode((capp.client_id + ':' + S['oauth_client_secret']).encode()).decode()
    r = c.post('/o/token/', {'grant_type': 'client_credentials', 'scope': 'read'}, HTTP_AUTHORIZATION='Basic ' + basic)
    ct = j(r); derive('oauth_access', ct.get('access_token'))
    c.post('/o/token/', {'grant_type': 'password', 'username': 'oauth-user', 'password': S['pw_admin'],
                         'client_id': app.client_id, 'client_secret': S['oauth_app_client_secret']})
    c.post('/o/token/', {'grant_type': 'client_credentials'}, HTTP_AUTHORIZATION='Basic ' + base64.b64encode((capp.client_id + ':' + S['twilio_token']).encode()).decode())
    if ot.get('refresh_token'):
        r = c.post('/o/token/', {'grant_type': 'refresh_token', 'refresh_token': ot['refresh_token'], 'client_id': app.client_id,
                                 'client_secret': S['oauth_app_client_secret']})
        rt = j(r); derive('oauth_access', rt.get('access_token')); derive('oauth_refresh', rt.get('refresh_token'))
        c.get('/api/orders/', HTTP_AUTHORIZATION='Bearer ' + rt.get('access_token', ''))
        c.post('/o/revoke_token/', {'token': rt.get('access_token'), 'client_id': app.client_id, 'client_secret': S['oauth_app_client_secret']})
    c.post('/o/introspect/', {'token': ct.get('access_token', '')}, HTTP_AUTHORIZATION='Bearer ' + ct.get('access_token', ''))
    # session login w/ CSRF (signed cookie sessions)
    cc = Client(enforce_csrf_checks=True, raise_request_exception=False)
    r = cc.get('/accounts/login/')
    csrf = cc.cookies.get('csrftoken').value if cc.cookies.get('csrftoken') else None
    derive('csrf_cookie', csrf)
    cc.post('/accounts/login/', {'username': 'alice', 'password': S['pw_user'], 'csrfmiddlewaretoken': S['csrf_token']})
    r = cc.post('/accounts/login/', {'username': 'alice', 'password': S['pw_user'], 'csrfmiddlewaretoken': csrf, 'next': '/session/'})
    if cc.cookies.get('sessionid'): derive('sessionid', cc.cookies['sessionid'].value)
    r = cc.get('/session/')
    if cc.cookies.get('sessionid'): derive('sessionid', cc.cookies['sessionid'].value)
    cc.get('/api/orders/')
    # tampered signed cookie
    cc.cookies['sessionid'] = cc.cookies['sessionid'].value[:-6] + 'xxxxxx'
    cc.get('/session/')
    # 500 -> AdminEmailHandler technical text
    c.post('/api/boom/', {'email': 'bob@example.com', 'password': S['pw_new'], 'card': S['stripe_rk']}, content_type='application/json',
           HTTP_COOKIE='sessionid=' + S['session_id'] + '; csrftoken=' + S['csrf_token'], HTTP_X_GITHUB_TOKEN=S['github_pat'])
    # DisallowedHost + SuspiciousOperation
    c.get('/api/orders/?access_token=' + S['oauth_access'], HTTP_HOST='orders.attacker.example')
    c.post('/webhooks/stripe/?key=' + S['google_api'], data=json.dumps({'id': 'evt_1', 'secret': S['stripe_sk']}), content_type='application/json',
           HTTP_STRIPE_SIGNATURE='t=1760000000,v1=' + S['twilio_token'])
    c.get('/api/orders/?token=' + S['slack_bot'] + '&debug=1')
    print('django run done', file=sys.stderr)

if __name__ == '__main__':
    main()
