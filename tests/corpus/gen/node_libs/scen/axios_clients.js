// axios with request/response interceptors that log config; errors printed with console.error
const axios = require('axios');
const { sets, fakeUpstream } = require('./common');
(async () => {
  const { srv, base } = await fakeUpstream();
  for (const s of sets) {
    const api = axios.create({ baseURL: base, timeout: 2000, headers: { 'X-Api-Key': s.datadog } });
    api.interceptors.request.use((config) => {
      console.log('[http] -> %s %s headers=%j params=%j', config.method.toUpperCase(), config.url, config.headers, config.params || {});
      if (config.data) console.log('[http]    body:', config.data);
      return config;
    });
    api.interceptors.response.use((res) => { console.log('[http] <- %d %s', res.status, res.config.url, res.data); return res; },
      (err) => { console.error('[http] <- ERR', err.message, JSON.stringify(err.response && err.response.data)); return Promise.reject(err); });
    try {
      const tok = await api.post('/oauth/token', new URLSearchParams({ grant_type: 'authorization_code', code: s.authCode, client_id: s.oauthClientId, client_secret: s.oauthClientSecret, redirect_uri: 'http://localhost:3000/cb' }).toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await api.get('/userinfo', { headers: { Authorization: 'Bearer ' + tok.data.access_token } });
    } catch (e) { if (s.idx < 2) console.error(e); else console.error('token exchange failed:', e.toJSON()); }
    try { await api.get('/v1/charges', { headers: { Authorization: 'Bearer ' + s.stripe } }); }
    catch (e) { console.error('stripe call failed', { status: e.response.status, data: e.response.data, headers: e.config.headers }); }
    try { await api.get('/search', { params: { q: 'shoes', api_key: s.google } }); }
    catch (e) { console.error(`search failed: ${e.message} url=${e.request.path}`); if (s.idx === 3) console.error(e); }
    try { await api.post('/echo', { refresh_token: s.refreshToken, client_secret: s.oauthClientSecret }, { auth: { username: s.user, password: s.password } }); } catch (e) { console.error(e); }
  }
  srv.close();
})();
