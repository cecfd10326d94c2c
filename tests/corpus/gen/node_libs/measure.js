// Counts secret lines, leaks (full value in any encoding, or >=16-char fragment of a >=20-char secret), false positives.
const fs = require('fs');
const secrets = require('./secrets.json');
const inL = fs.readFileSync('holdout.log', 'utf8').split('\n');
const outL = fs.readFileSync('holdout.scrubbed.log', 'utf8').split('\n');
if (inL.length !== outL.length) { console.error('LINE COUNT MISMATCH', inL.length, outL.length); }
const sources = fs.readFileSync('sources.tsv', 'utf8').trim().split('\n').map((l) => { const [name, start, end, lib] = l.split('\t'); return { name, start: +start, end: +end, lib }; });
const srcOf = (i) => sources.find((s) => i >= s.start && i <= s.end) || { name: '?', lib: '?' };
const enc = (v) => {
  const j = JSON.stringify(v).slice(1, -1);
  return [...new Set([v, encodeURIComponent(v), new URLSearchParams({ a: v }).toString().slice(2), j, JSON.stringify(j).slice(1, -1), v.replace(/'/g, "\\'"), encodeURIComponent(encodeURIComponent(v))])];
};
const full = []; // [variant, secret]
const frag = new Map(); // 16-char window -> secret
for (const s of secrets) {
  for (const v of enc(s.value)) full.push([v, s]);
  if (s.value.length >= 20 && s.core && s.core.length >= 16) {
    for (const c of enc(s.core)) for (let i = 0; i + 16 <= c.length; i++) if (!frag.has(c.slice(i, i + 16))) frag.set(c.slice(i, i + 16), s);
  }
}
full.sort((a, b) => b[0].length - a[0].length);
function hits(line) {
  const found = [];
  for (const [v, s] of full) if (line.includes(v)) found.push({ how: 'full', s, v });
  for (let i = 0; i + 16 <= line.length; i++) { const s = frag.get(line.slice(i, i + 16)); if (s) { found.push({ how: 'fragment', s, v: line.slice(i, i + 16) }); i += 15; } }
  return found;
}
let total = 0, secretLines = 0, leakLines = 0, fullLeak = 0, fragLeak = 0, fpLines = 0, fragOnlyInput = 0;
const leaks = [], fps = [], perKind = {};
for (let i = 0; i < inL.length; i++) {
  const a = inL[i], b = outL[i] ?? '';
  if (a === '' && i === inL.length - 1) continue;
  total++;
  const h = hits(a);
  const isSecret = h.length > 0;
  if (isSecret) {
    secretLines++;
    if (!h.some((x) => x.how === 'full')) fragOnlyInput++;
    for (const k of new Set(h.map((x) => x.s.kind))) { perKind[k] = perKind[k] || { lines: 0, leaked: 0 }; perKind[k].lines++; }
    const hb = hits(b);
    if (hb.length) {
      leakLines++;
      if (hb.some((x) => x.how === 'full')) fullLeak++; else fragLeak++;
      for (const k of new Set(hb.map((x) => x.s.kind))) perKind[k].leaked++;
      leaks.push({ line: i + 1, src: srcOf(i + 1).name, lib: srcOf(i + 1).lib, kinds: [...new Set(hb.map((x) => x.s.kind + ':' + x.how))], leaked: [...new Set(hb.map((x) => x.v))].slice(0, 3), in: a, out: b });
    }
  } else if (a !== b) { fpLines++; fps.push({ line: i + 1, src: srcOf(i + 1).name, lib: srcOf(i + 1).lib, in: a, out: b }); }
}
const summary = { total_lines: total, secret_lines: secretLines, secret_lines_fragment_only_in_input: fragOnlyInput, leaked_lines: leakLines, leaked_full_value: fullLeak, leaked_fragment_only: fragLeak, clean_lines: total - secretLines, false_positive_lines: fpLines, per_kind: perKind };
fs.writeFileSync('leaks.jsonl', leaks.map((x) => JSON.stringify(x)).join('\n') + '\n');
fs.writeFileSync('fps.jsonl', fps.map((x) => JSON.stringify(x)).join('\n') + '\n');
fs.writeFileSync('summary.json', JSON.stringify(summary, null, 1));
console.log(JSON.stringify(summary, null, 1));
