// @hapi/hapi with debug request/log channels, request.log of headers, Boom errors with payload data
const Hapi = require('@hapi/hapi');
const { sets } = require('./common');
(async () => {
  const server = Hapi.server({ host: '127.0.0.1', port: 0, debug: { request: ['error', 'auth', 'implementation', 'debug'], log: ['*'] } });
  server.events.on('response', (request) => console.log(`${request.info.remoteAddress}: ${request.method.toUpperCase()} ${request.url.href} --> ${request.response.statusCode} headers=${JSON.stringify(request.headers)}`));
  server.route({ method: 'POST', path: '/v1/connect', handler: (request, h) => {
    request.log(['debug'], { msg: 'incoming connect', payload: request.payload });
    if (request.payload.dsn && request.payload.dsn.includes('+srv')) throw new Error('MongoParseError: SRV lookup failed for ' + request.payload.dsn);
    return { ok: true };
  } });
  server.route({ method: 'GET', path: '/v1/files/{id}', handler: (request) => { request.log(['auth'], 'token=' + request.query.sig); throw require('@hapi/boom').unauthorized('bad signature ' + request.query.sig); } });
  await server.start();
  server.log(['startup'], { msg: 'started', config: { sessionSecret: sets[0].cookieSecret, db: sets[0].mongoUri } });
  for (const s of sets.slice(0, 6)) {
    await server.inject({ method: 'POST', url: '/v1/connect', headers: { authorization: 'Bearer ' + s.bearer, 'x-api-key': s.google }, payload: { dsn: s.mongoUri, user: s.mongoUser, password: s.mongoPass } });
    await server.inject({ method: 'GET', url: '/v1/files/42?sig=' + encodeURIComponent(s.opaque2) + '&X-Amz-Credential=' + s.awsKeyId, headers: { cookie: 'session=' + s.sessionId } });
  }
  await server.stop();
})();
