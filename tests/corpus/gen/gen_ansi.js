// ANSI-coloured Node output for gen_ansi.py (which passes the planted values in env SCRUBD_ANSI and
// captures stdout, or stderr for the debug module). Colour is forced, there is no terminal:
//   inspect  console.log(util.inspect(obj, {colors: true, depth: null, breakLength: Infinity}))
//   debug    the debug module with DEBUG_COLORS=1 (set by gen_ansi.py; %o = util.inspect with colours)
//   pino     pino with pino-pretty as its destination stream, {colorize: true}
'use strict';
const util = require('util');
const crypto = require('crypto');

const s = JSON.parse(process.env.SCRUBD_ANSI);
const mode = process.argv[2];
const uuid = () => crypto.randomUUID();
const hex = (n) => crypto.randomBytes(n).toString('hex');
const show = (o) => console.log(util.inspect(o, { colors: true, depth: null, breakLength: Infinity }));

if (mode === 'inspect') {
  s.inspect.forEach((it, i) => {
    show({ method: 'POST', url: '/api/login', headers: { host: 'api.internal', authorization: 'Bearer ' + it.bearer, cookie: 'connect.sid=' + it.sid + '; _ga=GA1.2.' + (1000000 + i) + '.1731400000', 'content-type': 'application/json' }, body: { username: 'alice', password: it.password } });
    show({ method: 'GET', url: '/api/orders?page=' + (i + 1), headers: { host: 'api.internal', accept: 'application/json', 'x-request-id': uuid(), 'if-none-match': 'W/"' + hex(8) + '"' }, body: {} });
    show({ service: 'billing', config: { region: 'eu-west-1', apiKey: it.api_key, timeoutMs: 3000, retries: 2 } });
    show({ service: 'billing', config: { region: 'eu-west-1', apiKey: '[REDACTED]', timeoutMs: 3000, retries: 2, token_count: 3 } });
    show({ user: { id: 40 + i, email: 'alice@example.com', password: null, passwordChangedAt: new Date(1731400000000 + i * 86400000), mfa: false } });
  });
} else if (mode === 'debug') {
  const debug = require('debug');
  const dAuth = debug('app:auth');
  const dHttp = debug('app:http');
  const dBilling = debug('app:billing');
  s.debug.forEach((it, i) => {
    dAuth('session created %o', { user: 'bob', token: it.token, expiresIn: 3600 });
    dAuth('session created %o', { user: 'bob', sessionId: it.session_id, expiresIn: 3600 });
    dAuth('refreshing with %s', it.refresh);
    dAuth('refresh ok, token_count=%d', 3 + i);
    dHttp('POST /login body=%o', { username: 'dave', password: it.password });
    dHttp('POST /login body=%o', { username: 'dave', password: '[REDACTED]' });
    dBilling('client %O', { baseUrl: 'https://api.billing.example', apiKey: it.api_key });
    dBilling('invoice %s paid, sha256 %s', 'in_' + (100 + i), hex(32));
  });
} else if (mode === 'pino') {
  const pino = require('pino');
  const pretty = require('pino-pretty');
  const logger = pino({ level: 'debug' }, pretty({ colorize: true, sync: true }));
  s.pino.forEach((it, i) => {
    logger.info({ user: 'erin', password: it.password, apiKey: it.api_key }, 'login');
    logger.info({ user: 'erin', password: '[REDACTED]', token_count: 3 + i }, 'login');
    logger.info({ req: { id: i + 1, method: 'GET', url: '/api/me', headers: { host: 'api.internal', authorization: 'Bearer ' + it.bearer, cookie: 'connect.sid=' + it.sid } }, res: { statusCode: 200 }, responseTime: 12 + i }, 'request completed');
    logger.info({ req: { id: i + 100, method: 'GET', url: '/api/orders', headers: { host: 'api.internal', 'x-request-id': uuid() } }, res: { statusCode: 200 }, responseTime: 8 + i }, 'request completed');
    const child = logger.child({ apiKey: it.api_key, component: 'billing' });
    child.warn({ attempt: i + 1 }, 'retrying charge');
    logger.warn({ component: 'billing', attempt: i + 1, keyId: 'key_' + (1000 + i), sha256: hex(32) }, 'retrying charge');
  });
}
