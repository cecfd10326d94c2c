// koa 3 + koa-logger + @koa/router; app 'error' handler logging ctx.headers with console.error/util.inspect
const S = require('./secrets');
const Koa = require('koa'), logger = require('koa-logger'), Router = require('@koa/router');
const app = new Koa(); const router = new Router();
app.use(logger());
router.get('/oauth/callback', (ctx) => { ctx.body = { ok: true }; });
router.post('/token', (ctx) => { ctx.throw(401, 'invalid refresh token ' + ctx.get('x-refresh-token')); });
router.get('/reset', (ctx) => { console.log('password reset for', ctx.query.email, 'token', ctx.query.token); ctx.body = 'ok'; });
router.get('/crash', (ctx) => { const e = new Error('db down'); e.headers = ctx.headers; throw e; });
app.use(router.routes());
app.on('error', (err, ctx) => { console.error('server error', err.message, ctx.headers); console.error(err); });
const srv = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + srv.address().port;
  await fetch(base + '/oauth/callback?code=' + S.csrf + '&client_secret=' + encodeURIComponent(S.userPassword) + '&access_token=' + S.bearer);
  await fetch(base + '/token', { method: 'POST', headers: { 'x-refresh-token': S.refreshToken } });
  await fetch(base + '/reset?email=bob%40example.com&token=' + S.sessionToken);
  await fetch(base + '/crash', { headers: { authorization: 'Bearer ' + S.jwt, cookie: 'koa.sess=' + S.sessionId + '; koa.sess.sig=' + S.csrf, 'x-api-key': S.stripeKey } });
  srv.close();
});
