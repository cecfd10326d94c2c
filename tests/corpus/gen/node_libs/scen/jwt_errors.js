// jsonwebtoken + jose verification failures printed by a typical auth middleware
const jwt = require('jsonwebtoken');
const crypto = require('crypto');
const { sets } = require('./common');
const derived = [];
(async () => {
  const jose = await import('jose');
  for (const s of sets) {
    const wrongKey = crypto.randomBytes(32).toString('base64');
    try { jwt.verify(s.jwt, wrongKey); } catch (e) { console.error('auth: rejecting token %s: %s', s.jwt, e.message); if (s.idx === 0) console.error(e); }
    try { jwt.verify(s.expiredJwt, s.jwtKey); } catch (e) { console.warn('auth: expired token', { token: s.expiredJwt, error: e }); }
    try { jwt.verify(s.jwt.slice(0, -3), s.jwtKey); } catch (e) { console.error(`JsonWebTokenError for Authorization: Bearer ${s.jwt.slice(0, -3)} -> ${e.message}`); }
    console.debug('decoded', jwt.decode(s.jwt, { complete: true }));
    console.log('signing with JWT_SECRET=%s', s.jwtKey);
    const key = new TextEncoder().encode(s.jwtKey);
    try { await jose.jwtVerify(s.expiredJwt, key); } catch (e) { console.error('jose verify failed', e); }
    try { await jose.jwtVerify(s.jwt, new TextEncoder().encode(wrongKey)); } catch (e) { console.error('[jose]', e.code, e.message, 'token=' + s.jwt); }
    const signed = await new jose.SignJWT({ sub: s.user, refresh: s.refreshToken }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('2h').sign(key);
    console.info(JSON.stringify({ level: 'info', msg: 'issued session token', token: signed, user: s.user }));
    derived.push(signed);
  }
  require('fs').writeFileSync(__dirname + '/../logs/derived-jwt.json', JSON.stringify(derived));
})();
