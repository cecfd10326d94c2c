// Validation errors echoing the rejected input, for gen_validation.py (which plants the values in
// env SCRUBD_VALIDATION and captures stdout + stderr). One Express 5 app, driven with fetch:
//   express-validator  validationResult(req).array() / .mapped(): { type, value, msg, path, location }
//                      (value before path), checkExact() unknown fields; logged with console.log
//                      (util.inspect), JSON.stringify, pino
//   joi                ValidationError: message (the pattern rule names the value), util.inspect
//                      (_original, details[].context { value, label, key }), JSON of details, annotate(true)
//   celebrate          CelebrateError (err.details Map of Joi errors) logged by an error middleware,
//                      then celebrate's errors() 400 body
//   zod 4              issues without the input (default), with { reportInput: true }, and a custom
//                      error function using iss.input; prettifyError / treeifyError
//   ajv                errors with and without { verbose: true } (data, parentSchema), errorsText
//   mongoose           document validate(): ValidatorError / ValidationError (util.inspect with
//                      properties, value, path; message; JSON), CastError of findById(token), and
//                      Express 5's default error handler (application.js logerror: console.error(err))
// A middleware logs every 4xx JSON response body. Each request's `log` query parameter picks how the
// route logs the error. Error.stackTraceLimit = 2 keeps traces short.
'use strict';
const util = require('util');
const express = require('express');
const pino = require('pino');
const { body, validationResult, checkExact } = require('express-validator');
const Joi = require('joi');
const { celebrate, errors: celebrateErrors, Segments, isCelebrateError } = require('celebrate');
const { z } = require('zod');
const Ajv = require('ajv');
const mongoose = require('mongoose');

Error.stackTraceLimit = 2;
const s = JSON.parse(process.env.SCRUBD_VALIDATION);
const logger = pino({ base: { service: 'accounts' } });
const ts = () => new Date().toISOString();
const app = express();
app.use(express.json());
app.use((req, res, next) => {
  const json = res.json.bind(res);
  res.json = (b) => {
    if (res.statusCode >= 400 && res.statusCode < 500) console.log(`${ts()} warn: ${req.method} ${req.originalUrl} ${res.statusCode} ${JSON.stringify(b)}`);
    return json(b);
  };
  next();
});

// ---------------------------------------------------------------- express-validator
app.post('/ev/signup',
  body('email').isEmail(),
  body('username').isLength({ min: 3 }).matches(/^[a-z0-9_]+$/),
  body('password').isLength({ min: 12 }).withMessage('password must be at least 12 characters'),
  body('api_key').optional().matches(/^ak_live_[A-Za-z0-9]{32}$/).withMessage('invalid api key'),
  checkExact(),
  (req, res) => {
    const result = validationResult(req);
    if (!result.isEmpty()) {
      const k = req.query.log;
      if (k === 'inspect') console.log('signup validation failed', result.array());
      else if (k === 'json') console.log(JSON.stringify({ level: 'warn', time: ts(), msg: 'signup validation failed', errors: result.array() }));
      else logger.warn({ errors: result.mapped() }, 'signup validation failed');
      return res.status(422).json({ errors: result.array() });
    }
    res.status(201).json({ id: 42 });
  });

// ---------------------------------------------------------------- joi
const loginSchema = Joi.object({
  username: Joi.string().min(3).required(),
  password: Joi.string().min(12).max(128).required(),
  api_key: Joi.string().pattern(/^ak_live_[A-Za-z0-9]{32}$/),
  otp: Joi.string().pattern(/^\d{6}$/),
  country: Joi.string().pattern(/^[A-Z]{2}$/),
});
app.post('/joi/login', (req, res) => {
  const { error } = loginSchema.validate(req.body, { abortEarly: false });
  if (error) {
    const k = req.query.log;
    if (k === 'message') console.warn(`${ts()} login rejected: ${error.message}`);
    else if (k === 'inspect') console.error(error);
    else if (k === 'dir') console.dir(error.details, { depth: null });
    else if (k === 'json') console.log(`${ts()} login rejected ${JSON.stringify(error.details)}`);
    else console.log(`${ts()} login rejected\n${error.annotate(true)}`);
    return res.status(400).json({ error: error.details.map((d) => d.message).join('; ') });
  }
  res.json({ ok: true });
});

