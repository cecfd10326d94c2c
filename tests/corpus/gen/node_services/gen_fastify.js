// fastify built-in pino logger, level trace, custom req serializer with headers, body logging.
const S = require('./secrets');
const Fastify = require('fastify');
(async () => {
  const app = Fastify({
    logger: {
      level: 'trace',
      serializers: {
        req(req) { return { method: req.method, url: req.url, headers: req.headers, hostname: req.hostname, remoteAddress: req.ip }; },
        res(res) { return { statusCode: res.statusCode, headers: typeof res.getHeaders === 'function' ? res.getHeaders() : {} }; },
      },
    },
  });
  app.addHook('preHandler', async (request) => { if (request.body) request.log.debug({ body: request.body }, 'request body'); });
  app.post('/login', async (request, reply) => {
    request.log.info({ user: request.body.username, password: request.body.password }, 'login attempt');
    reply.header('set-cookie', 'connect.sid=' + encodeURIComponent(S.sidSigned) + '; Path=/; HttpOnly');
    return { access_token: S.jwt, refresh_token: S.jwtRefresh, token_type: 'Bearer' };
  });
  app.get('/api/charge', async (request) => { request.log.trace({ query: request.query }, 'charge query'); return { ok: true }; });
  app.get('/boom', async (request) => { const e = new Error('upstream rejected token ' + request.headers['x-api-key']); e.statusCode = 502; throw e; });
  app.post('/webhook', { schema: { body: { type: 'object', required: ['event'], properties: { event: { type: 'string' } } } } }, async () => ({ ok: 1 }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = 'http://127.0.0.1:' + app.server.address().port;
  await fetch(base + '/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: S.userPassword }) });
  await fetch(base + '/api/charge?api_key=' + S.stripeKey + '&amount=100', { headers: { authorization: 'Bearer ' + S.jwt, cookie: 'connect.sid=' + encodeURIComponent(S.sidSigned) + '; csrftoken=' + S.csrf } });
  await fetch(base + '/boom', { headers: { 'x-api-key': S.apiKey, authorization: 'Basic ' + S.basicB64 } });
  await fetch(base + '/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-token': S.ghToken }, body: JSON.stringify({ token: S.refreshToken }) });
  await fetch(base + '/missing?access_token=' + S.bearer, { headers: { 'x-refresh-token': S.refreshToken } });
  await app.close();
})();
