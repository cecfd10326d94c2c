#!/usr/bin/env python3
"""Build tests/scanners/NAME{,.ambiguous}.{log,labels.jsonl} from tests/scanners/gen/NAME.cases.

Case-file syntax (UTF-8, one case per line, tabs and backslashes kept literally):

  «secret»         marks a substring that must not survive scrubbing; the markers are removed
                   and the marked text becomes a label of the line. A line without markers is a
                   must-not-detect case (it must come back byte-identical).
  ⟨an36⟩           a random value (deterministic: seeded by the case text), kinds below; used
                   where the scanner's own test generates a random secret of that shape.
  %% text         comment / provenance note (ignored)
  %% section main | ambiguous    where the following cases go
  %% gl IDENT SECRET [all]       gitleaks' utils.GenerateSampleSecrets(IDENT, SECRET): the same
                   key/value syntaxes gitleaks tests every rule with (INI, JSON, YAML, Go, Java,
                   PHP, Python, Makefile, logstash, ...). Without `all`, a rotating subset of 8
                   of the templates is used (vendor formats should not depend on syntax).
  %% gl1 IDENT SECRET            gitleaks' utils.GenerateSampleSecret: `IDENT_api_token = "SECRET"`.

Run from anywhere: python3 tests/scanners/gen/build.py   (writes next to gen/, checks itself)
"""
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

KINDS = {
    "an": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "lc": "abcdefghijklmnopqrstuvwxyz0123456789",
    "uc": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "num": "0123456789",
    "aws": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "anx": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    "bsf": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
}
GEN = re.compile(r"⟨([A-Za-z]+)(\d+)⟩")
LABEL = re.compile(r"«(.*?)»")

# gitleaks cmd/generate/config/utils/generate.go GenerateSampleSecrets (enabled templates, in
# source order). Multi-line templates keep only the line holding the secret: "json - string"
# ({\n "{i}_token": "{s}"\n}) -> its middle line.
GL_TEMPLATES = [
    '{i}Token="{s}"',
    '{i}Token = "{s}"',
    "{i}Token={s}",
    "{i}Token = {s}",
    '    "{i}_token": "{s}"',
    '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
    "{i}_token: {s}",
    "{i}_token: '{s}'",
    '{i}_token: "{s}"',
    'string {i}Token = "{s}";',
    'var {i}Token string = "{s}"',
    '{i}Token := "{s}"',
    "{i}Token := `{s}`",
    'String {i}Token = "{s}";',
    'var {i}Token = "{s}"',
    '${i}Token .= "{s}"',
    "{i}Token = '{s}'",
    '{i}Token = "{s}"',
    'System.setProperty("{I}_TOKEN", "{s}")',
    '  "{i}Token" => "{s}"',
    '{i}_TOKEN = "{s}"',
    '{i}_TOKEN := "{s}"',
    '{i}_TOKEN ::= "{s}"',
    '{i}_TOKEN :::= "{s}"',
    '{i}_TOKEN ?= "{s}"',
]


def rand_value(seed_text, kind, n):
    chars = KINDS[kind]
    rng = random.Random(hashlib.sha256(seed_text.encode()).digest())
    return "".join(rng.choice(chars) for _ in range(n))


def expand_generators(text, seed):
    count = [0]

    def sub(m):
        count[0] += 1
        return rand_value(f"{seed}#{count[0]}", m.group(1), int(m.group(2)))

    return GEN.sub(sub, text)


def parse_case(raw):
    labels = LABEL.findall(raw)
    line = LABEL.sub(lambda m: m.group(1), raw)
    assert "«" not in line and "»" not in line and "⟨" not in line, raw
    for lab in labels:
        assert lab and lab in line, (raw, lab)
    return line, labels


class Builder:
    def __init__(self, name):
        self.name = name
        self.out = {"main": [], "ambiguous": []}
        self.seen = set()
        self.section = "main"
        self.rot = 0
        self.dups = 0

    def add(self, raw, seed):
        raw = expand_generators(raw, seed)
        line, labels = parse_case(raw)
        if line in self.seen:
            self.dups += 1
            return
        self.seen.add(line)
        self.out[self.section].append((line, labels))

    def gl(self, ident, secret, all_templates, seed):
        secret = expand_generators(secret, seed)
        if all_templates:
            temps = GL_TEMPLATES
        else:
            temps = [GL_TEMPLATES[(self.rot + k * 3) % len(GL_TEMPLATES)] for k in range(8)]
            self.rot += 1
        for t in temps:
            s = t.replace("{i}", ident).replace("{I}", ident.upper()).replace("{s}", "«" + secret + "»")
            self.add(s, seed)

    def run(self, path):
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f.read().split("\n"), 1):
                if raw in ("", "%%") or raw.startswith("%% ") and not raw.startswith(("%% section ", "%% gl ", "%% gl1 ")):
                    continue
                seed = f"{self.name}:{raw}"
                if raw.startswith("%% section "):
                    self.section = raw.split()[2]
                    assert self.section in self.out, (path, n)
                elif raw.startswith("%% gl "):
                    parts = raw.split(" ")
                    self.gl(parts[2], parts[3], len(parts) > 4 and parts[4] == "all", seed)
                elif raw.startswith("%% gl1 "):
                    parts = raw.split(" ")
                    secret = expand_generators(parts[3], seed)
                    self.add(f'{parts[2]}_api_token = "«{secret}»"', seed)
                else:
                    assert "\r" not in raw, (path, n)
                    self.add(raw, seed)

    def write(self):
        counts = {}
        for sec, rows in self.out.items():
            base = self.name if sec == "main" else f"{self.name}.ambiguous"
            if not rows:
                continue
            with open(os.path.join(OUT, base + ".log"), "w", encoding="utf-8", newline="\n") as f:
                for line, _ in rows:
                    f.write(line + "\n")
            with open(os.path.join(OUT, base + ".labels.jsonl"), "w", encoding="utf-8", newline="\n") as f:
                for _, labels in rows:
                    f.write(json.dumps(labels, ensure_ascii=False) + "\n")
            det = sum(1 for _, l in rows if l)
            counts[base] = (len(rows), det, len(rows) - det)
            assert len(rows) <= 2000, (base, len(rows))
        return counts


def main():
    names = sys.argv[1:] or sorted(f[:-6] for f in os.listdir(HERE) if f.endswith(".cases"))
    for name in names:
        b = Builder(name)
        b.run(os.path.join(HERE, name + ".cases"))
        for base, (total, det, clean) in b.write().items():
            print(f"{base:32} {total:5} lines  {det:5} detect  {clean:5} not-detect")
        if b.dups:
            print(f"  ({name}: {b.dups} duplicate cases dropped)")
    check()


def check():
    """Every fixture: labels file in step with the log, every label verbatim in its line."""
    for f in sorted(os.listdir(OUT)):
        if not f.endswith(".log"):
            continue
        base = f[:-4]
        lines = open(os.path.join(OUT, f), encoding="utf-8").read().split("\n")
        assert lines[-1] == "", f
        lines = lines[:-1]
        labels = [json.loads(l) for l in open(os.path.join(OUT, base + ".labels.jsonl"), encoding="utf-8")]
        assert len(lines) == len(labels), f
        for i, (line, labs) in enumerate(zip(lines, labels), 1):
            for lab in labs:
                assert lab in line, (f, i, lab)


if __name__ == "__main__":
    main()
