"""Turn gen/out/NAME.raw.log + NAME.secrets.json into tests/corpus/NAME.log + NAME.labels.jsonl,
then self-check every corpus file."""
import json
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
CORPUS = os.path.dirname(HERE)


def _json(s):
    return json.dumps(s)[1:-1]


def _pyrepr(s):
    r = repr(s)
    return r[1:-1]


def _bytesrepr(s):
    return repr(s.encode("utf-8"))[2:-1]


def _q(s):
    return urllib.parse.quote(s, safe="")


def _qslash(s):
    return urllib.parse.quote(s)


def _qplus(s):
    return urllib.parse.quote_plus(s)


TRANSFORMS = [_json, _pyrepr, _bytesrepr, _q, _qslash, _qplus]


def _pyformat(s):
    # DB-API "pyformat" escaping: SQLAlchemy echoes a text() statement run through psycopg with % doubled
    return s.replace("%", "%%")


TRANSFORMS.append(_pyformat)


def representations(secret):
    level = {secret}
    allreps = set(level)
    for _ in range(2):  # e.g. JSON-escaped twice, URL-encoded then JSON-escaped
        nxt = set()
        for r in level:
            for t in TRANSFORMS:
                nxt.add(t(r))
        allreps |= nxt
        level = nxt
    return sorted(r for r in allreps if len(r) >= 8)


def label_lines(lines, secrets):
    reps = [(s, representations(s)) for s in secrets]
    out = []
    for line in lines:
        found = []
        for _, rs in reps:
            for r in rs:
                if r in line and r not in found:
                    found.append(r)
        # drop a representation that only occurs as part of a longer labelled one
        keep = []
        for r in found:
            rest = line
            for o in found:
                if o != r and r in o:
                    rest = rest.replace(o, "")
            if r in rest:
                keep.append(r)
        out.append(keep)
    return out


def build(name):
    raw = open(os.path.join(OUT, name + ".raw.log"), "rb").read()
    text = raw.decode("utf-8")
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    secrets = json.load(open(os.path.join(OUT, name + ".secrets.json")))
    lines = text.split("\n")[:-1]
    labels = label_lines(lines, secrets)
    with open(os.path.join(CORPUS, name + ".log"), "wb") as f:
        f.write(text.encode("utf-8"))
    with open(os.path.join(CORPUS, name + ".labels.jsonl"), "w", newline="\n") as f:
        for lab in labels:
            f.write(json.dumps(lab) + "\n")
    used = {r for lab in labels for r in lab}
    never = [s for s in secrets if not any(r in used for r in representations(s))]
    print("%-16s %6d lines %5d leaky  (%d planted secrets never printed)" % (
        name, len(lines), sum(1 for l in labels if l), len(never)))


def check(name):
    logb = open(os.path.join(CORPUS, name + ".log"), "rb").read()
    assert logb.endswith(b"\n") and b"\r" not in logb, name
    lines = logb.split(b"\n")[:-1]
    labs = open(os.path.join(CORPUS, name + ".labels.jsonl"), "rb").read().split(b"\n")
    assert labs[-1] == b"", name
    labs = labs[:-1]
    assert len(labs) == len(lines), (name, len(labs), len(lines))
    for i, (line, lab) in enumerate(zip(lines, labs), 1):
        arr = json.loads(lab)
        assert isinstance(arr, list), (name, i)
        for s in arr:
            assert isinstance(s, str) and s.encode() in line, (name, i, s)
    return len(lines), sum(1 for l in labs if l != b"[]")


if __name__ == "__main__":
    names = sys.argv[1:]
    for n in names:
        build(n)
    tot = leaky = 0
    for n in names:
        a, b = check(n)
        tot += a
        leaky += b
    print("self-check OK: %d lines, %d leaky" % (tot, leaky))
