// got hooks + RequestError printing, superagent errors, node-fetch Request/Response inspection
import got from 'got';
import superagent from 'superagent';
import fetch, { Request } from 'node-fetch';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { sets, fakeUpstream } = require('./common.js');
const { srv, base } = await fakeUpstream();
for (const s of sets.slice(0, 6)) {
  const client = got.extend({ prefixUrl: base, retry: { limit: 0 }, headers: { 'x-api-key': s.sendgrid },
    hooks: {
      beforeRequest: [(o) => console.log('got beforeRequest', o.method, String(o.url), o.headers)],
      afterResponse: [(r) => { console.log('got afterResponse', r.statusCode, r.url, r.body); return r; }],
      beforeError: [(e) => { console.log('got beforeError', e.name, e.code, e.options && e.options.headers); return e; }] } });
  try { await client.post('oauth/token', { form: { grant_type: 'refresh_token', refresh_token: s.refreshToken, client_id: s.oauthClientId, client_secret: s.oauthClientSecret } }).json(); }
  catch (e) { if (s.idx === 2) console.error(e); else console.error('got refresh failed: %s %s', e.message, e.response && e.response.body); }
  try { await client.get('v1/charges', { headers: { authorization: 'Bearer ' + s.openai } }); }
  catch (e) { console.error('got: %s', e.message, e.response.body); }
  try { await client.get('search', { searchParams: { api_key: s.mailgun, q: 'x' } }); }
  catch (e) { console.error('got search error', e.code, e.options.url.href); }

  // superagent
  try {
    await superagent.get(base + '/v1/charges').set('Authorization', 'Bearer ' + s.github).set('Cookie', 'sid=' + encodeURIComponent(s.sessionCookie));
  } catch (e) {
    if (s.idx === 1) console.error(e); else console.error('superagent error: %s status=%d body=%s', e.message, e.status, e.response && e.response.text);
  }
  try { await superagent.post(base + '/oauth/token?fail=1').type('form').send({ grant_type: 'authorization_code', code: s.authCode, client_id: s.oauthClientId, client_secret: s.oauthClientSecret }); }
  catch (e) { console.error('superagent token:', e.response.body, e.response.request.url); }
  try { await superagent.get(base + '/search').query({ api_key: s.twilio }).auth(s.user, s.password); }
  catch (e) { console.error('superagent search', e.status, e.response.req._header); }

  // node-fetch
  const req = new Request(base + '/session', { headers: { authorization: 'Bearer ' + s.jwt, cookie: 'connect.sid=' + encodeURIComponent(s.sessionCookie), 'x-slack-token': s.slack } });
  if (s.idx === 0) console.dir(req, { depth: 5 });
  const r = await fetch(req);
  console.log('node-fetch %s %d', r.url, r.status, Object.fromEntries(r.headers), await r.text());
  const r2 = await fetch(base + '/echo', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'token ' + s.npm }, body: JSON.stringify({ webhook: s.slackWebhook, signing_secret: s.webhookSecret }) });
  console.log('echo response', await r2.json());
}
srv.close();
