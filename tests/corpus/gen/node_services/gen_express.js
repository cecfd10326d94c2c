// express 5 + express-session (DEBUG=express-session) + passport-jwt (DEBUG=*)
const S = require('./secrets');
const express = require('express'), session = require('express-session'), passport = require('passport');
const { Strategy: JwtStrategy, ExtractJwt } = require('passport-jwt');
const util = require('util');
const app = express();
app.use(express.json());
app.use(session({ secret: S.sessionSecret, resave: false, saveUninitialized: false, genid: () => S.sessionId, name: 'connect.sid' }));
passport.use(new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: S.jwtSecret }, (payload, done) => done(null, { id: payload.sub })));
app.use(passport.initialize());
app.use((req, res, next) => { console.log(`${req.method} ${req.originalUrl} headers=${JSON.stringify(req.headers)}`); next(); });
app.post('/login', (req, res) => { req.session.user = req.body.username; req.session.refreshToken = S.refreshToken; console.log('session after login:', util.inspect(req.session, { depth: 3 })); res.json({ ok: true }); });
app.get('/me', passport.authenticate('jwt', { session: false }), (req, res) => res.json(req.user));
app.get('/profile', (req, res) => { console.log('req.session', req.sessionID, req.session); res.json({ u: req.session.user }); });
app.use((err, req, res, next) => { console.error('unhandled', err); res.status(500).end(); });
const srv = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + srv.address().port;
  const r = await fetch(base + '/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: S.userPassword }) });
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  console.log('login response set-cookie:', r.headers.get('set-cookie'));
  await fetch(base + '/profile', { headers: { cookie } });
  await fetch(base + '/me', { headers: { authorization: 'Bearer ' + S.jwt } });
  await fetch(base + '/me', { headers: { authorization: 'Bearer ' + S.jwtBad } });
  srv.close();
});
