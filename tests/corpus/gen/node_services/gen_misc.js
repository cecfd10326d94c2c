// winston (json + errors({stack:true}) + metadata; simple/printf console format), ioredis (options inspect, auth failures),
// jsonwebtoken verify errors, pino child loggers with redact misconfigured, Sentry-like event objects.
const S = require('./secrets');
const util = require('util'), net = require('net');
const winston = require('winston');
const jwt = require('jsonwebtoken');
const Redis = require('ioredis');
(async () => {
  const wj = winston.createLogger({ level: 'debug', format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()), transports: [new winston.transports.Console()] });
  const ws = winston.createLogger({ level: 'debug', format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.splat(), winston.format.simple()), transports: [new winston.transports.Console()] });
  const wp = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.printf((i) => `${i.timestamp} [${i.level}] ${i.message} ${JSON.stringify(i.meta || {})}`)), transports: [new winston.transports.Console()] });
  wj.info('user login', { user: { email: 'alice@example.com', password: S.userPassword }, ip: '10.0.0.12' });
  wj.debug('outgoing request', { headers: { Authorization: 'Bearer ' + S.bearer, 'X-Api-Key': S.stripeKey }, url: 'https://api.example.com/v1/charges' });
  const err = new Error('Stripe auth failed for key ' + S.stripeKey); err.code = 'api_key_invalid';
  wj.error('payment failed', err);
  wj.error(new Error('token refresh failed: refresh_token=' + S.refreshToken));
  ws.info('config loaded %o', { db: { host: 'db.internal', user: 'app', password: S.mongoPass }, redis: { password: S.redisPass }, jwtSecret: S.jwtSecret });
  ws.warn('github sync using %s', S.ghToken);
  ws.error('session store error', { sid: S.sessionId, cookie: 'connect.sid=' + encodeURIComponent(S.sidSigned) });
  wp.info('aws client init', { meta: { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, region: 'eu-west-1' } });
  wp.info('env dump', { meta: { AWS_ACCESS_KEY_ID: S.awsKeyId, AWS_SECRET_ACCESS_KEY: S.awsSecret, STRIPE_SECRET_KEY: S.stripeKey, DATABASE_URL: `postgres://app:${encodeURIComponent(S.mongoPass)}@db.internal:5432/app`, SLACK_WEBHOOK_URL: S.slackHook } });
  // jsonwebtoken errors
  for (const [tok, key] of [[S.jwt, 'wrong-secret'], [S.jwtBad, S.jwtSecret], [S.jwt.split('.').slice(0, 2).join('.'), S.jwtSecret]]) {
    try { jwt.verify(tok, key); } catch (e) { console.error('jwt verify failed for token %s: %s', tok, e.message); wj.warn('auth rejected', { token: tok, err: e }); }
  }
  try { jwt.verify(S.jwt, S.jwtSecret, { audience: 'billing' }); } catch (e) { console.error(e, { secret: S.jwtSecret }); }
  console.log('decoded', jwt.decode(S.jwt, { complete: true }));
  // ioredis: fake redis that rejects AUTH, options inspect, unhandled error event
  const rsrv = net.createServer((s) => s.on('data', (d) => { const t = d.toString(); if (/AUTH/i.test(t)) s.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n'); else s.write('+OK\r\n'); }));
  await new Promise((ok) => rsrv.listen(0, '127.0.0.1', ok));
  const r = new Redis({ host: '127.0.0.1', port: rsrv.address().port, username: 'default', password: S.redisPass, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  console.log('redis options', util.inspect(r.options, { depth: 1, breakLength: 120 }));
  r.on('error', (e) => console.error('[ioredis] error', e.message));
  const to = (p) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('redis timeout')), 2000))]);
  try { await to(r.connect()); await to(r.get('x')); } catch (e) { console.error('redis connect failed', e); }
  r.disconnect();
  const url = `redis://default:${encodeURIComponent(S.redisPass)}@127.0.0.1:39997/0`;
  console.log('REDIS_URL', url);
  const r2 = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r2.on('error', (e) => console.error('[ioredis] redis2', e.message, r2.options.password));
  try { await to(r2.connect()); } catch (e) { console.error(util.inspect(e)); }
  rsrv.close();
  // Sentry-style event object printed with JSON.stringify (beforeSend debug)
  const event = { event_id: require('crypto').randomBytes(16).toString('hex'), level: 'error', exception: { values: [{ type: 'Error', value: 'Unauthorized' }] },
    request: { url: 'https://app.example.com/api/billing?key=' + S.apiKey, method: 'POST', headers: { Authorization: 'Bearer ' + S.jwt, Cookie: 'connect.sid=' + encodeURIComponent(S.sidSigned) + '; XSRF-TOKEN=' + S.csrf }, data: { password: S.userPassword, card: '4242' } },
    extra: { refreshToken: S.refreshToken, awsSecretAccessKey: S.awsSecret } };
  console.log('[sentry] beforeSend', JSON.stringify(event));
  console.log('[sentry] beforeSend', util.inspect(event, { depth: 5 }));
  process.exit(0);
})();
