// Mints the jsonwebtoken (Node) tokens of tests/jwt/tokens.json, the way an Express app calls
// jsonwebtoken. Prints a JSON list of entries (see run.sh); argv[2] is T0 (see mint.py).
'use strict';
const crypto = require('crypto');
const jwt = require('jsonwebtoken');

const T0 = Number(process.argv[2]);
const LIB = 'jsonwebtoken ' + require('jsonwebtoken/package.json').version;
const entries = [];
const add = (name, token, findings, secrets, extra = {}) =>
  entries.push({ name, library: LIB, token, findings, weak_key: null, issuer: 'other', secrets: secrets.filter(Boolean), ...extra });
const uid = (p) => p + '-' + crypto.randomBytes(16).toString('hex');
const randKey = () => crypto.randomBytes(64);
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const claims = (sub) => ({ sub, iat: T0 });

let sub = uid('user');
add('jsonwebtoken-alg-none', jwt.sign(claims(sub), null, { algorithm: 'none', expiresIn: '1h' }), ['alg_none'], [sub]);

sub = uid('user');
add('jsonwebtoken-no-exp', jwt.sign(claims(sub), randKey()), ['no_exp'], [sub]);

sub = uid('user');
add('jsonwebtoken-90-days', jwt.sign(claims(sub), randKey(), { expiresIn: '90d' }), ['long_lifetime'], [sub]);

sub = uid('user');
const x5u = 'https://certs.' + crypto.randomBytes(6).toString('hex') + '.example.net/signing.pem';
add('jsonwebtoken-x5u', jwt.sign(claims(sub), privateKey, { algorithm: 'RS256', expiresIn: '1h', header: { x5u } }),
  ['x5u_header'], [sub, x5u]);

sub = uid('user');
const kid = "k1' UNION SELECT 'attacker-key";
add('jsonwebtoken-kid-sql', jwt.sign(claims(sub), randKey(), { expiresIn: '1h', keyid: kid }), ['kid_injection'], [sub, kid]);

sub = uid('user');
add('jsonwebtoken-readme-key', jwt.sign(claims(sub), 'shhhhh', { expiresIn: '1h' }), ['weak_hmac_key'], [sub],
  { weak_key: 'jsonwebtoken-readme' });

sub = uid('user');
add('jsonwebtoken-express-jwt-readme-key', jwt.sign(claims(sub), 'shhhhhhared-secret', { algorithm: 'HS512', expiresIn: '1h' }),
  ['weak_hmac_key'], [sub, 'shhhhhhared-secret'], { weak_key: 'express-jwt-readme' });

const text = 'user=' + uid('user') + ';role=admin';
add('jsonwebtoken-string-payload', jwt.sign(text, randKey()), ['malformed'], [text]);

sub = uid('user');
add('jsonwebtoken-hs256-random-key-clean', jwt.sign(claims(sub), randKey(), { expiresIn: '1h', issuer: 'https://orders.example.com/' }),
  [], [sub], { issuer: 'https://orders.example.com/' });

process.stdout.write(JSON.stringify(entries, null, 1));
