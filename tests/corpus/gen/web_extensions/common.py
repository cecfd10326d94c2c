import json, os
HERE = os.path.dirname(os.path.abspath(__file__))
S = json.load(open(os.path.join(HERE, 'secrets.json')))
def derive(kind, value):
    if value is None: return
    if isinstance(value, bytes): value = value.decode('latin-1')
    value = str(value)
    if len(value) < 8: return
    with open(os.path.join(HERE, 'derived.jsonl'), 'a') as f:
        f.write(json.dumps({'kind': kind, 'value': value}) + '\n')
