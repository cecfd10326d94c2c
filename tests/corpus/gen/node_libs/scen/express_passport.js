// express 4 + morgan (custom tokens: headers, body) + passport-oauth2 token exchange against fake IdP; DEBUG=express:*,body-parser:*
const express = require('express');
const morgan = require('morgan');
const passport = require('passport');
const OAuth2Strategy = require('passport-oauth2');
const { sets, fakeUpstream } = require('./common');
(async () => {
  const { srv: idp, base: idpBase } = await fakeUpstream();
  const app = express();
  app.use(express.json()); app.use(express.urlencoded({ extended: false }));
  morgan.token('auth', (req) => req.headers.authorization);
  morgan.token('cookie', (req) => req.headers.cookie);
  morgan.token('body', (req) => JSON.stringify(req.body));
  app.use(morgan(':remote-addr - :method :url :status :res[content-length] - :response-time ms auth=":auth" cookie=":cookie" body=:body'));
  app.use(morgan('combined'));
  app.use(passport.initialize());
  for (const s of sets.slice(0, 6)) {
    const strat = new OAuth2Strategy({ authorizationURL: idpBase + '/authorize', tokenURL: idpBase + '/oauth/token', clientID: s.oauthClientId, clientSecret: s.oauthClientSecret, callbackURL: 'http://localhost/cb', state: false },
      (accessToken, refreshToken, params, profile, cb) => { console.log('[passport] verify accessToken=%s refreshToken=%s params=%o', accessToken, refreshToken, params); cb(null, { id: s.user }); });
    passport.use('idp' + s.idx, strat);
  }
  app.get('/auth/:n/callback', (req, res, next) => passport.authenticate('idp' + req.params.n, { session: false }, (err, user, info) => {
    if (err) { console.error('[passport] oauth error', err); return next(err); }
    res.json({ ok: true, user });
  })(req, res, next));
  app.post('/api/login', (req, res) => { if (req.body.password.length > 0) throw Object.assign(new Error('LDAP bind failed for ' + req.body.username), { status: 401 }); });
  app.post('/api/integrations', (req, res) => res.status(201).json({ id: 'int_' + Math.floor(Math.random() * 1e6), saved: Object.keys(req.body) }));
  app.get('/api/me', (req, res) => res.json({ user: 'x' }));
  app.use((err, req, res, next) => { console.error('Unhandled error on %s %s headers=%j body=%j', req.method, req.originalUrl, req.headers, req.body); console.error(err.stack); res.status(err.status || 500).json({ error: err.message }); });
  const server = app.listen(0, '127.0.0.1', async () => {
    const base = 'http://127.0.0.1:' + server.address().port;
    for (const s of sets.slice(0, 6)) {
      await fetch(base + `/auth/${s.idx}/callback?code=${encodeURIComponent(s.authCode)}&state=xyz`);
      await fetch(base + '/api/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: s.user, password: s.password }).toString() });
      await fetch(base + '/api/integrations', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.jwt, cookie: 'connect.sid=' + encodeURIComponent(s.sessionCookie) }, body: JSON.stringify({ provider: 'slack', bot_token: s.slack, signing_secret: s.webhookSecret, aws: { accessKeyId: s.awsKeyId, secretAccessKey: s.awsSecret } }) });
      await fetch(base + '/api/me?api_key=' + s.stripeTest + '&token=' + encodeURIComponent(s.opaque2), { headers: { authorization: 'token ' + s.githubPat } });
    }
    server.close(); idp.close();
  });
})();
