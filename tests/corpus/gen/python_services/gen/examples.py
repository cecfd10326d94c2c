"""Print verbatim examples (input + scrubbed output) per leak class, FP class and fragment class from results.json."""
import json, sys, os
r = json.load(open(os.path.join(os.path.dirname(__file__), '..', 'results.json')))
k = int(sys.argv[1]) if len(sys.argv) > 1 else 3
def show(title, d):
    print(f'##### {title}')
    for c, v in d.items():
        print(f'--- {c}')
        for e in v[:k]:
            print(f'  line {e[0]}' + (f' leaked={e[3]}' if len(e) > 3 else ''))
            print('  IN : ' + e[1]); print('  OUT: ' + e[2])
show('LEAKS', r['ex_leak']); show('FALSE POSITIVES', r['ex_fp']); show('REDACTED BUT FRAGMENT REMAINS', r['ex_partial'])
show('FRAGMENT-ONLY INPUT LINES', {c: v for c, v in r['ex_ok'].items() if c.startswith('FRAGMENT')})
