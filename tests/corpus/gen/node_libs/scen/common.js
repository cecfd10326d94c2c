// shared: secret sets + a fake upstream (OAuth/token endpoint, vendor-ish API) used by several scenarios
const http = require('http');
const sets = require('../sets.json');
function fakeUpstream() {
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url, 'http://x');
      const send = (code, obj, hdrs = {}) => { res.writeHead(code, { 'content-type': 'application/json', ...hdrs }); res.end(JSON.stringify(obj)); };
      const auth = req.headers.authorization || '';
      if (u.pathname === '/oauth/token') {
        const f = new URLSearchParams(body.startsWith('{') ? JSON.parse(body) : body);
        const s = sets.find((x) => x.oauthClientId === f.get('client_id')) || sets[0];
        if (f.get('client_secret') && f.get('client_secret') !== s.oauthClientSecret) return send(401, { error: 'invalid_client', error_description: 'Client authentication failed for ' + f.get('client_id') });
        if (u.searchParams.get('fail') === '1' || s.idx % 3 === 2) return send(400, { error: 'invalid_grant', error_description: 'refresh token ' + (f.get('refresh_token') || f.get('code')) + ' is expired or revoked' });
        return send(200, { access_token: s.accessToken, token_type: 'Bearer', expires_in: 3599, refresh_token: s.refreshToken, id_token: s.jwt, scope: 'openid email profile' });
      }
      if (u.pathname === '/userinfo') {
        const s = sets.find((x) => auth.includes(x.accessToken));
        if (!s) return send(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
        return send(200, { sub: 'user-' + (1000 + s.idx), email: s.user + '@example.com', name: s.user });
      }
      if (u.pathname.startsWith('/v1/charges')) {
        const key = auth.replace(/^Bearer /, '');
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: ' + key } });
      }
      if (u.pathname === '/search') return send(403, { message: 'api_key ' + u.searchParams.get('api_key') + ' not permitted', request_id: 'req_' + Math.random().toString(36).slice(2, 10) });
      if (u.pathname === '/session') return send(500, { error: 'session store unavailable', cookie: req.headers.cookie }, { 'set-cookie': 'sid=' + encodeURIComponent(sets[0].sessionCookie) + '; Path=/; HttpOnly' });
      if (u.pathname === '/echo') return send(200, { headers: req.headers, body: body.slice(0, 300) });
      send(404, { error: 'not found', path: u.pathname });
    });
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ srv, base: 'http://127.0.0.1:' + srv.address().port })));
}
module.exports = { sets, fakeUpstream };
