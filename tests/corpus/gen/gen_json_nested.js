// pino logs whose message or fields are JSON text holding JSON text (two and three escape levels).
// Secrets come from the Python generator (env SCRUBD_NESTED, a JSON object); stdout is the log.
'use strict';
const pino = require('pino');
const util = require('util');

const s = JSON.parse(process.env.SCRUBD_NESTED);
const log = pino({ level: 'debug', base: { pid: process.pid, hostname: 'billing-7f9c' } });
const child = log.child({ module: 'webhooks' });

// level 2: msg is JSON.stringify of an object that holds a JSON string
const inner = JSON.stringify({ apiKey: s.apiKey, clientSecret: s.clientSecret, note: 'quote " backslash \\ braces {}()[]<>$#@' });
log.info(JSON.stringify({ event: 'partner.linked', payload: inner, token_count: 3 }));
// level 3: that again inside a field value and the msg
const outer = JSON.stringify({ type: 'envelope', body: JSON.stringify({ id: 'evt_1', data: inner }) });
child.info({ raw: outer, auth_method: 'hmac' }, 'received %s', outer);
// a password with quotes/backslashes/unicode at each level
const pw = JSON.stringify({ login_password: s.nasty, db_pass: s.nasty2 });
child.debug({ body: JSON.stringify({ form: pw }) }, 'form body');
child.warn('retry with api_token: %s after 401 (jwt expired)', s.token);
child.info({ headers: { 'x-partner-key': s.partner, cookie: 'CSRF_COOKIE=' + s.csrf + '; theme=dark' } }, JSON.stringify({ note: 'headers logged' }));
// util.inspect of a nested JSON string (single-quoted JS string literal)
child.debug(util.inspect({ payload: inner }, { breakLength: Infinity }));
// clean look-alikes at depth
log.info(JSON.stringify({ event: 'auth.config', payload: JSON.stringify({ auth_provider: 'okta', token_type: 'Bearer', max_tokens: 4096, password: null, api_key: '[FILTERED]', secret: '<redacted>', token: '********' }) }));
log.info(JSON.stringify({ event: 'password reset email sent', payload: JSON.stringify({ password_reset_sent: true, session_count: 2, author: 'token_service' }) }));
log.info({ dep: '@auth/core', coordinates: 'io.jsonwebtoken:jjwt-api:0.12.6', session: 'botocore-session-1795000000' }, 'deps resolved');
log.info(JSON.stringify({ msg: 'Authorization header missing', path: '/v1/hooks', retry: JSON.stringify({ after: 30, reason: 'secret rotation scheduled' }) }));
for (let i = 0; i < 80; i++) {
  log.info(JSON.stringify({ event: 'page.view', payload: JSON.stringify({ path: '/docs/' + i, tokenizer_name: 'cl100k_base', token_count: i, sort_key: 'ts', primary_key: 'id' }) }));
  if (i % 16 === 0) {
    const leak = JSON.stringify({ event: 'token.refresh', payload: JSON.stringify({ refresh: s.refresh[i / 16], token2: s.token2[i / 16] }) });
    child.info({ event: leak }, 'event %d', i);
  }
}