// ---------------------------------------------------------------- celebrate
app.post('/celebrate/token', celebrate({
  [Segments.BODY]: Joi.object({
    grant_type: Joi.string().valid('refresh_token', 'client_credentials').required(),
    refresh_token: Joi.string().pattern(/^rt_[A-Za-z0-9_-]{40,}$/),
    client_id: Joi.string().required(),
    client_secret: Joi.string().min(40),
  }),
}, { abortEarly: false }), (req, res) => res.json({ ok: true }));
app.get('/celebrate/me', celebrate({
  [Segments.HEADERS]: Joi.object({ 'x-api-key': Joi.string().length(40).required() }).unknown(),
}), (req, res) => res.json({ id: 42 }));
app.use((err, req, res, next) => {
  if (isCelebrateError(err)) {
    for (const [segment, e] of err.details) console.log(`${ts()} celebrate ${req.method} ${req.path} ${segment}:`, e);
  }
  next(err);
});
app.use(celebrateErrors());

// ---------------------------------------------------------------- zod 4
const Signup = z.object({
  email: z.email(),
  username: z.string().min(3),
  password: z.string().min(12),
  grant_type: z.enum(['authorization_code', 'refresh_token']).optional(),
}).strict();
const KeyIn = z.object({
  api_key: z.string().regex(/^ak_live_[A-Za-z0-9]{32}$/, { error: (iss) => `${iss.input} is not a valid API key` }),
  page: z.coerce.number().int().min(1),
});
app.post('/zod/signup', (req, res) => {
  const report = req.query.report === '1';
  const r = Signup.safeParse(req.body, report ? { reportInput: true } : undefined);
  if (!r.success) {
    const k = req.query.log;
    if (k === 'inspect') console.log(`${ts()} signup invalid:`, r.error.issues);
    else if (k === 'json') console.log(`${ts()} signup invalid: ${JSON.stringify(r.error)}`);
    else console.log(`${ts()} signup invalid:\n${z.prettifyError(r.error)}`);
    return res.status(400).json({ errors: z.treeifyError(r.error) });
  }
  res.status(201).json({ id: 42 });
});
app.post('/zod/keys', (req, res) => {
  const r = KeyIn.safeParse(req.body);
  if (!r.success) {
    logger.warn({ issues: r.error.issues }, 'key rejected');
    return res.status(400).json({ error: r.error.issues.map((i) => i.message).join(', ') });
  }
  res.json({ ok: true });
});

// ---------------------------------------------------------------- ajv
const ajvVerbose = new Ajv({ allErrors: true, verbose: true });
const ajvPlain = new Ajv({ allErrors: true });
const tokenSchema = {
  type: 'object',
  properties: {
    client_id: { type: 'string', minLength: 3 },
    client_secret: { type: 'string', minLength: 40 },
    refresh_token: { type: 'string', pattern: '^rt_[A-Za-z0-9_-]{40,}$' },
    page: { type: 'integer', minimum: 1 },
  },
  required: ['client_id'],
  additionalProperties: false,
};
const vVerbose = ajvVerbose.compile(tokenSchema);
const vPlain = ajvPlain.compile(tokenSchema);
app.post('/ajv/token', (req, res) => {
  const verbose = req.query.verbose === '1';
  const v = verbose ? vVerbose : vPlain;
  if (!v(req.body)) {
    if (req.query.log === 'inspect') {
      console.log(`${ts()} token request invalid`, v.errors);
    } else if (verbose) {
      console.log(`${ts()} token request invalid ${JSON.stringify(v.errors.map(({ parentSchema, ...e }) => e))}`);
    } else {
      console.log(`${ts()} token request invalid ${JSON.stringify(v.errors)}`);
    }
    return res.status(400).json({ error: ajvPlain.errorsText(v.errors) });
  }
  res.json({ ok: true });
});

// ---------------------------------------------------------------- mongoose (validation is client side)
mongoose.set('bufferCommands', false);
const User = mongoose.model('User', new mongoose.Schema({
  email: { type: String, match: /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/ },
  username: { type: String, minlength: 3 },
  password: { type: String, minlength: 12 },
  apiKey: { type: String, match: /^ak_live_[A-Za-z0-9]{32}$/ },
  age: { type: Number, min: 13 },
}));
const Session = mongoose.model('Session', new mongoose.Schema({ userId: String, expiresAt: Date }));
app.post('/mongoose/users', async (req, res, next) => {
  const doc = new User(req.body);
  try {
    await doc.validate();
  } catch (err) {
    const k = req.query.log;
    if (k === 'inspect') console.error(err);
    else if (k === 'message') console.log(`${ts()} error: ${err.message}`);
    else if (k === 'json') console.log(`${ts()} error: ${JSON.stringify(err.errors)}`);
    else return next(err); // Express 5's default handler: console.error(err), 500
    return res.status(422).json({ message: err.message });
  }
  res.status(201).json({ id: String(doc._id) });
});
app.get('/mongoose/sessions/:token', async (req, res) => {
  const sess = await Session.findById(req.params.token); // CastError: the token is no ObjectId
  res.json(sess);
});

