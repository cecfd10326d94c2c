// Real Express app with morgan('combined'), pino-http and console.log/util.inspect dumps.
// stdout is the captured log; planted secrets go to out/express.secrets.json.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const express = require('express');
const morgan = require('morgan');
const pino = require('pino');
const pinoHttp = require('pino-http');
const cookieParser = require('cookie-parser');

const OUT = path.join(__dirname, 'out');
const secrets = [];
const add = (s) => { if (!secrets.includes(s)) secrets.push(s); return s; };
const { ALNUM, rand } = require('./common');
const b64url = (x) => Buffer.from(x).toString('base64url');
function jwtHS256(payload, key) {
  const h = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = b64url(JSON.stringify(payload));
  const sig = crypto.createHmac('sha256', key).update(h + '.' + p).digest('base64url');
  return h + '.' + p + '.' + sig;
}
const uuid = () => crypto.randomUUID();

const cookieSecret = add(rand(40));
const jwtKey = rand(48);
const app = express();
app.use(cookieParser(cookieSecret));
app.use(morgan('combined'));
app.use(pinoHttp({ logger: pino({ level: 'info' }), autoLogging: { ignore: (req) => req.url === '/healthz' } }));

app.post('/login', express.json(), (req, res) => {
  console.log('login body:', req.body);
  const sid = rand(32, ALNUM + '-_');
  res.cookie('connect.sid', sid, { signed: true, httpOnly: true, sameSite: 'lax' });
  res.json({ ok: true });
});
app.get('/api/me', (req, res) => {
  console.log('incoming headers', req.headers);
  res.json({ id: 42, token: null });
});
app.get('/oauth/callback', (req, res) => {
  console.log('oauth callback query: %o', req.query);
  res.redirect('/app');
});
app.get('/app', (req, res) => res.send('app'));
app.get('/healthz', (req, res) => res.send('ok'));
app.get('/reports/*splat', (req, res) => res.type('text/csv').send('a,b\n1,2\n'));
app.get('/api/search', (req, res) => {
  req.log.info({ q: req.query.q, token_count: 5, max_tokens: 4096 }, 'search');
  res.json({ results: [], next_token: null });
});
app.post('/api/upstream', express.json(), (req, res) => {
  const opts = { method: 'POST', url: 'https://api.partner.example/v1/charge', headers: { authorization: 'Bearer ' + req.body.t, 'x-api-key': req.body.k, 'content-type': 'application/json' } };
  console.log('calling upstream', opts);
  console.log(require('util').inspect({ user: 'alice', password: req.body.p, retries: 3 }, { compact: true, breakLength: Infinity }));
  res.status(202).json({ queued: true, request_id: uuid() });
});

const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const presigned = JSON.parse(fs.readFileSync(path.join(OUT, 'presigned.json'), 'utf8'));
  presigned.secrets.forEach(add);
  const uas = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'axios/1.7.2', 'node-fetch/3.3.2'];
  const get = async (p, headers = {}) => {
    const r = await fetch(base + p, { headers: { 'user-agent': uas[Math.floor(Math.random() * 3)], ...headers }, redirect: 'manual' });
    await r.text();
    return r;
  };
  const post = async (p, body, headers = {}) => {
    const r = await fetch(base + p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'user-agent': 'axios/1.7.2', ...headers } });
    await r.text();
    return r;
  };
  let sidCookie = null;
  for (let i = 0; i < 150; i++) {
    const k = i % 10;
    if (k === 0) {
      const at = add(rand(40, ALNUM + '-_'));
      const idt = add(jwtHS256({ iss: 'https://accounts.example.com', sub: String(1000 + i), aud: 'web', iat: 1718000000 + i, exp: 1718003600 + i, email: `u${i}@example.com` }, jwtKey));
      await get(`/oauth/callback?access_token=${at}&id_token=${idt}&token_type=Bearer&expires_in=3600&state=${uuid()}`);
    } else if (k === 1) {
      const r = await post('/login', { username: `carol${i}`, password: add(rand(14, ALNUM + '!#$%*-_')), remember: true });
      const sc = r.headers.get('set-cookie');
      if (sc) { const v = sc.split(';')[0].split('=').slice(1).join('='); add(v); add(decodeURIComponent(v)); sidCookie = v; }
    } else if (k === 2 && sidCookie) {
      const bearer = add(rand(48, ALNUM + '-_.'));
      await get('/api/me', { authorization: 'Bearer ' + bearer, cookie: `connect.sid=${sidCookie}; theme=dark; _ga=GA1.1.${1e9 + i}.${1718000000 + i}`, 'x-request-id': uuid() });
    } else if (k === 3) {
      await get('/api/me', { 'x-request-id': uuid(), accept: 'application/json', 'x-trace-id': crypto.randomBytes(16).toString('hex') });
    } else if (k === 4) {
      const u = new URL(presigned.urls[i % 2]);
      await get(u.pathname + u.search);
    } else if (k === 5) {
      await get('/api/search?q=' + encodeURIComponent(['tokenizer settings', 'reset password', 'sha256 ' + crypto.randomBytes(32).toString('hex')][i % 3]) + '&page=' + i);
    } else if (k === 6) {
      await get('/healthz');
    } else if (k === 7) {
      const key = add('sk_live_' + rand(24));
      await get('/api/search?q=invoices&api_key=' + key, { 'x-api-key': key });
    } else if (k === 8) {
      await post('/api/upstream', { t: add(rand(40, ALNUM + '-_')), k: add('AIza' + rand(35, ALNUM + '-_')), p: add(rand(16, ALNUM + '!#%*')) });
    } else {
      await get('/app?ref=' + uuid() + '&commit=' + crypto.randomBytes(20).toString('hex'));
    }
  }
  fs.writeFileSync(path.join(OUT, 'express.secrets.json'), JSON.stringify(secrets));
  server.close();
  setTimeout(() => process.exit(0), 200);
});
