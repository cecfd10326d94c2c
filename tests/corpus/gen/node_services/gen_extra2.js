// Third probe batch: cookie-stored sessions (koa-session, cookie-session: base64 JSON cookie values, recorded as derived
// secrets), uncommon credential header names in fastify/pino, axios proxy auth, OAuth implicit-flow fragment, debug %o.
const S = require('./secrets');
const fs = require('fs'), util = require('util'), crypto = require('crypto');
const derived = (name, value) => fs.appendFileSync(__dirname + '/derived.jsonl', JSON.stringify({ name, value }) + '\n');
const shpat = 'shpat_' + crypto.randomBytes(16).toString('hex'); derived('shopifyToken', shpat);
const glpat = 'glpat-' + crypto.randomBytes(15).toString('base64url'); derived('gitlabToken', glpat);
const goog = 'AIza' + crypto.randomBytes(26).toString('base64url').slice(0, 35); derived('googleKey', goog);
const hmacSig = crypto.createHmac('sha256', S.jwtSecret).update('payload').digest('hex'); derived('webhookSig', hmacSig);
(async () => {
  // koa-session (cookie store)
  const Koa = require('koa'), session = require('koa-session').createSession, logger = require('koa-logger');
  const app = new Koa(); app.keys = [S.sessionSecret];
  app.use(logger());
  app.use(session({ key: 'koa.sess' }, app));
  app.use((ctx) => { if (ctx.path === '/login') { ctx.session.user = 'alice'; ctx.session.refreshToken = S.refreshToken; ctx.body = 'ok'; } else { console.log('koa request headers', ctx.headers); ctx.body = ctx.session; } });
  const ks = app.listen(0, '127.0.0.1'); await new Promise((ok) => ks.on('listening', ok));
  const kb = 'http://127.0.0.1:' + ks.address().port;
  const r = await fetch(kb + '/login');
  const setc = r.headers.getSetCookie();
  for (const c of setc) { const v = c.split(';')[0].split('=').slice(1).join('='); derived('koaSessionCookie', v); }
  console.log('koa-session set-cookie', setc);
  await fetch(kb + '/me', { headers: { cookie: setc.map((c) => c.split(';')[0]).join('; ') } });
  ks.close();
  // cookie-session (express)
  const express = require('express'), cookieSession = require('cookie-session');
  const ea = express(); ea.use(cookieSession({ name: 'session', keys: [S.sessionSecret] }));
  ea.get('/login', (req, res) => { req.session.accessToken = S.bearer; req.session.apiKey = S.apiKey; res.end('ok'); });
  ea.get('/me', (req, res) => { console.log(`${new Date().toISOString()} GET /me cookie=${req.headers.cookie}`); res.end('ok'); });
  const es = ea.listen(0, '127.0.0.1'); await new Promise((ok) => es.on('listening', ok));
  const eb = 'http://127.0.0.1:' + es.address().port;
  const r2 = await fetch(eb + '/login'); const sc2 = r2.headers.getSetCookie();
  for (const c of sc2) { const v = c.split(';')[0].split('=').slice(1).join('='); derived('cookieSession', v); }
  console.log('cookie-session set-cookie:', sc2.join(' | '));
  await fetch(eb + '/me', { headers: { cookie: sc2.map((c) => c.split(';')[0]).join('; ') } });
  es.close();
  // fastify/pino with uncommon credential header names
  const Fastify = require('fastify');
  const f = Fastify({ logger: { level: 'info', serializers: { req: (q) => ({ method: q.method, url: q.url, headers: q.headers }) } } });
  f.post('/hooks/:provider', async () => ({}));
  await f.listen({ port: 0, host: '127.0.0.1' });
  const fb = 'http://127.0.0.1:' + f.server.address().port;
  await fetch(fb + '/hooks/shopify', { method: 'POST', headers: { 'x-shopify-access-token': shpat, 'x-shopify-hmac-sha256': hmacSig } });
  await fetch(fb + '/hooks/gitlab', { method: 'POST', headers: { 'private-token': glpat, 'x-gitlab-token': S.csrf } });
  await fetch(fb + '/hooks/google', { method: 'POST', headers: { 'x-goog-api-key': goog, apikey: S.dynApiKey, 'x-session': S.sessionToken } });
  await fetch(fb + '/hooks/proxy', { method: 'POST', headers: { 'proxy-authorization': 'Basic ' + S.basicB64, 'x-hub-signature-256': 'sha256=' + hmacSig } });
  await f.close();
  // axios with proxy auth to a closed port
  const axios = require('axios');
  try { await axios.get('http://api.internal.example/v1/data', { proxy: { protocol: 'http', host: '127.0.0.1', port: 39996, auth: { username: S.basicUser, password: S.basicPass } }, timeout: 2000 }); } catch (e) { console.error('proxy request failed:', util.inspect(e.config.proxy), e.message); }
  // OAuth implicit-flow redirect URL with fragment, logged by debug %o and plain
  const debug = require('debug'); debug.enable('app:*'); const d = debug('app:oauth'); d.log = console.log.bind(console);
  const cb = 'https://app.example.com/callback#access_token=' + S.bearer + '&token_type=Bearer&expires_in=3600&id_token=' + S.jwt;
  d('redirecting to %s', cb);
  d('token response %o', { access_token: S.bearer, refresh_token: S.refreshToken, id_token: S.jwt, expires_in: 3600 });
  d('client %O', { clientId: 'web-app', clientSecret: S.userPassword, redirectUris: ['https://app.example.com/callback'] });
  process.exit(0);
})();
