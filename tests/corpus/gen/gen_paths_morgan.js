// Express 5 + morgan('combined') serving email-link routes; the paths to request come as JSON on argv[2]
// (gen_access_paths.py plants the tokens). stdout is the captured access log.
'use strict';
const express = require('express');
const morgan = require('morgan');

const app = express();
app.use(morgan('combined'));
app.get('/reset/:uid/set-password/', (req, res) => res.send('set a new password'));
app.get('/reset/:uid/:token/', (req, res) => res.redirect(`/reset/${req.params.uid}/set-password/`));
app.get('/:kind/:token', (req, res, next) => {
  if (!['verify', 'confirm', 'activate', 'magic', 'invite', 'login'].includes(req.params.kind)) return next();
  if (req.params.token.startsWith('x')) return res.status(410).send('link expired');
  res.redirect(req.params.kind === 'login' ? '/dashboard' : '/welcome');
});
app.get('/users/:id/', (req, res) => res.json({ id: Number(req.params.id) }));
app.get('/orders/:month/', (req, res) => res.json({ month: req.params.month, orders: [] }));
app.get('/static/*name', (req, res) => res.type('js').send('/* static */'));
app.get(['/welcome', '/dashboard', '/healthz'], (req, res) => res.send('ok'));

const paths = JSON.parse(process.argv[2]);
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  for (const [p, ua, ref] of paths) {
    const r = await fetch(base + p, { headers: { 'user-agent': ua, ...(ref ? { referer: ref } : {}) } });
    await r.text();
  }
  server.close();
});
