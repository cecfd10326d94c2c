// Shared by the Node generators (as common.py is by the Python ones): random planted secrets.
'use strict';
const crypto = require('crypto');

const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', LOW = 'abcdefghijklmnopqrstuvwxyz', DIG = '0123456789';
const ALNUM = UP + LOW + DIG, URLSAFE = ALNUM + '-_';

// n characters of `alpha` with a letter and a digit, never hex-only (hex strings are ids and
// digests as often as secrets, so the corpus never plants one by chance).
function rand(n, alpha = ALNUM) {
  for (;;) {
    let s = '';
    const b = crypto.randomBytes(n);
    for (let i = 0; i < n; i++) s += alpha[b[i] % alpha.length];
    if (!/^[0-9a-fA-F-]+$/.test(s) && /[0-9]/.test(s) && /[A-Za-z]/.test(s)) return s;
  }
}

module.exports = { UP, LOW, DIG, ALNUM, URLSAFE, rand };
