"""Labels for the held-out Node run (node_libs): each line's generated secrets as they appear,
in measure.js's encodings (plain, URI-, form-, JSON- and twice JSON-escaped, quote-escaped,
twice URI-encoded; pieces of 16+ characters a program cut; `~` as `%7E` as URLSearchParams writes it). A connection string is labelled
by its password and a Slack webhook URL by its token (the host and ids are no secret). Usage: label.py <run dir> <labels.jsonl>."""
import json, os, sys, urllib.parse
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
        j = 0
        while j + 16 <= len(v):
            if v[j:j + 16] in line:
                k = j + 16
                while k < len(v) and v[j:k + 1] in line:
                    k += 1
                if not any(v[j:k] in l for l in labs):
                    labs.add(v[j:k])
                j = k
            else:
                j += 1
    return sorted(labs)
out = [json.dumps(labels(line), ensure_ascii=False) for line in lines]
open(dest, 'w').write('\n'.join(out) + '\n')
print(len(out), sum(1 for o in out if o != '[]'))
