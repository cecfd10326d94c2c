// The debug module's output (DEBUG=express:*,router,…,auth:*): Express 5's own namespaces and app
// namespaces named like credential keys. Not a TTY, so each line starts with an ISO timestamp.
// Planted values come from env SCRUBD_PREFIX_SECRETS (JSON); the output is stderr.
'use strict';
const http = require('http');
const express = require('express');
const debug = require('debug');

const s = JSON.parse(process.env.SCRUBD_PREFIX_SECRETS);
const dAuth = debug('auth:token');
const dSession = debug('session:store');
const dSecrets = debug('secrets:manager');
const dTs = debug('token_service');

const app = express();
app.use(express.json());
app.use((req, res, next) => {
  const h = req.headers.authorization;
  if (!h) dAuth('Authorization header missing for %s %s', req.method, req.url);
  else if (h.startsWith('Bearer expired.')) dAuth('jwt expired: exp=%d token_type: Bearer', 1718000000);
  else dAuth('verified %s token, auth_method=%s, max_tokens=%d', h.split(' ')[0], 'bearer', 4096);
  next();
});
app.get('/api/items/:id', (req, res) => {
  dSession('session_count=%d sort_key=%s primary_key=%s', 3, 'created_at', 'id');
  res.json({ id: req.params.id, token_count: 5, tokenizer_name: 'cl100k_base' });
});
app.post('/api/devices', (req, res) => {
  dTs('registering device %o', req.body);
  dTs('push_token=%s refresh=%s', req.body.push_token, req.body.refresh);
  res.status(201).json({ ok: true });
});
app.post('/rotate', (req, res) => {
  dSecrets('secret rotation scheduled for %s', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2');
  dSecrets('parameter arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key_name updated, deps %s %s', '@auth/core', 'io.jsonwebtoken:jjwt-api:0.12.6');
  dSecrets('placeholders kept: %j', { password: '[FILTERED]', token: '********', secret: '<redacted>', api_key: '[Filtered]' });
  res.json({ ok: true });
});

const server = app.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const call = (method, path, headers, body) => new Promise((resolve) => {
    const data = body ? JSON.stringify(body) : null;
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: Object.assign({ 'content-type': 'application/json' }, headers) }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    if (data) req.write(data);
    req.end();
  });
  for (let i = 0; i < 3; i++) {
    await call('GET', '/api/items/' + i, {});
    await call('GET', '/api/items/' + (10 + i), { authorization: 'Bearer ' + (i === 1 ? 'expired.' : '') + s.token });
  }
  await call('GET', '/api/items/99', { authorization: 'Bearer ' + s.token, 'x-partner-key': s.partner });
  await call('POST', '/api/devices', {}, { platform: 'ios', push_token: s.push, refresh: s.refresh, apiKey: s.apiKey });
  await call('POST', '/rotate', { cookie: 'CSRF_COOKIE=' + s.csrf }, {});
  await call('GET', '/missing/secret', {});
  server.close();
});
