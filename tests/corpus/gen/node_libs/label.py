"""Labels for the held-out Node run (node_libs): each line's generated secrets as they appear,
in measure.js's encodings (plain, URI-, form-, JSON- and twice JSON-escaped, quote-escaped,
twice URI-encoded; `~` as `%7E` as URLSearchParams writes it), and pieces of 16+ characters a
program cut. A connection string is labelled by its password and a Slack webhook URL by its
token (the host and ids are no secret). Usage: label.py <run dir> <labels.jsonl>."""
import json, os, sys, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from pieces import cut_pieces  # noqa: E402
here, dest = sys.argv[1], os.path.abspath(sys.argv[2])
os.chdir(here)
secrets = json.load(open('secrets.json'))
def enc(v):
    j = json.dumps(v, ensure_ascii=False)[1:-1]
    uri = urllib.parse.quote(v, safe="-_.!~*'()")
    form = urllib.parse.quote_plus(v, safe='-_.*')
    return {v, uri, form, form.replace('~', '%7E'), j, json.dumps(j, ensure_ascii=False)[1:-1],
            v.replace("'", "\\'"), urllib.parse.quote(uri, safe="-_.!~*'()")}
WHOLE = {'mongoUri': None, 'slackWebhook': 'core'}
values = [(s[WHOLE[s['kind']]] if WHOLE[s['kind']] else None) if s['kind'] in WHOLE else s['value'] for s in secrets]
variants = {x for v in values if v for x in enc(v) if len(x) >= 6}
lines = open('holdout.log', encoding='utf-8', errors='surrogateescape').read().split('\n')
if lines[-1] == '':
    lines.pop()
def labels(line):
    labs = {x for x in variants if x in line}
    # What is left of a secret an application cut (a tampered JWT missing its signature's end):
    # its maximal pieces of 16 characters or more.
    for v in values:
        if not v or len(v) < 20 or any(v in l for l in labs):
            continue
        cut_pieces(v, line, 16, labs)
    return sorted(labs)
out = [json.dumps(labels(line), ensure_ascii=False) for line in lines]
open(dest, 'w').write('\n'.join(out) + '\n')
print(len(out), sum(1 for o in out if o != '[]'))