// ---------------------------------------------------------------- drive it
async function main() {
  const srv = app.listen(0, '127.0.0.1');
  await new Promise((r) => srv.on('listening', r));
  const base = `http://127.0.0.1:${srv.address().port}`;
  const call = async (method, path, b, headers = {}) => {
    const h = { 'user-agent': 'python-requests/2.32.3', ...headers };
    if (b !== undefined) h['content-type'] = 'application/json';
    const r = await fetch(base + path, { method, headers: h, body: b === undefined ? undefined : JSON.stringify(b) });
    await r.text();
  };
  const names = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const nm = (i) => names[i % names.length];

  const EV = ['inspect', 'json', 'pino'];
  for (const [i, it] of s.ev.entries()) {
    await call('POST', `/ev/signup?log=${EV[i]}`, { email: `${nm(i)}@example.com`, username: nm(i), password: it.short, api_key: it.api_key });
    await call('POST', `/ev/signup?log=${EV[(i + 1) % 3]}`, { email: `${nm(i)}(at)example.com`, username: nm(i).toUpperCase() + ' X', password: '[REDACTED]' });
    await call('POST', `/ev/signup?log=${EV[(i + 2) % 3]}`, { email: `${nm(i)}@example.com`, username: nm(i), password: it.good, session_token: it.session });
  }
  const JOI = [['message', 'inspect', 'json', 'annotate'], ['dir', 'json', 'inspect', 'message']];
  for (const [i, it] of s.joi.entries()) {
    await call('POST', `/joi/login?log=${JOI[i][0]}`, { username: nm(i), password: it.short, api_key: it.api_key });
    await call('POST', `/joi/login?log=${JOI[i][1]}`, { username: 'al', password: it.good, otp: it.code });
    await call('POST', `/joi/login?log=${JOI[i][2]}`, { username: 'al', password: '[REDACTED]', country: 'germany' });
    await call('POST', `/joi/login?log=${JOI[i][3]}`, { username: nm(i), password: it.good, otp: it.token });
  }
  for (const [i, it] of s.celebrate.entries()) {
    await call('POST', '/celebrate/token', { grant_type: 'refresh_token', client_id: 'ios', refresh_token: it.refresh, client_secret: it.secret });
    if (i === 0) await call('GET', '/celebrate/me', undefined, { 'x-api-key': it.api_key });
  }
  for (const [i, it] of s.zod.entries()) {
    // default: issues carry no input; with reportInput they do; a custom message can quote iss.input
    await call('POST', `/zod/signup?log=${i ? 'json' : 'inspect'}`, { email: `${nm(i)}@example`, username: nm(i), password: it.short, remember_token: it.token });
    await call('POST', `/zod/signup?report=1&log=${i ? 'json' : 'inspect'}`, { email: `${nm(i)}@example.com`, username: 'al', password: it.short, grant_type: it.refresh });
    if (i === 0) await call('POST', '/zod/signup?report=1&log=pretty', { email: `${nm(i)}@example`, username: nm(i), password: '[REDACTED]' });
    await call('POST', '/zod/keys', { api_key: it.api_key, page: 'two' });
  }
  for (const [i, it] of s.ajv.entries()) {
    await call('POST', '/ajv/token', { client_id: 'ios', client_secret: it.secret, refresh_token: it.refresh, device_token: it.token });
    await call('POST', `/ajv/token?verbose=1&log=${i ? 'json' : 'inspect'}`, { client_id: 'ios', client_secret: it.secret, refresh_token: it.refresh });
    if (i === 0) await call('POST', '/ajv/token?verbose=1&log=json', { client_id: 'io', page: 0 });
  }
  // how each request's error is logged: [secret values, clean values (the good password passes), age/email/username]
  const MG = [['inspect', 'message', 'json'], ['json', 'default', 'message'], ['default', 'json', 'inspect']];
  for (const [i, it] of s.mongoose.entries()) {
    await call('POST', `/mongoose/users?log=${MG[i][0]}`, { email: `${nm(i)}@example.com`, username: nm(i), password: it.short, apiKey: it.api_key });
    await call('POST', `/mongoose/users?log=${MG[i][1]}`, { email: `${nm(i)}@example.com`, username: nm(i), password: it.good, apiKey: 'ak_live_' + '[REDACTED]' });
    await call('POST', `/mongoose/users?log=${MG[i][2]}`, { email: `${nm(i)}@example`, username: 'al', age: 'ten' });
    if (i % 2 === 0) await call('GET', `/mongoose/sessions/${it.session}`);
  }
  srv.close();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
