"""Turn gen/out/NAME.raw.log + NAME.secrets.json into tests/corpus/NAME.log + NAME.labels.jsonl,
then self-check every corpus file."""
import json
import os
import re
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


def _xml_text(s):
    # ElementTree / lxml / xmltodict text nodes
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(s):
    # attribute values (ElementTree, lxml: also the double quote and newlines)
    return _xml_text(s).replace('"', "&quot;").replace("\n", "&#10;")


def _ruby(s):
    # Ruby String#inspect (UTF-8 string): \\ \" and the interpolation starts #{ #$ #@
    out = []
    for i, ch in enumerate(s):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "#" and s[i + 1:i + 2] in ("{", "$", "@"):
            out.append("\\#")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append("\\x%02X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def _shell_sq(s):
    # bash -x / shlex.quote: a single quote inside '...' becomes '\''
    return s.replace("'", "'\\''")


def _yaml_sq(s):
    # YAML single-quoted scalar (PyYAML, Psych): '' for '
    return s.replace("'", "''")


_YAML_ESC = {"\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r",
             "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _yaml_dq(s):
    # YAML double-quoted scalar as PyYAML writes it without allow_unicode: \xE9, \u20AC
    out = []
    for ch in s:
        if ch in _YAML_ESC:
            out.append("\\" + _YAML_ESC[ch])
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append("\\x%02X" % ord(ch))
        elif ord(ch) <= 0xFFFF:
            out.append("\\u%04X" % ord(ch))
        else:
            out.append("\\U%08X" % ord(ch))
    return "".join(out)


TRANSFORMS = [_json, _pyrepr, _bytesrepr, _q, _qslash, _qplus, _xml_text, _xml_attr, _ruby, _shell_sq, _yaml_sq, _yaml_dq]
DEPTH = 3  # e.g. JSON in a JSON string in a JSON string; a bytes repr of a JSON body inside a JSON log line


def _pyformat(s):
    # DB-API "pyformat" escaping: SQLAlchemy echoes a text() statement run through psycopg with % doubled
    return s.replace("%", "%%")


TRANSFORMS.append(_pyformat)


def _gojson(s):
    # Go's encoding/json and Docker's json-file driver (moby jsonlog): JSON escapes plus < > & as
    # \u003c \u003e \u0026
    return _json(s).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


TRANSFORMS.append(_gojson)


def _pino_pretty(s):
    # pino-pretty prints a property as JSON.stringify(value) with every \\ turned back into \
    # (lib/utils/prettify-object.js): the quote stays escaped, the backslash does not
    return _json(s).replace("\\\\", "\\")


TRANSFORMS.append(_pino_pretty)


def _pyrepr_sq(s):
    # Python's repr between single quotes with ' escaped as \': what repr() writes for a string that
    # also holds a double quote (an exception message holding a dict repr, repr'd again), and what
    # celery's saferepr always writes (`args=('dave', 'wz{xSZh]\'ON4')` in `celery events`)
    return repr('"' + s)[2:-1]


TRANSFORMS.append(_pyrepr_sq)

# An ANSI SGR sequence (ESC [ ... m), raw or as JSON / Python repr / shell escapes write the ESC.
# Colouring loggers (rich's highlighter) can put one inside a secret: `sk\x1b[0m-proj-…`.
_SGR = r"(?:\x1b|\\u001[bB]|\\x1[bB]|\\033|\\e)\[[0-9;]*m"
_SGR_RE = re.compile(_SGR)


def _sgr_split(line, rep):
    """Occurrences of rep in line with SGR sequences between its characters (the whole span)."""
    pat = re.compile(("(?:%s)*" % _SGR).join(re.escape(ch) for ch in rep))
    return [m.group(0) for m in pat.finditer(line)]


def representations(secret):
    level = {secret}
    allreps = set(level)
    for _ in range(DEPTH):
        nxt = set()
        for r in level:
            for t in TRANSFORMS:
                v = t(r)
                if v not in allreps:
                    nxt.add(v)
        allreps |= nxt
        level = nxt
    # a fourth level for the JSON/repr chains only (e.g. the app's JSON in an SNS envelope in an SQS
    # body in botocore's bytes repr of the response, or JSON logged as a string by a JSON logger)
    for r in level:
        for t in (_json, _pyrepr, _bytesrepr):
            allreps.add(t(r))
    return sorted(r for r in allreps if len(r) >= 8)


def _core(secret):
    """The longest run of ASCII letters/digits: no escaping above changes it, so a line without it
    holds no representation of the secret (a fast prefilter)."""
    runs = re.findall(r"[A-Za-z0-9]+", secret)
    return max(runs, key=len) if runs else ""


def _code_occurrences(line, code):
    """A short one-time code (common.Secrets.add_code) with the character on each side of every
    occurrence not inside a longer run of letters/digits (`"839201"`, ` 839201 `): long enough to
    be told from other numbers, and gone from the line once the code is."""
    return [line[max(0, m.start() - 1):m.end() + 1]
            for m in re.finditer(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(code), line)]


# pydantic-core's str(ValidationError) cuts an `input_value` whose repr is longer than 50 characters
# to its first 25 and last 24 characters, quotes included ('sk-proj-A1b2C3d4E5A1b2C3...4E5A1b2C3d4E5A1b2C3d4E5'):
# a secret straddling the cut is labelled as its visible head, the dots and its visible tail.
_PYD_CUT = re.compile(r"(['\"])(.{24})\.\.\.(.{23})\1")


def _cut_spans(line, secret):
    spans = []
    for m in _PYD_CUT.finditer(line):
        head, tail = m.group(2), m.group(3)
        for r in {secret, _pyrepr(secret)}:
            i = max((k for k in range(4, len(r)) if head.endswith(r[:k])), default=0)
            j = max((k for k in range(4, len(r)) if tail.startswith(r[-k:])), default=0)
            if i + j >= 8:
                spans.append((r[:i] if i else "") + "..." + (r[-j:] if j else ""))
    return spans


def label_lines(lines, secrets):
    codes = [s for s in secrets if len(s) < 8]
    reps = [(_core(s), representations(s)) for s in secrets if len(s) >= 8]
    out = []
    for line in lines:
        found = []
        for code in codes:
            for r in _code_occurrences(line, code):
                if r not in found:
                    found.append(r)
        plain = _SGR_RE.sub("", line) if "[" in line else line
        split = plain != line
        for core, rs in reps:
            if core and core not in plain:
                continue
            for r in rs:
                if r in line and r not in found:
                    found.append(r)
                if split and r in plain:
                    for span in _sgr_split(line, r):
                        if span not in found:
                            found.append(span)
        if "..." in line:
            for sec in secrets:
                if len(sec) >= 8:
                    for span in _cut_spans(line, sec):
                        if span not in found:
                            found.append(span)
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
    # a clean line holding a long letters/digits run of a planted secret means a representation
    # label.py does not know (or a secret split over lines): report it, the label would be wrong
    # (not for PEM body lines: a public key or certificate of the same key pair shares their bytes)
    cores = [(s, _core(s)) for s in secrets if len(_core(s)) >= 10 and not re.fullmatch(r"[A-Za-z0-9+/]{64}", s)]
    for i, (line, lab) in enumerate(zip(lines, labels), 1):
        if not lab:
            for s, core in cores:
                if core in line or core in _SGR_RE.sub("", line):
                    print("  WARNING %s:%d: clean line holds part of %r" % (name, i, s))
    used = {r for lab in labels for r in lab}
    used |= {_SGR_RE.sub("", r) for r in used}  # a secret split by colour codes was printed too
    never = [s for s in secrets if not any(r in used for r in representations(s))
             and not any(s in r for r in used if len(s) < 8)
             and not any(_cut_spans(l, s) for l in lines if "..." in l)]
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
    check_only = names[:1] == ["--check"]  # self-check committed files without rebuilding them
    if check_only:
        names = names[1:]
    for n in names if not check_only else ():
        build(n)
    tot = leaky = 0
    for n in names:
        a, b = check(n)
        tot += a
        leaky += b
    print("self-check OK: %d lines, %d leaky" % (tot, leaky))
